package mediaconnect_test

import (
	"bytes"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
)

// A changed customer is in the snapshot, which loads as fixtures and is taken back by Restore into
// another mock; Reset afterwards brings back the fixtures.
func TestSnapshotRestore(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	user := e.userToken(t).AccessToken
	if r := e.call(t, "POST", "/v1/customer/info", user, `{"name":{"lastName":"Kept"}}`); r.status != 200 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	state := kittest.SnapshotFS(t, e.m)
	if _, err := mediaconnect.New(mediaconnect.Config{Fixtures: state}); err != nil {
		t.Fatalf("the snapshot does not load as fixtures: %v", err)
	}
	other := newEnv(t, mediaconnect.Config{})
	baseline := kittest.SnapshotFS(t, other.m)
	if err := other.m.Restore(state); err != nil {
		t.Fatal(err)
	}
	client := other.clientToken(t)
	if r := other.call(t, "GET", "/v1/client/customer/info/563457", client, ""); r.status != 200 || !strings.Contains(string(r.body), `"lastName":"Kept"`) {
		t.Fatalf("restored mock answers %d %s", r.status, r.body)
	}
	if err := other.m.Reset(); err != nil {
		t.Fatal(err)
	}
	if reset := kittest.SnapshotFS(t, other.m); !bytes.Equal(reset["customers.json"].Data, baseline["customers.json"].Data) {
		t.Fatal("Reset after Restore does not bring back the fixtures")
	}
}

// A state with a customer the fixtures lack (the API adds none) is refused and changes nothing.
func TestRestoreRefusesUnknownCustomer(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	good := kittest.SnapshotFS(t, e.m)
	bad := fstest.MapFS{
		"customers.json": {Data: bytes.Replace(good["customers.json"].Data, []byte(`"customerNumber": 512034`), []byte(`"customerNumber": 999999`), 1)},
		"addresses.json": {Data: bytes.Replace(good["addresses.json"].Data, []byte(`"512034"`), []byte(`"999999"`), 1)},
	}
	if bytes.Equal(bad["customers.json"].Data, good["customers.json"].Data) {
		t.Fatal("test data: customer 512034 not found in the snapshot")
	}
	if err := e.m.Restore(bad); err == nil || !strings.Contains(err.Error(), "999999") {
		t.Fatalf("Restore error = %v, want one naming customer 999999", err)
	}
	if after := kittest.SnapshotFS(t, e.m); !bytes.Equal(after["customers.json"].Data, good["customers.json"].Data) {
		t.Fatal("a refused Restore changed the customers")
	}
}
