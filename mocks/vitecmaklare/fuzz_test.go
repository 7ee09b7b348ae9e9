package vitecmaklare_test

import (
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/vitecmaklare"
)

// FuzzHTTP drives the mock's HTTP entry point with arbitrary requests, credentials and Accept headers:
// it never answers 5xx, never panics, and every answer to the documented operation, JSON or XML,
// conforms to the spec.
func FuzzHTTP(f *testing.F) {
	var fz mockharness.Fuzzer
	m, err := vitecmaklare.New(vitecmaklare.Config{Options: fz.Options()})
	if err != nil {
		f.Fatal(err)
	}
	h := m.Handler()
	auth := basic(vitecmaklare.DefaultUser, vitecmaklare.DefaultPassword)
	f.Add("GET", "/CRM/Contact/M30011/P1001", auth, "", "application/xml", "")
	f.Add("GET", "/CRM/Contact/M30011/C1001", auth, "text/json;q=0.5, text/xml", "", "")
	f.Add("GET", "/CRM/Contact/M40022/D2001", auth, "*/*", "", "")
	f.Add("GET", "/CRM/Contact/M30011/%00%3C", auth, "application/xml", "", "")
	f.Add("GET", "/CRM/Contact/M30011/"+strings.Repeat("x", 41), auth, "text/xml", "", "")
	f.Add("GET", "/CRM/Contact/M30011/P1001", "Basic %%%", "application/xml;q=0", "", "")
	f.Add("POST", "/CRM/Contact/M30011/P1001", auth, "", "application/json", `{"a":1}`)
	f.Fuzz(func(t *testing.T, method, target, authorization, accept, contentType, body string) {
		fz.Serve(t, h, method, target, body, map[string]string{"Authorization": authorization, "Accept": accept, "Content-Type": contentType})
	})
}
