package mockserver_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

type fakeVendor struct {
	name, prefix string
	resets       int
	h            http.Handler
}

func (f *fakeVendor) Name() string        { return f.name }
func (f *fakeVendor) Title() string       { return "Fake " + f.name }
func (f *fakeVendor) Credentials() string { return "none" }
func (f *fakeVendor) Reset() error        { f.resets++; return nil }
func (f *fakeVendor) Mounts() []mockserver.Mount {
	return []mockserver.Mount{{Prefix: f.prefix, Production: "https://" + f.name + ".example", Handler: f.h}}
}

func echoPath() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, r.URL.Path) })
}

// localRequest is a request as a client on the same machine sends it (httptest's default Host,
// example.com, is refused by the admin API).
func localRequest(method, target string) *http.Request {
	r := httptest.NewRequest(method, target, nil)
	r.Host = "127.0.0.1:8080"
	return r
}

func TestServerMountsAndAdmin(t *testing.T) {
	a := &fakeVendor{name: "a", prefix: "/a", h: echoPath()}
	b := &fakeVendor{name: "b", prefix: "/b/api", h: echoPath()}
	srv, err := mockserver.NewServer(nil, a, b)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for path, want := range map[string]string{"/a/x/y": "/x/y", "/b/api/v1/z": "/v1/z"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Body.String() != want {
			t.Errorf("%s reached the vendor as %q, want %q (prefix stripped)", path, rec.Body, want)
		}
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, localRequest("GET", "/__admin/health"))
	var health struct {
		Status string
		APIs   []struct{ Name string }
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &health) != nil || health.Status != "ok" || len(health.APIs) != 2 {
		t.Fatalf("health: %d %s", rec.Code, rec.Body)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, localRequest("POST", "/__admin/reset?api=b"))
	if rec.Code != 200 || a.resets != 0 || b.resets != 1 {
		t.Fatalf("reset b: %d, resets a=%d b=%d", rec.Code, a.resets, b.resets)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, localRequest("POST", "/__admin/reset"))
	if rec.Code != 200 || a.resets != 1 || b.resets != 2 {
		t.Fatalf("reset all: %d, resets a=%d b=%d", rec.Code, a.resets, b.resets)
	}
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"POST", "/__admin/reset?api=nope", 404},
		{"GET", "/__admin/nothing", 404},
		{"GET", "/elsewhere", 404},
	} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, localRequest(tc.method, tc.path))
		if rec.Code != tc.status || !strings.HasPrefix(rec.Header().Get("Content-Type"), "application/json") {
			t.Errorf("%s %s: %d %s", tc.method, tc.path, rec.Code, rec.Body)
		}
	}
}

func TestNewServerRejectsClashes(t *testing.T) {
	cases := map[string][]mockserver.Vendor{
		"same prefix": {&fakeVendor{name: "a", prefix: "/x", h: echoPath()}, &fakeVendor{name: "b", prefix: "/x/", h: echoPath()}},
		"same name":   {&fakeVendor{name: "a", prefix: "/x", h: echoPath()}, &fakeVendor{name: "a", prefix: "/y", h: echoPath()}},
		"admin":       {&fakeVendor{name: "a", prefix: "/__admin", h: echoPath()}},
		"relative":    {&fakeVendor{name: "a", prefix: "x", h: echoPath()}},
	}
	for name, vendors := range cases {
		if _, err := mockserver.NewServer(nil, vendors...); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

// Outside every prefix the server answers unclean paths itself, with a 404 in the admin shape: the
// ServeMux behind it would redirect them (a 307 keeps a POST a POST).
func TestServerNeverRedirects(t *testing.T) {
	a := &fakeVendor{name: "a", prefix: "/a", h: echoPath()}
	srv, err := mockserver.NewServer(nil, a)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	for _, target := range []string{"/__admin", "/__admin/../__admin/reset", "/__admin/./reset", "/__admin//reset",
		"//__admin/reset", "/x/../__admin/reset", "/..", "/.", "/__admin/%2e%2e/__admin/reset", "/__admin/reset/."} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, localRequest("POST", target))
		if rec.Code != 404 || rec.Header().Get("Location") != "" || !strings.Contains(rec.Body.String(), `"error"`) {
			t.Errorf("POST %s: %d %s", target, rec.Code, rec.Body)
		}
	}
	if a.resets != 0 {
		t.Fatalf("a hostile path reset the vendor %d times", a.resets)
	}
	// A prefix spelled with escapes still reaches the vendor, never http.StripPrefix's plain-text 404.
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, localRequest("GET", "/%61/x%2Fy"))
	if rec.Code != 200 || rec.Body.String() != "/x/y" {
		t.Fatalf("escaped prefix: %d %q", rec.Code, rec.Body)
	}
}
