package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// loadFunc is a load generator: the built-in one or wrk.
type loadFunc struct {
	name string
	run  func(ctx context.Context, addr string, reqs []Request, concurrency int, d time.Duration) (*Result, error)
}

func goLoader() loadFunc {
	return loadFunc{name: "go", run: func(ctx context.Context, addr string, reqs []Request, c int, d time.Duration) (*Result, error) {
		return Load(ctx, LoadConfig{Addr: addr, Requests: reqs, Concurrency: c, Duration: d})
	}}
}

// chooseLoader picks the load generator: "go", "wrk", or "auto" (wrk when it is installed).
func chooseLoader(name string) (loadFunc, error) {
	switch name {
	case "go":
		return goLoader(), nil
	case "wrk", "auto":
		path, err := exec.LookPath("wrk")
		if err != nil {
			if name == "wrk" {
				return loadFunc{}, usageErrorf("--loader wrk: wrk is not installed")
			}
			return goLoader(), nil
		}
		return loadFunc{name: "wrk", run: func(ctx context.Context, addr string, reqs []Request, c int, d time.Duration) (*Result, error) {
			return runWrk(ctx, path, addr, reqs, c, d)
		}}, nil
	}
	return loadFunc{}, usageErrorf("--loader %q: want go, wrk or auto", name)
}

// runWrk loads addr with wrk: two threads, c connections, the request(s) set by a Lua script.
func runWrk(ctx context.Context, wrk, addr string, reqs []Request, c int, d time.Duration) (*Result, error) {
	if len(reqs) != 1 {
		return nil, fmt.Errorf("wrk: one request at a time, got %d", len(reqs))
	}
	script, err := os.CreateTemp("", "vendorctl-bench-*.lua")
	if err != nil {
		return nil, err
	}
	defer os.Remove(script.Name())
	if _, err := script.WriteString(wrkScript(reqs[0])); err != nil {
		return nil, err
	}
	_ = script.Close()
	threads := min(2, c)
	secs := max(1, int(d.Round(time.Second)/time.Second))
	cmd := exec.CommandContext(ctx, wrk, "-t", strconv.Itoa(threads), "-c", strconv.Itoa(c), "-d", fmt.Sprintf("%ds", secs),
		"--latency", "-s", script.Name(), "http://"+addr+reqs[0].Target)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return nil, fmt.Errorf("wrk: %w: %s", err, out)
	}
	return parseWrk(string(out))
}

// wrkScript sets wrk's method, headers and body.
func wrkScript(r Request) string {
	var b strings.Builder
	method := r.Method
	if method == "" {
		method = "GET"
	}
	fmt.Fprintf(&b, "wrk.method = %q\n", method)
	for k, vs := range r.Header {
		if len(vs) > 0 {
			fmt.Fprintf(&b, "wrk.headers[%q] = %q\n", k, vs[0])
		}
	}
	if len(r.Body) > 0 {
		fmt.Fprintf(&b, "wrk.body = %q\n", string(r.Body))
	}
	return b.String()
}

var (
	wrkTotal   = regexp.MustCompile(`(\d+) requests in ([0-9.]+)(us|ms|s|m), ([0-9.]+)(B|KB|MB|GB) read`)
	wrkPct     = regexp.MustCompile(`(?m)^\s+(50|99)(?:\.0+)?%\s+([0-9.]+)(us|ms|s|m)\s*$`)
	wrkNon2xx  = regexp.MustCompile(`Non-2xx or 3xx responses: (\d+)`)
	wrkSockErr = regexp.MustCompile(`Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// parseWrk reads wrk's --latency report. Status codes are known only as 2xx/3xx or not: the result
// counts the first under 200 and the rest under 0.
func parseWrk(out string) (*Result, error) {
	m := wrkTotal.FindStringSubmatch(out)
	if m == nil {
		return nil, fmt.Errorf("wrk: no request count in its output: %s", out)
	}
	total, _ := strconv.Atoi(m[1])
	elapsed, err := wrkDuration(m[2], m[3])
	if err != nil {
		return nil, err
	}
	res := &Result{Requests: total, Elapsed: elapsed, Status: map[int]int{}, Loader: "wrk"}
	if read, err := strconv.ParseFloat(m[4], 64); err == nil {
		res.BodyBytes = int64(read * map[string]float64{"B": 1, "KB": 1 << 10, "MB": 1 << 20, "GB": 1 << 30}[m[5]])
	}
	for _, p := range wrkPct.FindAllStringSubmatch(out, -1) {
		d, err := wrkDuration(p[2], p[3])
		if err != nil {
			return nil, err
		}
		if p[1] == "50" {
			res.P50 = d
		} else {
			res.P99 = d
		}
	}
	non2xx := 0
	if n := wrkNon2xx.FindStringSubmatch(out); n != nil {
		non2xx, _ = strconv.Atoi(n[1])
	}
	if s := wrkSockErr.FindStringSubmatch(out); s != nil {
		for _, v := range s[1:] {
			n, _ := strconv.Atoi(v)
			res.Errors += n
		}
	}
	if ok := total - non2xx; ok > 0 {
		res.Status[200] = ok
	}
	if non2xx > 0 {
		res.Status[0] = non2xx
	}
	// wrk counts requests in total, errors apart: RPS divides answered requests.
	res.Requests = total + res.Errors
	return res, nil
}

func wrkDuration(num, unit string) (time.Duration, error) {
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, fmt.Errorf("wrk: duration %s%s: %w", num, unit, err)
	}
	scale := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second, "m": time.Minute}[unit]
	return time.Duration(v * float64(scale)), nil
}
