package specs_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/specs/internal/spectest"
)

func TestSpecsLoadAndValidate(t *testing.T) {
	names := specs.Names()
	if len(names) == 0 {
		t.Fatal("no embedded specs")
	}
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			spec, err := specs.Load(name)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			if spec.ServerURL() == "" || !strings.HasPrefix(spec.ServerURL(), "https://") {
				t.Errorf("servers[0].url = %q, want the vendor's https production base", spec.ServerURL())
			}
		})
	}
}

func TestLoadUnknownAPI(t *testing.T) {
	_, err := specs.Load("nosuchvendor")
	if !errors.Is(err, specs.ErrUnknownAPI) {
		t.Fatalf("err = %v, want ErrUnknownAPI", err)
	}
}

func TestFindRoute(t *testing.T) {
	spec := spectest.LoadFile(t, "formats.yaml")
	route, err := spec.FindRoute(http.MethodPost, "/things/12?x=1")
	if err != nil {
		t.Fatal(err)
	}
	if route.OperationID() != "postThing" || route.PathParams()["id"] != "12" || route.Template() != "/things/{id}" {
		t.Fatalf("route = %s %v %s", route.OperationID(), route.PathParams(), route.Template())
	}
	for _, tc := range []struct{ method, path string }{
		{http.MethodPost, "/nothing"},
		{http.MethodGet, "/things/12"},
		{http.MethodPost, "/base/things/12"}, // paths are relative to the server URL
	} {
		if _, err := spec.FindRoute(tc.method, tc.path); !errors.Is(err, specs.ErrNoRoute) {
			t.Errorf("%s %s: err = %v, want ErrNoRoute", tc.method, tc.path, err)
		}
	}
}

func TestValidateRequest(t *testing.T) {
	spec := spectest.LoadFile(t, "formats.yaml")
	cases := []struct {
		name       string
		path, body string
		ctype      string
		wantFields []string // empty: valid
	}{
		{"valid", "/things/3", `{"email":"kari@example.no","home":"https://example.no/x","born":"1990-02-28","seen":"2025-11-05T08:59:34.5556081+01:00","tags":["a"]}`, "application/json", nil},
		{"bad formats", "/things/3", `{"email":"not-an-email","home":"relative/path","born":"1990-02-30","seen":"yesterday"}`, "application/json", []string{"email", "home", "born", "seen"}},
		{"missing required", "/things/3", `{}`, "application/json", []string{"email"}},
		{"limits", "/things/3", `{"email":"a@example.no","tags":["abcd","b","c"]}`, "application/json", []string{"tags", "tags.0"}},
		{"path param", "/things/0", `{"email":"a@example.no"}`, "application/json", []string{"id"}},
		{"path param type", "/things/abc", `{"email":"a@example.no"}`, "application/json", []string{"id"}},
		{"malformed json", "/things/3", `{"email":`, "application/json", []string{""}},
		{"wrong content type", "/things/3", `email=a`, "application/x-www-form-urlencoded", []string{""}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			route, err := spec.FindRoute(http.MethodPost, tc.path)
			if err != nil {
				t.Fatal(err)
			}
			req := httptest.NewRequest(http.MethodPost, tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			err = spec.ValidateRequest(context.Background(), req, route)
			spectest.AssertFields(t, err, tc.wantFields)
		})
	}
}

// A JSON body with anything after its value is refused, whatever follows, and the cause is
// ErrTrailingData; whitespace after the value is not trailing data.
func TestValidateRequestRefusesTrailingJSON(t *testing.T) {
	spec := spectest.LoadFile(t, "formats.yaml")
	route, err := spec.FindRoute(http.MethodPost, "/things/3")
	if err != nil {
		t.Fatal(err)
	}
	valid := `{"email":"kari@example.no"}`
	for _, tc := range []struct {
		name, body, ctype string
		trailing          bool
	}{
		{"value alone", valid, "application/json", false},
		{"whitespace after the value", valid + " \r\n\t", "application/json", false},
		{"a word after the value", valid + " trailing", "application/json", true},
		{"a second object", valid + `{"b":2}`, "application/json", true},
		{"a second object after a newline", valid + "\n" + valid, "application/json", true},
		{"a closing brace too many", valid + "}", "application/json", true},
		{"with a charset parameter", valid + " x", "application/json; charset=utf-8", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/things/3", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.ctype)
			err := spec.ValidateRequest(context.Background(), req, route)
			if got := errors.Is(err, specs.ErrTrailingData); got != tc.trailing {
				t.Fatalf("errors.Is(err, ErrTrailingData) = %v, want %v (err %v)", got, tc.trailing, err)
			}
			if !tc.trailing && err != nil {
				t.Fatalf("valid body refused: %v", err)
			}
			if tc.trailing {
				spectest.AssertFields(t, err, []string{""})
			}
		})
	}
}

func TestValidateResponse(t *testing.T) {
	spec := spectest.LoadFile(t, "formats.yaml")
	route, err := spec.FindRoute(http.MethodPost, "/things/1")
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/things/1", nil)
	jsonHeader := http.Header{"Content-Type": {"application/json"}, "X-Count": {"1"}}
	cases := []struct {
		name       string
		status     int
		header     http.Header
		body       string
		wantFields []string
		wantIn     string
	}{
		{"valid", 200, jsonHeader, `{"email":"a@example.no"}`, nil, ""},
		{"undocumented status", 418, jsonHeader, `{"email":"a@example.no"}`, []string{""}, "status"},
		{"undeclared content type", 200, http.Header{"Content-Type": {"text/html"}, "X-Count": {"1"}}, `<p>hi</p>`, []string{""}, ""},
		{"missing header", 200, http.Header{"Content-Type": {"application/json"}}, `{"email":"a@example.no"}`, []string{"X-Count"}, "header"},
		{"several violations at once", 200, jsonHeader, `{"email":"x","tags":"notarray"}`, []string{"email", "tags"}, "body"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := spec.ValidateResponse(context.Background(), req, route, specs.Response{Status: tc.status, Header: tc.header, Body: []byte(tc.body)})
			spectest.AssertFields(t, err, tc.wantFields)
			if tc.wantIn != "" {
				for _, v := range specs.Violations(err) {
					if v.In != tc.wantIn {
						t.Errorf("violation %v is in %q, want %q", v, v.In, tc.wantIn)
					}
				}
			}
		})
	}
}

// Load parses each spec once per process: every caller, on any goroutine, gets the same read-only Spec.
func TestLoadSharesOneSpecPerProcess(t *testing.T) {
	for _, name := range specs.Names() {
		got := make([]*specs.Spec, 8)
		var wg sync.WaitGroup
		for i := range got {
			wg.Go(func() {
				spec, err := specs.Load(name)
				if err != nil {
					t.Errorf("Load(%s): %v", name, err)
				}
				got[i] = spec
			})
		}
		wg.Wait()
		for i, spec := range got {
			if spec == nil || spec != got[0] {
				t.Fatalf("Load(%s) #%d = %p, want the one Spec %p", name, i, spec, got[0])
			}
		}
	}
}

// A path parameter is validated as the server reads it, unescaped: 20 emoji are 20 characters, not
// the 240 of their escaped form.
func TestPathParametersAreValidatedUnescaped(t *testing.T) {
	spec, err := specs.Load("timewave")
	if err != nil {
		t.Fatal(err)
	}
	number := strings.Repeat("😀", 20) + " a/b"
	req := httptest.NewRequest(http.MethodGet, "/clients/findByNumber/"+url.PathEscape(number), nil)
	route, err := spec.FindRouteRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	if got := route.PathParams()["number"]; got != number {
		t.Errorf("number = %q, want %q", got, number)
	}
	if err := spec.ValidateRequest(context.Background(), req, route); err != nil {
		t.Errorf("a number of 24 characters is refused: %v", err)
	}
}
