package proxy_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
	"github.com/vendorctl/vendorctl/tools/internal/upstreamtest"
)

const documentedPath = "/api/customer?companyId=998&customerId=500190"

// setup starts an upstream (under a base path, to prove the path is rebased) and the proxy before it.
func setup(t *testing.T, upstream http.Handler, strict bool) (proxyURL string, p *proxy.Proxy, logs *bytes.Buffer) {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/base/", http.StripPrefix("/base", upstream))
	up := httptest.NewServer(mux)
	t.Cleanup(up.Close)
	spec, err := specs.Load("vitecauto")
	if err != nil {
		t.Fatal(err)
	}
	logs = &bytes.Buffer{}
	p, err = proxy.New(proxy.Config{Spec: spec, Upstream: up.URL + "/base", Strict: strict, Logger: slog.New(slog.NewTextHandler(logs, nil))})
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	return ps.URL, p, logs
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func do(t *testing.T, method, url string, header map[string]string) answer {
	t.Helper()
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultTransport.RoundTrip(req) // no transparent decompression
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{resp.StatusCode, resp.Header, body}
}

var key = map[string]string{"x-api-key": upstreamtest.APIKey}

func TestDriftIsNamedInTheHeader(t *testing.T) {
	base, _, logs := setup(t, upstreamtest.VitecAuto(true), false)
	a := do(t, http.MethodGet, base+documentedPath, key)
	want := "response: kredLim: value must be an integer; kundenummer: required property is missing; kundeType: property is not documented in the spec"
	if got := a.header.Get(proxy.HeaderViolations); got != want {
		t.Errorf("%s = %q, want %q", proxy.HeaderViolations, got, want)
	}
	if a.status != 200 || !bytes.Contains(a.body, []byte(`"kredLim": "0"`)) {
		t.Errorf("the drifted answer was not passed on: %d %s", a.status, a.body)
	}
	if !strings.Contains(logs.String(), "kredLim: value must be an integer") {
		t.Errorf("violation not logged:\n%s", logs)
	}
	if strings.Contains(logs.String(), upstreamtest.APIKey) {
		t.Errorf("the API key reached the log:\n%s", logs)
	}
}

func TestStrictTurnsViolationsInto502(t *testing.T) {
	base, _, _ := setup(t, upstreamtest.VitecAuto(true), true)
	for _, tc := range []struct {
		name, path     string
		upstreamStatus int
		fields         []string
	}{
		{"drifted record", documentedPath, 200, []string{"kredLim", "kundenummer", "kundeType"}},
		{"error in the wrong shape", "/api/customer?companyId=abc&customerId=1", 400, []string{"error", "message"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := do(t, http.MethodGet, base+tc.path, key)
			if a.status != http.StatusBadGateway || a.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("got %d %s %s", a.status, a.header.Get("Content-Type"), a.body)
			}
			var prob proxy.Problem
			if err := json.Unmarshal(a.body, &prob); err != nil {
				t.Fatal(err)
			}
			if prob.Status != 502 || prob.Type != proxy.ProblemType || prob.Operation != "getCustomer" || prob.UpstreamStatus != tc.upstreamStatus {
				t.Errorf("problem %+v", prob)
			}
			var fields []string
			for _, v := range prob.Violations {
				fields = append(fields, v.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tc.fields, ",") {
				t.Errorf("violations name %v, want %v", fields, tc.fields)
			}
			if a.header.Get(proxy.HeaderViolations) == "" {
				t.Error("the 502 does not carry the violations header")
			}
		})
	}
}

func TestConformantAnswersPassStrictByteForByte(t *testing.T) {
	up := upstreamtest.VitecAuto(false)
	base, _, _ := setup(t, up, true)
	for _, tc := range []struct {
		name, path string
		header     map[string]string
		status     int
	}{
		{"record", documentedPath, key, 200},
		{"documented 404", "/api/customer?companyId=1&customerId=2", key, 404},
		{"documented 401", documentedPath, nil, 401},
	} {
		t.Run(tc.name, func(t *testing.T) {
			direct := httptest.NewRecorder()
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			up.ServeHTTP(direct, req)
			a := do(t, http.MethodGet, base+tc.path, tc.header)
			if a.status != tc.status || a.status != direct.Code {
				t.Fatalf("status %d, upstream %d, want %d", a.status, direct.Code, tc.status)
			}
			if !bytes.Equal(a.body, direct.Body.Bytes()) {
				t.Errorf("body changed:\n%s\nupstream:\n%s", a.body, direct.Body.Bytes())
			}
			for _, h := range []string{"Content-Type", "X-Upstream"} {
				if a.header.Get(h) != direct.Header().Get(h) {
					t.Errorf("%s = %q, upstream %q", h, a.header.Get(h), direct.Header().Get(h))
				}
			}
			if v := a.header.Get(proxy.HeaderViolations); v != "" {
				t.Errorf("conformant answer got %s: %s", proxy.HeaderViolations, v)
			}
		})
	}
	if tc := "record"; !bytes.Equal(do(t, http.MethodGet, base+documentedPath, key).body, upstreamtest.DocumentedCustomer()) {
		t.Errorf("%s: body differs from the upstream's bytes", tc)
	}
}

func TestRequestViolationsAndUnknownPaths(t *testing.T) {
	base, _, _ := setup(t, upstreamtest.VitecAuto(false), true)
	a := do(t, http.MethodGet, base+"/api/customer?companyId=abc&customerId=1", key)
	if a.status != 400 {
		t.Fatalf("a conformant 400 must pass strict mode: %d %s", a.status, a.body)
	}
	if got := a.header.Get(proxy.HeaderViolations); !strings.HasPrefix(got, "request: companyId: ") {
		t.Errorf("header %q does not name the request's companyId", got)
	}
	a = do(t, http.MethodGet, base+"/api/nothing", key)
	if got := a.header.Get(proxy.HeaderViolations); !strings.Contains(got, "no operation of the spec matches GET /api/nothing") {
		t.Errorf("unknown path: header %q", got)
	}
}

func TestAdminCountsViolationsPerOperation(t *testing.T) {
	base, p, _ := setup(t, upstreamtest.VitecAuto(true), false)
	do(t, http.MethodGet, base+documentedPath, key)
	do(t, http.MethodGet, base+documentedPath, key)
	do(t, http.MethodGet, base+"/api/customer?companyId=1&customerId=2", key) // a conformant 404
	a := do(t, http.MethodGet, base+"/__admin/violations", nil)
	var sum proxy.Summary
	if err := json.Unmarshal(a.body, &sum); err != nil || a.status != 200 {
		t.Fatalf("%d %s (%v)", a.status, a.body, err)
	}
	if sum.API != "vitecauto" || sum.Requests != 3 || sum.Violations != 6 || len(sum.Operations) != 1 {
		t.Fatalf("summary %+v", sum)
	}
	op := sum.Operations[0]
	if op.Operation != "getCustomer" || op.Path != "/api/customer" || op.Requests != 3 || op.Violating != 2 ||
		op.ByViolation["response: kredLim: value must be an integer"] != 2 || op.ByViolation["response: kundenummer: required property is missing"] != 2 {
		t.Errorf("operation counts %+v", op)
	}
	if got := p.Violations(); got.Requests != sum.Requests || got.Violations != sum.Violations {
		t.Errorf("Violations() = %+v disagrees with the admin endpoint", got)
	}
	if a := do(t, http.MethodDelete, base+"/__admin/violations", nil); a.status != http.StatusNoContent {
		t.Errorf("reset: %d", a.status)
	}
	if got := p.Violations(); got.Requests != 0 || len(got.Operations) != 0 {
		t.Errorf("after reset: %+v", got)
	}
	if a := do(t, http.MethodGet, base+"/__admin/nothing", nil); a.status != 404 {
		t.Errorf("unknown admin path: %d", a.status)
	}
}

func TestGzipAnswersAreValidatedAndPassedAsSent(t *testing.T) {
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	_, _ = zw.Write(upstreamtest.DocumentedCustomer())
	_ = zw.Close()
	up := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Content-Encoding", "gzip")
		_, _ = w.Write(zipped.Bytes())
	})
	base, _, _ := setup(t, up, true)
	a := do(t, http.MethodGet, base+documentedPath, map[string]string{"x-api-key": "k", "Accept-Encoding": "gzip"})
	if a.status != 200 || !bytes.Equal(a.body, zipped.Bytes()) || a.header.Get(proxy.HeaderViolations) != "" {
		t.Errorf("gzip answer: %d, violations %q, body equal %v", a.status, a.header.Get(proxy.HeaderViolations), bytes.Equal(a.body, zipped.Bytes()))
	}
}

func TestUnreachableUpstream(t *testing.T) {
	spec, _ := specs.Load("vitecauto")
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	p, err := proxy.New(proxy.Config{Spec: spec, Upstream: dead.URL})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	p.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, documentedPath, nil))
	if rec.Code != http.StatusBadGateway || rec.Header().Get("Content-Type") != "application/problem+json" {
		t.Errorf("got %d %s", rec.Code, rec.Body)
	}
	if _, err := proxy.New(proxy.Config{Spec: spec, Upstream: "not a url"}); err == nil {
		t.Error("a bad upstream URL was accepted")
	}
}

// /__admin/violations is guarded as the mocks' admin API is: Host, cross-site requests, token.
func TestAdminIsGuarded(t *testing.T) {
	spec, err := specs.Load("vitecauto")
	if err != nil {
		t.Fatal(err)
	}
	p, err := proxy.New(proxy.Config{Spec: spec, Upstream: "http://127.0.0.1:1", Admin: mockserver.AdminGuard{Token: "adm1n", AllowedHosts: []string{"proxy.internal"}}})
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	defer ps.Close()
	token := map[string]string{"X-Admin-Token": "adm1n"}
	cases := []struct {
		name, method, host string
		header             map[string]string
		status             int
	}{
		{"rebound name", http.MethodGet, "evil.example", token, 403},
		{"cross-site delete", http.MethodDelete, "", map[string]string{"X-Admin-Token": "adm1n", "Sec-Fetch-Site": "cross-site"}, 403},
		{"foreign origin", http.MethodDelete, "", map[string]string{"X-Admin-Token": "adm1n", "Origin": "http://evil.example"}, 403},
		{"no token", http.MethodGet, "", nil, 401},
		{"token", http.MethodGet, "", token, 200},
		{"allowed host", http.MethodGet, "proxy.internal:8090", token, 200},
	}
	for _, tc := range cases {
		req, _ := http.NewRequest(tc.method, ps.URL+"/__admin/violations", nil)
		if tc.host != "" {
			req.Host = tc.host
		}
		for k, v := range tc.header {
			req.Header.Set(k, v)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s", tc.name, resp.StatusCode, body)
			continue
		}
		var prob proxy.Problem
		if tc.status >= 400 && (resp.Header.Get("Content-Type") != "application/problem+json" || json.Unmarshal(body, &prob) != nil || prob.Status != tc.status || prob.Detail == "") {
			t.Errorf("%s: refusal is not a problem: %s %s", tc.name, resp.Header.Get("Content-Type"), body)
		}
	}
}

// TestObserve: Observe sees each exchange with its operation and answer; Conforms is true only for a
// conforming one, and the client still gets the answer as the upstream wrote it.
func TestObserve(t *testing.T) {
	for _, drifted := range []bool{false, true} {
		mux := http.NewServeMux()
		mux.Handle("/base/", http.StripPrefix("/base", upstreamtest.VitecAuto(drifted)))
		up := httptest.NewServer(mux)
		defer up.Close()
		spec, err := specs.Load("vitecauto")
		if err != nil {
			t.Fatal(err)
		}
		var seen []proxy.Exchange
		p, err := proxy.New(proxy.Config{Spec: spec, Upstream: up.URL + "/base", Observe: func(x proxy.Exchange) { seen = append(seen, x) }})
		if err != nil {
			t.Fatal(err)
		}
		ps := httptest.NewServer(p)
		defer ps.Close()
		a := do(t, http.MethodGet, ps.URL+documentedPath, key)
		if len(seen) != 1 {
			t.Fatalf("drifted=%v: %d exchanges observed", drifted, len(seen))
		}
		x := seen[0]
		if x.Route == nil || x.Route.OperationID() != "getCustomer" || x.Status != 200 || !bytes.Equal(x.Body, a.body) || x.Conforms == drifted {
			t.Errorf("drifted=%v: observed %v %d conforms=%v, body equal %v", drifted, x.Route, x.Status, x.Conforms, bytes.Equal(x.Body, a.body))
		}
	}
}
