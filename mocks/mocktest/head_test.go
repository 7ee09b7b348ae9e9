package mocktest_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// On every vendor a HEAD on a GET operation gets the GET's status and headers (Content-Length
// included) and no body, and is journaled as HEAD; a method a path lacks gets 405 with Allow.
func TestEveryVendorAnswersHeadAsGet(t *testing.T) {
	m := mocktest.Start(t)
	basic := func(r *http.Request) { r.SetBasicAuth("mock-user", "mock-password") }
	key := func(r *http.Request) { r.Header.Set("x-api-key", m.Credentials("vitecauto").APIKey) }
	none := func(*http.Request) {}
	for _, tc := range []struct {
		api, path string
		auth      func(*http.Request)
		status    int
	}{
		{"vitecauto", "/api/customer?companyId=998&customerId=500190", key, 200},
		{"vitecauto", "/api/customer?companyId=998&customerId=2147483647", key, 404},
		{"vitecmaklare", "/CRM/Contact/M30011/P1001", basic, 200},
		{"mediaconnect", "/v1/client/customer/info/563457", none, 401},
		{"timewave", "/clients/1001", none, 401},
	} {
		t.Run(tc.api+tc.path, func(t *testing.T) {
			send := func(method string) (*http.Response, []byte) {
				req, _ := http.NewRequest(method, m.BaseURL(tc.api)+tc.path, nil)
				tc.auth(req)
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				body, _ := io.ReadAll(resp.Body)
				return resp, body
			}
			get, getBody := send(http.MethodGet)
			head, headBody := send(http.MethodHead)
			if get.StatusCode != tc.status || head.StatusCode != tc.status {
				t.Fatalf("GET %d, HEAD %d, want %d", get.StatusCode, head.StatusCode, tc.status)
			}
			if len(headBody) != 0 || head.ContentLength != int64(len(getBody)) {
				t.Errorf("HEAD: %d bytes of body, Content-Length %d; GET body %d bytes", len(headBody), head.ContentLength, len(getBody))
			}
			if head.Header.Get("Content-Type") != get.Header.Get("Content-Type") {
				t.Errorf("Content-Type: HEAD %q, GET %q", head.Header.Get("Content-Type"), get.Header.Get("Content-Type"))
			}
			if es := m.Requests(mockserver.Filter{API: tc.api, Method: http.MethodHead}); len(es) == 0 || es[len(es)-1].Status != tc.status {
				t.Errorf("HEAD not journaled as HEAD: %+v", es)
			}
		})
	}
	for _, tc := range []struct{ api, method, path, allow string }{
		{"vitecauto", "POST", "/api/customer", "GET, HEAD"},
		{"vitecmaklare", "DELETE", "/CRM/Contact/M30011/P1001", "GET, HEAD"},
		{"mediaconnect", "DELETE", "/v1/customer/info", "GET, HEAD, POST"},
		{"timewave", "DELETE", "/clients/1001", "GET, HEAD, PUT"},
	} {
		req, _ := http.NewRequest(tc.method, m.BaseURL(tc.api)+tc.path, nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 405 || resp.Header.Get("Allow") != tc.allow {
			t.Errorf("%s %s %s: %d Allow %q, want 405 Allow %q", tc.api, tc.method, tc.path, resp.StatusCode, resp.Header.Get("Allow"), tc.allow)
		}
	}
}
