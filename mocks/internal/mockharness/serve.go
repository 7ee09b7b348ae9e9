package mockharness

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// Serve builds one mock with the test's options (mockkit.TestOptions: an answer off the spec fails
// the test), serves it over HTTP under its prefixes until the test ends, and returns it with the
// server's URL.
func Serve[M mockserver.Vendor](t *testing.T, build func(mockkit.Options) (M, error)) (M, string) {
	t.Helper()
	m, err := build(mockkit.TestOptions(t))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.NewServer(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return m, ts.URL
}

// Clock is a settable clock for token lifetimes and rate limits (a Config's Now), safe for
// concurrent use.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// NewClock is a clock standing at start.
func NewClock(start time.Time) *Clock { return &Clock{now: start} }

// Now is the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

// Advance moves the clock on by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
