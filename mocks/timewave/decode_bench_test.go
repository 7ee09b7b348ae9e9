package timewave

import (
	"encoding/json"
	"fmt"
	"strconv"
	"testing"
)

// clientsJSON is the fixture clients repeated to n and renumbered (id, clientnbr, number, e-mail), as
// `make bench-growth` writes them for serve --fixtures.
func clientsJSON(b *testing.B, n int) []byte {
	b.Helper()
	data, err := embeddedFixtures.ReadFile("fixtures/clients.json")
	if err != nil {
		b.Fatal(err)
	}
	var templates []map[string]any
	if err := json.Unmarshal(data, &templates); err != nil {
		b.Fatal(err)
	}
	out := make([]map[string]any, n)
	for i := range out {
		c := make(map[string]any, len(templates[i%len(templates)]))
		for k, v := range templates[i%len(templates)] {
			c[k] = v
		}
		id := 1001 + i
		c["id"], c["clientnbr"], c["number"] = id, 10001+i, strconv.Itoa(10001+i)
		if _, ok := c["email"].(string); ok {
			c["email"] = fmt.Sprintf("client%d@example.se", id)
		}
		out[i] = c
	}
	if data, err = json.MarshalIndent(out, "", "  "); err != nil {
		b.Fatal(err)
	}
	return data
}

// BenchmarkDecodeClients100k decodes 100,000 clients as serve --fixtures does at start (the whole of
// its wall time but reading the file and the spec): on as many workers as GOMAXPROCS.
func BenchmarkDecodeClients100k(b *testing.B) {
	data := clientsJSON(b, 100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := decodeClients(data); err != nil {
			b.Fatal(err)
		}
	}
}
