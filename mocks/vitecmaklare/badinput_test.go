package vitecmaklare_test

import (
	"net/http"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// Every hostile request of the table gets a 4xx in the vendor's shape (JSON or XML, as negotiated),
// changes nothing, and never repeats the credentials.
func TestBadInput(t *testing.T) {
	mockharness.RunBadInputTable(t, "vitecmaklare", func(m *mocktest.Server) func(*http.Request) {
		creds := m.Credentials("vitecmaklare")
		return func(r *http.Request) { r.SetBasicAuth(creds.User, creds.Password) }
	})
}
