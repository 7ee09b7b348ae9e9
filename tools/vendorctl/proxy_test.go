package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/tools/internal/proxy"
	"github.com/vendorctl/vendorctl/tools/internal/upstreamtest"
)

var proxyLine = regexp.MustCompile(`on (http://[0-9.:]+) →`)

// startProxy runs `vendorctl proxy` on a free port and returns its base URL and a stop function that
// returns run's error.
func startProxy(t *testing.T, args ...string) (base string, stderr *syncBuffer, stop func() error) {
	t.Helper()
	base, _, stderr, stop = launch(t, proxyLine, append([]string{"proxy", "--addr", "127.0.0.1:0"}, args...)...)
	return base, stderr, stop
}

func TestProxy(t *testing.T) {
	up := httptest.NewServer(upstreamtest.VitecAuto(true))
	defer up.Close()
	key := map[string]string{"x-api-key": upstreamtest.APIKey}
	path := "/api/customer?companyId=998&customerId=500190"

	base, stderr, stop := startProxy(t, "--api", "vitecauto", "--upstream", up.URL)
	req, _ := http.NewRequest(http.MethodGet, base+path, nil)
	req.Header.Set("x-api-key", upstreamtest.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	want := "response: kredLim: value must be an integer; kundenummer: required property is missing; kundeType: property is not documented in the spec"
	if got := resp.Header.Get(proxy.HeaderViolations); resp.StatusCode != 200 || got != want {
		t.Errorf("%d %s: %q, want %q", resp.StatusCode, proxy.HeaderViolations, got, want)
	}
	status, body := get(t, base+"/__admin/violations", nil)
	var sum proxy.Summary
	if err := json.Unmarshal(body, &sum); status != 200 || err != nil || sum.Violations != 3 {
		t.Errorf("admin: %d %s", status, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("proxy returned %v after a clean stop", err)
	}
	if !strings.Contains(stderr.String(), "contract violation") || strings.Contains(stderr.String(), upstreamtest.APIKey) {
		t.Errorf("log lacks the violation, or shows the key:\n%s", stderr.String())
	}

	strictBase, _, _ := startProxy(t, "--api", "vitecauto", "--upstream", up.URL, "--strict")
	status, body = get(t, strictBase+path, key)
	if status != 502 || !strings.Contains(string(body), `"field":"kredLim"`) || !strings.Contains(string(body), `"field":"kundenummer"`) {
		t.Errorf("strict: %d %s", status, body)
	}
}

func TestProxyUsage(t *testing.T) {
	for _, args := range [][]string{
		{"--upstream", "http://127.0.0.1:1"},
		{"--api", "vitecauto"},
		{"--api", "nope", "--upstream", "http://127.0.0.1:1"},
		{"--api", "vitecauto", "--upstream", "nope"},
		{"--api", "vitecauto", "--upstream", "http://127.0.0.1:1", "--log-level", "loud"},
	} {
		if _, stderr, code := runCmd(t, append([]string{"proxy"}, args...)...); code != 2 {
			t.Errorf("%v: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
	}
}

// recordOnce records the documented Vitec Autodata customer through a proxy started with args and
// returns customers.json and what the proxy printed on stderr.
func recordOnce(t *testing.T, upstream string, args ...string) (fixture, stderr string) {
	t.Helper()
	dir := t.TempDir()
	base, errb, stop := startProxy(t, append([]string{"--api", "vitecauto", "--upstream", upstream, "--record", dir}, args...)...)
	if st, b := get(t, base+"/api/customer?companyId=998&customerId=500190", map[string]string{"x-api-key": upstreamtest.APIKey}); st != 200 {
		t.Fatalf("%d %s", st, b)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "vitecauto", "customers.json"))
	if err != nil {
		t.Fatal(err)
	}
	return string(data), errb.String()
}

// TestProxyRecordKeys: without a key two recordings of one answer differ, with one key they are
// equal; --keep-personal-data keeps the upstream's values and warns.
func TestProxyRecordKeys(t *testing.T) {
	up := httptest.NewServer(upstreamtest.VitecAuto(false))
	defer up.Close()
	a, _ := recordOnce(t, up.URL)
	b, _ := recordOnce(t, up.URL)
	if a == b {
		t.Error("two recordings without a key are equal")
	}
	c, _ := recordOnce(t, up.URL, "--anonymize-key", "shared")
	t.Setenv("VENDORCTL_ANONYMIZE_KEY", "shared")
	d, stderr := recordOnce(t, up.URL)
	if c != d {
		t.Error("two recordings under one key differ")
	}
	if strings.Contains(stderr, "shared") {
		t.Errorf("the key is printed:\n%s", stderr)
	}
	kept, stderr := recordOnce(t, up.URL, "--keep-personal-data")
	if !strings.Contains(stderr, "warning: --keep-personal-data") || !strings.Contains(kept, `"navn1": "KONTANT-SALG"`) {
		t.Errorf("--keep-personal-data: warning or values missing\n%s\n%s", stderr, kept)
	}
	if strings.Contains(a, `"navn1": "KONTANT-SALG"`) {
		t.Error("the name is kept without --keep-personal-data")
	}
}

// TestProxyRecordWritesWhileRunning: the recording is on disk every --record-interval, before the
// proxy stops.
func TestProxyRecordWritesWhileRunning(t *testing.T) {
	up := httptest.NewServer(upstreamtest.VitecAuto(false))
	defer up.Close()
	dir := t.TempDir()
	base, _, _ := startProxy(t, "--api", "vitecauto", "--upstream", up.URL, "--record", dir, "--record-interval", "20ms")
	if st, _ := get(t, base+"/api/customer?companyId=998&customerId=500190", map[string]string{"x-api-key": upstreamtest.APIKey}); st != 200 {
		t.Fatalf("status %d", st)
	}
	file := filepath.Join(dir, "vitecauto", "customers.json")
	deadline := time.Now().Add(5 * time.Second)
	for {
		data, err := os.ReadFile(file)
		if err == nil && strings.Contains(string(data), `"kundenummer": "500190"`) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no recording on disk while running: %v", err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
