package dashboard_test

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/tools/internal/dashboard"
)

func newDashboard(t *testing.T, token string) *httptest.Server {
	t.Helper()
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "next "+r.URL.Path) })
	h, err := dashboard.Handler(dashboard.Config{Next: next, Guard: mockserver.AdminGuard{Token: token}, Vendors: []dashboard.Vendor{{
		Name: "v", Title: "Vendor", Credentials: "key s3cret!", Secrets: []string{"s3cret!"},
		Mounts:  []dashboard.Mount{{Prefix: "/v", Production: "https://v.example"}},
		Example: &mockkit.Example{Title: "token", Path: "/v/token", Form: url.Values{"secret": {"s3cret!"}}},
	}}})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return ts
}

func call(t *testing.T, method, url string, header map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(method, url, nil)
	for k, v := range header {
		if k == "Host" {
			req.Host = v
			continue
		}
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// The page needs no token (it holds no data and asks for the token), keeps to its own origin, and is
// refused under a rebound Host; other paths go to Next.
func TestPage(t *testing.T) {
	ts := newDashboard(t, "adm1n")
	resp, body := call(t, "GET", ts.URL+"/__admin/ui/", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `<script src="app.js"`) {
		t.Fatalf("page: %d %.200s", resp.StatusCode, body)
	}
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("Content-Security-Policy %q: want the page kept to its own origin", csp)
	}
	for _, f := range []string{"app.js", "app.css"} {
		if resp, _ := call(t, "GET", ts.URL+"/__admin/ui/"+f, nil); resp.StatusCode != 200 {
			t.Errorf("%s: %d", f, resp.StatusCode)
		}
	}
	if resp, _ := call(t, "GET", ts.URL+"/__admin/ui/", map[string]string{"Host": "evil.example"}); resp.StatusCode != 403 {
		t.Errorf("rebound Host: %d, want 403", resp.StatusCode)
	}
	if resp, _ := call(t, "POST", ts.URL+"/__admin/ui/", nil); resp.StatusCode != 405 {
		t.Errorf("POST to the page: %d, want 405", resp.StatusCode)
	}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := noRedirect.Get(ts.URL + "/__admin/ui"); err != nil || resp.StatusCode != 302 || resp.Header.Get("Location") != "/__admin/ui/" {
		t.Errorf("/__admin/ui: %v %v, want a redirect to /__admin/ui/", resp, err)
	}
	if _, body := call(t, "GET", ts.URL+"/__admin/requests", nil); body != "next /__admin/requests" {
		t.Errorf("other paths: %q, want Next's answer", body)
	}
}

// The vendors endpoint needs the token, masks secrets unless asked, and builds base URLs and curls
// from the Host it was called by.
func TestVendors(t *testing.T) {
	ts := newDashboard(t, "adm1n")
	if resp, _ := call(t, "GET", ts.URL+"/__admin/vendors", nil); resp.StatusCode != 401 {
		t.Errorf("without the token: %d, want 401", resp.StatusCode)
	}
	tok := map[string]string{"X-Admin-Token": "adm1n"}
	resp, body := call(t, "GET", ts.URL+"/__admin/vendors", tok)
	if resp.StatusCode != 200 || strings.Contains(body, "s3cret") || !strings.Contains(body, `"baseUrl":"`+ts.URL+`/v"`) {
		t.Errorf("masked: %d %s", resp.StatusCode, body)
	}
	_, body = call(t, "GET", ts.URL+"/__admin/vendors?reveal=true", tok)
	if !strings.Contains(body, "key s3cret!") || !strings.Contains(body, "secret=s3cret%21") || !strings.Contains(body, `"revealed":true`) {
		t.Errorf("revealed: %s", body)
	}
	if resp, _ := call(t, "GET", ts.URL+"/__admin/vendors?reveal=perhaps", tok); resp.StatusCode != 400 {
		t.Errorf("reveal=perhaps: %d, want 400", resp.StatusCode)
	}
}

func TestHandlerNeedsNext(t *testing.T) {
	if _, err := dashboard.Handler(dashboard.Config{}); !errors.Is(err, dashboard.ErrNoNext) {
		t.Errorf("no Next: %v, want ErrNoNext", err)
	}
}

// Curl quotes what a shell would split or expand; the request it stands for carries the same parts.
func TestExampleCurl(t *testing.T) {
	e := mockkit.Example{Path: "/a?x=1&y=2", Header: map[string]string{"x-key": "it's"}, User: "u", Password: "p w"}
	want := `curl -sS -u 'u:p w' -H 'x-key: it'\''s' 'http://h/a?x=1&y=2'`
	if got := dashboard.Curl(e, "http://h"); got != want {
		t.Errorf("curl:\n got %s\nwant %s", got, want)
	}
	req, err := e.Request("http://h")
	if err != nil {
		t.Fatal(err)
	}
	if u, p, ok := req.BasicAuth(); !ok || u != "u" || p != "p w" || req.Header.Get("x-key") != "it's" || req.Method != "GET" {
		t.Errorf("request: %s %v", req.Method, req.Header)
	}
	form := mockkit.Example{Path: "/t", Form: url.Values{"a": {"b c"}}}
	if got := dashboard.Curl(form, "http://h"); got != "curl -sS -d a=b+c http://h/t" {
		t.Errorf("form curl: %s", got)
	}
}
