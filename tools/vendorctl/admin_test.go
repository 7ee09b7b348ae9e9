package main

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func post(t *testing.T, url, body string) (int, []byte) {
	t.Helper()
	return send(t, http.MethodPost, url, "", body, map[string]string{"Content-Type": "application/json"})
}

func del(t *testing.T, url string) int {
	t.Helper()
	status, _ := send(t, http.MethodDelete, url, "", "", nil)
	return status
}

// send sends a request with the given Host (empty: the server's own), body and headers.
func send(t *testing.T, method, url, host, body string, header map[string]string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, url, strings.NewReader(body))
	if host != "" {
		req.Host = host
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b bytes.Buffer
	_, _ = b.ReadFrom(resp.Body)
	return resp.StatusCode, b.Bytes()
}

// The admin API over real HTTP, as the README documents it.
func TestServeAdminAPI(t *testing.T) {
	base, _, _ := startServe(t)
	customer := base + "/vitecauto/api/customer?companyId=998&customerId=500190"
	key := map[string]string{"x-api-key": "mock-api-key"}

	get(t, customer, key)
	status, body := get(t, base+"/__admin/requests?api=vitecauto", nil)
	if status != 200 || !strings.Contains(string(body), `"operationId":"getCustomer"`) || strings.Contains(string(body), "mock-api-key") {
		t.Fatalf("journal: %d %s", status, body)
	}

	// A 503 rule on vitecauto touches no other vendor.
	if st, b := post(t, base+"/__admin/faults", `{"api":"vitecauto","status":503}`); st != 201 {
		t.Fatalf("add 503 rule: %d %s", st, b)
	}
	if st, _ := get(t, customer, key); st != 503 {
		t.Fatalf("vitecauto under a 503 rule: %d", st)
	}
	req, _ := http.NewRequest(http.MethodGet, base+"/vitecmaklare/CRM/Contact/M30011/P1001", nil)
	req.SetBasicAuth("mock-user", "mock-password")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("vitecmaklare while vitecauto has a 503 rule: %d", resp.StatusCode)
	}
	if del(t, base+"/__admin/faults") != 204 {
		t.Fatal("clear faults")
	}
	if st, _ := get(t, customer, key); st != 200 {
		t.Fatalf("vitecauto after DELETE /__admin/faults: %d", st)
	}

	if st, b := post(t, base+"/__admin/faults", `{"api":"vitecauto","latencyMs":400}`); st != 201 {
		t.Fatalf("add latency rule: %d %s", st, b)
	}
	start := time.Now()
	if st, _ := get(t, customer, key); st != 200 || time.Since(start) < 400*time.Millisecond {
		t.Fatalf("latency rule: %d after %v", st, time.Since(start))
	}
	if del(t, base+"/__admin/faults") != 204 {
		t.Fatal("clear faults")
	}

	// A wrong-type drift answer is rejected by vendorctl validate.
	if st, b := post(t, base+"/__admin/faults", `{"api":"vitecauto","drift":"wrong-type"}`); st != 201 {
		t.Fatalf("add drift rule: %d %s", st, b)
	}
	st, drifted := get(t, customer, key)
	if st != 200 {
		t.Fatalf("drift answer status %d", st)
	}
	file := filepath.Join(t.TempDir(), "drifted.json")
	if err := os.WriteFile(file, drifted, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, code := runCmd(t, "validate", "--api", "vitecauto", "--path", "/api/customer?companyId=998&customerId=500190", file)
	if code != 1 || !strings.Contains(out, "invalid") {
		t.Fatalf("validate accepted the drifted body (exit %d): %s", code, out)
	}
	del(t, base+"/__admin/faults")

	// POST /__admin/reset brings TimeWave's total back after a create.
	tok := timewaveToken(t, base)
	total := func() int {
		_, body := get(t, base+"/timewave/v3/clients?page[size]=1", map[string]string{"Authorization": "Bearer " + tok})
		var page struct{ Total int }
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatalf("list: %s", body)
		}
		return page.Total
	}
	before := total()
	req, _ = http.NewRequest(http.MethodPost, base+"/timewave/v3/clients", strings.NewReader(`{"first_name":"Återställd","last_name":"Kund"}`))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	if resp, err = http.DefaultClient.Do(req); err != nil || resp.StatusCode != 201 {
		t.Fatalf("create: %v %v", resp, err)
	}
	resp.Body.Close()
	if total() != before+1 {
		t.Fatal("create did not raise the total")
	}
	if st, _ := post(t, base+"/__admin/reset", ""); st != 200 {
		t.Fatalf("reset: %d", st)
	}
	if got := total(); got != before {
		t.Fatalf("total after reset %d, want %d", got, before)
	}
}

func timewaveToken(t *testing.T, base string) string {
	t.Helper()
	return oauthToken(t, base+"/timewave/v3/oauth/token", clientCredentials())
}

func TestServeFaultsFileAndSeed(t *testing.T) {
	dir := t.TempDir()
	rules := filepath.Join(dir, "faults.json")
	if err := os.WriteFile(rules, []byte(`[{"api":"vitecauto","status":503,"retryAfter":3}]`), 0o600); err != nil {
		t.Fatal(err)
	}
	base, _, _ := startServe(t, "--faults", rules, "--seed", "7")
	if st, _ := get(t, base+"/vitecauto/api/customer?companyId=998&customerId=500190", map[string]string{"x-api-key": "mock-api-key"}); st != 503 {
		t.Fatalf("rule from --faults: %d", st)
	}
	for body, want := range map[string]string{
		`[{"api":"nope","status":500}]`:                                "nope",
		`[{"api":"timewave","operationId":"getClients","status":500}]`: "createClient, findClientByNumber, getClient, listClients, requestToken, updateClient",
		`[{"api":"timewave","status":302}]`:                            "400 to 599",
	} {
		bad := filepath.Join(dir, "bad.json")
		_ = os.WriteFile(bad, []byte(body), 0o600)
		if _, stderr, code := runCmd(t, "serve", "--addr", "127.0.0.1:0", "--faults", bad); code != 2 || !strings.Contains(stderr, want) {
			t.Errorf("bad faults file %s: exit %d %s", body, code, stderr)
		}
	}
}

func TestServeRefusesOpenAdminWithoutToken(t *testing.T) {
	_, stderr, code := runCmd(t, "serve", "--addr", "0.0.0.0:0")
	if code != 2 || !strings.Contains(stderr, "--admin-token") {
		t.Fatalf("exit %d, stderr %s", code, stderr)
	}
	for _, addr := range []string{"127.0.0.1:8080", "localhost:1", "[::1]:80"} {
		if err := checkAdminExposure(addr, ""); err != nil {
			t.Errorf("%s: %v", addr, err)
		}
	}
	if err := checkAdminExposure("0.0.0.0:80", "tok"); err != nil {
		t.Errorf("with a token: %v", err)
	}
}

func TestServeFixturesDir(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "vitecauto"), 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../../mocks/vitecauto/fixtures/customers.json")
	if err != nil {
		t.Fatal(err)
	}
	// Keep only the documented record: the other fixture customers disappear.
	end := bytes.Index(src, []byte("\n  },"))
	one := append(append([]byte{}, src[:end]...), []byte("\n  }\n]\n")...)
	if err := os.WriteFile(filepath.Join(dir, "vitecauto", "customers.json"), one, 0o600); err != nil {
		t.Fatal(err)
	}
	base, _, _ := startServe(t, "--fixtures", dir)
	key := map[string]string{"x-api-key": "mock-api-key"}
	if st, _ := get(t, base+"/vitecauto/api/customer?companyId=998&customerId=500190", key); st != 200 {
		t.Fatalf("fixture from the folder: %d", st)
	}
	if st, _ := get(t, base+"/vitecauto/api/customer?companyId=998&customerId=500191", key); st != 404 {
		t.Fatalf("embedded fixture still served: %d", st)
	}
}

// adminCall is send with the body as a string.
func adminCall(t *testing.T, method, url, host, body string, header map[string]string) (int, string) {
	t.Helper()
	status, b := send(t, method, url, host, body, header)
	return status, string(b)
}

// The two browser attacks on a developer's laptop: a page that POSTs a fault across sites, and a
// DNS-rebinding page that reads the journal (personal numbers) under its own host name.
func TestServeAdminRefusesBrowserAttacks(t *testing.T) {
	base, _, _ := startServe(t)
	get(t, base+"/vitecmaklare/CRM/Contact/M30011/P1001", nil) // a journal entry
	form := map[string]string{"Content-Type": "text/plain", "Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
	if st, body := adminCall(t, "POST", base+"/__admin/faults", "", `{"api":"vitecauto","status":500}`, form); st != 403 || !strings.Contains(body, `"error":"the admin API refuses a request a browser sent from another site`) {
		t.Errorf("cross-site POST of a fault: %d %s", st, body)
	}
	if st, body := adminCall(t, "POST", base+"/__admin/faults", "", `{"api":"vitecauto","status":500}`, map[string]string{"Content-Type": "text/plain"}); st != 415 {
		t.Errorf("text/plain fault: %d %s", st, body)
	}
	if _, rules := get(t, base+"/__admin/faults", nil); !strings.Contains(string(rules), `"faults":[]`) {
		t.Fatalf("a refused request added a fault: %s", rules)
	}
	st, body := adminCall(t, "GET", base+"/__admin/requests", "evil.example", "", nil)
	if st != 403 || strings.Contains(body, "P1001") || !strings.Contains(body, "--public-host evil.example") {
		t.Errorf("rebound journal read: %d %s", st, body)
	}
	if _, journal := get(t, base+"/__admin/requests", nil); !strings.Contains(string(journal), "P1001") {
		t.Fatalf("the journal lacks the entry the test relies on: %s", journal)
	}
}

// --public-host may be repeated and comma-separated; it lets a load balancer call health by name.
func TestServePublicHost(t *testing.T) {
	base, _, _ := startServe(t, "--public-host", "mocks.internal, alt.internal", "--public-host", "lb.internal")
	for _, host := range []string{"mocks.internal:8080", "alt.internal", "LB.internal"} {
		if st, body := adminCall(t, "GET", base+"/__admin/health", host, "", nil); st != 200 {
			t.Errorf("Host %s: %d %s", host, st, body)
		}
	}
	if st, _ := adminCall(t, "GET", base+"/__admin/health", "evil.example", "", nil); st != 403 {
		t.Errorf("Host evil.example: %d", st)
	}
	for _, bad := range []string{"http://mocks.internal", "mocks.internal:8080", "", "a b", "mocks.internal/x"} {
		for _, cmd := range []string{"serve", "proxy"} {
			if _, stderr, code := runCmd(t, cmd, "--public-host", bad); code != 2 || !strings.Contains(stderr, "public-host") {
				t.Errorf("%s --public-host %q: exit %d %s", cmd, bad, code, stderr)
			}
		}
	}
}

// proxy, like serve, refuses to listen beyond loopback without an admin token, and then requires it.
func TestProxyAdminToken(t *testing.T) {
	_, stderr, code := runCmd(t, "proxy", "--api", "vitecauto", "--upstream", "http://127.0.0.1:1", "--addr", "0.0.0.0:0")
	if code != 2 || !strings.Contains(stderr, "--admin-token") {
		t.Fatalf("proxy on 0.0.0.0 without a token: exit %d, stderr %s", code, stderr)
	}
	base, _, _ := startProxy(t, "--api", "vitecauto", "--upstream", "http://127.0.0.1:1", "--admin-token", "adm1n")
	if st, body := adminCall(t, "GET", base+"/__admin/violations", "", "", nil); st != 401 {
		t.Errorf("violations without the token: %d %s", st, body)
	}
	if st, body := adminCall(t, "GET", base+"/__admin/violations", "", "", map[string]string{"Authorization": "Bearer adm1n"}); st != 200 {
		t.Errorf("violations with the token: %d %s", st, body)
	}
	if st, body := adminCall(t, "DELETE", base+"/__admin/violations", "evil.example", "", map[string]string{"Authorization": "Bearer adm1n"}); st != 403 {
		t.Errorf("violations under a rebound name: %d %s", st, body)
	}
}
