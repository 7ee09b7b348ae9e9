package sessions_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/sessions"
)

// clock is an injected Now that tests move by hand.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newManager(t testing.TB, cfg sessions.Config) *sessions.Manager {
	t.Helper()
	def, err := all.New(all.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.NewServer(nil, def...)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Default, cfg.APIs = srv.Handler(), all.Names()
	cfg.Build = func(api string, o mockkit.Options) (mockserver.Vendor, error) {
		return all.NewVendor(all.Config{Options: o}, api)
	}
	m, err := sessions.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNewNeedsConfig(t *testing.T) {
	if _, err := sessions.New(sessions.Config{}); err == nil {
		t.Error("New with a zero Config: no error")
	}
}

func TestCheckID(t *testing.T) {
	for id, ok := range map[string]bool{"a": true, "A-z_0.9": true, "": false, "a/b": false, "ä": false, "x y": false,
		string(make([]byte, 65)): false, "0123456789012345678901234567890123456789012345678901234567890123": true} {
		if err := sessions.CheckID(id); (err == nil) != ok || (err != nil && !errors.Is(err, sessions.ErrBadID)) {
			t.Errorf("CheckID(%q) = %v, want ok %v", id, err, ok)
		}
	}
}

// An idle session ends after the TTL (by the injected clock); a used one lives on.
func TestTTL(t *testing.T) {
	c := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	m := newManager(t, sessions.Config{TTL: time.Minute, Now: c.Now})
	a, _ := m.Get("a")
	m.Get("b")
	c.add(50 * time.Second)
	m.Get("b")
	c.add(20 * time.Second)
	if _, ok := m.Lookup("a"); ok {
		t.Error("a idle 70s with a TTL of 1m is still live")
	}
	if _, ok := m.Lookup("b"); !ok {
		t.Error("b used 20s ago has ended")
	}
	if again, _ := m.Get("a"); again == a {
		t.Error("Get after the TTL answered the expired session")
	}
}

// Beyond Max a new session is a *FullError whose RetryAfter is when the least recently used expires,
// and the handler answers it 503 with Retry-After.
func TestMax(t *testing.T) {
	c := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	m := newManager(t, sessions.Config{TTL: time.Minute, Max: 2, Now: c.Now})
	m.Get("a")
	c.add(15 * time.Second)
	m.Get("b")
	_, err := m.Get("c")
	var full *sessions.FullError
	if !errors.As(err, &full) || full.Max != 2 || full.RetryAfter != 45*time.Second {
		t.Fatalf("third session: %v, want a FullError with RetryAfter 45s", err)
	}
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sessions/c/timewave/v3/clients", nil))
	if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") != "45" {
		t.Errorf("third session over HTTP: %d Retry-After %q, want 503 and 45", rec.Code, rec.Header().Get("Retry-After"))
	}
	c.add(46 * time.Second)
	if _, err := m.Get("c"); err != nil {
		t.Errorf("after a expired: %v", err)
	}
}

// A session builds only the vendors it is sent requests for.
func TestLazyVendors(t *testing.T) {
	m := newManager(t, sessions.Config{})
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/sessions/s/vitecauto/api/customer?companyId=998&customerId=500190", nil))
	s, _ := m.Lookup("s")
	if got := s.Built(); len(got) != 1 || got[0] != "vitecauto" {
		t.Errorf("built %v after one vitecauto request, want [vitecauto]", got)
	}
}

// A session's journal labels its entries with the session and publishes them to the shared feed.
func TestSessionEntriesLabelledOnTheFeed(t *testing.T) {
	feed := mockserver.NewFeed()
	m := newManager(t, sessions.Config{Journal: mockserver.JournalConfig{Feed: feed}})
	sub := feed.Subscribe(0)
	defer sub.Close()
	read(t, m.Handler(), "s7")
	select {
	case e := <-sub.Entries():
		if e.Session != "s7" || e.API != "vitecauto" {
			t.Errorf("entry on the feed: session %q api %q, want s7 and vitecauto", e.Session, e.API)
		}
	case <-time.After(2 * time.Second):
		t.Fatal("the session's entry never reached the feed")
	}
	s, _ := m.Lookup("s7")
	if got := s.Journal().Entries(mockserver.Filter{}); len(got) != 1 || got[0].Session != "s7" {
		t.Errorf("session journal: %+v, want one entry labelled s7", got)
	}
}
