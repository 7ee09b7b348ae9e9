package vitecauto_test

import (
	"net/http"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// Every hostile request of the table gets a 4xx in the vendor's shape and changes nothing.
func TestBadInput(t *testing.T) {
	cases, err := mockharness.LoadBadInputs("testdata/bad-input.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < 25 {
		t.Fatalf("%d cases, want at least 25", len(cases))
	}
	m := mocktest.Start(t, mocktest.Only("vitecauto"))
	key := m.Credentials("vitecauto").APIKey
	mockharness.RunBadInputs(t, m, "vitecauto", cases, func(r *http.Request) { r.Header.Set("x-api-key", key) })
}
