package mediaconnect_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
)

// BenchmarkHandler drives the mock's API handler in-process (no network), as serve builds it, with a
// client-credentials token from its ConnectID handler.
func BenchmarkHandler(b *testing.B) {
	for _, mode := range mockharness.HandlerModes() {
		m := mockharness.Recorded(b, mode, func(o mockkit.Options) (*mediaconnect.Mock, error) {
			return mediaconnect.New(mediaconnect.Config{Options: o})
		})
		token := mockharness.Token(b, m.ConnectIDHandler(), mediaconnect.TokenPath, mediaconnect.DefaultClientID, mediaconnect.DefaultClientSecret)
		for _, tc := range []struct {
			name, method, target string
			body                 []byte
			status               int
		}{
			{"clientMode", http.MethodGet, "/v1/client/customer/info/563457", nil, http.StatusOK},
			{"notFound", http.MethodGet, "/v1/client/customer/info/1", nil, http.StatusNotFound},
			{"search", http.MethodPost, "/v1/client/customer/search", []byte(`{"email":"ola.nordmann@hotmail.no"}`), http.StatusOK},
		} {
			b.Run(mode.Name+"/"+tc.name, func(b *testing.B) {
				req := httptest.NewRequest(tc.method, tc.target, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				if tc.body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				mockharness.BenchHandler(b, m.Handler(), req, tc.body, tc.status)
			})
		}
	}
}
