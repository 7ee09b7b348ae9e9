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
	s, addr, err := startServe(ctx, cfg, fmt.Sprintf("vendorctl (%d sessions)", n), 10*time.Second, "--max-sessions", fmt.Sprint(n))
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

// shareRounds is how many times measureSessionShare alternates its two loads.
const shareRounds = 5

// sessionShare is the req/s of one server loaded in one session and in 100, alternately: a round
// each, in the order measured.
type sessionShare struct {
	one, hundred []float64
}

// ratio is the median req/s in 100 sessions over the median in one.
func (s *sessionShare) ratio() float64 { return median(s.hundred) / max(median(s.one), 1) }

// measureSessionShare opens 100 sessions on one serve and loads it alternately in the first session
// alone and round-robin in all 100, shareRounds times each: one server and interleaved rounds, so
// that neither count is measured on a server or at a moment that happens to run faster.
func measureSessionShare(ctx context.Context, cfg growthConfig) (*sessionShare, error) {
	s, addr, err := startServe(ctx, cfg, "vendorctl (1 against 100 sessions)", 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	reqs := make([]Request, 100)
	for i := range reqs {
		reqs[i] = sessionRead(i)
	}
	// every session is opened before the rounds, so that no round pays for creating them
	if res, err := Load(ctx, LoadConfig{Addr: addr, Requests: reqs, Concurrency: cfg.c, Count: len(reqs)}); err != nil {
		return nil, err
	} else if bad := non2xx(res); bad != "" {
		return nil, fmt.Errorf("opening the sessions: %s", bad)
	}
	share := &sessionShare{}
	for range shareRounds {
		for _, load := range []struct {
			reqs []Request
			into *[]float64
		}{{reqs[:1], &share.one}, {reqs, &share.hundred}} {
			res, err := Load(ctx, LoadConfig{Addr: addr, Requests: load.reqs, Concurrency: cfg.c, Duration: cfg.duration})
			if err != nil {
				return nil, err
			}
			if bad := non2xx(res); bad != "" {
				return nil, fmt.Errorf("1 against 100 sessions: %s", bad)
			}
			*load.into = append(*load.into, res.RPS())
		}
	}
	return share, nil
}

// sessionsMarkdown is the sessions table and its targets.
func sessionsMarkdown(cfg growthConfig, idle memory, rows []growthSessions, share *sessionShare) string {
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
	if share != nil {
		fmt.Fprintf(&b, "One session against 100 on one serve, %d rounds of each, alternated (req/s, in order): one %s; 100 %s.\n\n",
			shareRounds, joinRPS(share.one), joinRPS(share.hundred))
	}
	return b.String()
}

func joinRPS(vals []float64) string {
	parts := make([]string, len(vals))
	for i, v := range vals {
		parts[i] = thousands(v)
	}
	return strings.Join(parts, ", ")
}

func perSessionKB(idle memory, g growthSessions) string {
	return fmt.Sprintf("%.1f", float64(g.rss.RSS-idle.RSS)/1024/float64(g.sessions))
}

// sessionsTargets are the rows of the target table for sessions (none when a count is missing). The
// share of 100 sessions is share's medians when measured, else the 1 and 100 rows'.
func sessionsTargets(idle memory, rows []growthSessions, share *sessionShare) string {
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
	switch {
	case share != nil:
		fmt.Fprintf(&b, "| req/s with 100 active sessions ≥ %.0f %% of one session's (one serve, medians of %d alternated rounds) | %.0f %% (%s against %s) | %s |\n",
			targetSessionsRPSShare*100, len(share.one), share.ratio()*100, thousands(median(share.hundred)), thousands(median(share.one)), verdict(share.ratio() >= targetSessionsRPSShare))
	case ok1 && ok100:
		ratio := hundred.res.RPS() / max(one.res.RPS(), 1)
		fmt.Fprintf(&b, "| req/s with 100 active sessions ≥ %.0f %% of one session's | %.0f %% (%s against %s) | %s |\n", targetSessionsRPSShare*100, ratio*100,
			thousands(hundred.res.RPS()), thousands(one.res.RPS()), verdict(ratio >= targetSessionsRPSShare))
	}
	return b.String()
}

func verdict(ok bool) string {
	if ok {
		return "met"
	}
	return "**not met**"
}
