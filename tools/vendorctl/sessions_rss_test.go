package main

import (
	"bufio"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// vmRSS reads a process's resident set size in kB from /proc.
func vmRSS(t *testing.T, pid int) int {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			return n
		}
	}
	t.Fatal("no VmRSS")
	return 0
}

// 10,000 sessions that each made one read stay within 200 MB RSS of the built binary. Slow: run it
// with VENDORCTL_SESSIONS_RSS=1 (BENCHMARKS.md).
func TestSessionsRSS(t *testing.T) {
	if os.Getenv("VENDORCTL_SESSIONS_RSS") == "" {
		t.Skip("set VENDORCTL_SESSIONS_RSS=1 to measure 10,000 sessions on the built binary")
	}
	bin := buildVendorctl(t)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--log-level", "warn")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	base := ""
	sc := bufio.NewScanner(stdout)
	for base == "" && sc.Scan() {
		if m := regexp.MustCompile(`on (http://\S+) `).FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
		}
	}
	go func() { // keep the pipe drained
		for sc.Scan() {
		}
	}()
	idle := vmRSS(t, cmd.Process.Pid)
	const n, workers = 10_000, 8
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: workers}, Timeout: 10 * time.Second}
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			for i := w; i < n; i += workers {
				req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/sessions/s%d/vitecauto/api/customer?companyId=998&customerId=500190", base, i), nil)
				req.Header.Set("x-api-key", "mock-api-key")
				resp, err := client.Do(req)
				if err != nil || resp.StatusCode != 200 {
					t.Errorf("session %d: %v %v", i, err, resp)
					return
				}
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	rss := vmRSS(t, cmd.Process.Pid)
	t.Logf("RSS idle %d kB, after %d sessions with one read each %d kB (%.1f kB per session)", idle, n, rss, float64(rss-idle)/n)
	if rss > 200<<10 {
		t.Errorf("RSS %d kB > 200 MB", rss)
	}
}
