package timewave_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/timewave"
)

// BenchmarkHandler drives the mock's handler in-process (no network), as serve builds it: the default
// page of clients, a full page (every fixture client), one client, and a new client.
func BenchmarkHandler(b *testing.B) {
	for _, mode := range mockharness.HandlerModes() {
		m := mockharness.Recorded(b, mode, func(o mockkit.Options) (*timewave.Mock, error) { return timewave.New(timewave.Config{Options: o}) })
		token := mockharness.Token(b, m.Handler(), "/oauth/token", timewave.DefaultClientID, timewave.DefaultClientSecret)
		for _, tc := range []struct {
			name, method, target string
			body                 []byte
			status               int
		}{
			{"list", http.MethodGet, "/clients", nil, http.StatusOK},
			{"smallPage", http.MethodGet, "/clients?page[size]=2", nil, http.StatusOK},
			{"fullPage", http.MethodGet, "/clients?page[size]=1000", nil, http.StatusOK},
			{"get", http.MethodGet, "/clients/1001", nil, http.StatusOK},
			{"create", http.MethodPost, "/clients", []byte(`{"name":"Bench AB","type":2,"clienttype_id":2,"status":"active"}`), http.StatusCreated},
		} {
			b.Run(mode.Name+"/"+tc.name, func(b *testing.B) {
				if tc.body != nil {
					if err := m.Reset(); err != nil { // creating clients grows the store
						b.Fatal(err)
					}
				}
				req := httptest.NewRequest(tc.method, tc.target, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Accept", "application/json")
				if tc.body != nil {
					req.Header.Set("Content-Type", "application/json")
				}
				mockharness.BenchHandler(b, m.Handler(), req, tc.body, tc.status)
			})
		}
	}
}

// BenchmarkFreshAnswer pins the cost of checking an answer the mock has not sent before (the memo
// cannot recognise it): "update" is a PUT whose answer, one client of ~1 KB, changes every time;
// "page" is the default page of 15 clients read after a client on it changed (the PUT before each
// read is not timed). Compare the modes: validation minus noValidation is the per-answer check.
func BenchmarkFreshAnswer(b *testing.B) {
	for _, mode := range mockharness.HandlerModes() {
		m := mockharness.Recorded(b, mode, func(o mockkit.Options) (*timewave.Mock, error) { return timewave.New(timewave.Config{Options: o}) })
		h := m.Handler()
		token := mockharness.Token(b, h, "/oauth/token", timewave.DefaultClientID, timewave.DefaultClientSecret)
		serve := func(b *testing.B, method, target string, body []byte, want int) int {
			req := httptest.NewRequest(method, target, bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Accept", "application/json")
			if body != nil {
				req.Header.Set("Content-Type", "application/json")
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != want {
				b.Fatalf("%s %s: status %d, want %d: %s", method, target, rec.Code, want, rec.Body)
			}
			return rec.Body.Len()
		}
		update := func(b *testing.B, i int) int {
			return serve(b, http.MethodPut, "/clients/1001", fmt.Appendf(nil, `{"mobile":"070-%07d"}`, i), http.StatusOK)
		}
		b.Run(mode.Name+"/update", func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for i := 0; i < b.N; i++ {
				size = update(b, i)
			}
			b.ReportMetric(float64(size), "answer-bytes")
		})
		b.Run(mode.Name+"/page", func(b *testing.B) {
			b.ReportAllocs()
			size := 0
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				update(b, i)
				b.StartTimer()
				size = serve(b, http.MethodGet, "/clients", nil, http.StatusOK)
			}
			b.ReportMetric(float64(size), "answer-bytes")
		})
	}
}
