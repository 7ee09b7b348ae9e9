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
	cases, err := mockharness.LoadBadInputs("testdata/bad-input.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 25 {
		t.Fatalf("%d cases, want at least 25", len(cases))
	}
	m := mocktest.Start(t, mocktest.Only(mediaconnect.Name))
	e := &env{connectID: m.URL + mediaconnect.ConnectIDPrefix}
	token := e.userToken(t).AccessToken
	mockharness.RunBadInputs(t, m, mediaconnect.Name, cases, func(r *http.Request) { r.Header.Set("Authorization", "Bearer "+token) })
}
