package vitecauto_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
)

// FuzzHTTP drives the mock's HTTP entry point with arbitrary requests: it never answers 5xx, never
// panics, and every answer to a documented operation conforms to the spec.
func FuzzHTTP(f *testing.F) {
	var violation atomic.Value
	m, err := vitecauto.New(vitecauto.Config{Options: mockkit.Options{OnResponseViolation: func(api, op string, err error) {
		violation.Store(err.Error())
	}}})
	if err != nil {
		f.Fatal(err)
	}
	h := m.Handler()
	f.Add("GET", "/api/customer?companyId=998&customerId=500190", "mock-api-key", "", "")
	f.Add("GET", "/api/customer?companyId=abc&customerId=1", "mock-api-key", "", "")
	f.Add("GET", "/api/customer?companyId=1", "", "", "")
	f.Add("POST", "/api/customer", "mock-api-key", `{"a":1}`, "application/json")
	f.Add("GET", "/api/customer?companyId=998&customerId=500190", "mock-api-key", "[[[[", "application/json")
	f.Add("GET", "/api/../x%2F?%00=1", "x", "\xff\xfe", "text/plain")
	f.Fuzz(func(t *testing.T, method, target, key, body, contentType string) {
		if !validMethod(method) || !strings.HasPrefix(target, "/") {
			t.Skip()
		}
		req, err := http.NewRequest(method, "http://mock"+target, strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.RequestURI = target
		req.Header.Set("x-api-key", key)
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		violation.Store("")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: status %d: %s", method, target, rec.Code, rec.Body)
		}
		if v := violation.Load().(string); v != "" {
			t.Fatalf("%s %s: answer violates the spec: %s", method, target, v)
		}
	})
}

func validMethod(m string) bool {
	switch m {
	case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS":
		return true
	}
	return false
}
