package timewave_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"
	"testing/fstest"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/timewave"
)

// A snapshot is a fixtures folder: New loads it as fixtures, Restore takes it back into another mock
// (which then answers the change), and Reset afterwards brings back the mock's own fixtures.
func TestSnapshotRestore(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	status, body := e.call("POST", "/clients", `{"first_name": "Kept", "last_name": "Across", "email": "kept@example.se"}`)
	if status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	state := kittest.SnapshotFS(t, e.mock)
	if _, err := timewave.New(timewave.Config{Fixtures: state}); err != nil {
		t.Fatalf("the snapshot does not load as fixtures: %v", err)
	}
	other := newEnv(t, timewave.Config{})
	baseline := kittest.SnapshotFS(t, other.mock)
	if err := other.mock.Restore(state); err != nil {
		t.Fatal(err)
	}
	if p := other.list("filter[email]=kept@example.se"); len(p.Data) != 1 || p.Data[0]["first_name"] != "Kept" {
		t.Fatalf("restored mock does not answer the created client: %+v", p.Data)
	}
	if again := kittest.SnapshotFS(t, other.mock); !bytes.Equal(again["clients.json"].Data, state["clients.json"].Data) {
		t.Fatal("the snapshot of a restored mock differs from the state restored")
	}
	// A restored store takes writes: a create and an update of a restored client.
	if status, body := other.call("POST", "/clients", `{"first_name": "After", "last_name": "Restore", "email": "after@example.se"}`); status != 201 {
		t.Fatalf("create after Restore: %d %s", status, body)
	}
	kept := other.list("filter[email]=kept@example.se").Data[0]
	if status, body := other.call("PUT", fmt.Sprintf("/clients/%v", kept["id"]), `{"first_name": "Changed"}`); status != 200 {
		t.Fatalf("update after Restore: %d %s", status, body)
	}
	if err := other.mock.Reset(); err != nil {
		t.Fatal(err)
	}
	if reset := kittest.SnapshotFS(t, other.mock); !bytes.Equal(reset["clients.json"].Data, baseline["clients.json"].Data) {
		t.Fatal("Reset after Restore does not bring back the fixtures")
	}
}

// A state whose records fail the fixture check, or whose reference tables are not the mock's, is
// refused and changes nothing.
func TestRestoreRefuses(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	good := kittest.SnapshotFS(t, e.mock)
	var clients []map[string]any
	if err := json.Unmarshal(good["clients.json"].Data, &clients); err != nil {
		t.Fatal(err)
	}
	clients[1]["id"] = clients[0]["id"]
	dup, _ := json.Marshal(clients)
	var ref map[string]any
	if err := json.Unmarshal(good["reference.json"].Data, &ref); err != nil {
		t.Fatal(err)
	}
	ref["workareas"] = []map[string]any{{"id": 99, "name": "Elsewhere"}}
	otherRef, _ := json.Marshal(ref)
	for name, fsys := range map[string]fstest.MapFS{
		"duplicate id":      {"clients.json": {Data: dup}, "reference.json": good["reference.json"]},
		"other reference":   {"clients.json": good["clients.json"], "reference.json": {Data: otherRef}},
		"no reference.json": {"clients.json": good["clients.json"]},
	} {
		t.Run(name, func(t *testing.T) {
			if err := e.mock.Restore(fsys); err == nil {
				t.Fatal("Restore accepted it")
			}
			if after := kittest.SnapshotFS(t, e.mock); !bytes.Equal(after["clients.json"].Data, good["clients.json"].Data) {
				t.Fatal("a refused Restore changed the clients")
			}
		})
	}
}
