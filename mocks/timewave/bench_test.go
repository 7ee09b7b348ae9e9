package timewave_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/timewave"
)

// BenchmarkHandler drives the mock's handler in-process (no network), as serve builds it: the default
// page of clients, a full page (every fixture client), one client, and a new client.
func BenchmarkHandler(b *testing.B) {
	for _, mode := range mockharness.HandlerModes() {
		m, err := timewave.New(timewave.Config{Options: mode.Options})
		if err != nil {
			b.Fatal(err)
		}
		token := mockharness.Token(b, m.Handler(), "/oauth/token", timewave.DefaultClientID, timewave.DefaultClientSecret)
		for _, tc := range []struct {
			name, method, target string
			body                 []byte
			status               int
		}{
			{"list", http.MethodGet, "/clients", nil, http.StatusOK},
			{"smallPage", http.MethodGet, "/clients?page[size]=2", nil, http.StatusOK},
			{"fullPage", http.MethodGet, "/clients?page[size]=1000", nil, http.StatusOK},
			{"get", http.MethodGet, "/clients/1001", nil, http.StatusOK},
			{"create", http.MethodPost, "/clients", []byte(`{"name":"Bench AB","type":2,"clienttype_id":2,"status":"active"}`), http.StatusCreated},
		} {
			b.Run(mode.Name+"/"+tc.name, func(b *testing.B) {
				if tc.body != nil {
					if err := m.Reset(); err != nil { // creating clients grows the store
						b.Fatal(err)
					}
				}
				req := httptest.NewRequest(tc.method, tc.target, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Accept", "application/json")
				if tc.body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				mockharness.BenchHandler(b, m.Handler(), req, tc.body, tc.status)
			})
		}
	}
}
