package mediaconnect_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
)

// FuzzHTTP drives the API's HTTP entry point with arbitrary requests, authenticated with a client or a
// user token or not at all: it never answers 5xx, never panics, and every answer to a documented
// operation conforms to the spec.
func FuzzHTTP(f *testing.F) {
	var fz mockharness.Fuzzer
	m, err := mediaconnect.New(mediaconnect.Config{Options: fz.Options()})
	if err != nil {
		f.Fatal(err)
	}
	tokens := map[string]string{"client": fuzzToken(f, m, "client"), "user": fuzzToken(f, m, "user"), "none": ""}
	h := m.Handler()
	f.Add("GET", "/v1/client/customer/info/563457", "client", "", "")
	f.Add("GET", "/v1/customer/info", "user", "", "")
	f.Add("GET", "/v1/customer/info", "client", "", "")
	f.Add("POST", "/v1/client/customer/search", "client", `{"lastName":"Hansen","streetAddress":"Storgata","postalCode":"0155"}`, "application/json")
	f.Add("POST", "/v1/client/customer/search", "client", `{"phoneNumber":"+4712345678","streetNumber":6}`, "application/json")
	f.Add("POST", "/v1/client/customer/search", "client", `{}`, "application/json")
	f.Add("POST", "/v1/client/credential/customers/check", "client", `{"credentials":["ola.nordmann@hotmail.no"]}`, "application/json")
	f.Add("POST", "/v1/customer/info", "user", `{"name":{"firstName":"Ola"}}`, "application/json")
	f.Add("POST", "/v1/customer/info", "user", `null`, "application/json")
	f.Add("GET", "/v1/client/customer/info/../x%2F?%00=1", "none", "\xff\xfe", "text/plain")
	f.Fuzz(func(t *testing.T, method, target, who, body, contentType string) {
		header := map[string]string{"Content-Type": contentType}
		if tok := tokens[who]; tok != "" {
			header["Authorization"] = "Bearer " + tok
		}
		fz.Serve(t, h, method, target, body, header)
	})
}

// FuzzConnectID drives ConnectID's token and authorize endpoints: never a 5xx, every error in the
// OAuth shape, and never a redirect to anything but an absolute http(s) URL.
func FuzzConnectID(f *testing.F) {
	var fz mockharness.Fuzzer
	m, err := mediaconnect.New(mediaconnect.Config{})
	if err != nil {
		f.Fatal(err)
	}
	h := m.ConnectIDHandler()
	f.Add("POST", "/user/oauth/token", "grant_type=client_credentials&client_id=mock-client&client_secret=mock-secret", "application/x-www-form-urlencoded")
	f.Add("POST", "/user/oauth/token?grant_type=refresh_token&refresh_token=x&client_id=mock-client&client_secret=mock-secret", "", "")
	f.Add("POST", "/user/oauth/token", "grant_type=authorization_code&code=x&redirect_uri=http://a/b&client_id=mock-client&client_secret=mock-secret", "application/x-www-form-urlencoded")
	f.Add("GET", "/user/oauth/authorize?client_id=mock-client&redirect_uri=https%3A%2F%2Fapp.example.no%2Fcb&response_type=code&state=s", "", "")
	f.Add("GET", "/user/oauth/authorize?client_id=mock-client&redirect_uri=javascript:alert(1)&response_type=code", "", "")
	f.Add("POST", "/user/oauth/token", "--x\r\n", "multipart/form-data; boundary=x")
	f.Fuzz(func(t *testing.T, method, target, body, contentType string) {
		rec := fz.Serve(t, h, method, target, body, map[string]string{"Content-Type": contentType})
		switch {
		case rec.Code == http.StatusFound:
			loc, err := url.Parse(rec.Header().Get("Location"))
			if err != nil || (loc.Scheme != "http" && loc.Scheme != "https") || loc.Host == "" {
				t.Fatalf("%s %s: redirected to %q", method, target, rec.Header().Get("Location"))
			}
		case rec.Code >= 400:
			var e struct {
				Error string `json:"error"`
			}
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error == "" {
				t.Fatalf("%s %s: %d %s is not an OAuth error", method, target, rec.Code, rec.Body)
			}
		}
	})
}

// fuzzToken gets a client or user token from the mock's ConnectID, in-process.
func fuzzToken(f *testing.F, m *mediaconnect.Mock, kind string) string {
	f.Helper()
	form := url.Values{"client_id": {mediaconnect.DefaultClientID}, "client_secret": {mediaconnect.DefaultClientSecret}, "grant_type": {"client_credentials"}}
	if kind == "user" {
		q := url.Values{"client_id": {mediaconnect.DefaultClientID}, "redirect_uri": {redirectURI}, "response_type": {"code"}}
		rec := httptest.NewRecorder()
		m.ConnectIDHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, mediaconnect.AuthorizePath+"?"+q.Encode(), nil))
		loc, err := url.Parse(rec.Header().Get("Location"))
		if err != nil || loc.Query().Get("code") == "" {
			f.Fatalf("authorize: %d %s", rec.Code, rec.Body)
		}
		form.Set("grant_type", "authorization_code")
		form.Set("code", loc.Query().Get("code"))
		form.Set("redirect_uri", redirectURI)
	}
	req := httptest.NewRequest(http.MethodPost, mediaconnect.TokenPath, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	m.ConnectIDHandler().ServeHTTP(rec, req)
	var tb struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &tb); err != nil || tb.AccessToken == "" {
		f.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	return tb.AccessToken
}
