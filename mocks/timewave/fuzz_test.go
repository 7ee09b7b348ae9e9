package timewave_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/timewave"
)

// FuzzHTTP drives the mock's HTTP entry point with arbitrary requests, with or without a valid token: it
// never answers 5xx, never panics, and every answer to a documented operation conforms to the spec.
func FuzzHTTP(f *testing.F) {
	var fz mockharness.Fuzzer
	m, err := timewave.New(timewave.Config{Options: fz.Options()})
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
		header := map[string]string{"Content-Type": contentType}
		if withToken {
			header["Authorization"] = "Bearer " + token.Load().(string)
		}
		rec := fz.Serve(t, h, method, target, body, header)
		if rec.Code == http.StatusOK && strings.HasPrefix(target, "/oauth/token") {
			token.Store(fetch()) // the input fetched a token and so superseded ours
		}
	})
}
