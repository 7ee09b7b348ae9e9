package mockharness

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
)

// Fuzzer is what every mock's fuzz target shares: build the mock with Options, then Serve each
// arbitrary request. Serve fails the input when the mock answers 5xx or writes an answer to a
// documented operation that violates the spec; a panic fails it too.
type Fuzzer struct {
	violation atomic.Value // string
}

// Options are mock options that report spec violations to the fuzzer.
func (f *Fuzzer) Options() mockkit.Options {
	return mockkit.Options{OnResponseViolation: func(_, _ string, err error) { f.violation.Store(err.Error()) }}
}

// FuzzT is the part of *testing.T that Serve needs.
type FuzzT interface {
	Helper()
	Skip(args ...any)
	Fatalf(format string, args ...any)
}

// Serve sends one request to h (a vendor's Handler, paths relative to its base) with the given headers
// (empty values are left out), checks the answer, and returns it. Inputs that are not a request at all
// (an unknown method, a target not starting with "/") are skipped.
func (f *Fuzzer) Serve(t FuzzT, h http.Handler, method, target, body string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	switch method {
	case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS":
	default:
		t.Skip()
	}
	if !strings.HasPrefix(target, "/") {
		t.Skip()
	}
	req, err := http.NewRequest(method, "http://mock"+target, strings.NewReader(body))
	if err != nil {
		t.Skip()
	}
	req.RequestURI = target
	for name, value := range header {
		if value != "" {
			req.Header.Set(name, value)
		}
	}
	f.violation.Store("")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s: status %d: %s", method, target, rec.Code, rec.Body)
	}
	if v, _ := f.violation.Load().(string); v != "" {
		t.Fatalf("%s %s: the answer violates the spec: %s", method, target, v)
	}
	return rec
}
