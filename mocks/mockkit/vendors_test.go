package mockkit_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// vendorsServer serves every vendor with a journal and fault rules, over HTTP.
func vendorsServer(t *testing.T) (*httptest.Server, *mockserver.Journal) {
	t.Helper()
	cfg := all.Config{Options: mockkit.TestOptions(t)}
	srv, err := mockserver.NewServerWith(mockserver.ServerConfig{Journal: mockserver.JournalConfig{Size: 100}, Seed: 1}, cfg.Vendors)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, srv.Journal()
}

// journalText is GET /__admin/requests?api=API as the admin API answers it.
func journalText(t *testing.T, base, api string) (string, []mockserver.Entry) {
	t.Helper()
	st, body := kittest.Call(t, "GET", base+"/__admin/requests?api="+api, "", nil)
	var got struct {
		Requests []mockserver.Entry `json:"requests"`
	}
	if err := json.Unmarshal([]byte(body), &got); st != 200 || err != nil {
		t.Fatalf("journal: %d %s (%v)", st, body, err)
	}
	return body, got.Requests
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

// ConnectID's exchanges are journaled as api "connectid" with their operation, and its secrets (client
// secret in the query and the form, issued token, authorization code) are not.
func TestConnectIDIsJournaled(t *testing.T) {
	ts, _ := vendorsServer(t)
	form := "grant_type=client_credentials"
	st, body := kittest.Call(t, "POST", ts.URL+"/connectid/user/oauth/token?client_id=mock-client&client%5Fsecret=mock-secret", form,
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(body), &tok); st != 200 || err != nil {
		t.Fatalf("token: %d %s", st, body)
	}
	q := url.Values{"client_id": {"mock-client"}, "redirect_uri": {"http://127.0.0.1:9/cb"}, "response_type": {"code"}, "state": {"s"}}
	resp, err := noRedirect.Get(ts.URL + "/connectid/user/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")
	if resp.StatusCode != http.StatusFound || code == "" {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	text, entries := journalText(t, ts.URL, "connectid")
	if len(entries) != 2 {
		t.Fatalf("%d connectid entries, want 2: %s", len(entries), text)
	}
	for i, want := range []struct {
		op     string
		status int
	}{{"token", 200}, {"authorize", 302}} {
		if e := entries[i]; e.API != "connectid" || e.OperationID != want.op || e.Status != want.status || !strings.HasPrefix(e.Path, "/connectid/") {
			t.Errorf("entry %d: %+v, want connectid %s %d", i, e, want.op, want.status)
		}
	}
	if !strings.Contains(entries[0].RequestBody, "grant_type=client_credentials") || !strings.Contains(entries[0].ResponseBody, "expires_in") {
		t.Errorf("token entry lost its harmless fields: %q %q", entries[0].RequestBody, entries[0].ResponseBody)
	}
	for _, secret := range []string{"mock-secret", tok.AccessToken, code} {
		if strings.Contains(text, secret) {
			t.Errorf("journal holds the secret %q: %s", secret, text)
		}
	}
}

// A fault rule for api "connectid" is accepted and shapes ConnectID's answers: a status in the OAuth
// error shape for the operation it names only, a drifted answer, and a dropped connection.
func TestConnectIDFaultRules(t *testing.T) {
	ts, _ := vendorsServer(t)
	token := func() (int, string) {
		return kittest.Call(t, "POST", ts.URL+"/connectid/user/oauth/token", "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret",
			map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	}
	if st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", `{"api":"connectid","operationId":"tokens","status":503}`, nil); st != 400 || !strings.Contains(body, "authorize, token") {
		t.Fatalf("a connectid rule for an unknown operation: %d %s, want 400 listing authorize and token", st, body)
	}
	if st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", `{"api":"connectid","operationId":"token","status":503,"retryAfter":2}`, nil); st != 201 {
		t.Fatalf("add connectid rule: %d %s", st, body)
	}
	st, body := token()
	var oauth map[string]string
	if err := json.Unmarshal([]byte(body), &oauth); st != 503 || err != nil || oauth["error"] != "temporarily_unavailable" || oauth["error_description"] == "" {
		t.Fatalf("token under a 503 rule: %d %s", st, body)
	}
	q := url.Values{"client_id": {"mock-client"}, "redirect_uri": {"http://127.0.0.1:9/cb"}, "response_type": {"code"}}
	resp, err := noRedirect.Get(ts.URL + "/connectid/user/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		t.Errorf("authorize under a rule for token: %d", resp.StatusCode)
	}
	_, entries := journalText(t, ts.URL, "connectid")
	if len(entries) == 0 || entries[0].Fault != "#1 connectid/token" || entries[0].Status != 503 {
		t.Errorf("journal of the faulted token request: %+v", entries)
	}
	if st, _ := kittest.Call(t, "DELETE", ts.URL+"/__admin/faults", "", nil); st != 204 {
		t.Fatal("clear rules")
	}
	if st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", `{"api":"connectid","drift":"extra-field"}`, nil); st != 201 {
		t.Fatalf("add drift rule: %d %s", st, body)
	}
	if st, body := token(); st != 200 || !strings.Contains(body, "x_undocumented_drift") || !strings.Contains(body, "access_token") {
		t.Fatalf("token under a drift rule: %d %s", st, body)
	}
	kittest.Call(t, "DELETE", ts.URL+"/__admin/faults", "", nil)
	if st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", `{"api":"connectid","reset":true}`, nil); st != 201 {
		t.Fatalf("add reset rule: %d %s", st, body)
	}
	req, _ := http.NewRequest("POST", ts.URL+"/connectid/user/oauth/token", strings.NewReader("grant_type=client_credentials"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if resp, err := http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("reset rule: answered %d, want a dropped connection", resp.StatusCode)
	}
}

// A JSON key spelled with \u escapes is redacted in the journal as its plain name is.
func TestJournalRedactsEscapedKeysOverHTTP(t *testing.T) {
	ts, _ := vendorsServer(t)
	st, body := kittest.Call(t, "POST", ts.URL+"/timewave/v3/oauth/token", "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret",
		map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(body), &tok); st != 200 || err != nil {
		t.Fatalf("token: %d %s", st, body)
	}
	payload := `{"first_name":"Kari","last_name":"Nordmann","pass\u0077ord":"pw-escaped-123"}`
	kittest.Call(t, "POST", ts.URL+"/timewave/v3/clients", payload, map[string]string{"Content-Type": "application/json", "Authorization": "Bearer " + tok.AccessToken})
	text, entries := journalText(t, ts.URL, "timewave")
	if len(entries) == 0 || !strings.Contains(text, "Kari") {
		t.Fatalf("the request was not journaled: %s", text)
	}
	if strings.Contains(text, "pw-escaped-123") {
		t.Errorf("journal holds the escaped-key secret: %s", text)
	}
}

// Headers past the header cap are cut, and the entry says so.
func TestJournalCapsHugeHeadersOverHTTP(t *testing.T) {
	ts, _ := vendorsServer(t)
	h := map[string]string{"x-api-key": "mock-api-key", "Accept": "application/json"}
	for i := range 50 {
		h[fmt.Sprintf("X-Filler-%02d", i)] = strings.Repeat("v", 1000)
	}
	if st, body := kittest.Call(t, "GET", ts.URL+"/vitecauto/api/customer?companyId=998&customerId=500190", "", h); st != 200 {
		t.Fatalf("request with 50 KB of headers: %d %s", st, body)
	}
	_, entries := journalText(t, ts.URL, "vitecauto")
	if len(entries) != 1 {
		t.Fatalf("%d entries", len(entries))
	}
	e := entries[0]
	n := 0
	for k, vs := range e.RequestHeaders {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	if !e.HeadersTruncated || n > mockserver.DefaultHeaderCap+len("[truncated]") {
		t.Errorf("entry keeps %d header bytes (cap %d), headersTruncated %v", n, mockserver.DefaultHeaderCap, e.HeadersTruncated)
	}
	if e.Status != 200 || e.OperationID == "" {
		t.Errorf("entry lost its other fields: %+v", e)
	}
}

func TestPlainNeedsConfig(t *testing.T) {
	render := func(http.ResponseWriter, *http.Request, *mockkit.Error) {}
	h := http.NotFoundHandler()
	for name, tc := range map[string]struct {
		cfg  mockkit.PlainConfig
		next http.Handler
	}{
		"no name":    {mockkit.PlainConfig{Render: render}, h},
		"no render":  {mockkit.PlainConfig{Name: "x"}, h},
		"no handler": {mockkit.PlainConfig{Name: "x", Render: render}, nil},
	} {
		if _, err := mockkit.Plain(tc.cfg, tc.next); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// apiMount is a vendor with one mount under another API name.
type apiMount struct{ name, api string }

func (a apiMount) Name() string        { return a.name }
func (a apiMount) Title() string       { return a.name }
func (a apiMount) Credentials() string { return "" }
func (a apiMount) Reset() error        { return nil }
func (a apiMount) Mounts() []mockserver.Mount {
	return []mockserver.Mount{{Prefix: "/" + a.name, Handler: http.NotFoundHandler(), API: a.api}}
}

// A mount's API name joins the names fault rules may give; it may not be another vendor's name.
func TestMountAPINames(t *testing.T) {
	a, b := apiMount{"a", "a-auth"}, apiMount{"b", ""}
	if got := strings.Join(mockserver.APINames(a, b), ","); got != "a,a-auth,b" {
		t.Errorf("APINames = %s", got)
	}
	if _, err := mockserver.NewServer(nil, apiMount{"a", "b"}, b); err == nil {
		t.Error("a mount named after another vendor was accepted")
	}
}
