package mocktest_test

import (
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// benchNew starts and closes a mock b.N times with opts; the first New of the process (which parses the
// specs and decodes the fixtures) runs before the timer starts.
func benchNew(b *testing.B, opts ...mocktest.Option) {
	b.Helper()
	first, err := mocktest.New(opts...)
	if err != nil {
		b.Fatal(err)
	}
	first.Close()
	b.ReportAllocs()
	for b.Loop() {
		s, err := mocktest.New(opts...)
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkNew is a fresh mock of every vendor, as a test that starts one per test pays for it.
func BenchmarkNew(b *testing.B) { benchNew(b) }

// BenchmarkNewOnly is a fresh mock of one vendor.
func BenchmarkNewOnly(b *testing.B) { benchNew(b, mocktest.Only("vitecauto")) }

// BenchmarkReset brings every vendor back to its fixtures and clears the journal and the fault rules.
func BenchmarkReset(b *testing.B) {
	s, err := mocktest.New()
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ReportAllocs()
	for b.Loop() {
		if err := s.Reset(); err != nil {
			b.Fatal(err)
		}
	}
}
