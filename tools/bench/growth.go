package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Targets of issue 20 for a TimeWave store of 100,000 clients.
const (
	targetGrowthStart = time.Second
	targetGrowthRSS   = 250 << 20
	targetGrowthP99x  = 3.0
)

type growthConfig struct {
	vendorctl string
	fixtures  string
	sizes     []int
	conns     []int
	sessions  []int
	duration  time.Duration
	c         int
	starts    int // timed starts of each store size; the report gives their median
	out, png  string
	command   string
}

// growthOps are the TimeWave requests timed at each store size; each is a round-robin of distinct
// targets, so that a page is not simply the one encoded for the request before.
func growthOps(size int) []struct {
	name string
	reqs func(h http.Header) []Request
} {
	many := func(h http.Header, n int, f func(i int) string) []Request {
		out := make([]Request, n)
		for i := range out {
			out[i] = Request{Method: http.MethodGet, Target: "/timewave/v3" + f(i), Header: h}
		}
		return out
	}
	return []struct {
		name string
		reqs func(h http.Header) []Request
	}{
		{"list (default page)", func(h http.Header) []Request {
			return many(h, 50, func(i int) string { return fmt.Sprintf("/clients?page=%d", 1+i*(size/15)/50) })
		}},
		{"list filtered, sorted", func(h http.Header) []Request {
			return many(h, 200, func(i int) string {
				return fmt.Sprintf("/clients?filter[status]=active&filter[id][gt]=%d&sort=-mobile&page[size]=15", 1000+i*size/200)
			})
		}},
		{"get by id", func(h http.Header) []Request {
			return many(h, 500, func(i int) string { return fmt.Sprintf("/clients/%d", 1001+(i*7919)%size) })
		}},
		{"create", func(h http.Header) []Request {
			hh := h.Clone()
			hh.Set("Content-Type", "application/json")
			return []Request{{Method: http.MethodPost, Target: "/timewave/v3/clients", Header: hh,
				Body: []byte(`{"first_name":"Growth","last_name":"Bench","status":"active","email":"growth@example.se"}`)}}
		}},
	}
}

// growthSize is what was measured at one store size.
type growthSize struct {
	clients  int
	ready    time.Duration // median of the timed starts
	readyMax time.Duration
	start    memory // after start-up
	after    memory // after the load
	ops      []growthOp
}

type growthOp struct {
	name string
	res  *Result
}

// growthConn is the mixed scenario, validated, at one number of connections.
type growthConn struct {
	conns int
	res   *Result
}

func runGrowth(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("growth", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg growthConfig
	var sizes, conns, sessions string
	fs.StringVar(&cfg.vendorctl, "vendorctl", "bin/vendorctl", "the vendorctl binary to measure")
	fs.StringVar(&cfg.fixtures, "fixtures", "mocks/timewave/fixtures", "TimeWave's fixtures, the templates of the generated clients")
	fs.StringVar(&sizes, "sizes", "260,10000,100000", "TimeWave store sizes (clients), comma-separated")
	fs.StringVar(&conns, "conns", "1,8,32,128,512", "connection counts of the mixed scenario, comma-separated")
	fs.StringVar(&sessions, "sessions", "1,100,1000,10000", "session counts, ascending, comma-separated")
	fs.DurationVar(&cfg.duration, "d", 2*time.Second, "duration of one measurement")
	fs.IntVar(&cfg.c, "c", 8, "connections of the store-size measurements")
	fs.IntVar(&cfg.starts, "starts", 5, "timed starts of each store size (process start to the first healthy answer); the report gives the median")
	fs.StringVar(&cfg.out, "out", "", "also write the report to this file")
	fs.StringVar(&cfg.png, "png", "", "draw the curves into this PNG file (default: beside --out, growth.png)")
	fs.StringVar(&cfg.command, "command", "", "the command to print in the report (default: this one)")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{code: 2}
	}
	var err error
	if cfg.sizes, err = intList(sizes); err != nil {
		return usageErrorf("--sizes: %v", err)
	}
	if cfg.conns, err = intList(conns); err != nil {
		return usageErrorf("--conns: %v", err)
	}
	if cfg.sessions, err = intList(sessions); err != nil || !slices.IsSorted(cfg.sessions) {
		return usageErrorf("--sessions: want ascending positive counts (%v)", err)
	}
	if cfg.duration <= 0 || cfg.c <= 0 {
		return usageErrorf("-d and -c must be positive")
	}
	if cfg.command == "" {
		cfg.command = "go run ./tools/bench growth " + strings.Join(args, " ")
	}
	if cfg.png == "" && cfg.out != "" {
		cfg.png = filepath.Join(filepath.Dir(cfg.out), "growth.png")
	}
	if _, err := os.Stat(cfg.vendorctl); err != nil {
		return fmt.Errorf("vendorctl binary: %w (run make build)", err)
	}
	started := time.Now()
	var measured []growthSize
	for _, n := range cfg.sizes {
		g, err := measureSize(ctx, cfg, n, stderr)
		if err != nil {
			return fmt.Errorf("%d clients: %w", n, err)
		}
		measured = append(measured, g)
	}
	curve, err := measureConns(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	idle, sess, err := measureSessions(ctx, cfg, stderr)
	if err != nil {
		return fmt.Errorf("sessions: %w", err)
	}
	var share *sessionShare
	if slices.Contains(cfg.sessions, 1) && slices.Contains(cfg.sessions, 100) {
		if share, err = measureSessionShare(ctx, cfg); err != nil {
			return fmt.Errorf("sessions: %w", err)
		}
		fmt.Fprintf(stderr, "bench: growth 1 against 100 sessions on one serve: %.0f %%\n", share.ratio()*100)
	}
	text := growthMarkdown(cfg, measured, curve, idle, sess, share, time.Since(started))
	if cfg.png != "" {
		if err := drawGrowth(cfg.png, measured, curve, sess); err != nil {
			return fmt.Errorf("chart: %w", err)
		}
		text += fmt.Sprintf("\nChart: `%s`.\n", cfg.png)
	}
	fmt.Fprint(stdout, text)
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, []byte(text), 0o644); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	return nil
}

func intList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive number", f)
		}
		out = append(out, n)
	}
	return out, nil
}

// measureSize starts serve on n generated TimeWave clients and times each growth op.
func measureSize(ctx context.Context, cfg growthConfig, n int, log io.Writer) (growthSize, error) {
	dir, err := os.MkdirTemp("", "vendorctl-growth-*")
	if err != nil {
		return growthSize{}, err
	}
	defer os.RemoveAll(dir)
	if err := writeGrowthFixtures(cfg.fixtures, filepath.Join(dir, "timewave"), n); err != nil {
		return growthSize{}, err
	}
	name := fmt.Sprintf("vendorctl (%d clients)", n)
	var readies []time.Duration
	for range cfg.starts - 1 {
		s, _, err := startServe(ctx, cfg, name, 60*time.Second, "--fixtures", dir)
		if err != nil {
			return growthSize{}, err
		}
		readies = append(readies, s.Ready)
		s.stop()
	}
	s, addr, err := startServe(ctx, cfg, name, 60*time.Second, "--fixtures", dir)
	if err != nil {
		return growthSize{}, err
	}
	defer s.stop()
	readies = append(readies, s.Ready)
	g := growthSize{clients: n, ready: medianDuration(readies), readyMax: slices.Max(readies)}
	g.start, _ = s.memory()
	tok, err := clientCredentialsToken(ctx, &http.Client{Timeout: 10 * time.Second}, "http://"+addr+"/timewave/v3/oauth/token")
	if err != nil {
		return growthSize{}, err
	}
	h := http.Header{"Accept": {"application/json"}, "Authorization": {"Bearer " + tok}}
	for _, op := range growthOps(n) {
		res, err := Load(ctx, LoadConfig{Addr: addr, Requests: op.reqs(h), Concurrency: cfg.c, Duration: cfg.duration})
		if err != nil {
			return growthSize{}, err
		}
		if bad := non2xx(res); bad != "" {
			return growthSize{}, fmt.Errorf("%s: %s", op.name, bad)
		}
		fmt.Fprintf(log, "bench: growth %7d clients  %-22s %8.0f req/s  p50 %s ms  p99 %s ms\n", n, op.name, res.RPS(), formatMS(res.P50), formatMS(res.P99))
		g.ops = append(g.ops, growthOp{name: op.name, res: res})
	}
	g.after, _ = s.memory()
	return g, nil
}

// startServe starts cfg's vendorctl serve on a free loopback address with the extra flags, and waits
// at most wait for its first healthy answer; it returns the server and its address.
func startServe(ctx context.Context, cfg growthConfig, name string, wait time.Duration, extra ...string) (*server, string, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, "", err
	}
	argv := append([]string{cfg.vendorctl, "serve", "--addr", addr, "--log-level", "error"}, extra...)
	s, err := startServer(ctx, name, addr, argv, probe{Target: "/__admin/health"}, wait)
	return s, addr, err
}

// measureConns runs the mixed scenario, validated, on the fixtures at each connection count.
func measureConns(ctx context.Context, cfg growthConfig, log io.Writer) ([]growthConn, error) {
	s, addr, err := startServe(ctx, cfg, "vendorctl (connections)", 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer s.stop()
	var out []growthConn
	for _, c := range cfg.conns {
		res, err := runMix(ctx, vendorctlMix(addr), c, cfg.duration)
		if err != nil {
			return nil, fmt.Errorf("mixed scenario, %d connections: %w", c, err)
		}
		if bad := non2xx(res); bad != "" {
			return nil, fmt.Errorf("mixed scenario, %d connections: %s", c, bad)
		}
		fmt.Fprintf(log, "bench: growth mixed %4d connections %8.0f req/s  p50 %s ms  p99 %s ms\n", c, res.RPS(), formatMS(res.P50), formatMS(res.P99))
		out = append(out, growthConn{conns: c, res: res})
	}
	return out, nil
}

// non2xx describes the answers of a run that were not 2xx, or "".
func non2xx(res *Result) string {
	for code := range res.Status {
		if code/100 != 2 {
			return "answers other than 2xx: " + res.StatusSummary()
		}
	}
	if res.Errors > 0 {
		return fmt.Sprintf("%d transport errors, the first: %s", res.Errors, res.FirstError)
	}
	return ""
}

// writeGrowthFixtures writes a TimeWave fixture folder of n clients to dir: the fixture clients again
// and again, each copy with its own id, client number, number, e-mail and address and contact ids.
func writeGrowthFixtures(from, dir string, n int) error {
	data, err := os.ReadFile(filepath.Join(from, "clients.json"))
	if err != nil {
		return err
	}
	var templates []json.RawMessage
	if err := json.Unmarshal(data, &templates); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	if len(templates) == 0 {
		return fmt.Errorf("%s: no clients", from)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	ref, err := os.ReadFile(filepath.Join(from, "reference.json"))
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "reference.json"), ref, 0o644); err != nil {
		return err
	}
	f, err := os.Create(filepath.Join(dir, "clients.json"))
	if err != nil {
		return err
	}
	defer f.Close()
	w := bufio.NewWriter(f)
	w.WriteString("[")
	for i := range n {
		var c map[string]any
		if err := json.Unmarshal(templates[i%len(templates)], &c); err != nil {
			return err
		}
		renumber(c, i)
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		if i > 0 {
			w.WriteString(",\n")
		}
		w.Write(b)
	}
	w.WriteString("]\n")
	if err := w.Flush(); err != nil {
		return err
	}
	return f.Close()
}

// renumber makes a copied client the i-th of the generated store.
func renumber(c map[string]any, i int) {
	id := 1001 + i
	c["id"], c["clientnbr"], c["number"] = id, 10001+i, strconv.Itoa(10001+i)
	if _, ok := c["email"].(string); ok {
		c["email"] = fmt.Sprintf("client%d@example.se", id)
	}
	for j, list := range []string{"addresses", "contacts"} {
		items, _ := c[list].([]any)
		for k, it := range items {
			if m, ok := it.(map[string]any); ok {
				m["id"] = (j+1)*10_000_000 + i*8 + k
				if _, ok := m["client_id"]; ok {
					m["client_id"] = id
				}
			}
		}
	}
}

func growthMarkdown(cfg growthConfig, sizes []growthSize, conns []growthConn, idle memory, sess []growthSessions, share *sessionShare, took time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### Growth, %s\n\nCommand: `%s`\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"), cfg.command)
	fmt.Fprintf(&b, "Machine: %d CPUs (%s), %s/%s, %s; server and load generator share the CPUs (not pinned). "+
		"Store sizes: TimeWave with generated clients (the fixture clients repeated, renumbered; `serve --fixtures DIR`), "+
		"full validation on, %d connections, %s per request kind (Go load generator, each kind a round-robin of distinct targets). Run took %s.\n\n",
		onlineCPUs(), cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version(), cfg.c, cfg.duration, took.Round(time.Second))
	fmt.Fprintf(&b, "Ready: process start to the first healthy answer, median (and max) of %d starts.\n\n", cfg.starts)
	b.WriteString("| clients | ready ms | RSS after start MB | RSS after load MB | peak RSS MB |")
	for _, op := range growthOps(1) {
		fmt.Fprintf(&b, " %s p99 ms (req/s) |", op.name)
	}
	b.WriteString("\n|---:|---:|---:|---:|---:|" + strings.Repeat("---:|", len(growthOps(1))) + "\n")
	for _, g := range sizes {
		fmt.Fprintf(&b, "| %s | %s | %s | %s | %s |", thousands(float64(g.clients)), formatMS(g.ready)+" ("+formatMS(g.readyMax)+")", mb(g.start.RSS), mb(g.after.RSS), mb(g.after.Peak))
		for _, op := range g.ops {
			fmt.Fprintf(&b, " %s (%s) |", formatMS(op.res.P99), thousands(op.res.RPS()))
		}
		b.WriteString("\n")
	}
	b.WriteString("\n| connections (mixed scenario, validated) | req/s | p50 ms | p99 ms | answers |\n|---:|---:|---:|---:|---|\n")
	for _, c := range conns {
		fmt.Fprintf(&b, "| %d | %s | %s | %s | %s |\n", c.conns, thousands(c.res.RPS()), formatMS(c.res.P50), formatMS(c.res.P99), c.res.StatusSummary())
	}
	b.WriteString("\n")
	b.WriteString(sessionsMarkdown(cfg, idle, sess, share))
	b.WriteString("| target | measured | |\n|---|---|---|\n")
	b.WriteString(growthTargets(sizes))
	b.WriteString(sessionsTargets(idle, sess, share))
	return b.String()
}

// growthTargets checks the targets at the largest store against the smallest.
func growthTargets(sizes []growthSize) string {
	if len(sizes) < 2 {
		return ""
	}
	small, big := sizes[0], sizes[len(sizes)-1]
	var b strings.Builder
	fmt.Fprintf(&b, "| ready ≤ %s ms at %s clients | %s ms | %s |\n", formatMS(targetGrowthStart), thousands(float64(big.clients)), formatMS(big.ready), verdict(big.ready <= targetGrowthStart))
	fmt.Fprintf(&b, "| RSS ≤ %s MB at %s clients (after the load) | %s MB | %s |\n", mb(targetGrowthRSS), thousands(float64(big.clients)), mb(big.after.RSS), verdict(big.after.RSS <= targetGrowthRSS))
	for i, op := range big.ops {
		if op.name != "list filtered, sorted" || i >= len(small.ops) {
			continue
		}
		ratio := float64(op.res.P99) / float64(max(small.ops[i].res.P99, time.Microsecond))
		fmt.Fprintf(&b, "| p99 of a filtered, sorted page at %s clients ≤ %.0f× its p99 at %s | %s ms vs %s ms: %.1f× | %s |\n",
			thousands(float64(big.clients)), targetGrowthP99x, thousands(float64(small.clients)), formatMS(op.res.P99), formatMS(small.ops[i].res.P99), ratio, verdict(ratio <= targetGrowthP99x))
	}
	return b.String()
}
