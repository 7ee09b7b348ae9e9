package timewave_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// Every hostile request of the table gets a 4xx in the vendor's shape and changes nothing.
func TestBadInput(t *testing.T) {
	mockharness.RunBadInputTable(t, "timewave", func(m *mocktest.Server) func(*http.Request) {
		creds := m.Credentials("timewave")
		resp, err := http.PostForm(m.BaseURL("timewave")+"/oauth/token", url.Values{
			"client_id": {creds.ClientID}, "client_secret": {creds.ClientSecret}, "grant_type": {"client_credentials"},
		})
		if err != nil {
			t.Fatal(err)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		readJSON(t, resp, &tok)
		resp.Body.Close()
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+tok.AccessToken) }
	})
}
