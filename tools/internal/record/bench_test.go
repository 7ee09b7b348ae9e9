package record

import (
	"os"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
)

// BenchmarkObserveTimeWavePage: one page of every TimeWave fixture client taken apart, anonymized
// and merged (what the proxy adds to an answer's latency when recording).
func BenchmarkObserveTimeWavePage(b *testing.B) {
	spec, err := specs.Load("timewave")
	if err != nil {
		b.Fatal(err)
	}
	clients, err := os.ReadFile("../../../mocks/timewave/fixtures/clients.json")
	if err != nil {
		b.Fatal(err)
	}
	x := conforming(b, spec, "GET", "/clients?page[size]=1000", 200, `{"data":`+string(clients)+`}`, "")
	r, err := New(Config{API: "timewave", Dir: b.TempDir(), Mapper: anonymize.New([]byte("k"), anonymize.Sweden)})
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(x.Body)))
	for b.Loop() {
		r.Observe(x)
	}
	if r.Count()["clients"] == 0 {
		b.Fatal("nothing recorded")
	}
}
