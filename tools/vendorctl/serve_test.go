package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for one writer and one reader.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var baseLine = regexp.MustCompile(`mock vendors on (http://[0-9.:]+)`)

// startServe runs `vendorctl serve` on a free port and returns its base URL and a stop function that
// returns run's error.
func startServe(t *testing.T, args ...string) (base string, stdout *syncBuffer, stop func() error) {
	t.Helper()
	base, stdout, _, stop = launchServe(t, args...)
	return base, stdout, stop
}

// launchServe is startServe that also returns what serve logs.
func launchServe(t *testing.T, args ...string) (base string, stdout, stderr *syncBuffer, stop func() error) {
	t.Helper()
	return launch(t, baseLine, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
}

// launch runs a long-running vendorctl command in-process until the test ends (or stop is called),
// and returns the base URL that line finds in its output; stop returns run's error.
func launch(t *testing.T, line *regexp.Regexp, args ...string) (base string, stdout, stderr *syncBuffer, stop func() error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stdout, stderr = &syncBuffer{}, &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, args, stdout, stderr) }()
	deadline := time.Now().Add(10 * time.Second)
	for {
		if m := line.FindStringSubmatch(stdout.String()); m != nil {
			base = m[1]
			break
		}
		select {
		case err := <-done:
			cancel()
			t.Fatalf("%s exited early: %v\nstderr: %s", args[0], err, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("%s did not start; stderr: %s", args[0], stderr.String())
		}
		time.Sleep(5 * time.Millisecond)
	}
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-done
		})
		return err
	}
	t.Cleanup(func() { _ = stop() })
	return base, stdout, stderr, stop
}

func get(t *testing.T, url string, header map[string]string) (int, []byte) {
	t.Helper()
	return send(t, http.MethodGet, url, "", "", header)
}

func TestServe(t *testing.T) {
	base, stdout, stop := startServe(t)
	status, body := get(t, base+"/__admin/health", nil)
	if status != 200 {
		t.Fatalf("health: %d %s", status, body)
	}
	var health struct {
		Status string
		APIs   []struct{ Name string }
	}
	if err := json.Unmarshal(body, &health); err != nil || health.Status != "ok" || len(health.APIs) == 0 {
		t.Fatalf("health body %s (%v)", body, err)
	}
	table := stdout.String()
	for _, want := range []string{"https://api.vitecauto.no", base + "/vitecauto", "x-api-key: mock-api-key"} {
		if !strings.Contains(table, want) {
			t.Errorf("start-up table lacks %q:\n%s", want, table)
		}
	}
	// The vendor doc's curl, with the base and key replaced.
	status, body = get(t, base+"/vitecauto/api/customer?companyId=998&customerId=500190",
		map[string]string{"accept": "text/plain", "x-api-key": "mock-api-key"})
	if status != 200 || !strings.Contains(string(body), `"kundenummer":"500190"`) {
		t.Fatalf("documented curl: %d %s", status, body)
	}
	if status, _ := get(t, base+"/vitecauto/api/customer?companyId=998&customerId=500190", nil); status != 401 {
		t.Errorf("without key: %d, want 401", status)
	}
	if status, body := get(t, base+"/nowhere", nil); status != 404 || !strings.Contains(string(body), "no vendor") {
		t.Errorf("unmounted path: %d %s", status, body)
	}
	// Vitec Mäklare: the default Basic credentials read M30011, in JSON and in XML, but not M40022.
	basicAuth := map[string]string{"Authorization": "Basic bW9jay11c2VyOm1vY2stcGFzc3dvcmQ="} // mock-user:mock-password
	if !strings.Contains(table, "basic mock-user / mock-password") {
		t.Errorf("start-up table lacks the Vitec Mäklare credentials:\n%s", table)
	}
	status, body = get(t, base+"/vitecmaklare/CRM/Contact/M30011/P1001", basicAuth)
	if status != 200 || !strings.Contains(string(body), `"firstName":"Åsa"`) {
		t.Errorf("vitecmaklare person: %d %s", status, body)
	}
	basicAuth["Accept"] = "application/xml"
	status, body = get(t, base+"/vitecmaklare/CRM/Contact/M30011/P1001", basicAuth)
	if status != 200 || !strings.HasPrefix(string(body), "<CrmContact ") {
		t.Errorf("vitecmaklare person as XML: %d %s", status, body)
	}
	if status, body := get(t, base+"/vitecmaklare/CRM/Contact/M40022/P2001", basicAuth); status != 403 {
		t.Errorf("vitecmaklare M40022: %d %s, want 403", status, body)
	}
	if err := stop(); err != nil {
		t.Fatalf("serve returned %v after a clean stop", err)
	}
}

func TestServeFlags(t *testing.T) {
	base, stdout, _ := startServe(t, "--vitecauto-api-key", "k2")
	if !strings.Contains(stdout.String(), "x-api-key: k2") {
		t.Errorf("table does not show the configured key:\n%s", stdout.String())
	}
	if status, _ := get(t, base+"/vitecauto/api/customer?companyId=998&customerId=500190", map[string]string{"x-api-key": "k2"}); status != 200 {
		t.Errorf("configured key: %d", status)
	}
	t.Setenv("VENDORCTL_VITECMAKLARE_PASSWORD", "from-env")
	base, stdout, _ = startServe(t, "--vitecmaklare-user", "maklare")
	if !strings.Contains(stdout.String(), "basic maklare / from-env (customers M30011)") {
		t.Errorf("table does not show the configured Vitec Mäklare credentials:\n%s", stdout.String())
	}
	maklare := map[string]string{"Authorization": "Basic bWFrbGFyZTpmcm9tLWVudg=="} // maklare:from-env
	if status, body := get(t, base+"/vitecmaklare/CRM/Contact/M30011/P1001", maklare); status != 200 {
		t.Errorf("configured Vitec Mäklare credentials: %d %s", status, body)
	}
	if _, _, code := runCmd(t, "serve", "--log-level", "loud"); code != 2 {
		t.Errorf("bad --log-level: exit %d, want 2", code)
	}
	if _, _, code := runCmd(t, "serve", "extra"); code != 2 {
		t.Errorf("extra argument: exit %d, want 2", code)
	}
}

// postForm posts form values and returns the status and body.
func postForm(t *testing.T, url string, form url.Values) (int, []byte) {
	t.Helper()
	resp, err := http.PostForm(url, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

func TestServeMediaconnect(t *testing.T) {
	t.Setenv("VENDORCTL_MEDIACONNECT_CLIENT_SECRET", "env-secret")
	base, stdout, _ := startServe(t, "--mediaconnect-client-id", "flag-client")
	table := stdout.String()
	for _, want := range []string{"https://api.mediaconnect.no/capi", base + "/mediaconnect/capi", "https://connectid.no", base + "/connectid", "flag-client / env-secret"} {
		if !strings.Contains(table, want) {
			t.Errorf("start-up table lacks %q:\n%s", want, table)
		}
	}
	tokenURL := base + "/connectid/user/oauth/token"
	if status, body := postForm(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {"mock-client"}, "client_secret": {"mock-secret"}}); status != 401 {
		t.Errorf("default credentials after configuring others: %d %s", status, body)
	}
	status, body := postForm(t, tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {"flag-client"}, "client_secret": {"env-secret"}})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(body, &tok); status != 200 || err != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", status, body)
	}
	status, body = get(t, base+"/mediaconnect/capi/v1/client/customer/info/563457", map[string]string{"Authorization": "Bearer " + tok.AccessToken})
	if status != 200 || !strings.Contains(string(body), `"customerNumber":563457`) {
		t.Fatalf("client-mode customer info: %d %s", status, body)
	}
	if status, _ := get(t, base+"/mediaconnect/capi/v1/client/customer/info/563457", nil); status != 401 {
		t.Errorf("without token: %d, want 401", status)
	}
}

func TestServeMediaconnectRateLimit(t *testing.T) {
	base, _, _ := startServe(t, "--mediaconnect-rate-limit", "0.001", "--mediaconnect-token-ttl", "1h")
	status, body := postForm(t, base+"/connectid/user/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {"mock-client"}, "client_secret": {"mock-secret"}})
	if status != 200 || !strings.Contains(string(body), `"expires_in":3600`) {
		t.Fatalf("token: %d %s", status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.Unmarshal(body, &tok)
	h := map[string]string{"Authorization": "Bearer " + tok.AccessToken}
	if status, _ := get(t, base+"/mediaconnect/capi/v1/client/customer/info/563457", h); status != 200 {
		t.Fatalf("first request: %d", status)
	}
	if status, body := get(t, base+"/mediaconnect/capi/v1/client/customer/info/563457", h); status != 429 {
		t.Fatalf("second request: %d %s, want 429", status, body)
	}
	for _, args := range [][]string{
		{"serve", "--mediaconnect-rate-limit", "-1"},
		{"serve", "--mediaconnect-rate-limit", "lots"},
		{"serve", "--mediaconnect-token-ttl", "0s"},
		{"serve", "--mediaconnect-token-ttl", "soon"},
	} {
		if _, _, code := runCmd(t, args...); code != 2 {
			t.Errorf("%v: exit %d, want 2", args, code)
		}
	}
	t.Setenv("VENDORCTL_MEDIACONNECT_RATE_LIMIT", "fast")
	if _, stderr, code := runCmd(t, "serve"); code != 2 || !strings.Contains(stderr, "VENDORCTL_MEDIACONNECT_RATE_LIMIT") {
		t.Errorf("bad env rate: exit %d, stderr %q", code, stderr)
	}
}

// serve collects at 200 % for the mocks' usual small live heap, and lets at most gcHeadroom of
// garbage grow over a large one (at least 50 %).
func TestServeGCPercentFollowsTheLiveHeap(t *testing.T) {
	for live, want := range map[uint64]int{0: serveGCPercent, 20 << 20: serveGCPercent, 48 << 20: 100, 96 << 20: 50, 1 << 30: 50} {
		if got := serveGCPercentFor(live); got != want {
			t.Errorf("%d MB live: %d %%, want %d", live>>20, got, want)
		}
	}
}

func TestGCPercentReadsGOGC(t *testing.T) {
	for gogc, want := range map[string]int{"": serveGCPercent, "off": -1, "100": 100, "bad": serveGCPercent} {
		if got := gcPercent(gogc); got != want {
			t.Errorf("gcPercent(%q) = %d, want %d", gogc, got, want)
		}
	}
}
