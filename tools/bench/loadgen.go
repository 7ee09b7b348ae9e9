package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Request is one request of a load scenario.
type Request struct {
	// Name labels the request in reports (usually the vendor).
	Name   string
	Method string
	// Target is the request target: path and query, e.g. "/vitecauto/api/customer?companyId=998".
	Target string
	Header http.Header
	Body   []byte
}

// wire is the request as bytes on the wire, built once so that the load generator spends its time
// waiting for the server, not building requests.
func (r Request) wire(host string) []byte {
	var b bytes.Buffer
	method := r.Method
	if method == "" {
		method = http.MethodGet
	}
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\nHost: %s\r\n", method, r.Target, host)
	keys := make([]string, 0, len(r.Header))
	for k := range r.Header {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range r.Header[k] {
			fmt.Fprintf(&b, "%s: %s\r\n", k, v)
		}
	}
	if len(r.Body) > 0 || method == http.MethodPost || method == http.MethodPut || method == http.MethodPatch {
		fmt.Fprintf(&b, "Content-Length: %d\r\n", len(r.Body))
	}
	b.WriteString("\r\n")
	b.Write(r.Body)
	return b.Bytes()
}

// LoadConfig is one load run: a fixed number of connections, each sending its next request as soon as
// the answer to the previous one has been read (closed loop), round-robin over Requests.
type LoadConfig struct {
	// Addr is the server's host:port.
	Addr     string
	Requests []Request
	// Concurrency is the number of connections (and requests in flight).
	Concurrency int
	// Count stops the run after this many requests; when 0, Duration does.
	Count    int
	Duration time.Duration
	// Timeout bounds one request (default 10s).
	Timeout time.Duration
	// Progress, when set, is called (from one goroutine at a time) each time another Every requests
	// have been answered, with the number answered so far. The run holds its load meanwhile: the
	// caller may read the server's memory at a quiet moment.
	Progress func(done int)
	Every    int
}

// Result is what a load run measured.
type Result struct {
	Requests int
	Elapsed  time.Duration
	// Status counts answers by status code; Errors counts requests without an answer (connection
	// refused, reset, timeout).
	Status map[int]int
	Errors int
	// FirstError is the first transport error, for the report.
	FirstError string
	// P50, P99 and Max are latency percentiles of the answered requests.
	P50, P99, Max time.Duration
	// BodyBytes is the size of the answers' bodies in all (wrk: of the whole answers, headers included).
	BodyBytes int64
	// Loader names what sent the load (the Go load generator, wrk).
	Loader string
	// ServerCPU is the CPU time the server(s) used during the load (compare sets it; zero: unknown).
	ServerCPU time.Duration
	latencies []time.Duration // sorted
}

// RPS is answered requests per second.
func (r *Result) RPS() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Requests-r.Errors) / r.Elapsed.Seconds()
}

// Percentile returns the latency below which p (0..100) percent of the answered requests fell.
func (r *Result) Percentile(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(p/100*float64(len(r.latencies))+0.5) - 1
	i = min(max(i, 0), len(r.latencies)-1)
	return r.latencies[i]
}

// Count5xx is the number of answers with a 5xx status.
func (r *Result) Count5xx() int {
	n := 0
	for code, c := range r.Status {
		if code >= 500 {
			n += c
		}
	}
	return n
}

// StatusSummary lists the status counts, "200×9000 429×12", errors last.
func (r *Result) StatusSummary() string {
	codes := make([]int, 0, len(r.Status))
	for c := range r.Status {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	parts := make([]string, 0, len(codes)+1)
	for _, c := range codes {
		switch {
		case r.Loader == "wrk" && c == 200:
			parts = append(parts, fmt.Sprintf("2xx/3xx×%d", r.Status[c]))
		case r.Loader == "wrk" && c == 0:
			parts = append(parts, fmt.Sprintf("other×%d", r.Status[c]))
		default:
			parts = append(parts, fmt.Sprintf("%d×%d", c, r.Status[c]))
		}
	}
	if r.Errors > 0 {
		parts = append(parts, fmt.Sprintf("errors×%d", r.Errors))
	}
	return strings.Join(parts, " ")
}

// Load runs cfg and reports what it measured.
func Load(ctx context.Context, cfg LoadConfig) (*Result, error) {
	if len(cfg.Requests) == 0 {
		return nil, errors.New("load: no requests")
	}
	if cfg.Concurrency <= 0 {
		return nil, errors.New("load: concurrency must be positive")
	}
	if cfg.Count <= 0 && cfg.Duration <= 0 {
		return nil, errors.New("load: set a request count or a duration")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 10 * time.Second
	}
	wires := make([][]byte, len(cfg.Requests))
	for i, r := range cfg.Requests {
		wires[i] = r.wire(cfg.Addr)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if cfg.Count <= 0 {
		var stop context.CancelFunc
		ctx, stop = context.WithTimeout(ctx, cfg.Duration)
		defer stop()
	}

	var (
		next     atomic.Int64 // requests handed out
		answered atomic.Int64
		pause    sync.RWMutex // held for writing while Progress runs
		mu       sync.Mutex
		res      = &Result{Status: map[int]int{}}
	)
	take := func() (int, bool) {
		if ctx.Err() != nil {
			return 0, false
		}
		n := int(next.Add(1)) - 1
		if cfg.Count > 0 && n >= cfg.Count {
			return 0, false
		}
		return n, true
	}
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < cfg.Concurrency; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			wk := &worker{addr: cfg.Addr, timeout: cfg.Timeout}
			defer wk.close()
			lat := make([]time.Duration, 0, 1024)
			status := map[int]int{}
			errs, firstErr := 0, ""
			var bodyBytes int64
			for {
				pause.RLock()
				n, ok := take()
				if !ok {
					pause.RUnlock()
					break
				}
				t0 := time.Now()
				code, size, err := wk.do(ctx, wires[n%len(wires)])
				d := time.Since(t0)
				pause.RUnlock()
				if err != nil {
					if ctx.Err() != nil && cfg.Count <= 0 {
						break // the duration ran out mid-request: not an error of the server
					}
					errs++
					if firstErr == "" {
						firstErr = err.Error()
					}
				} else {
					status[code]++
					lat = append(lat, d)
					bodyBytes += size
				}
				done := int(answered.Add(1))
				if cfg.Progress != nil && cfg.Every > 0 && done%cfg.Every == 0 {
					pause.Lock()
					cfg.Progress(done)
					pause.Unlock()
				}
			}
			mu.Lock()
			defer mu.Unlock()
			for c, k := range status {
				res.Status[c] += k
			}
			res.Errors += errs
			res.BodyBytes += bodyBytes
			if res.FirstError == "" {
				res.FirstError = firstErr
			}
			res.latencies = append(res.latencies, lat...)
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Requests = len(res.latencies) + res.Errors
	slices.Sort(res.latencies)
	res.P50, res.P99, res.Max = res.Percentile(50), res.Percentile(99), res.Percentile(100)
	res.Loader = "go"
	return res, nil
}

// worker owns one keep-alive connection.
type worker struct {
	addr    string
	timeout time.Duration
	conn    net.Conn
	br      *bufio.Reader
}

func (w *worker) close() {
	if w.conn != nil {
		_ = w.conn.Close()
		w.conn = nil
	}
}

// do sends one request and reads the whole answer; it returns the status code and the body's size.
func (w *worker) do(ctx context.Context, wire []byte) (int, int64, error) {
	for attempt := 0; ; attempt++ {
		fresh := false
		if w.conn == nil {
			d := net.Dialer{Timeout: w.timeout}
			conn, err := d.DialContext(ctx, "tcp", w.addr)
			if err != nil {
				return 0, 0, err
			}
			w.conn, w.br, fresh = conn, bufio.NewReaderSize(conn, 32<<10), true
		}
		_ = w.conn.SetDeadline(time.Now().Add(w.timeout))
		code, size, err := w.exchange(wire)
		if err == nil {
			return code, size, nil
		}
		w.close()
		// A keep-alive connection the server closed while idle fails on first use: retry once on a
		// fresh one, as HTTP clients do. An error on a fresh connection is the server's.
		if fresh || attempt > 0 || !reusedConnError(err) {
			return 0, 0, err
		}
	}
}

func (w *worker) exchange(wire []byte) (int, int64, error) {
	if _, err := w.conn.Write(wire); err != nil {
		return 0, 0, err
	}
	code, size, closing, err := readResponse(w.br)
	if err != nil {
		return 0, 0, err
	}
	if closing {
		w.close()
	}
	return code, size, nil
}

// readResponse reads one HTTP/1.1 answer and discards its body; it reports the status code, the
// body's size and whether the server closes the connection. It allocates nothing, so that the load generator's own
// garbage collection stays out of the latencies it measures.
func readResponse(br *bufio.Reader) (code int, size int64, closing bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return 0, 0, false, err
	}
	if len(line) < 12 || !bytes.HasPrefix(line, []byte("HTTP/1.")) {
		return 0, 0, false, fmt.Errorf("malformed status line %q", line)
	}
	for _, c := range line[9:12] {
		if c < '0' || c > '9' {
			return 0, 0, false, fmt.Errorf("malformed status line %q", line)
		}
		code = code*10 + int(c-'0')
	}
	closing = line[7] == '0' // HTTP/1.0
	length, chunked := int64(-1), false
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return 0, 0, false, err
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		name, value, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			return 0, 0, false, fmt.Errorf("malformed header line %q", line)
		}
		value = bytes.TrimSpace(value)
		switch {
		case bytes.EqualFold(name, []byte("Content-Length")):
			n, ok := parseDigits(value, 10)
			if !ok {
				return 0, 0, false, fmt.Errorf("bad Content-Length %q", value)
			}
			length = n
		case bytes.EqualFold(name, []byte("Transfer-Encoding")):
			chunked = bytes.EqualFold(value, []byte("chunked"))
		case bytes.EqualFold(name, []byte("Connection")):
			if bytes.EqualFold(value, []byte("close")) {
				closing = true
			} else if bytes.EqualFold(value, []byte("keep-alive")) {
				closing = false
			}
		}
	}
	switch {
	case code/100 == 1 || code == http.StatusNoContent || code == http.StatusNotModified:
		return code, 0, closing, nil
	case chunked:
		size, err = discardChunked(br)
		return code, size, closing, err
	case length >= 0:
		n, err := br.Discard(int(length))
		return code, int64(n), closing, err
	default: // the body runs to the end of the connection
		size, err = io.Copy(io.Discard, br)
		return code, size, true, err
	}
}

func discardChunked(br *bufio.Reader) (int64, error) {
	var total int64
	for {
		line, err := br.ReadSlice('\n')
		if err != nil {
			return total, err
		}
		sizeText, _, _ := bytes.Cut(bytes.TrimRight(line, "\r\n"), []byte(";"))
		size, ok := parseDigits(bytes.TrimSpace(sizeText), 16)
		if !ok {
			return total, fmt.Errorf("bad chunk size %q", line)
		}
		if size == 0 {
			for { // trailer, up to the empty line
				line, err := br.ReadSlice('\n')
				if err != nil {
					return total, err
				}
				if len(bytes.TrimRight(line, "\r\n")) == 0 {
					return total, nil
				}
			}
		}
		if _, err := br.Discard(int(size) + 2); err != nil { // the chunk and its CRLF
			return total, err
		}
		total += size
	}
}

// parseDigits parses a non-negative decimal or hexadecimal number of at most 15 digits.
func parseDigits(b []byte, base int64) (int64, bool) {
	if len(b) == 0 || len(b) > 15 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		var d int64
		switch {
		case '0' <= c && c <= '9':
			d = int64(c - '0')
		case base == 16 && 'a' <= c|0x20 && c|0x20 <= 'f':
			d = int64(c|0x20-'a') + 10
		default:
			return 0, false
		}
		n = n*base + d
	}
	return n, true
}

func reusedConnError(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed) ||
		strings.Contains(err.Error(), "connection reset") || strings.Contains(err.Error(), "broken pipe")
}

// formatMS renders a duration in milliseconds with two decimals.
func formatMS(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 2, 64)
}
