package mockserver_test

import (
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "LOCALHOST": true, "localhost.": true, "app.localhost": true,
		"127.0.0.1": true, "127.8.9.10": true, "::1": true, "[::1]": true, "::ffff:127.0.0.1": true,
		"": false, "evil.example": false, "localhost.evil.example": false, "notlocalhost": false,
		"10.0.0.1": false, "0.0.0.0": false, "::": false, "128.0.0.1": false,
	} {
		if got := mockserver.IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// Check refuses by structure: each refusal wraps its sentinel and carries its status.
func TestAdminGuardCheck(t *testing.T) {
	guard := mockserver.AdminGuard{AllowedHosts: []string{"Mocks.Internal"}, Token: "adm1n"}
	cases := []struct {
		name, method, host, body string
		header                   map[string]string
		want                     error
		status                   int
	}{
		{"loopback with port", "GET", "127.0.0.1:8080", "", nil, nil, 0},
		{"localhost", "GET", "localhost:8080", "", nil, nil, 0},
		{"ipv6 loopback", "GET", "[::1]:8080", "", nil, nil, 0},
		{"allowed host, any port, any case", "GET", "mocks.internal:9000", "", nil, nil, 0},
		{"rebound name", "GET", "evil.example", "", nil, mockserver.ErrAdminHost, 403},
		{"rebound name with port", "GET", "evil.example:8080", "", nil, mockserver.ErrAdminHost, 403},
		{"no host", "GET", "", "", nil, mockserver.ErrAdminHost, 403},
		{"cross-site", "POST", "127.0.0.1:8080", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, mockserver.ErrAdminCrossSite, 403},
		{"same-site: another port of localhost", "POST", "localhost:8080", "", map[string]string{"Sec-Fetch-Site": "same-site"}, mockserver.ErrAdminCrossSite, 403},
		{"foreign origin", "DELETE", "127.0.0.1:8080", "", map[string]string{"Origin": "http://evil.example"}, mockserver.ErrAdminCrossSite, 403},
		{"origin on another port", "POST", "127.0.0.1:8080", "", map[string]string{"Origin": "http://127.0.0.1:3000"}, mockserver.ErrAdminCrossSite, 403},
		{"null origin", "POST", "127.0.0.1:8080", "", map[string]string{"Origin": "null"}, mockserver.ErrAdminCrossSite, 403},
		{"cross-site read is only host-checked", "GET", "127.0.0.1:8080", "", map[string]string{"Sec-Fetch-Site": "cross-site"}, nil, 0},
		{"same origin", "POST", "127.0.0.1:8080", "", map[string]string{"Origin": "http://127.0.0.1:8080", "Sec-Fetch-Site": "same-origin"}, nil, 0},
		{"typed in the address bar", "POST", "localhost", "", map[string]string{"Origin": "http://localhost", "Sec-Fetch-Site": "none"}, nil, 0},
		{"text/plain body", "POST", "127.0.0.1:8080", `{"api":"a"}`, map[string]string{"Content-Type": "text/plain"}, mockserver.ErrAdminContentType, 415},
		{"body without content type", "POST", "127.0.0.1:8080", `{}`, nil, mockserver.ErrAdminContentType, 415},
		{"json body with charset", "POST", "127.0.0.1:8080", `{}`, map[string]string{"Content-Type": "application/json; charset=utf-8"}, nil, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(tc.method, "/__admin/faults", strings.NewReader(tc.body))
			r.Host = tc.host
			r.Header.Set("X-Admin-Token", "adm1n")
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			err := guard.Check(r)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Check = %v, want %v", err, tc.want)
			}
			var ref *mockserver.AdminRefusal
			if tc.want != nil && (!errors.As(err, &ref) || ref.Status != tc.status) {
				t.Fatalf("refusal %#v, want status %d", err, tc.status)
			}
		})
	}
	r := httptest.NewRequest("GET", "/__admin/requests", nil)
	r.Host = "localhost"
	if err := guard.Check(r); !errors.Is(err, mockserver.ErrAdminToken) {
		t.Fatalf("no token: %v", err)
	}
	if err := (mockserver.AdminGuard{AllowedHosts: []string{"*"}}).CheckHost(httptest.NewRequest("GET", "/", nil)); err != nil {
		t.Fatalf("* allows any host: %v", err)
	}
}

// A DNS-rebinding page calls the server by its own name: every admin endpoint, health included, refuses it.
func TestAdminRefusesForeignHostOnEveryEndpoint(t *testing.T) {
	ts, _ := adminServer(t, "")
	kittest.Call(t, "GET", ts.URL+"/a/items/7", "", map[string]string{"x-key": "k"}) // something in the journal
	for _, ep := range []struct{ method, path string }{
		{"GET", "/__admin/health"}, {"POST", "/__admin/reset"}, {"GET", "/__admin/state?api=a"},
		{"GET", "/__admin/requests"}, {"DELETE", "/__admin/requests"}, {"GET", "/__admin/faults"},
		{"POST", "/__admin/faults"}, {"DELETE", "/__admin/faults"}, {"GET", "/__admin/nothing"},
	} {
		st, body := kittest.Call(t, ep.method, ts.URL+ep.path, "", map[string]string{"Host": "evil.example"})
		var e struct{ Error string }
		if st != 403 || json.Unmarshal([]byte(body), &e) != nil || !strings.Contains(e.Error, "--public-host evil.example") {
			t.Errorf("%s %s with Host evil.example: %d %s", ep.method, ep.path, st, body)
		}
	}
	if _, body := kittest.Call(t, "GET", ts.URL+"/__admin/requests", "", nil); !strings.Contains(body, "/a/items/7") {
		t.Fatalf("the refused DELETE cleared the journal: %s", body)
	}
}

// --public-host names (AllowedHosts) keep a load balancer's health check working.
func TestAdminAllowedHosts(t *testing.T) {
	noVendors := func(*mockserver.Recorder) ([]mockserver.Vendor, error) { return nil, nil }
	srv, err := mockserver.NewServerWith(mockserver.ServerConfig{Admin: mockserver.AdminGuard{AllowedHosts: []string{"mocks.internal"}}}, noVendors)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	if st, body := kittest.Call(t, "GET", ts.URL+"/__admin/health", "", map[string]string{"Host": "mocks.internal:8080"}); st != 200 {
		t.Fatalf("allowed host: %d %s", st, body)
	}
	if st, _ := kittest.Call(t, "GET", ts.URL+"/__admin/health", "", map[string]string{"Host": "other.internal"}); st != 403 {
		t.Fatalf("other host: %d", st)
	}
}

// A page the developer visits cannot add a fault, reset or clear anything with a cross-site request.
func TestAdminRefusesCrossSiteWrites(t *testing.T) {
	ts, _ := adminServer(t, "")
	rule := `{"api":"a","status":503}`
	for name, h := range map[string]map[string]string{
		"cross-site":                {"Sec-Fetch-Site": "cross-site", "Origin": "http://evil.example"},
		"same-site (other port)":    {"Sec-Fetch-Site": "same-site", "Origin": "http://localhost:3000"},
		"origin only (old browser)": {"Origin": "http://evil.example"},
		"sandboxed page":            {"Origin": "null"},
	} {
		h["Content-Type"] = "application/json"
		for _, ep := range []struct{ method, path, body string }{
			{"POST", "/__admin/faults", rule}, {"POST", "/__admin/reset", ""}, {"DELETE", "/__admin/requests", ""},
		} {
			st, body := kittest.Call(t, ep.method, ts.URL+ep.path, ep.body, h)
			if st != 403 || !strings.Contains(body, `"error":"the admin API refuses`) {
				t.Errorf("%s %s %s: %d %s", name, ep.method, ep.path, st, body)
			}
		}
	}
	if _, body := kittest.Call(t, "GET", ts.URL+"/__admin/faults", "", nil); !strings.Contains(body, `"faults":[]`) {
		t.Fatalf("a refused request added a fault: %s", body)
	}
	same := map[string]string{"Sec-Fetch-Site": "same-origin", "Origin": ts.URL, "Content-Type": "application/json"}
	if st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", rule, same); st != 201 {
		t.Fatalf("same-origin page: %d %s", st, body)
	}
}

// A cross-site form or text/plain fetch is a "simple" request browsers send without asking: a body
// that is not declared JSON is refused with 415.
func TestAdminNeedsJSONBodies(t *testing.T) {
	ts, _ := adminServer(t, "")
	for _, ct := range []string{"text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", `{"api":"a","status":503}`, map[string]string{"Content-Type": ct})
		if st != 415 || !strings.Contains(body, "application/json") {
			t.Errorf("Content-Type %q: %d %s", ct, st, body)
		}
	}
	if st, _ := kittest.Call(t, "POST", ts.URL+"/__admin/reset", "", nil); st != 200 {
		t.Fatalf("reset without a body: %d", st)
	}
	if st, _ := kittest.Call(t, "DELETE", ts.URL+"/__admin/faults", "", nil); st != 204 {
		t.Fatalf("delete without a body: %d", st)
	}
}
