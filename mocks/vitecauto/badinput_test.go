package vitecauto_test

import (
	"net/http"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// Every hostile request of the table gets a 4xx in the vendor's shape and changes nothing.
func TestBadInput(t *testing.T) {
	mockharness.RunBadInputTable(t, "vitecauto", func(m *mocktest.Server) func(*http.Request) {
		key := m.Credentials("vitecauto").APIKey
		return func(r *http.Request) { r.Header.Set("x-api-key", key) }
	})
}
