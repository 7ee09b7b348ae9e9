package main

import (
	"bufio"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// On SIGTERM, a request held by a latency fault completes with 200, then the process exits 0.
func TestSIGTERMLetsInFlightRequestsFinish(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := buildVendorctl(t)
	cmd := exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--log-level", "error")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = cmd.Process.Kill() }()
	base := ""
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		if m := baseLine.FindStringSubmatch(sc.Text()); m != nil {
			base = m[1]
			break
		}
	}
	if base == "" {
		t.Fatal("serve printed no base URL")
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()

	if st, b := post(t, base+"/__admin/faults", `{"api":"vitecauto","latencyMs":800}`); st != 201 {
		t.Fatalf("add latency rule: %d %s", st, b)
	}
	type result struct {
		status int
		body   string
		err    error
	}
	done := make(chan result, 1)
	go func() {
		req, _ := http.NewRequest(http.MethodGet, base+"/vitecauto/api/customer?companyId=998&customerId=500190", nil)
		req.Header.Set("x-api-key", "mock-api-key")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			done <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		done <- result{resp.StatusCode, string(b), err}
	}()
	time.Sleep(250 * time.Millisecond) // the request is now held by the fault
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	r := <-done
	if r.err != nil || r.status != 200 || !strings.Contains(r.body, `"kundenummer":"500190"`) {
		t.Fatalf("in-flight request: %d %v %.80s", r.status, r.err, r.body)
	}
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("exit after SIGTERM: %v (want status 0)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not exit after SIGTERM")
	}
	if _, err := http.Get(base + "/__admin/health"); err == nil {
		t.Fatal("still serving after exit")
	}
}
