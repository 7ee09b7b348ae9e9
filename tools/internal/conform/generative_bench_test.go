package conform_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/tools/internal/conform"
)

// BenchmarkGenerativeCases measures generated cases per second against the handler `vendorctl serve`
// serves (every mock, default options, over loopback HTTP): one op is a whole generative run of
// TimeWave (the operations, then the sequences), reported as cases/s.
func BenchmarkGenerativeCases(b *testing.B) {
	vendors, err := all.New(all.Config{})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := mockserver.NewServer(nil, vendors...)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	cfg := mockConfig(b, ts.URL, vendors, "timewave")
	cfg.Generate = conform.Generation{MaxExamples: 100, Seed: 1}
	cases := 0
	b.ResetTimer()
	for b.Loop() {
		r, err := conform.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		rep, err := r.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		cases += rep.Generation.Cases
	}
	b.ReportMetric(float64(cases)/b.Elapsed().Seconds(), "cases/s")
}
