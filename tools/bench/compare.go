package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"
	"time"
)

// The targets of issue #9, on a 2-core machine with the load generator on the same machine.
const (
	targetPrismRatio    = 15.0
	targetValidationPct = 75.0
	targetP99           = 5 * time.Millisecond
	targetReady         = 150 * time.Millisecond
	targetRSS           = 60 << 20
	// targetLoaderPct: the Go load generator's req/s and p99 within this much of wrk's (issue #20), the
	// run-to-run noise of this machine.
	targetLoaderPct = 15.0
)

// Server kinds of the comparison, in report order.
const (
	kindValidated   = "vendorctl"
	kindNoMemo      = "vendorctl --no-response-memo"
	kindUnvalidated = "vendorctl --no-validation"
	kindPrism       = "Prism"
	// kindPrismQuiet is Prism without its log line per request (-v error), about twice as fast.
	kindPrismQuiet = "Prism -v error"
	// kindGoLoader is the validated server loaded by the Go load generator, measured when the run's
	// load generator is wrk, to compare the two.
	kindGoLoader = "vendorctl, Go load generator"
)

// kinds are the server kinds in report order.
var kinds = []string{kindValidated, kindGoLoader, kindNoMemo, kindUnvalidated, kindPrism, kindPrismQuiet}

type compareConfig struct {
	vendorctl   string
	prism       string
	loader      string
	concurrency int
	duration    time.Duration
	warmup      time.Duration
	rounds      int
	starts      int
	out         string
	command     string
	procs       int
	pin         bool
	// cpus is the number of CPUs of the machine, whatever CPUs this process may use.
	cpus int
	// pinned says the servers run on CPU 0 and this process on CPU 1.
	pinned bool
}

func runCompare(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("compare", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg compareConfig
	fs.StringVar(&cfg.vendorctl, "vendorctl", "bin/vendorctl", "the vendorctl binary to measure")
	fs.StringVar(&cfg.prism, "prism", ".bench/prism/node_modules/.bin/prism", "Prism's CLI (prism mock); empty or missing: no Prism column")
	fs.StringVar(&cfg.loader, "loader", "auto", "load generator: go (built in), wrk, or auto (wrk when installed)")
	fs.IntVar(&cfg.concurrency, "c", 32, "connections (requests in flight)")
	fs.DurationVar(&cfg.duration, "d", 3*time.Second, "duration of one measurement")
	fs.DurationVar(&cfg.warmup, "warmup", time.Second, "load before the first measurement of each server and vendor, not counted")
	fs.IntVar(&cfg.rounds, "rounds", 5, "measurements of each server and vendor, interleaved; the report gives medians")
	fs.IntVar(&cfg.starts, "starts", 5, "vendorctl starts timed to the first healthy answer")
	fs.StringVar(&cfg.out, "out", "", "also write the report to this file")
	fs.StringVar(&cfg.command, "command", "", "the command to print in the report (default: this one)")
	fs.IntVar(&cfg.procs, "procs", 0, "GOMAXPROCS of the load generator (0: the Go default, one per CPU)")
	fs.BoolVar(&cfg.pin, "pin", false, "with taskset and 2 CPUs or more: run the servers on CPU 0 and the load generator on CPU 1, so that neither takes the other's time slices")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{code: 2}
	}
	if cfg.concurrency <= 0 || cfg.duration <= 0 || cfg.rounds <= 0 || cfg.starts <= 0 {
		return usageErrorf("-c, -d, --rounds and --starts must be positive")
	}
	if cfg.command == "" {
		cfg.command = "go run ./tools/bench compare " + strings.Join(args, " ")
	}
	cfg.cpus = onlineCPUs()
	if cfg.pin {
		if _, err := exec.LookPath("taskset"); err == nil && cfg.cpus >= 2 {
			if os.Getenv(pinnedEnv) == "" {
				return rerunPinned(ctx, args, stdout, stderr)
			}
			cfg.pinned = true
		} else {
			fmt.Fprintln(stderr, "bench: --pin needs taskset and 2 CPUs: the servers and the load generator share the CPUs")
		}
	}
	if cfg.procs > 0 {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(cfg.procs))
	}
	loader, err := chooseLoader(cfg.loader)
	if err != nil {
		return err
	}
	rep, err := compare(ctx, cfg, loader, stderr)
	if err != nil {
		return err
	}
	text := rep.markdown()
	fmt.Fprint(stdout, text)
	if cfg.out != "" {
		if err := os.WriteFile(cfg.out, []byte(text), 0o644); err != nil {
			return fmt.Errorf("write report: %w", err)
		}
	}
	if bad := rep.badAnswers(); bad != "" {
		return &exitError{code: 1, msg: "the load got answers other than 2xx, the numbers measure the wrong thing: " + bad}
	}
	return nil
}

// row is one server and vendor, measured rounds times.
type row struct {
	api, kind string
	runs      []*Result
}

func (r *row) median(f func(*Result) float64) float64 {
	vals := make([]float64, 0, len(r.runs))
	for _, x := range r.runs {
		vals = append(vals, f(x))
	}
	return median(vals)
}

func (r *row) rps() float64 { return r.median(func(x *Result) float64 { return x.RPS() }) }

// answerBytes is the mean size of an answer's body (wrk: of the whole answer).
func (r *row) answerBytes() float64 {
	var bytes int64
	n := 0
	for _, x := range r.runs {
		bytes += x.BodyBytes
		n += x.Requests - x.Errors
	}
	if n == 0 {
		return 0
	}
	return float64(bytes) / float64(n)
}
func (r *row) p50() time.Duration {
	return time.Duration(r.median(func(x *Result) float64 { return float64(x.P50) }))
}
func (r *row) p99() time.Duration {
	return time.Duration(r.median(func(x *Result) float64 { return float64(x.P99) }))
}

// cpuPerRequest is the server's CPU time per answered request (median over the rounds), or 0.
func (r *row) cpuPerRequest() time.Duration {
	return time.Duration(r.median(func(x *Result) float64 {
		if n := x.Requests - x.Errors; n > 0 {
			return float64(x.ServerCPU) / float64(n)
		}
		return 0
	}))
}

// answers sums the status counts over the rounds.
func (r *row) answers() *Result {
	sum := &Result{Status: map[int]int{}}
	for _, x := range r.runs {
		for c, n := range x.Status {
			sum.Status[c] += n
		}
		sum.Errors += x.Errors
		sum.Loader = x.Loader
	}
	return sum
}

// serverInfo is one server process of the comparison.
type serverInfo struct {
	label   string
	ready   []time.Duration
	mem     memory
	memErr  error
	version string
}

type report struct {
	cfg      compareConfig
	loader   string
	started  time.Time
	elapsed  time.Duration
	apis     []string
	unknown  []string
	rows     []*row
	servers  []*serverInfo
	prismMsg string
}

func compare(ctx context.Context, cfg compareConfig, loader loadFunc, log io.Writer) (*report, error) {
	rep := &report{cfg: cfg, loader: loader.name, started: time.Now()}
	if _, err := os.Stat(cfg.vendorctl); err != nil {
		return nil, fmt.Errorf("vendorctl binary: %w (run make build)", err)
	}
	healthProbe := probe{Target: "/__admin/health"}
	serveArgs := func(addr string, extra ...string) []string {
		return cfg.onServerCPU(append([]string{cfg.vendorctl, "serve", "--addr", addr, "--log-level", "error"}, extra...))
	}

	// Start-up: the time from starting the process to the first healthy answer (every vendor ready).
	startup := &serverInfo{label: "vendorctl start-up (every vendor ready)"}
	for i := 0; i < cfg.starts; i++ {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		// On every CPU, as it runs when nothing else does (a pinned run's own process has only CPU 1).
		s, err := startServer(ctx, "vendorctl", addr, cfg.onAllCPUs(serveArgs(addr)[len(cfg.onServerCPU(nil)):]), healthProbe, 10*time.Second)
		if err != nil {
			return nil, err
		}
		startup.ready = append(startup.ready, s.Ready)
		s.stop()
	}
	fmt.Fprintf(log, "bench: vendorctl ready after %s (median of %d starts)\n", formatMS(medianDuration(startup.ready)), cfg.starts)

	type target struct {
		kind string
		api  string
		srv  *server
		reqs []Request
		// mix, when set, is the mixed scenario (reqs is then empty): always the Go load generator.
		mix *mixTarget
		// loader, when set, replaces the run's load generator.
		loader *loadFunc
		// cpu are the servers whose CPU time the load costs (zero: srv).
		cpu []*server
	}
	load := func(t target, d time.Duration) (*Result, error) {
		if t.mix != nil {
			return runMix(ctx, *t.mix, cfg.concurrency, d)
		}
		if t.loader != nil {
			return t.loader.run(ctx, t.srv.addr, t.reqs, cfg.concurrency, d)
		}
		return loader.run(ctx, t.srv.addr, t.reqs, cfg.concurrency, d)
	}
	measure := func(t target, d time.Duration) (*Result, error) {
		servers := t.cpu
		if servers == nil {
			servers = []*server{t.srv}
		}
		before := totalTicks(servers)
		res, err := load(t, d)
		if err == nil && before >= 0 {
			if after := totalTicks(servers); after >= before {
				res.ServerCPU = time.Duration(after-before) * clockTick
			}
		}
		return res, err
	}
	var targets []target
	var stops []*server
	defer func() {
		for _, s := range stops {
			s.stop()
		}
	}()

	infoOf := map[*server]*serverInfo{}
	for _, kind := range []string{kindValidated, kindNoMemo, kindUnvalidated} {
		addr, err := freeAddr()
		if err != nil {
			return nil, err
		}
		extra := strings.Fields(strings.TrimPrefix(kind, "vendorctl"))
		s, err := startServer(ctx, kind, addr, serveArgs(addr, extra...), healthProbe, 10*time.Second)
		if err != nil {
			return nil, err
		}
		stops = append(stops, s)
		info := &serverInfo{label: kind, ready: []time.Duration{s.Ready}}
		rep.servers = append(rep.servers, info)
		infoOf[s] = info
		running, err := healthAPIs(ctx, addr)
		if err != nil {
			return nil, err
		}
		known, unknown := pick(running)
		if kind == kindValidated {
			rep.unknown = unknown
			for _, sc := range known {
				rep.apis = append(rep.apis, sc.label())
			}
		}
		hc := &http.Client{Timeout: 10 * time.Second}
		tokens := map[string]string{}
		for _, sc := range known {
			reqs, err := sc.vendorctlRequests(ctx, hc, "http://"+addr, false, tokens)
			if err != nil {
				return nil, fmt.Errorf("%s: %w", kind, err)
			}
			targets = append(targets, target{kind: kind, api: sc.label(), srv: s, reqs: reqs})
			if kind == kindValidated && loader.name == "wrk" {
				gl := goLoader()
				targets = append(targets, target{kind: kindGoLoader, api: sc.label(), srv: s, reqs: reqs, loader: &gl})
			}
		}
		if mixRuns(known) {
			// The mixed scenario writes and resets the store (which revokes tokens): its own server.
			maddr, err := freeAddr()
			if err != nil {
				return nil, err
			}
			ms, err := startServer(ctx, kind+" (mixed)", maddr, serveArgs(maddr, extra...), healthProbe, 10*time.Second)
			if err != nil {
				return nil, err
			}
			stops = append(stops, ms)
			minfo := &serverInfo{label: kind + " (mixed scenario)", ready: []time.Duration{ms.Ready}}
			rep.servers = append(rep.servers, minfo)
			infoOf[ms] = minfo
			m := vendorctlMix(maddr)
			targets = append(targets, target{kind: kind, api: mixAPI, srv: ms, mix: &m})
			if kind == kindValidated {
				rep.apis = append(rep.apis, mixAPI)
			}
		}
	}
	if len(rep.apis) == 0 {
		return nil, fmt.Errorf("vendorctl serves no vendor the benchmark knows (it serves %v)", rep.unknown)
	}

	// Prism: one process per spec, the same request on the spec's own paths.
	rep.prismMsg = prismAvailable(cfg.prism)
	if rep.prismMsg == "" {
		prisms := map[string]*server{} // by kind and API: scenarios of one vendor share its Prism
		for _, kind := range []string{kindPrism, kindPrismQuiet} {
			for _, sc := range scenarios() {
				if !slices.Contains(rep.apis, sc.label()) {
					continue
				}
				req := sc.prismRequest()
				s, ok := prisms[kind+"/"+sc.API]
				if !ok {
					addr, err := freeAddr()
					if err != nil {
						return nil, err
					}
					host, port := splitAddr(addr)
					argv := []string{cfg.prism, "mock", "-h", host, "-p", port}
					if kind == kindPrismQuiet {
						argv = append(argv, "-v", "error")
					}
					argv = cfg.onServerCPU(append(argv, sc.Spec))
					fmt.Fprintf(log, "bench: starting %s on %s\n", kind, sc.Spec)
					s, err = startServer(ctx, kind+" "+sc.API, addr, argv, probe{Target: req.Target, Header: req.Header}, 90*time.Second)
					if err != nil {
						return nil, err
					}
					prisms[kind+"/"+sc.API] = s
					stops = append(stops, s)
					info := &serverInfo{label: kind + " " + sc.API, ready: []time.Duration{s.Ready}}
					rep.servers = append(rep.servers, info)
					infoOf[s] = info
				}
				targets = append(targets, target{kind: kind, api: sc.label(), srv: s, reqs: []Request{req}})
			}
			if slices.Contains(rep.apis, mixAPI) {
				m := mixTarget{Addr: map[string]string{}, Prefix: map[string]string{}, Placeholder: true}
				for _, api := range mixVendors {
					m.Addr[api] = prisms[kind+"/"+api].addr
				}
				var cpu []*server
				for _, api := range mixVendors {
					cpu = append(cpu, prisms[kind+"/"+api])
				}
				targets = append(targets, target{kind: kind, api: mixAPI, srv: prisms[kind+"/timewave"], mix: &m, cpu: cpu})
			}
		}
	}
	rep.servers = append([]*serverInfo{startup}, rep.servers...)

	// Order: vendor by vendor, the servers back to back, so that a change in the machine's load
	// touches them alike; rounds repeat the whole sequence.
	slices.SortStableFunc(targets, func(a, b target) int {
		return slices.Index(rep.apis, a.api) - slices.Index(rep.apis, b.api)
	})
	rows := map[string]*row{}
	for _, t := range targets {
		r := &row{api: t.api, kind: t.kind}
		rows[t.kind+"/"+t.api] = r
		rep.rows = append(rep.rows, r)
	}
	if cfg.warmup > 0 {
		for _, t := range targets {
			if _, err := measure(t, cfg.warmup); err != nil {
				return nil, fmt.Errorf("warm-up of %s %s: %w", t.kind, t.api, err)
			}
		}
	}
	for round := 1; round <= cfg.rounds; round++ {
		for _, t := range targets {
			waitIdle(ctx, stops, 3*time.Second)
			res, err := measure(t, cfg.duration)
			if err != nil {
				return nil, fmt.Errorf("load %s %s: %w", t.kind, t.api, err)
			}
			rows[t.kind+"/"+t.api].runs = append(rows[t.kind+"/"+t.api].runs, res)
			fmt.Fprintf(log, "bench: round %d %-10s %-26s %8.0f req/s  p50 %s ms  p99 %s ms  %s\n",
				round, t.api, t.kind, res.RPS(), formatMS(res.P50), formatMS(res.P99), res.StatusSummary())
		}
	}
	for s, info := range infoOf {
		info.mem, info.memErr = s.memory()
	}
	rep.elapsed = time.Since(rep.started)
	return rep, nil
}

// pinnedEnv marks the process that rerunPinned started on CPU 1.
const pinnedEnv = "VENDORCTL_BENCH_PINNED"

// rerunPinned runs this command again on CPU 1 (taskset), where the load generator then runs; the
// servers it starts go to CPU 0.
func rerunPinned(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return err
	}
	cmd := exec.CommandContext(ctx, "taskset", append([]string{"-c", "1", self, "compare"}, args...)...)
	cmd.Env = append(os.Environ(), pinnedEnv+"=1")
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Run(); err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return &exitError{code: ee.ExitCode()}
		}
		return err
	}
	return nil
}

// onServerCPU runs argv on CPU 0 when the run is pinned.
func (cfg compareConfig) onServerCPU(argv []string) []string {
	if !cfg.pinned {
		return argv
	}
	return append([]string{"taskset", "-c", "0"}, argv...)
}

// onAllCPUs runs argv on every CPU when the run is pinned (its children would inherit CPU 1 only).
func (cfg compareConfig) onAllCPUs(argv []string) []string {
	if !cfg.pinned {
		return argv
	}
	return append([]string{"taskset", "-c", fmt.Sprintf("0-%d", cfg.cpus-1)}, argv...)
}

// onlineCPUs counts the machine's CPUs (runtime.NumCPU counts those this process may use).
func onlineCPUs() int {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.NumCPU()
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		if k, _, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "processor" {
			n++
		}
	}
	return max(n, 1)
}

func healthAPIs(ctx context.Context, addr string) ([]string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/__admin/health", nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	var h struct {
		APIs []struct {
			Name string `json:"name"`
		} `json:"apis"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		return nil, fmt.Errorf("decode /__admin/health: %w", err)
	}
	names := make([]string, 0, len(h.APIs))
	for _, a := range h.APIs {
		names = append(names, a.Name)
	}
	return names, nil
}

// prismAvailable returns why Prism is left out, or "" when it can run.
func prismAvailable(path string) string {
	if path == "" {
		return "Prism left out (--prism is empty)."
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Sprintf("Prism left out: %s is not installed (make bench installs it with npm; npm was not found or the install failed).", path)
	}
	if _, err := exec.LookPath("node"); err != nil {
		return "Prism left out: node is not installed."
	}
	return ""
}

func splitAddr(addr string) (string, string) {
	i := strings.LastIndexByte(addr, ':')
	return addr[:i], addr[i+1:]
}

func (rep *report) row(kind, api string) *row {
	for _, r := range rep.rows {
		if r.kind == kind && r.api == api {
			return r
		}
	}
	return nil
}

// badAnswers lists the vendorctl rows whose load got anything but 2xx answers.
func (rep *report) badAnswers() string {
	var bad []string
	for _, r := range rep.rows {
		if r.kind == kindPrism || r.kind == kindPrismQuiet {
			continue
		}
		a := r.answers()
		for c, n := range a.Status {
			if c/100 != 2 && n > 0 {
				bad = append(bad, fmt.Sprintf("%s %s: %s", r.kind, r.api, a.StatusSummary()))
				break
			}
		}
		if a.Errors > 0 && !slices.Contains(bad, r.kind+" "+r.api) {
			bad = append(bad, fmt.Sprintf("%s %s: %d transport errors", r.kind, r.api, a.Errors))
		}
	}
	return strings.Join(bad, "; ")
}

func (rep *report) markdown() string {
	var b strings.Builder
	cfg := rep.cfg
	fmt.Fprintf(&b, "### Load test, %s\n\n", rep.started.UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Command: `%s`\n\n", cfg.command)
	placement := "servers and load generator share the CPUs"
	if cfg.pinned {
		placement = "servers on CPU 0, load generator on CPU 1 (taskset)"
	}
	fmt.Fprintf(&b, "Machine: %d CPUs (%s), %s/%s, %s. Load generator: %s on the same machine (%s), %d connections, "+
		"%s per measurement after a %s warm-up, each once every server is idle; %d rounds with the servers interleaved, medians shown. "+
		"One request per vendor, full request and response validation on unless marked; row `mixed`: the mixed scenario "+
		"(each connection loops over TimeWave creates, updates, gets by id and number, filtered sorted pages, Vitec Autodata and Mäklare reads, "+
		"Mediaconnect searches, user changes and reads; always the Go load generator; vendorctl on its own server, reset before each measurement). Run took %s.\n\n",
		cfg.cpus, cpuModel(), runtime.GOOS, runtime.GOARCH, runtime.Version(), loaderLabel(rep.loader), placement,
		cfg.concurrency, cfg.duration, cfg.warmup, cfg.rounds, rep.elapsed.Round(time.Second))
	if rep.loader == "wrk" {
		fmt.Fprintf(&b, "Row `%s`: the validated server loaded with the same request by the Go load generator of tools/bench, "+
			"in the same rounds, to compare it with wrk (a machine without wrk uses it for every row).\n\n", kindGoLoader)
	}
	if len(rep.unknown) > 0 {
		fmt.Fprintf(&b, "Served but not in the benchmark (no scenario yet): %s.\n\n", strings.Join(rep.unknown, ", "))
	}
	if rep.prismMsg != "" {
		fmt.Fprintf(&b, "%s\n\n", rep.prismMsg)
	}
	sizeHead := "body bytes"
	if rep.loader == "wrk" {
		sizeHead = "answer bytes (with headers)"
	}
	fmt.Fprintf(&b, "| vendor | server | req/s | p50 ms | p99 ms | server CPU µs per request | %s | answers |\n|---|---|---:|---:|---:|---:|---:|---|\n", sizeHead)
	for _, api := range rep.apis {
		for _, kind := range kinds {
			r := rep.row(kind, api)
			if r == nil {
				continue
			}
			size := thousands(r.answerBytes())
			if rep.loader == "wrk" && kind == kindGoLoader {
				size += " (body)"
			}
			fmt.Fprintf(&b, "| %s | %s | %s | %s | %s | %s | %s | %s |\n", api, kind, thousands(r.rps()),
				formatMS(r.p50()), formatMS(r.p99()), thousands(float64(r.cpuPerRequest())/float64(time.Microsecond)), size, r.answers().StatusSummary())
		}
	}
	b.WriteString("\n| server | ready ms (process start to first healthy answer) | RSS after the load MB | peak RSS MB |\n|---|---:|---:|---:|\n")
	for _, s := range rep.servers {
		ready := formatMS(medianDuration(s.ready))
		if len(s.ready) > 1 {
			ready = fmt.Sprintf("%s (median of %d, max %s)", ready, len(s.ready), formatMS(slices.Max(s.ready)))
		}
		rss, peak := "", ""
		if s.mem.RSS > 0 {
			rss, peak = mb(s.mem.RSS), mb(s.mem.Peak)
		}
		fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", s.label, ready, rss, peak)
	}
	b.WriteString("\n" + rep.targets())
	return b.String()
}

// targets checks the targets of issue #9 against this run.
func (rep *report) targets() string {
	var b strings.Builder
	b.WriteString("| target | measured | |\n|---|---|---|\n")
	verdict := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**not met**"
	}
	// Validated vs Prism, and validated vs unvalidated, per vendor.
	if rep.prismMsg == "" {
		var parts []string
		ok := true
		for _, api := range rep.apis {
			v, p, q := rep.row(kindValidated, api), rep.row(kindPrism, api), rep.row(kindPrismQuiet, api)
			if v == nil || p == nil || p.rps() == 0 {
				continue
			}
			ratio := v.rps() / p.rps()
			ok = ok && ratio >= targetPrismRatio
			part := fmt.Sprintf("%s %.1f×", api, ratio)
			if q != nil && q.rps() > 0 {
				part += fmt.Sprintf(" (%.1f× %s)", v.rps()/q.rps(), kindPrismQuiet)
			}
			parts = append(parts, part)
		}
		fmt.Fprintf(&b, "| validated mock ≥ %.0f× Prism's req/s (`prism mock SPEC`) | %s | %s |\n", targetPrismRatio, strings.Join(parts, ", "), verdict(ok))
	} else {
		fmt.Fprintf(&b, "| validated mock ≥ %.0f× Prism's req/s | not measured: %s | |\n", targetPrismRatio, rep.prismMsg)
	}
	{
		var parts []string
		ok := true
		for _, api := range rep.apis {
			v, n := rep.row(kindValidated, api), rep.row(kindUnvalidated, api)
			if v == nil || n == nil || n.rps() == 0 {
				continue
			}
			pct := 100 * v.rps() / n.rps()
			ok = ok && pct >= targetValidationPct
			parts = append(parts, fmt.Sprintf("%s %.0f %%", api, pct))
		}
		fmt.Fprintf(&b, "| validation on ≥ %.0f %% of validation off (req/s) | %s | %s |\n", targetValidationPct, strings.Join(parts, ", "), verdict(ok))
	}
	{
		// The same ratio by the server's CPU time per request: what validation costs the server,
		// whatever else the machine runs (req/s move with the load of other processes).
		var parts []string
		ok := true
		for _, api := range rep.apis {
			v, n := rep.row(kindValidated, api), rep.row(kindUnvalidated, api)
			if v == nil || n == nil || v.cpuPerRequest() == 0 || n.cpuPerRequest() == 0 {
				continue
			}
			pct := 100 * float64(n.cpuPerRequest()) / float64(v.cpuPerRequest())
			ok = ok && pct >= targetValidationPct
			parts = append(parts, fmt.Sprintf("%s %.0f %%", api, pct))
		}
		if len(parts) > 0 {
			fmt.Fprintf(&b, "| the same by server CPU per request (CPU off / CPU on) | %s | %s |\n", strings.Join(parts, ", "), verdict(ok))
		}
	}
	{
		var parts []string
		ok := true
		for _, api := range rep.apis {
			v := rep.row(kindValidated, api)
			if v == nil {
				continue
			}
			ok = ok && v.p99() <= targetP99
			parts = append(parts, fmt.Sprintf("%s %s ms", api, formatMS(v.p99())))
		}
		fmt.Fprintf(&b, "| p99 ≤ %s ms at %d connections (validated) | %s | %s |\n", formatMS(targetP99), rep.cfg.concurrency, strings.Join(parts, ", "), verdict(ok))
	}
	if rep.loader == "wrk" {
		b.WriteString(rep.loaderTarget())
	} else {
		b.WriteString("| Go load generator within " + fmt.Sprintf("%.0f", targetLoaderPct) + " % of wrk (req/s, p99) | not measured: wrk is not installed, the Go load generator made every row | |\n")
	}
	for _, s := range rep.servers {
		if strings.HasPrefix(s.label, "vendorctl start-up") {
			max := slices.Max(s.ready)
			fmt.Fprintf(&b, "| every vendor ready ≤ %s ms after the process starts | median %s ms, max %s ms of %d starts | %s |\n",
				formatMS(targetReady), formatMS(medianDuration(s.ready)), formatMS(max), len(s.ready), verdict(max <= targetReady))
		}
		if s.label == kindValidated {
			fmt.Fprintf(&b, "| RSS ≤ %s MB after the load (validated server) | %s MB (peak %s MB) | %s |\n",
				mb(targetRSS), mb(s.mem.RSS), mb(s.mem.Peak), verdict(s.memErr == nil && s.mem.RSS <= targetRSS))
		}
	}
	return b.String()
}

// loaderTarget compares the Go load generator with wrk on the validated server, vendor by vendor.
func (rep *report) loaderTarget() string {
	var parts []string
	ok, measured := true, false
	within := func(a, b float64) bool { return b > 0 && 100*abs(a-b)/b <= targetLoaderPct }
	for _, api := range rep.apis {
		w, g := rep.row(kindValidated, api), rep.row(kindGoLoader, api)
		if w == nil || g == nil || w.rps() == 0 {
			continue
		}
		measured = true
		ok = ok && within(g.rps(), w.rps()) && within(float64(g.p99()), float64(w.p99()))
		parts = append(parts, fmt.Sprintf("%s %.0f %% of wrk's req/s, p99 %s ms vs %s ms", api, 100*g.rps()/w.rps(), formatMS(g.p99()), formatMS(w.p99())))
	}
	if !measured {
		return ""
	}
	verdict := "met"
	if !ok {
		verdict = "**not met**"
	}
	return fmt.Sprintf("| Go load generator within %.0f %% of wrk (req/s, p99; validated server) | %s | %s |\n", targetLoaderPct, strings.Join(parts, ", "), verdict)
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

func median(vals []float64) float64 {
	if len(vals) == 0 {
		return 0
	}
	s := slices.Clone(vals)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func medianDuration(ds []time.Duration) time.Duration {
	vals := make([]float64, len(ds))
	for i, d := range ds {
		vals[i] = float64(d)
	}
	return time.Duration(median(vals))
}

// thousands formats a rate as a whole number with thin separators: 12 345.
func thousands(v float64) string {
	s := fmt.Sprintf("%.0f", v)
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ' ')
		}
		out = append(out, s[i])
	}
	return string(out)
}

func cpuModel() string {
	data, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return "unknown CPU"
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return "unknown CPU"
}

func loaderLabel(name string) string {
	if name == "wrk" {
		return "wrk"
	}
	return "the Go load generator of tools/bench (one keep-alive connection per worker, closed loop)"
}
