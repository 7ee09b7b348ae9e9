package vitecauto_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
)

func newServer(t *testing.T) (*vitecauto.Mock, string) {
	t.Helper()
	m, url := mockharness.Serve(t, func(o mockkit.Options) (*vitecauto.Mock, error) { return vitecauto.New(vitecauto.Config{Options: o}) })
	return m, url + vitecauto.Prefix
}

func do(t *testing.T, method, url string, header map[string]string) (int, http.Header, []byte) {
	t.Helper()
	resp, body := kittest.Do(t, method, url, "", header)
	return resp.StatusCode, resp.Header, body
}

// The vendor doc's own curl command, pointed at the mock, answers the documented record.
func TestDocumentedCurlReturnsDocumentedRecord(t *testing.T) {
	_, base := newServer(t)
	status, header, body := do(t, http.MethodGet, base+"/api/customer?companyId=998&customerId=500190",
		map[string]string{"accept": "text/plain", "x-api-key": vitecauto.DefaultAPIKey})
	if status != http.StatusOK {
		t.Fatalf("status = %d, body %s", status, body)
	}
	if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type = %q, want JSON although Accept was text/plain", ct)
	}
	want, err := os.ReadFile("testdata/documented-record.json")
	if err != nil {
		t.Fatal(err)
	}
	var got, doc map[string]any
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &doc); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, doc) {
		for k, v := range doc {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("field %s = %#v, documented %#v", k, got[k], v)
			}
		}
		t.Fatalf("answer differs from the documented record")
	}
	if got["fastbk"] != "\u0000" {
		t.Errorf("fastbk = %q, want NUL", got["fastbk"])
	}
}

func TestErrors(t *testing.T) {
	_, base := newServer(t)
	key := map[string]string{"x-api-key": vitecauto.DefaultAPIKey}
	cases := []struct {
		name, method, path string
		header             map[string]string
		status             int
		wantInError        string
	}{
		{"no key", "GET", "/api/customer?companyId=998&customerId=500190", nil, 401, "API-nøkkel"},
		{"wrong key", "GET", "/api/customer?companyId=998&customerId=500190", map[string]string{"x-api-key": "nope"}, 401, "API-nøkkel"},
		{"key of the right length but wrong", "GET", "/api/customer?companyId=998&customerId=500190", map[string]string{"x-api-key": "mock-api-kez"}, 401, "API-nøkkel"},
		{"unknown customer", "GET", "/api/customer?companyId=998&customerId=1", key, 404, "Kunde ikke funnet"},
		{"customer of another company", "GET", "/api/customer?companyId=101&customerId=500190", key, 404, "Kunde ikke funnet"},
		{"companyId not an integer", "GET", "/api/customer?companyId=abc&customerId=500190", key, 400, "companyId"},
		{"customerId missing", "GET", "/api/customer?companyId=998", key, 400, "customerId"},
		{"companyId overflows int32", "GET", "/api/customer?companyId=99999999999&customerId=500190", key, 400, "companyId"},
		{"customerId zero", "GET", "/api/customer?companyId=998&customerId=0", key, 400, "customerId"},
		{"customerId negative", "GET", "/api/customer?companyId=998&customerId=-5", key, 400, "customerId"},
		{"auth before parameters", "GET", "/api/customer?companyId=abc", nil, 401, "API-nøkkel"},
		{"unknown path", "GET", "/api/customers", key, 404, "no"},
		{"wrong method", "POST", "/api/customer?companyId=998&customerId=500190", key, 405, "method"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, header, body := do(t, tc.method, base+tc.path, tc.header)
			if status != tc.status {
				t.Fatalf("status = %d, want %d (body %s)", status, tc.status, body)
			}
			if ct := header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type = %q", ct)
			}
			var e map[string]any
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("body %s is not JSON: %v", body, err)
			}
			msg, ok := e["error"].(string)
			if !ok || len(e) != 1 {
				t.Fatalf("body %s is not the vendor's {\"error\": ...} shape", body)
			}
			if !strings.Contains(msg, tc.wantInError) {
				t.Errorf("error %q does not mention %q", msg, tc.wantInError)
			}
		})
	}
}

func TestAnyAcceptGetsJSON(t *testing.T) {
	_, base := newServer(t)
	for _, accept := range []string{"", "text/plain", "application/json", "*/*", "application/xml", "text/html;q=0.9"} {
		t.Run(accept, func(t *testing.T) {
			h := map[string]string{"x-api-key": vitecauto.DefaultAPIKey}
			if accept != "" {
				h["Accept"] = accept
			}
			status, header, _ := do(t, http.MethodGet, base+"/api/customer?companyId=998&customerId=500190", h)
			if status != 200 || !strings.HasPrefix(header.Get("Content-Type"), "application/json") {
				t.Fatalf("Accept %q: status %d, Content-Type %q", accept, status, header.Get("Content-Type"))
			}
		})
	}
}

// Every fixture customer is served, and (through TestOptions) validates against the spec.
func TestEveryFixtureServed(t *testing.T) {
	m, base := newServer(t)
	state := m.State().(map[string]any)["customers"]
	raw, _ := json.Marshal(state)
	var customers []struct{ Firmakode, Kundenummer string }
	if err := json.Unmarshal(raw, &customers); err != nil {
		t.Fatal(err)
	}
	if len(customers) < 6 {
		t.Fatalf("%d fixture customers, want at least 6", len(customers))
	}
	companies := map[string]bool{}
	for _, c := range customers {
		companies[c.Firmakode] = true
		status, _, body := do(t, http.MethodGet, base+"/api/customer?companyId="+c.Firmakode+"&customerId="+c.Kundenummer,
			map[string]string{"x-api-key": vitecauto.DefaultAPIKey})
		if status != 200 || !strings.Contains(string(body), `"kundenummer":"`+c.Kundenummer+`"`) {
			t.Errorf("customer %s/%s: status %d body %s", c.Firmakode, c.Kundenummer, status, body)
		}
	}
	if len(companies) < 2 {
		t.Errorf("fixtures span %d companies, want several", len(companies))
	}
}

func TestConfiguredKey(t *testing.T) {
	m, err := vitecauto.New(vitecauto.Config{APIKey: "other-key", Options: mockkit.TestOptions(t)})
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodGet, "/api/customer?companyId=998&customerId=500190", nil)
	req.Header.Set("x-api-key", "other-key")
	m.Handler().ServeHTTP(rec, req)
	if rec.Code != 200 {
		t.Fatalf("configured key refused: %d %s", rec.Code, rec.Body)
	}
	req.Header.Set("x-api-key", vitecauto.DefaultAPIKey)
	rec = httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, req)
	if rec.Code != 401 {
		t.Fatalf("default key accepted after configuring another: %d", rec.Code)
	}
}
