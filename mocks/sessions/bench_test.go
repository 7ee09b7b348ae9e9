package sessions_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/sessions"
)

// read is one cheap authenticated read (a Vitec Autodata customer) in session id.
func read(b testing.TB, h http.Handler, id string) {
	req := httptest.NewRequest(http.MethodGet, "/sessions/"+id+"/vitecauto/api/customer?companyId=998&customerId=500190", nil)
	req.Header.Set("x-api-key", "mock-api-key")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		b.Fatalf("read in %s: %d %s", id, rec.Code, rec.Body)
	}
}

// BenchmarkFirstRequest: "existing" is a read in a live session, "new" a session created by its
// first read; the difference is the cost of a session.
func BenchmarkFirstRequest(b *testing.B) {
	m := newManager(b, sessions.Config{Max: 1 << 30})
	h := m.Handler()
	b.Run("existing", func(b *testing.B) {
		read(b, h, "warm")
		for b.Loop() {
			read(b, h, "warm")
		}
	})
	b.Run("new", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			read(b, h, fmt.Sprint("s", i))
		}
	})
}

// BenchmarkReadOnlySessionBytes reports the live heap of a session that made one read (B/session).
func BenchmarkReadOnlySessionBytes(b *testing.B) {
	const n = 2000
	for b.Loop() {
		m := newManager(b, sessions.Config{Max: 1 << 30})
		h := m.Handler()
		read(b, h, "warm")
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := range n {
			read(b, h, fmt.Sprint("s", i))
		}
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-before.HeapAlloc)/n, "B/session")
		runtime.KeepAlive(m)
	}
}

// BenchmarkThroughput reads in parallel in 1 or 100 sessions; compare their ns/op.
func BenchmarkThroughput(b *testing.B) {
	for _, k := range []int{1, 100} {
		b.Run(fmt.Sprintf("sessions=%d", k), func(b *testing.B) {
			m := newManager(b, sessions.Config{Max: 1 << 30})
			h := m.Handler()
			for i := range k {
				read(b, h, fmt.Sprint("t", i))
			}
			var next atomic.Int64
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					read(b, h, fmt.Sprint("t", next.Add(1)%int64(k)))
				}
			})
		})
	}
}
