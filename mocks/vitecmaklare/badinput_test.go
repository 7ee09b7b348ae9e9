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
	cases, err := mockharness.LoadBadInputs("testdata/bad-input.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 25 {
		t.Fatalf("%d cases, want at least 25", len(cases))
	}
	m := mocktest.Start(t, mocktest.Only("vitecmaklare"))
	creds := m.Credentials("vitecmaklare")
	mockharness.RunBadInputs(t, m, "vitecmaklare", cases, func(r *http.Request) { r.SetBasicAuth(creds.User, creds.Password) })
}
