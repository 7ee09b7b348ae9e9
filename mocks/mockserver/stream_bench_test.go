package mockserver_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// streamBench is every vendor mock over loopback, with a journal feed, and a client to load it.
type streamBench struct {
	ts     *httptest.Server
	feed   *mockserver.Feed
	client *http.Client
	seen   atomic.Int64 // entries a stream reader received
}

func newStreamBench(b *testing.B) *streamBench {
	b.Helper()
	feed := mockserver.NewFeed()
	srv, err := mockserver.NewServerWith(mockserver.ServerConfig{Journal: mockserver.JournalConfig{Feed: feed}}, all.Config{}.Vendors)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	b.Cleanup(ts.Close)
	return &streamBench{ts: ts, feed: feed, client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
}

// openStream reads the journal stream as the page does, entry by entry, until the benchmark ends.
func (sb *streamBench) openStream(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, sb.ts.URL+"/__admin/requests/stream", nil)
	resp, err := sb.client.Do(req)
	if err != nil || resp.StatusCode != 200 {
		b.Fatalf("stream: %v %v", resp, err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "event: entry") {
				sb.seen.Add(1)
			}
		}
	}()
	b.Cleanup(func() { cancel(); <-done })
	for sb.feed.Subscribers() == 0 {
		time.Sleep(time.Millisecond)
	}
}

// read is one authenticated Vitec Autodata customer read.
func (sb *streamBench) read(b *testing.B) time.Duration {
	start := time.Now()
	req, _ := http.NewRequest(http.MethodGet, sb.ts.URL+"/vitecauto/api/customer?companyId=998&customerId=500190", nil)
	req.Header.Set("x-api-key", "mock-api-key")
	resp, err := sb.client.Do(req)
	if err != nil {
		b.Error(err)
		return 0
	}
	_, _ = bufio.NewReader(resp.Body).WriteTo(discard{})
	resp.Body.Close()
	if resp.StatusCode != 200 {
		b.Errorf("read: %d", resp.StatusCode)
	}
	return time.Since(start)
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// BenchmarkStreamThroughput is the server's most requests per second over loopback, with no journal
// stream open and with one open (read as the dashboard reads it).
func BenchmarkStreamThroughput(b *testing.B) {
	for _, open := range []bool{false, true} {
		b.Run(map[bool]string{false: "stream=none", true: "stream=open"}[open], func(b *testing.B) {
			sb := newStreamBench(b)
			if open {
				sb.openStream(b)
			}
			b.SetParallelism(4)
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					sb.read(b)
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
			if open {
				time.Sleep(100 * time.Millisecond) // let the reader catch up before counting
				b.ReportMetric(float64(int64(b.N)-sb.seen.Load())/float64(b.N)*100, "%lost")
			}
		})
	}
}

// BenchmarkStreamAt1000 sends requests arriving at 1,000 per second (b.N of them) with no stream and
// with one open, and reports the rate achieved, the p99 latency and what the stream lost.
func BenchmarkStreamAt1000(b *testing.B) {
	const rate = 1000
	for _, open := range []bool{false, true} {
		b.Run(map[bool]string{false: "stream=none", true: "stream=open"}[open], func(b *testing.B) {
			sb := newStreamBench(b)
			if open {
				sb.openStream(b)
			}
			lat := make([]time.Duration, b.N)
			var wg sync.WaitGroup
			b.ResetTimer()
			start := time.Now()
			for i := range b.N {
				if d := time.Until(start.Add(time.Duration(i) * time.Second / rate)); d > 0 {
					time.Sleep(d)
				}
				wg.Go(func() { lat[i] = sb.read(b) })
			}
			wg.Wait()
			elapsed := time.Since(start)
			b.StopTimer()
			slices.Sort(lat)
			b.ReportMetric(float64(b.N)/elapsed.Seconds(), "req/s")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
			if open {
				time.Sleep(100 * time.Millisecond)
				b.ReportMetric(float64(int64(b.N)-sb.seen.Load())/float64(b.N)*100, "%lost")
			}
		})
	}
}
