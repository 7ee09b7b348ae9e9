package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/sessions"
	"github.com/vendorctl/vendorctl/tools/internal/dashboard"
)

// envOr returns the environment variable's value, or def.
func envOr(name, def string) string {
	if v, ok := os.LookupEnv(name); ok && v != "" {
		return v
	}
	return def
}

const serveSynopsis = `usage: vendorctl serve [--addr 127.0.0.1:8080] [--log-level info] [--fixtures DIR] [--state-dir DIR] [flags]
Starts every vendor mock on one listener, each under its own prefix (the table on stdout), with the
admin API at /__admin/. Runs until interrupted.
Exit 0: stopped by a signal; 2: usage or config error (a flag, a fixtures or state folder, an address in use).`

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("serve", serveSynopsis)
	fs := cmd.fs
	addr := fs.String("addr", envOr("VENDORCTL_ADDR", "127.0.0.1:8080"), "listen address (env VENDORCTL_ADDR)")
	logLevel := fs.String("log-level", envOr("VENDORCTL_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env VENDORCTL_LOG_LEVEL)")
	noValidation := fs.Bool("no-validation", false, "turn off request validation and the response self-check")
	noMemo := fs.Bool("no-response-memo", false, "check every request and answer against the spec afresh, even one identical to one that passed (for benchmarks)")
	journalSize := fs.Int("journal-size", mockserver.DefaultJournalSize, "requests kept in the journal (GET /__admin/requests)")
	journalBodies := fs.Bool("journal-bodies", true, "keep request and response bodies (capped, redacted) in the journal; false keeps none, for fixtures with personal data (env VENDORCTL_JOURNAL_BODIES)")
	journalAnonymize := fs.Bool("journal-anonymize", false, "replace personal data in the journal's bodies and queries as proxy --record does (env VENDORCTL_JOURNAL_ANONYMIZE)")
	anonymizeKey := fs.String("anonymize-key", os.Getenv("VENDORCTL_ANONYMIZE_KEY"), "with --journal-anonymize: the key of the replacement (env VENDORCTL_ANONYMIZE_KEY; default: a random key per start)")
	faultsFile := fs.String("faults", "", "JSON file with an array of fault rules to start with")
	seed := fs.Uint64("seed", 0, "seed for fault probabilities (0: random); the same seed repeats a run")
	adminToken := adminTokenFlag(fs, "the admin API, except health")
	hosts := publicHostFlag(fs)
	sessionTTL := fs.Duration("session-ttl", sessions.DefaultTTL, "a session (/sessions/{id}/... or X-Vendorctl-Session) idle this long ends")
	maxSessions := fs.Int("max-sessions", sessions.DefaultMax, "live sessions at most; a new one beyond is answered 503 with Retry-After")
	var cfg all.Config
	fs.StringVar(&cfg.FixturesDir, "fixtures", "", "folder with a sub-folder of fixture files per vendor, replacing the embedded fixtures")
	stateDir := fs.String("state-dir", "", "folder that keeps the default session's state across restarts, loaded at start instead of the fixtures (created when missing)")
	descs := all.Descriptors()
	settings := vendorFlags(fs, descs)
	envs := settingEnvs(descs)
	envs["journal-bodies"] = "VENDORCTL_JOURNAL_BODIES"
	envs["journal-anonymize"] = "VENDORCTL_JOURNAL_ANONYMIZE"
	if err := setFromEnv(fs, envs); err != nil {
		return err
	}
	rest, err := cmd.parse(args, stderr)
	if err != nil {
		return err
	}
	if len(rest) > 0 {
		return cmd.usageErrorf("takes no arguments, got %q", rest)
	}
	cfg.Settings = settings()
	logger, err := serverLogger(*logLevel, *addr, *adminToken, stderr)
	if err != nil {
		return err
	}
	journalCfg, err := journalConfig(cmd, *journalSize, *journalBodies, *journalAnonymize, *anonymizeKey)
	if err != nil {
		return err
	}
	journalCfg.Feed = mockserver.NewFeed() // the dashboard's live list: every session's entries too
	cfg.Options = mockkit.Options{Logger: logger, NoValidation: *noValidation, NoResponseMemo: *noMemo}
	guard := mockserver.AdminGuard{Token: *adminToken, AllowedHosts: *hosts}
	srv, err := mockserver.NewServerWith(mockserver.ServerConfig{Logger: logger, Admin: guard, Seed: *seed, Journal: journalCfg},
		buildVendors(cfg))
	if err == nil {
		go settleGC(os.Getenv("GOGC"))
	}
	if fe := (*all.FixturesError)(nil); errors.As(err, &fe) {
		return usageErrorf("%v", fe)
	}
	if se := (*mockkit.SettingError)(nil); errors.As(err, &se) {
		return usageErrorf("%v", se)
	}
	if err != nil {
		return err
	}
	vendors := srv.Vendors()
	if *faultsFile != "" {
		rules, err := mockserver.LoadRules(*faultsFile)
		if err != nil {
			return usageErrorf("%v", err)
		}
		for i, r := range rules {
			if _, err := srv.Faults().Add(r, mockserver.APINames(vendors...)); err != nil {
				return usageErrorf("%s rule %d: %v", *faultsFile, i, err)
			}
		}
	}
	store, err := openState(*stateDir, vendors, logger)
	if err != nil {
		return err
	}
	handler, err := serveSessions(srv, keepState(store, srv.Handler()), cfg, guard, *sessionTTL, *maxSessions, journalCfg)
	if err != nil {
		return err
	}
	if handler, err = withDashboard(ctx, handler, guard, vendors, cfg, journalCfg.Feed); err != nil {
		return err
	}
	ln, err := listen(*addr, " (make serve ADDR=HOST:PORT)")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	printTable(stdout, base, vendors)
	logger.Info("serving", "addr", ln.Addr().String(), "health", base+"/__admin/health", "dashboard", base+dashboard.UIPath)
	if err := serveKeeping(ctx, ln, handler, logger, store); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}

// serveSessions puts sessions in front of the default server (served by def): each builds its vendors
// as cfg says, with a journal and fault rules of its own.
func serveSessions(srv *mockserver.Server, def http.Handler, cfg all.Config, guard mockserver.AdminGuard, ttl time.Duration, most int, journal mockserver.JournalConfig) (http.Handler, error) {
	if ttl <= 0 || most <= 0 {
		return nil, usageErrorf("--session-ttl %s, --max-sessions %d: want a positive duration and count", ttl, most)
	}
	m, err := sessions.New(sessions.Config{Default: def, APIs: vendorNames(srv.Vendors()), Options: cfg.Options,
		Build: func(api string, o mockkit.Options) (mockserver.Vendor, error) {
			c := cfg
			c.Options = o
			return all.NewVendor(c, api)
		},
		Journal: mockserver.JournalConfig{NoBodies: journal.NoBodies, Anonymize: journal.Anonymize, Feed: journal.Feed}, Admin: guard, TTL: ttl, Max: most, Logger: cfg.Logger})
	if err != nil {
		return nil, err
	}
	return m.Handler(), nil
}

func vendorNames(vendors []mockserver.Vendor) []string {
	names := make([]string, len(vendors))
	for i, v := range vendors {
		names[i] = v.Name()
	}
	return names
}

// buildVendors builds every vendor mock, with the server's journal and fault rules, with the
// garbage collector paused until the heap reaches buildHeapLimit (unless GOMEMLIMIT is set): loading
// the specs makes some 15 MB of short-lived garbage, and collecting it on the way delays the first
// healthy answer by tens of milliseconds on a small machine, while a large fixture folder (serve
// --fixtures) is still collected on the way. Afterwards the collector runs as GOGC says, or at
// serveGCPercent (not as it was, so that two builds at once in one process cannot leave it off), and
// settleGC sets serve's own target once the build's garbage is gone.
func buildVendors(cfg all.Config) mockserver.BuildFunc {
	return func(rec *mockserver.Recorder) ([]mockserver.Vendor, error) {
		debug.SetGCPercent(-1)
		limit := debug.SetMemoryLimit(-1)
		if os.Getenv("GOMEMLIMIT") == "" {
			debug.SetMemoryLimit(buildHeapLimit)
		}
		defer func() {
			debug.SetMemoryLimit(limit)
			debug.SetGCPercent(gcPercent(os.Getenv("GOGC")))
		}()
		return cfg.Vendors(rec)
	}
}

// buildHeapLimit is the heap at which the collector runs while the vendors are built.
const buildHeapLimit = 512 << 20

// settleGC collects the garbage of the build and hands the memory back to the system; then, when
// GOGC is not set, it keeps the collector's target at serveGCPercentFor the live heap, looked at
// after every collection. serve runs it once the vendors are built, beside the first requests.
func settleGC(gogc string) {
	debug.FreeOSMemory()
	if gogc == "" {
		followOnce.Do(followLiveHeap)
	}
}

// followOnce starts followLiveHeap once per process (tests run serve many times).
var followOnce sync.Once

// followLiveHeap sets the collector's target for the live heap of the last collection, and again
// after the next one (a finalizer runs once per collection that finds its object unreachable).
func followLiveHeap() {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(sample)
	if sample[0].Value.Kind() == metrics.KindUint64 {
		if want := serveGCPercentFor(sample[0].Value.Uint64()); int64(want) != lastGCPercent.Swap(int64(want)) {
			debug.SetGCPercent(want)
		}
	}
	runtime.SetFinalizer(&gcSentinel{}, func(*gcSentinel) { followLiveHeap() })
}

// gcSentinel is an object that is unreachable as soon as it is made; its finalizer marks a
// collection. It is larger than the tiny allocator's blocks, whose finalizers may never run.
type gcSentinel struct{ _ [32]byte }

// lastGCPercent is the target followLiveHeap set last.
var lastGCPercent atomic.Int64

// serveGCPercent is serve's collector target when GOGC is not set and the live heap is small. The
// mocks' live heap is small and steady (specs, fixtures, the bounded journal) while every request
// makes garbage: collecting at 200 % instead of Go's 100 % gives some 10 % more requests per second
// for about 6 MB more RSS.
const serveGCPercent = 200

// gcHeadroom is the garbage serve lets grow over a large live heap before it collects: 100,000
// TimeWave clients (~90 MB) or 10,000 sessions (~110 MB) would otherwise triple their RSS.
const gcHeadroom = 48 << 20

// serveGCPercentFor is serve's collector target for a live heap of live bytes: gcHeadroom over it,
// as a percentage between 50 and serveGCPercent.
func serveGCPercentFor(live uint64) int {
	if live == 0 {
		return serveGCPercent
	}
	return int(min(max(gcHeadroom*100/live, 50), serveGCPercent))
}

// gcPercent is the collector's setting for a GOGC value, as the runtime reads it ("" is serve's own).
func gcPercent(gogc string) int {
	if gogc == "off" {
		return -1
	}
	if n, err := strconv.Atoi(gogc); err == nil {
		return n
	}
	return serveGCPercent
}

func printTable(w io.Writer, base string, vendors []mockserver.Vendor) {
	fmt.Fprintf(w, "vendorctl serve: mock vendors on %s (admin: %s/__admin/health)\n\n", base, base)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "API\tPRODUCTION\tMOCK\tCREDENTIALS")
	for _, v := range vendors {
		for i, m := range v.Mounts() {
			creds := v.Credentials()
			if i > 0 {
				creds = ""
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", v.Name(), m.Production, base+m.Prefix, creds)
		}
	}
	_ = tw.Flush()
	fmt.Fprintln(w)
	printExampleAnswered(w, vendors)
}

// printExampleAnswered lists, per vendor, the operations the mock has no handler for and answers from
// the spec's examples (marked X-Vendorctl-Answer: example); nothing when there are none.
func printExampleAnswered(w io.Writer, vendors []mockserver.Vendor) {
	for _, v := range vendors {
		for _, m := range v.Mounts() {
			if len(m.ExampleAnswered) > 0 {
				fmt.Fprintf(w, "%s: answered from the spec's examples (no handler): %s\n", v.Name(), strings.Join(m.ExampleAnswered, ", "))
			}
		}
	}
}

// serverLogger is how serve and proxy start: --log-level read, the admin API's exposure checked
// (checkAdminExposure), and the logger on stderr.
func serverLogger(logLevel, addr, adminToken string, stderr io.Writer) (*slog.Logger, error) {
	level, err := parseLogLevel(logLevel)
	if err != nil {
		return nil, err
	}
	if err := checkAdminExposure(addr, adminToken); err != nil {
		return nil, err
	}
	return slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})), nil
}

// checkAdminExposure refuses to serve the admin API beyond loopback without a token.
func checkAdminExposure(addr, token string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usageErrorf("--addr %q: %v", addr, err)
	}
	if token != "" || host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return usageErrorf("--addr %s is not a loopback address: set --admin-token (or %s) to protect the admin API", addr, adminTokenEnv)
}
