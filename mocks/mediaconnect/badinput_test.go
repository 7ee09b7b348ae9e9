package mediaconnect_test

import (
	"net/http"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// Every hostile request of the table gets a 4xx in the vendor's shape and changes nothing. The
// credentials are a user token, which every operation accepts.
func TestBadInput(t *testing.T) {
	mockharness.RunBadInputTable(t, mediaconnect.Name, func(m *mocktest.Server) func(*http.Request) {
		e := &env{connectID: m.URL + mediaconnect.ConnectIDPrefix}
		token := e.userToken(t).AccessToken
		return func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) }
	})
}
