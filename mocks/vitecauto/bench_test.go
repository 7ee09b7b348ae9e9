package vitecauto_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
)

// BenchmarkHandler drives the mock's handler in-process (no network), as serve builds it.
func BenchmarkHandler(b *testing.B) {
	for _, mode := range mockharness.HandlerModes() {
		m := mockharness.Recorded(b, mode, func(o mockkit.Options) (*vitecauto.Mock, error) { return vitecauto.New(vitecauto.Config{Options: o}) })
		for _, tc := range []struct {
			name, target string
			status       int
		}{
			{"found", "/api/customer?companyId=998&customerId=500190", http.StatusOK},
			{"notFound", "/api/customer?companyId=998&customerId=1", http.StatusNotFound},
		} {
			b.Run(mode.Name+"/"+tc.name, func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, tc.target, nil)
				req.Header.Set("x-api-key", vitecauto.DefaultAPIKey)
				mockharness.BenchHandler(b, m.Handler(), req, nil, tc.status)
			})
		}
	}
}
