package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

type soakConfig struct {
	vendorctl   string
	requests    int
	concurrency int
	checkAt     int
	maxGrowthMB float64
	journalSize int
	seed        uint64
}

// soakFaults are the fault rules of the soak, for every vendor: latency jitter, 429 with Retry-After
// and drifted answers. No 5xx status and no dropped connection, so any 5xx or transport error is a bug.
func soakFaults(api string) []map[string]any {
	return []map[string]any{
		{"api": api, "probability": 0.05, "latencyMs": 1, "latencyJitterMs": 20},
		{"api": api, "probability": 0.02, "status": 429, "retryAfter": 1},
		{"api": api, "probability": 0.01, "drift": "missing-required"},
		{"api": api, "probability": 0.01, "drift": "wrong-type"},
		{"api": api, "probability": 0.01, "drift": "extra-field"},
	}
}

// soakResult is what the soak measured.
type soakResult struct {
	apis     []string
	load     *Result
	samples  []memSample
	journal  int
	growth   int64
	failures []string
}

type memSample struct {
	done int
	mem  memory
}

func runSoak(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("soak", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg soakConfig
	fs.StringVar(&cfg.vendorctl, "vendorctl", "bin/vendorctl", "the vendorctl binary to soak")
	fs.IntVar(&cfg.requests, "n", 100_000, "requests in all")
	fs.IntVar(&cfg.concurrency, "c", 16, "connections")
	fs.IntVar(&cfg.checkAt, "check-at", 20_000, "read the server's memory every this many requests; the first reading is the baseline")
	fs.Float64Var(&cfg.maxGrowthMB, "max-growth-mb", 10, "fail when the RSS grows by more than this from the first reading to the last")
	fs.IntVar(&cfg.journalSize, "journal-size", 1000, "the server's --journal-size")
	fs.Uint64Var(&cfg.seed, "seed", 1, "the server's --seed for fault probabilities")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{code: 2}
	}
	if cfg.requests <= 0 || cfg.concurrency <= 0 || cfg.checkAt <= 0 || cfg.checkAt >= cfg.requests {
		return usageErrorf("-n, -c and --check-at must be positive, --check-at below -n")
	}
	res, err := soak(ctx, cfg, stderr)
	if err != nil {
		return err
	}
	fmt.Fprint(stdout, res.summary(cfg))
	if len(res.failures) > 0 {
		return &exitError{code: 1, msg: "soak failed: " + strings.Join(res.failures, "; ")}
	}
	return nil
}

func soak(ctx context.Context, cfg soakConfig, log io.Writer) (*soakResult, error) {
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	argv := []string{cfg.vendorctl, "serve", "--addr", addr, "--log-level", "error",
		"--journal-size", strconv.Itoa(cfg.journalSize), "--seed", strconv.FormatUint(cfg.seed, 10)}
	srv, err := startServer(ctx, "vendorctl", addr, argv, probe{Target: "/__admin/health"}, 10*time.Second)
	if err != nil {
		return nil, err
	}
	defer srv.stop()
	base := "http://" + addr
	running, err := healthAPIs(ctx, addr)
	if err != nil {
		return nil, err
	}
	known, unknown := pick(running)
	if len(unknown) > 0 {
		fmt.Fprintf(log, "bench: soak: no scenario for %s; it gets no load\n", strings.Join(unknown, ", "))
	}
	res := &soakResult{}
	hc := &http.Client{Timeout: 10 * time.Second}
	tokens := map[string]string{}
	var reqs []Request
	var rules []map[string]any
	for _, sc := range known {
		r, err := sc.vendorctlRequests(ctx, hc, base, true, tokens)
		if err != nil {
			return nil, err
		}
		reqs = append(reqs, r...)
		if !slices.Contains(res.apis, sc.API) {
			rules = append(rules, soakFaults(sc.API)...)
			res.apis = append(res.apis, sc.API)
		}
	}
	if len(reqs) == 0 {
		return nil, fmt.Errorf("vendorctl serves no vendor the soak knows (it serves %v)", running)
	}
	if err := postJSON(ctx, hc, base+"/__admin/faults", rules, http.StatusCreated); err != nil {
		return nil, fmt.Errorf("add fault rules: %w", err)
	}
	fmt.Fprintf(log, "bench: soak: %d requests, %d connections, over %s, faults on\n", cfg.requests, cfg.concurrency, strings.Join(res.apis, ", "))
	var memErr error
	res.load, err = Load(ctx, LoadConfig{
		Addr: addr, Requests: reqs, Concurrency: cfg.concurrency, Count: cfg.requests, Timeout: 30 * time.Second,
		Every: cfg.checkAt,
		Progress: func(done int) {
			m, err := srv.memory()
			if err != nil {
				memErr = err
				return
			}
			res.samples = append(res.samples, memSample{done: done, mem: m})
			fmt.Fprintf(log, "bench: soak: %6d requests, RSS %s MB\n", done, mb(m.RSS))
		},
	})
	if err != nil {
		return nil, err
	}
	if memErr != nil {
		return nil, memErr
	}
	if res.journal, err = journalLen(ctx, hc, base); err != nil {
		return nil, err
	}
	res.check(cfg)
	return res, nil
}

func (res *soakResult) check(cfg soakConfig) {
	if n := res.load.Count5xx(); n > 0 {
		res.failures = append(res.failures, fmt.Sprintf("%d unexpected 5xx answers", n))
	}
	if res.load.Errors > 0 {
		res.failures = append(res.failures, fmt.Sprintf("%d requests got no answer (first: %s)", res.load.Errors, res.load.FirstError))
	}
	if res.load.Requests != cfg.requests {
		res.failures = append(res.failures, fmt.Sprintf("sent %d requests, not %d", res.load.Requests, cfg.requests))
	}
	if len(res.samples) < 2 {
		res.failures = append(res.failures, "fewer than two memory readings")
	} else {
		first, last := res.samples[0], res.samples[len(res.samples)-1]
		res.growth = last.mem.RSS - first.mem.RSS
		if float64(res.growth) > cfg.maxGrowthMB*(1<<20) {
			res.failures = append(res.failures, fmt.Sprintf("RSS grew by %s MB from %d to %d requests (bound %.0f MB)",
				mb(res.growth), first.done, last.done, cfg.maxGrowthMB))
		}
	}
	if res.journal > cfg.journalSize {
		res.failures = append(res.failures, fmt.Sprintf("the journal holds %d entries, more than its size %d", res.journal, cfg.journalSize))
	}
}

func (res *soakResult) summary(cfg soakConfig) string {
	var b strings.Builder
	l := res.load
	fmt.Fprintf(&b, "soak: %d requests over %s in %s (%s req/s), %d connections, faults: latency jitter, 429 + Retry-After, drift\n",
		l.Requests, strings.Join(res.apis, ", "), l.Elapsed.Round(time.Millisecond), thousands(l.RPS()), cfg.concurrency)
	fmt.Fprintf(&b, "answers: %s\n", l.StatusSummary())
	fmt.Fprintf(&b, "latency: p50 %s ms, p99 %s ms, max %s ms\n", formatMS(l.P50), formatMS(l.P99), formatMS(l.Max))
	var trace []string
	for _, s := range res.samples {
		trace = append(trace, fmt.Sprintf("%dk %s MB", s.done/1000, mb(s.mem.RSS)))
	}
	fmt.Fprintf(&b, "RSS: %s; growth %s MB from the first reading to the last (bound %.0f MB); peak %s MB\n",
		strings.Join(trace, ", "), mb(res.growth), cfg.maxGrowthMB, mb(res.peak()))
	fmt.Fprintf(&b, "journal: %d entries kept (size %d)\n", res.journal, cfg.journalSize)
	fmt.Fprintf(&b, "unexpected 5xx: %d, transport errors: %d\n", l.Count5xx(), l.Errors)
	if len(res.failures) == 0 {
		b.WriteString("soak: PASS\n")
	} else {
		fmt.Fprintf(&b, "soak: FAIL: %s\n", strings.Join(res.failures, "; "))
	}
	return b.String()
}

func (res *soakResult) peak() int64 {
	var p int64
	for _, s := range res.samples {
		p = max(p, s.mem.Peak)
	}
	return p
}

func postJSON(ctx context.Context, hc *http.Client, url string, v any, want int) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
		return fmt.Errorf("POST %s: %d %s", url, resp.StatusCode, strings.TrimSpace(string(msg)))
	}
	return nil
}

func journalLen(ctx context.Context, hc *http.Client, base string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+"/__admin/requests", nil)
	if err != nil {
		return 0, err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var j struct {
		Requests []json.RawMessage `json:"requests"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&j); err != nil {
		return 0, fmt.Errorf("decode the journal: %w", err)
	}
	return len(j.Requests), nil
}
