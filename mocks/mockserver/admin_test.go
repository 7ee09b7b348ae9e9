package mockserver_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/specs"
)

// kitVendor is a vendor on the test spec, answering item 7 on GET /items/7.
type kitVendor struct {
	name string
	h    http.Handler
}

func (k *kitVendor) Name() string        { return k.name }
func (k *kitVendor) Title() string       { return k.name }
func (k *kitVendor) Credentials() string { return "x-key: k" }
func (k *kitVendor) Reset() error        { return nil }
func (k *kitVendor) State() any          { return map[string]int{"items": 1} }
func (k *kitVendor) Mounts() []mockserver.Mount {
	return []mockserver.Mount{{Prefix: "/" + k.name, Production: "https://example.invalid", Handler: k.h}}
}

func newKitVendor(t *testing.T, name string, opts mockkit.Options) *kitVendor {
	t.Helper()
	spec, err := specs.LoadData("kit", []byte(kittest.Spec))
	if err != nil {
		t.Fatal(err)
	}
	h, err := mockkit.NewAPI(mockkit.APIConfig{
		Name: name, Spec: spec,
		Render: func(c echo.Context, e *mockkit.Error) error {
			return c.JSON(e.Status, map[string]string{"problem": e.Message})
		},
		Register: func(e *echo.Echo) {
			e.GET("/items/:id", func(c echo.Context) error { return c.JSON(200, map[string]any{"id": 7, "name": "seven"}) })
		},
		Options: opts,
	})
	if err != nil {
		t.Fatal(err)
	}
	return &kitVendor{name: name, h: h}
}

func adminServer(t *testing.T, token string) (*httptest.Server, *mockserver.Journal) {
	t.Helper()
	return adminServerWith(t, token, mockserver.JournalConfig{Size: 100})
}

// adminServerWith is adminServer with a journal configured by jc.
func adminServerWith(t *testing.T, token string, jc mockserver.JournalConfig) (*httptest.Server, *mockserver.Journal) {
	t.Helper()
	cfg := mockserver.ServerConfig{Journal: jc, Seed: 1, Admin: mockserver.AdminGuard{Token: token}}
	srv, err := mockserver.NewServerWith(cfg, func(rec *mockserver.Recorder) ([]mockserver.Vendor, error) {
		opts := mockkit.TestOptions(t)
		opts.Recorder = rec
		return []mockserver.Vendor{newKitVendor(t, "a", opts), newKitVendor(t, "b", opts)}, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts, srv.Journal()
}

func TestAdminFaultsOverHTTP(t *testing.T) {
	ts, _ := adminServer(t, "")
	item := func(api string) int {
		st, _ := kittest.Call(t, "GET", ts.URL+"/"+api+"/items/7", "", nil)
		return st
	}
	if st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", `{"api":"a","status":503}`, nil); st != 201 || !strings.Contains(body, `"id":1`) {
		t.Fatalf("add rule: %d %s", st, body)
	}
	if item("a") != 503 || item("b") != 200 {
		t.Fatalf("a 503 rule on a: a=%d b=%d", item("a"), item("b"))
	}
	if st, body := kittest.Call(t, "GET", ts.URL+"/__admin/faults", "", nil); st != 200 || !strings.Contains(body, `"status":503`) {
		t.Fatalf("list rules: %d %s", st, body)
	}
	for _, bad := range []string{`{"api":"zzz","status":500}`, `{"status":500}`, `not json`, `{"api":"a","status":500,"bogus":1}`, `[{"api":"a","status":500},{"api":"a"}]`} {
		if st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", bad, nil); st != 400 || !strings.Contains(body, `"error"`) {
			t.Errorf("bad rule %s: %d %s", bad, st, body)
		}
	}
	if st, _ := kittest.Call(t, "DELETE", ts.URL+"/__admin/faults", "", nil); st != 204 {
		t.Fatalf("clear: %d", st)
	}
	if item("a") != 200 {
		t.Fatal("a still faulted after DELETE /__admin/faults")
	}
}

// Rules that make no sense are refused with 400 and the reason, and nothing of the body is stored:
// anything after the JSON value, an operationId the API does not have (the answer lists the API's),
// a status that is not 4xx or 5xx.
func TestAdminFaultsRefused(t *testing.T) {
	ts, _ := adminServer(t, "")
	for _, tc := range []struct{ name, body, want string }{
		{"text after the rule", `{"api":"a","status":503} trailing`, "after its JSON value"},
		{"a second rule after the first", `{"api":"a","status":503}{"api":"b","status":503}`, "after its JSON value"},
		{"text after an array", `[{"api":"a","status":503}] x`, "after its JSON value"},
		{"a brace too many", `{"api":"a","status":503}}`, "after its JSON value"},
		{"unknown operationId", `{"api":"a","operationId":"getItems","status":503}`, "getItem, getPublic, postItem"},
		{"status 200", `{"api":"a","status":200}`, "400 to 599"},
		{"status 700", `{"api":"a","status":700}`, "400 to 599"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", tc.body, nil)
			var got struct{ Error string }
			if st != 400 || json.Unmarshal([]byte(body), &got) != nil || !strings.Contains(got.Error, tc.want) {
				t.Fatalf("%d %s, want 400 naming %q", st, body, tc.want)
			}
			if _, list := kittest.Call(t, "GET", ts.URL+"/__admin/faults", "", nil); !strings.Contains(list, `"faults":[]`) {
				t.Fatalf("a refused body left rules: %s", list)
			}
		})
	}
	if st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", "{\"api\":\"a\",\"operationId\":\"getItem\",\"status\":503}\n\t ", nil); st != 201 {
		t.Fatalf("a rule followed by whitespace: %d %s", st, body)
	}
}

func TestAdminJournalAndState(t *testing.T) {
	ts, _ := adminServer(t, "")
	kittest.Call(t, "GET", ts.URL+"/a/items/7", "", map[string]string{"x-key": "k"})
	kittest.Call(t, "GET", ts.URL+"/b/items/7", "", nil)
	st, body := kittest.Call(t, "GET", ts.URL+"/__admin/requests?api=b", "", nil)
	var got struct{ Requests []mockserver.Entry }
	if st != 200 || json.Unmarshal([]byte(body), &got) != nil || len(got.Requests) != 1 || got.Requests[0].Path != "/b/items/7" {
		t.Fatalf("journal: %d %s", st, body)
	}
	if strings.Contains(body, `"k"`) {
		t.Fatalf("journal shows the key: %s", body)
	}
	for _, q := range []string{"status=x", "limit=-1", "since=yesterday"} {
		if st, _ := kittest.Call(t, "GET", ts.URL+"/__admin/requests?"+q, "", nil); st != 400 {
			t.Errorf("%s: %d", q, st)
		}
	}
	if st, _ := kittest.Call(t, "DELETE", ts.URL+"/__admin/requests", "", nil); st != 204 {
		t.Fatal("clear journal")
	}
	if _, body := kittest.Call(t, "GET", ts.URL+"/__admin/requests", "", nil); !strings.Contains(body, `"requests":[]`) {
		t.Fatalf("journal not cleared: %s", body)
	}
	if st, body := kittest.Call(t, "GET", ts.URL+"/__admin/state?api=a", "", nil); st != 200 || !strings.Contains(body, `"items":1`) {
		t.Fatalf("state: %d %s", st, body)
	}
	if st, _ := kittest.Call(t, "GET", ts.URL+"/__admin/state", "", nil); st != 400 {
		t.Fatalf("state without api: %d", st)
	}
}

func TestAdminToken(t *testing.T) {
	ts, _ := adminServer(t, "adm1n")
	if st, _ := kittest.Call(t, "GET", ts.URL+"/__admin/health", "", nil); st != 200 {
		t.Fatalf("health needs no token: %d", st)
	}
	for _, h := range []map[string]string{nil, {"X-Admin-Token": "wrong"}, {"Authorization": "Bearer wrong"}} {
		if st, body := kittest.Call(t, "GET", ts.URL+"/__admin/requests", "", h); st != 401 || strings.Contains(body, "adm1n") {
			t.Errorf("%v: %d %s", h, st, body)
		}
	}
	for _, h := range []map[string]string{{"X-Admin-Token": "adm1n"}, {"Authorization": "Bearer adm1n"}} {
		if st, _ := kittest.Call(t, "GET", ts.URL+"/__admin/requests", "", h); st != 200 {
			t.Errorf("%v: %d", h, st)
		}
	}
}
