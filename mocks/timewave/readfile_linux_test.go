package timewave

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"testing/fstest"
)

// Clients decoded from a mapped clients.json keep none of its bytes: after the mapping is gone
// (reading it would crash the test) every record is still whole and equals the one decoded from a
// copy of the file.
func TestMappedFixturesOutliveTheMapping(t *testing.T) {
	defer func(n int64) { mapFrom = n }(mapFrom)
	mapFrom = 0
	dir := t.TempDir()
	var copied fstest.MapFS = map[string]*fstest.MapFile{}
	for _, name := range []string{"clients.json", "reference.json"} {
		data, err := embeddedFixtures.ReadFile("fixtures/" + name)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
		copied[name] = &fstest.MapFile{Data: data}
	}
	before := mapped.Load()
	_, fromMap, err := loadClients(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if mapped.Load() != before+1 {
		t.Fatal("clients.json was not mapped")
	}
	_, fromCopy, err := loadClients(copied)
	if err != nil {
		t.Fatal(err)
	}
	a, err := json.Marshal(clientsOf(fromMap))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(clientsOf(fromCopy))
	if !reflect.DeepEqual(a, b) || len(fromMap) != 260 {
		t.Fatalf("%d clients from the mapped file differ from the %d of its copy", len(fromMap), len(fromCopy))
	}
}

func clientsOf(recs []record) []any {
	out := make([]any, len(recs))
	for i := range recs {
		out[i] = recs[i].client
	}
	return out
}
