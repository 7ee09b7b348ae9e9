package vitecmaklare_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/vitecmaklare"
)

// FuzzHTTP drives the mock's HTTP entry point with arbitrary requests, credentials and Accept headers:
// it never answers 5xx, never panics, and every answer to the documented operation, JSON or XML,
// conforms to the spec.
func FuzzHTTP(f *testing.F) {
	var violation atomic.Value
	m, err := vitecmaklare.New(vitecmaklare.Config{Options: mockkit.Options{OnResponseViolation: func(api, op string, err error) {
		violation.Store(err.Error())
	}}})
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
		if !validMethod(method) || !strings.HasPrefix(target, "/") {
			t.Skip()
		}
		req, err := http.NewRequest(method, "http://mock"+target, strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.RequestURI = target
		for name, value := range map[string]string{"Authorization": authorization, "Accept": accept, "Content-Type": contentType} {
			if value != "" {
				req.Header.Set(name, value)
			}
		}
		violation.Store("")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s %s: status %d: %s", method, target, rec.Code, rec.Body)
		}
		if v := violation.Load().(string); v != "" {
			t.Fatalf("%s %s (Accept %q): answer violates the spec: %s", method, target, accept, v)
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
