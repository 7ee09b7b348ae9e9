package mocktest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// Reset restores every vendor's fixtures exactly: the exported state after writes and a reset equals the
// state before them, byte for byte.
func TestResetRestoresFixturesExactly(t *testing.T) {
	vendors, err := all.New(all.Config{Options: mockkit.TestOptions(t)})
	if err != nil {
		t.Fatal(err)
	}
	state := func() map[string]string {
		out := map[string]string{}
		for _, v := range vendors {
			st, ok := v.(mockserver.Stater)
			if !ok {
				t.Fatalf("%s does not export its state", v.Name())
			}
			b, err := json.Marshal(st.State())
			if err != nil {
				t.Fatal(err)
			}
			out[v.Name()] = string(b)
		}
		return out
	}
	before := state()
	srv, err := mockserver.NewServer(nil, vendors...)
	if err != nil {
		t.Fatal(err)
	}
	h := srv.Handler()
	serve := func(req *http.Request) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"mock-client"}, "client_secret": {"mock-secret"}}
	req := httptest.NewRequest("POST", "/timewave/v3/oauth/token", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if rec := serve(req); json.Unmarshal(rec.Body.Bytes(), &tok) != nil || tok.AccessToken == "" {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	for _, w := range []struct{ method, path, body string }{
		{"POST", "/timewave/v3/clients", `{"first_name":"Ny","last_name":"Kund"}`},
		{"PUT", "/timewave/v3/clients/1001", `{"title":"Ändrad"}`},
	} {
		req := httptest.NewRequest(w.method, w.path, strings.NewReader(w.body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		if rec := serve(req); rec.Code != 200 && rec.Code != 201 {
			t.Fatalf("%s %s: %d %s", w.method, w.path, rec.Code, rec.Body)
		}
	}
	if state()["timewave"] == before["timewave"] {
		t.Fatal("the writes did not change TimeWave's state; the test proves nothing")
	}
	req = httptest.NewRequest("POST", "/__admin/reset", nil)
	req.Host = "localhost" // the admin API answers loopback hosts only
	if rec := serve(req); rec.Code != 200 {
		t.Fatalf("reset: %d", rec.Code)
	}
	after := state()
	for name, want := range before {
		if after[name] != want {
			t.Errorf("%s: state after reset differs from the fixtures", name)
		}
	}
}
