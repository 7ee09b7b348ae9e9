package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func addrOf(ts *httptest.Server) string { return strings.TrimPrefix(ts.URL, "http://") }

// A test server: /ok answers 200, /chunked 200 in chunks, /close 200 and closes the connection, every
// other path 404. It counts the requests in flight.
func testServer(t *testing.T) (*httptest.Server, *atomic.Int64, *atomic.Int64) {
	t.Helper()
	var inFlight, maxSeen atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxSeen.Load()
			if n <= m || maxSeen.CompareAndSwap(m, n) {
				break
			}
		}
		switch r.URL.Path {
		case "/ok":
			_, _ = w.Write([]byte(`{"ok":true}`))
		case "/chunked":
			for i := 0; i < 3; i++ {
				_, _ = w.Write(bytes.Repeat([]byte("x"), 5000))
				w.(http.Flusher).Flush()
			}
		case "/close":
			w.Header().Set("Connection", "close")
			_, _ = w.Write([]byte("bye"))
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(ts.Close)
	return ts, &inFlight, &maxSeen
}

func TestLoadCountsEveryAnswer(t *testing.T) {
	ts, _, maxSeen := testServer(t)
	res, err := Load(context.Background(), LoadConfig{
		Addr:        addrOf(ts),
		Requests:    []Request{{Target: "/ok"}, {Target: "/missing"}, {Target: "/chunked"}, {Target: "/close"}},
		Concurrency: 4,
		Count:       400,
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 400 || res.Errors != 0 || res.Status[200] != 300 || res.Status[404] != 100 {
		t.Fatalf("requests %d, errors %d (%s), status %v", res.Requests, res.Errors, res.FirstError, res.Status)
	}
	if got := res.StatusSummary(); got != "200×300 404×100" {
		t.Errorf("summary %q", got)
	}
	if res.P50 <= 0 || res.P99 < res.P50 || res.Max < res.P99 || res.RPS() <= 0 {
		t.Errorf("p50 %s p99 %s max %s rps %f", res.P50, res.P99, res.Max, res.RPS())
	}
	if maxSeen.Load() > 4 {
		t.Errorf("%d requests in flight at once, concurrency 4", maxSeen.Load())
	}
}

func TestLoadRunsForADuration(t *testing.T) {
	ts, _, _ := testServer(t)
	start := time.Now()
	res, err := Load(context.Background(), LoadConfig{Addr: addrOf(ts), Requests: []Request{{Target: "/ok"}}, Concurrency: 2, Duration: 200 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took > 2*time.Second || res.Requests == 0 || res.Errors != 0 {
		t.Fatalf("took %s, %d requests, %d errors (%s)", took, res.Requests, res.Errors, res.FirstError)
	}
}

// Progress runs while no request is in flight, so memory can be read at a quiet moment.
func TestLoadProgressHoldsTheLoad(t *testing.T) {
	ts, inFlight, _ := testServer(t)
	var calls []int
	var mu sync.Mutex
	res, err := Load(context.Background(), LoadConfig{
		Addr: addrOf(ts), Requests: []Request{{Target: "/ok"}}, Concurrency: 8, Count: 1000, Every: 250,
		Progress: func(done int) {
			mu.Lock()
			defer mu.Unlock()
			if n := inFlight.Load(); n != 0 {
				t.Errorf("%d requests in flight during Progress", n)
			}
			calls = append(calls, done)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	if res.Requests != 1000 || fmt.Sprint(calls) != "[250 500 750 1000]" {
		t.Fatalf("%d requests, progress at %v", res.Requests, calls)
	}
}

func TestLoadCountsTransportErrors(t *testing.T) {
	ts, _, _ := testServer(t)
	addr := addrOf(ts)
	ts.Close()
	res, err := Load(context.Background(), LoadConfig{Addr: addr, Requests: []Request{{Target: "/ok"}}, Concurrency: 2, Count: 10, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if res.Errors != 10 || res.FirstError == "" || res.RPS() != 0 || !strings.Contains(res.StatusSummary(), "errors×10") {
		t.Fatalf("errors %d (%q), rps %f", res.Errors, res.FirstError, res.RPS())
	}
}

func TestLoadRejectsBadConfig(t *testing.T) {
	for name, cfg := range map[string]LoadConfig{
		"no requests":    {Concurrency: 1, Count: 1},
		"no concurrency": {Requests: []Request{{Target: "/"}}, Count: 1},
		"no end":         {Requests: []Request{{Target: "/"}}, Concurrency: 1},
	} {
		if _, err := Load(context.Background(), cfg); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func TestRequestWire(t *testing.T) {
	got := string(Request{Method: "POST", Target: "/t?a=1", Header: http.Header{"X-B": {"2"}, "A": {"1"}}, Body: []byte("hi")}.wire("h:1"))
	want := "POST /t?a=1 HTTP/1.1\r\nHost: h:1\r\nA: 1\r\nX-B: 2\r\nContent-Length: 2\r\n\r\nhi"
	if got != want {
		t.Errorf("wire:\n%q\nwant\n%q", got, want)
	}
	if got := string(Request{Target: "/"}.wire("h")); got != "GET / HTTP/1.1\r\nHost: h\r\n\r\n" {
		t.Errorf("GET wire %q", got)
	}
}

func TestParseWrk(t *testing.T) {
	out := `Running 3s test @ http://127.0.0.1:8080/vitecauto/api/customer
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.62ms    1.01ms  21.33ms   91.02%
    Req/Sec    10.21k     1.02k   12.14k    68.33%
  Latency Distribution
     50%    1.41ms
     75%    1.83ms
     90%    2.47ms
     99%  512.00us
  61000 requests in 3.00s, 64.39MB read
  Non-2xx or 3xx responses: 10
  Socket errors: connect 0, read 2, write 0, timeout 1
Requests/sec:  20330.12
Transfer/sec:     21.46MB
`
	res, err := parseWrk(out)
	if err != nil {
		t.Fatal(err)
	}
	if res.Elapsed != 3*time.Second || res.P50 != 1410*time.Microsecond || res.P99 != 512*time.Microsecond ||
		res.Status[200] != 60990 || res.Status[0] != 10 || res.Errors != 3 || res.Requests != 61003 {
		t.Fatalf("%+v", res)
	}
	if want := 64.39 * (1 << 20); res.BodyBytes != int64(want) {
		t.Errorf("bytes %d", res.BodyBytes)
	}
	if got := res.StatusSummary(); got != "other×10 2xx/3xx×60990 errors×3" {
		t.Errorf("summary %q", got)
	}
	if _, err := parseWrk("unable to connect"); err == nil {
		t.Error("no error for output without a count")
	}
}

func TestWrkScript(t *testing.T) {
	got := wrkScript(Request{Method: "POST", Header: http.Header{"Authorization": {`Bearer "x"`}}, Body: []byte("a=1")})
	for _, want := range []string{`wrk.method = "POST"`, `wrk.headers["Authorization"] = "Bearer \"x\""`, `wrk.body = "a=1"`} {
		if !strings.Contains(got, want) {
			t.Errorf("script lacks %s:\n%s", want, got)
		}
	}
}

func TestParseStatus(t *testing.T) {
	m, err := parseStatus(strings.NewReader("Name:\tvendorctl\nVmHWM:\t   25400 kB\nVmRSS:\t   23000 kB\nThreads:\t7\n"))
	if err != nil || m.RSS != 23000<<10 || m.Peak != 25400<<10 {
		t.Fatalf("%+v %v", m, err)
	}
	if _, err := parseStatus(strings.NewReader("Name:\tx\n")); err == nil {
		t.Error("no error without VmRSS")
	}
	if _, err := readMemory(os.Getpid()); err != nil {
		t.Errorf("own memory: %v", err)
	}
}

func TestPickKeepsReportOrder(t *testing.T) {
	known, unknown := pick([]string{"timewave", "newvendor", "vitecauto"})
	if len(known) != 3 || known[0].API != "vitecauto" || known[1].label() != "timewave" || known[2].label() != "timewave, 2 per page" ||
		fmt.Sprint(unknown) != "[newvendor]" {
		t.Fatalf("known %v unknown %v", known, unknown)
	}
}

func TestHelpers(t *testing.T) {
	if got := thousands(1234567.4); got != "1 234 567" {
		t.Errorf("thousands %q", got)
	}
	if got := thousands(999); got != "999" {
		t.Errorf("thousands %q", got)
	}
	if median([]float64{3, 1, 2}) != 2 || median([]float64{4, 1, 2, 3}) != 2.5 || median(nil) != 0 {
		t.Error("median")
	}
	if formatMS(1500*time.Microsecond) != "1.50" {
		t.Error("formatMS")
	}
}

func TestRunUsage(t *testing.T) {
	var out, errOut bytes.Buffer
	for _, args := range [][]string{nil, {"nope"}, {"compare", "-c", "0"}, {"soak", "-n", "10", "--check-at", "20"}} {
		err := run(context.Background(), args, &out, &errOut)
		var ee *exitError
		if !errors.As(err, &ee) || ee.code != 2 {
			t.Errorf("run %v: %v, want a usage error", args, err)
		}
	}
	if err := run(context.Background(), []string{"help"}, &out, &errOut); err != nil || !strings.Contains(out.String(), "compare") {
		t.Errorf("help: %v %q", err, out.String())
	}
}

func TestReportTargets(t *testing.T) {
	res := func(rps float64, p99 time.Duration) *Result {
		return &Result{Requests: int(rps), Elapsed: time.Second, Status: map[int]int{200: int(rps)}, P50: time.Millisecond, P99: p99}
	}
	rep := &report{
		cfg:    compareConfig{concurrency: 32, duration: time.Second, rounds: 1, command: "make bench"},
		apis:   []string{"vitecauto"},
		loader: "go",
		rows: []*row{
			{api: "vitecauto", kind: kindValidated, runs: []*Result{res(16000, 4*time.Millisecond)}},
			{api: "vitecauto", kind: kindUnvalidated, runs: []*Result{res(20000, 3*time.Millisecond)}},
			{api: "vitecauto", kind: kindPrism, runs: []*Result{res(1000, 90*time.Millisecond)}},
		},
		servers: []*serverInfo{
			{label: "vendorctl start-up (every vendor ready)", ready: []time.Duration{40 * time.Millisecond, 200 * time.Millisecond, 50 * time.Millisecond}},
			{label: kindValidated, ready: []time.Duration{time.Millisecond}, mem: memory{RSS: 30 << 20, Peak: 31 << 20}},
		},
	}
	// 50 µs of server CPU per validated request, 40 µs unvalidated.
	rep.rows[0].runs[0].ServerCPU = 16000 * 50 * time.Microsecond
	rep.rows[1].runs[0].ServerCPU = 20000 * 40 * time.Microsecond
	md := rep.markdown()
	for _, want := range []string{
		"| vitecauto | vendorctl | 16 000 | 1.00 | 4.00 | 50 | 0 | 200×16000 |",
		"| the same by server CPU per request (CPU off / CPU on) | vitecauto 80 % | met |",
		"vitecauto 16.0× | met",
		"vitecauto 80 % | met",
		"vitecauto 4.00 ms | met",
		"median 50.00 ms, max 200.00 ms of 3 starts | **not met**",
		"30.0 MB (peak 31.0 MB) | met",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report lacks %q:\n%s", want, md)
		}
	}
	if bad := rep.badAnswers(); bad != "" {
		t.Errorf("bad answers %q", bad)
	}
	if !strings.Contains(md, "| Go load generator within 15 % of wrk (req/s, p99) | not measured: wrk is not installed") {
		t.Errorf("report without wrk lacks the loader row:\n%s", md)
	}
	rep.rows[0].runs[0].Status[401] = 3
	if bad := rep.badAnswers(); !strings.Contains(bad, "401×3") {
		t.Errorf("bad answers %q", bad)
	}
	delete(rep.rows[0].runs[0].Status, 401)

	// With wrk, the Go load generator's row is compared with wrk's, within 15 %.
	rep.loader = "wrk"
	goRow := &row{api: "vitecauto", kind: kindGoLoader, runs: []*Result{res(14000, 4500*time.Microsecond)}}
	rep.rows = append(rep.rows, goRow)
	md = rep.markdown()
	for _, want := range []string{
		"| vitecauto | vendorctl, Go load generator | 14 000 | 1.00 | 4.50 | 0 | 0 (body) | 200×14000 |",
		"vitecauto 88 % of wrk's req/s, p99 4.50 ms vs 4.00 ms | met",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("report with wrk lacks %q:\n%s", want, md)
		}
	}
	goRow.runs[0] = res(12000, 4500*time.Microsecond)
	if md := rep.markdown(); !strings.Contains(md, "vitecauto 75 % of wrk's req/s, p99 4.50 ms vs 4.00 ms | **not met**") {
		t.Errorf("a Go load generator 25 %% slower than wrk is within noise:\n%s", md)
	}
}

// End to end: build vendorctl, then compare (without Prism) and soak it briefly.
func TestCompareAndSoakEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("builds vendorctl and starts it")
	}
	bin := filepath.Join(t.TempDir(), "vendorctl")
	build := exec.Command("go", "build", "-o", bin, "../vendorctl")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build vendorctl: %v\n%s", err, out)
	}
	t.Chdir("../..") // Prism's spec paths are relative to the repository
	var out, log bytes.Buffer
	err := run(context.Background(), []string{"compare", "--vendorctl", bin, "--prism", "", "--loader", "go",
		"-c", "4", "-d", "200ms", "--warmup", "0s", "--rounds", "1", "--starts", "2"}, &out, &log)
	if err != nil {
		t.Fatalf("compare: %v\n%s\n%s", err, out.String(), log.String())
	}
	for _, want := range []string{"| vitecauto | vendorctl |", "| vitecauto | vendorctl --no-validation |", "| mixed | vendorctl |", "Prism left out", "every vendor ready"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	err = run(context.Background(), []string{"soak", "--vendorctl", bin, "-n", "3000", "-c", "4", "--check-at", "1000"}, &out, &log)
	if err != nil {
		t.Fatalf("soak: %v\n%s\n%s", err, out.String(), log.String())
	}
	for _, want := range []string{"soak: PASS", "3000 requests", "unexpected 5xx: 0"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("soak summary lacks %q:\n%s", want, out.String())
		}
	}
}

func TestReadResponse(t *testing.T) {
	for name, tc := range map[string]struct {
		raw     string
		code    int
		size    int64
		closing bool
	}{
		"length":     {"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabc", 200, 3, false},
		"chunked":    {"HTTP/1.1 201 Created\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\nA;x=1\r\n0123456789\r\n0\r\nTrailer: t\r\n\r\n", 201, 13, false},
		"close":      {"HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", 404, 0, true},
		"http10":     {"HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx", 200, 1, true},
		"keep-alive": {"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx", 200, 1, false},
		"no length":  {"HTTP/1.1 200 OK\r\n\r\nto the end", 200, 14, true},
		"no content": {"HTTP/1.1 204 No Content\r\n\r\n", 204, 0, false},
	} {
		br := bufio.NewReader(strings.NewReader(tc.raw + "NEXT"))
		code, size, closing, err := readResponse(br)
		if err != nil || code != tc.code || size != tc.size || closing != tc.closing {
			t.Errorf("%s: %d %d %v %v", name, code, size, closing, err)
			continue
		}
		if rest, _ := io.ReadAll(br); !tc.closing && string(rest) != "NEXT" {
			t.Errorf("%s: left %q unread", name, rest)
		}
	}
	for _, bad := range []string{"HTTP/1.1 2x0 OK\r\n\r\n", "SSH-2.0\r\n", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab"} {
		if _, _, _, err := readResponse(bufio.NewReader(strings.NewReader(bad))); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
}

func TestParseStatTicks(t *testing.T) {
	stat := "4242 (prism mock (x)) S 1 4242 4242 0 -1 4194560 1234 0 0 0 150 37 0 0 20 0 11 0 100 0 0"
	if n, err := parseStatTicks(stat); err != nil || n != 187 {
		t.Fatalf("%d %v", n, err)
	}
	if _, err := parseStatTicks("4242 (x) S 1"); err == nil {
		t.Error("no error for a short line")
	}
}
