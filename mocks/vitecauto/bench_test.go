package vitecauto_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
)

// BenchmarkHandler drives the mock's handler in-process (no network) the way serve builds it, with a
// journal: validation on (an answer identical to one that passed is not checked again), validation
// on with every answer checked afresh (noMemo), and validation off.
func BenchmarkHandler(b *testing.B) {
	cases := []struct {
		name, target string
		status       int
	}{
		{"found", "/api/customer?companyId=998&customerId=500190", http.StatusOK},
		{"notFound", "/api/customer?companyId=998&customerId=1", http.StatusNotFound},
	}
	for _, mode := range []struct {
		name string
		opts mockkit.Options
	}{
		{"validation", mockkit.Options{}},
		{"validationNoMemo", mockkit.Options{NoResponseMemo: true}},
		{"noValidation", mockkit.Options{NoValidation: true}},
	} {
		opts := mode.opts
		opts.Journal = mockkit.NewJournal(0, 0)
		m, err := vitecauto.New(vitecauto.Config{Options: opts})
		if err != nil {
			b.Fatal(err)
		}
		h := m.Handler()
		for _, tc := range cases {
			b.Run(mode.name+"/"+tc.name, func(b *testing.B) {
				req := httptest.NewRequest(http.MethodGet, tc.target, nil)
				req.Header.Set("x-api-key", vitecauto.DefaultAPIKey)
				b.ReportAllocs()
				for b.Loop() {
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != tc.status {
						b.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
					}
				}
			})
		}
	}
}
