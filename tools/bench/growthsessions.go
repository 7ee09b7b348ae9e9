package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Targets of issue 16 for sessions.
const (
	targetSessionsRSS      = 200 << 20 // 10,000 sessions that each made one read
	targetSessionBytes     = 50 << 10  // a session that has only read
	targetSessionsRPSShare = 0.90      // req/s with 100 active sessions against one
)

// growthSessions is what was measured at one number of sessions.
type growthSessions struct {
	sessions int
	// rss is the server's RSS once every session has made one read, before the load.
	rss memory
	res *Result
}

// sessionRead is the cheap authenticated read (a Vitec Autodata customer) in session id.
func sessionRead(id int) Request {
	return Request{Method: http.MethodGet, Target: fmt.Sprintf("/sessions/s%d/vitecauto/api/customer?companyId=998&customerId=500190", id),
		Header: http.Header{"Accept": {"application/json"}, "x-api-key": {"mock-api-key"}}}
}

// measureSessions measures each count of sessions on a serve of its own (so that no session holds
// more than its one read when the RSS is read): the RSS before any session, the sessions opened with
// one read each, the RSS again, then the load round-robin over them. idle is the first server's RSS
// before any session.
func measureSessions(ctx context.Context, cfg growthConfig, log io.Writer) (idle memory, out []growthSessions, err error) {
	for i, n := range cfg.sessions {
		g, before, err := measureSessionCount(ctx, cfg, n)
		if err != nil {
			return memory{}, nil, fmt.Errorf("%d sessions: %w", n, err)
		}
		if i == 0 {
			idle = before
		}
		fmt.Fprintf(log, "bench: growth %6d sessions RSS %s MB  %8.0f req/s  p50 %s ms  p99 %s ms\n", n, mb(g.rss.RSS), g.res.RPS(), formatMS(g.res.P50), formatMS(g.res.P99))
		out = append(out, g)
	}
	return idle, out, nil
}

func measureSessionCount(ctx context.Context, cfg growthConfig, n int) (growthSessions, memory, error) {
	addr, err := freeAddr()
	if err != nil {
		return growthSessions{}, memory{}, err
	}
	argv := []string{cfg.vendorctl, "serve", "--addr", addr, "--log-level", "error", "--max-sessions", fmt.Sprint(n)}
	s, err := startServer(ctx, fmt.Sprintf("vendorctl (%d sessions)", n), addr, argv, probe{Target: "/__admin/health"}, 10*time.Second)
	if err != nil {
		return growthSessions{}, memory{}, err
	}
	defer s.stop()
	time.Sleep(500 * time.Millisecond) // serve hands the build's garbage back after start-up
	before, _ := s.memory()
	reqs := make([]Request, n)
	for i := range reqs {
		reqs[i] = sessionRead(i)
	}
	res, err := Load(ctx, LoadConfig{Addr: addr, Requests: reqs, Concurrency: cfg.c, Count: n})
	if err != nil {
		return growthSessions{}, memory{}, err
	}
	if bad := non2xx(res); bad != "" {
		return growthSessions{}, memory{}, fmt.Errorf("opening the sessions: %s", bad)
	}
	g := growthSessions{sessions: n}
	g.rss, _ = s.memory()
	if g.res, err = Load(ctx, LoadConfig{Addr: addr, Requests: reqs, Concurrency: cfg.c, Duration: cfg.duration}); err != nil {
		return growthSessions{}, memory{}, err
	}
	if bad := non2xx(g.res); bad != "" {
		return growthSessions{}, memory{}, fmt.Errorf("the load: %s", bad)
	}
	return g, before, nil
}

// sessionsMarkdown is the sessions table and its targets.
func sessionsMarkdown(cfg growthConfig, idle memory, rows []growthSessions) string {
	if len(rows) == 0 {
		return ""
	}
	var b strings.Builder
	fmt.Fprintf(&b, "Sessions: for each count a `vendorctl serve` of its own on the shipped fixtures (RSS %s MB before the first session). "+
		"Each session is opened by one Vitec Autodata read (`/sessions/sN/vitecauto/api/customer`), then the RSS is read; the load is that "+
		"read round-robin over the sessions, validated, %d connections, %s.\n\n", mb(idle.RSS), cfg.c, cfg.duration)
	b.WriteString("| sessions | RSS MB (each made one read) | KB per session over no session | req/s | p50 ms | p99 ms |\n|---:|---:|---:|---:|---:|---:|\n")
	for _, g := range rows {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s |\n", thousands(float64(g.sessions)), mb(g.rss.RSS), perSessionKB(idle, g),
			thousands(g.res.RPS()), formatMS(g.res.P50), formatMS(g.res.P99))
	}
	b.WriteString("\n")
	return b.String()
}

func perSessionKB(idle memory, g growthSessions) string {
	return fmt.Sprintf("%.1f", float64(g.rss.RSS-idle.RSS)/1024/float64(g.sessions))
}

// sessionsTargets are the rows of the target table for sessions (none when a count is missing).
func sessionsTargets(idle memory, rows []growthSessions) string {
	var b strings.Builder
	by := map[int]growthSessions{}
	for _, g := range rows {
		by[g.sessions] = g
	}
	if g, ok := by[10_000]; ok {
		fmt.Fprintf(&b, "| RSS ≤ %s MB with 10 000 sessions that each made one read | %s MB | %s |\n", mb(targetSessionsRSS), mb(g.rss.RSS), verdict(g.rss.RSS <= targetSessionsRSS))
		per := float64(g.rss.RSS-idle.RSS) / float64(g.sessions)
		fmt.Fprintf(&b, "| a session that has only read ≤ %d KB (RSS over no session, per session, at 10 000) | %s KB | %s |\n", targetSessionBytes>>10, perSessionKB(idle, g), verdict(per <= targetSessionBytes))
	}
	one, ok1 := by[1]
	hundred, ok100 := by[100]
	if ok1 && ok100 {
		share := hundred.res.RPS() / max(one.res.RPS(), 1)
		fmt.Fprintf(&b, "| req/s with 100 active sessions ≥ %.0f %% of one session's | %.0f %% (%s against %s) | %s |\n", targetSessionsRPSShare*100, share*100,
			thousands(hundred.res.RPS()), thousands(one.res.RPS()), verdict(share >= targetSessionsRPSShare))
	}
	return b.String()
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}
