package timewave_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/timewave"
)

// FuzzHTTP drives the mock's HTTP entry point with arbitrary requests, with or without a valid token: it
// never answers 5xx, never panics, and every answer to a documented operation conforms to the spec.
func FuzzHTTP(f *testing.F) {
	var violation atomic.Value
	m, err := timewave.New(timewave.Config{Options: mockkit.Options{OnResponseViolation: func(api, op string, err error) {
		violation.Store(err.Error())
	}}})
	if err != nil {
		f.Fatal(err)
	}
	h := m.Handler()
	fetch := func() string {
		form := url.Values{"client_id": {timewave.DefaultClientID}, "client_secret": {timewave.DefaultClientSecret}, "grant_type": {"client_credentials"}}
		req := httptest.NewRequest(http.MethodPost, "/oauth/token", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.AccessToken == "" {
			f.Fatalf("token: %d %s", rec.Code, rec.Body)
		}
		return tok.AccessToken
	}
	var token atomic.Value
	token.Store(fetch())
	f.Add("GET", "/clients?filter[status]=active&sort=-last_name&page[size]=5", true, "", "")
	f.Add("GET", "/clients?filter[id][between]=1,x&page=0", true, "", "")
	f.Add("GET", "/clients/findByNumber/10001", true, "", "")
	f.Add("POST", "/clients", true, `{"first_name":"Ida","payment_type":2,"references":[{"id":1,"name":"x"}]}`, "application/json")
	f.Add("POST", "/clients", true, `{"address":{"workarea_id":3},"email":"a@example.se","hourpot":-1}`, "application/json")
	f.Add("PUT", "/clients/1002", true, `{"references":[{"id":501,"name":"y"}],"bank_id":2}`, "application/json")
	f.Add("PUT", "/clients/1002", true, `[[[[`, "application/json")
	f.Add("POST", "/oauth/token", false, "client_id=mock-client&client_secret=x&grant_type=client_credentials", "application/x-www-form-urlencoded")
	f.Add("POST", "/oauth/token", false, "--b\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\nx\r\n--b--\r\n", "multipart/form-data; boundary=b")
	f.Add("GET", "/clients/../x%2F?%00=1", false, "\xff\xfe", "text/plain")
	f.Fuzz(func(t *testing.T, method, target string, withToken bool, body, contentType string) {
		if !validMethod(method) || !strings.HasPrefix(target, "/") {
			t.Skip()
		}
		req, err := http.NewRequest(method, "http://mock"+target, strings.NewReader(body))
		if err != nil {
			t.Skip()
		}
		req.RequestURI = target
		if withToken {
			req.Header.Set("Authorization", "Bearer "+token.Load().(string))
		}
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
		if rec.Code == http.StatusOK && strings.HasPrefix(target, "/oauth/token") {
			token.Store(fetch()) // the input fetched a token and so superseded ours
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
