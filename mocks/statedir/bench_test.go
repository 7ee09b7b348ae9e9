package statedir_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/statedir"
	"github.com/vendorctl/vendorctl/mocks/timewave"
)

// BenchmarkFlushTimeWave is one write of the state after one TimeWave create (the create itself not
// timed): the snapshot of every client, the atomic replacement of clients.json with its fsyncs. At the
// fixtures' 260 clients and at 2,260 (what the kill -9 test reaches).
func BenchmarkFlushTimeWave(b *testing.B) {
	for _, extra := range []int{0, 2000} {
		b.Run(fmt.Sprintf("clients=%d", 260+extra), func(b *testing.B) {
			m, err := timewave.New(timewave.Config{})
			if err != nil {
				b.Fatal(err)
			}
			s, err := statedir.Open(statedir.Config{Dir: b.TempDir()}, []mockserver.Vendor{m})
			if err != nil {
				b.Fatal(err)
			}
			token := mockharness.Token(b, m.Handler(), "/oauth/token", timewave.DefaultClientID, timewave.DefaultClientSecret)
			create := func(i int) {
				req := httptest.NewRequest(http.MethodPost, "/clients", strings.NewReader(fmt.Sprintf(`{"company_name":"Bench %d AB"}`, i)))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				m.Handler().ServeHTTP(rec, req)
				if rec.Code != http.StatusCreated {
					b.Fatalf("create: %d %s", rec.Code, rec.Body)
				}
			}
			for i := range extra {
				create(i)
			}
			b.ResetTimer()
			for i := 0; b.Loop(); i++ {
				b.StopTimer()
				create(extra + i)
				b.StartTimer()
				if err := s.Flush(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
