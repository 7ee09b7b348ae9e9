package vitecauto_test

import (
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
)

// FuzzHTTP drives the mock's HTTP entry point with arbitrary requests: it never answers 5xx, never
// panics, and every answer to a documented operation conforms to the spec.
func FuzzHTTP(f *testing.F) {
	var fz mockharness.Fuzzer
	m, err := vitecauto.New(vitecauto.Config{Options: fz.Options()})
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
		fz.Serve(t, h, method, target, body, map[string]string{"x-api-key": key, "Content-Type": contentType})
	})
}
