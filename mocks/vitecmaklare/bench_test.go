package vitecmaklare_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/vitecmaklare"
)

// BenchmarkHandler drives the mock's handler in-process (no network), as serve builds it: a contact
// in JSON and in DataContract XML, and an unknown contact.
func BenchmarkHandler(b *testing.B) {
	for _, mode := range mockharness.HandlerModes() {
		m := mockharness.Recorded(b, mode, func(o mockkit.Options) (*vitecmaklare.Mock, error) {
			return vitecmaklare.New(vitecmaklare.Config{Options: o})
		})
		for _, tc := range []struct {
			name, target, accept string
			status               int
		}{
			{"json", "/CRM/Contact/M30011/P1001", "application/json", http.StatusOK},
			{"xml", "/CRM/Contact/M30011/C1001", "application/xml", http.StatusOK},
			{"notFound", "/CRM/Contact/M30011/X404", "application/json", http.StatusNotFound},
		} {
			b.Run(mode.Name+"/"+tc.name, func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, tc.target, nil)
				req.SetBasicAuth(vitecmaklare.DefaultUser, vitecmaklare.DefaultPassword)
				req.Header.Set("Accept", tc.accept)
				mockharness.BenchHandler(b, m.Handler(), req, nil, tc.status)
			})
		}
	}
}
