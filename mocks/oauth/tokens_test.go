package oauth_test

import (
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/oauth"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func TestTokenStoreExpiry(t *testing.T) {
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := oauth.NewTokenStore(oauth.TokenConfig{AccessTTL: time.Hour, Now: clk.Now})
	tok := s.Issue(oauth.KindClient, "c", "", "")
	if got, err := s.Lookup(tok.Value); err != nil || got.ClientID != "c" || got.Kind != oauth.KindClient {
		t.Fatalf("lookup: %+v %v", got, err)
	}
	clk.Advance(time.Hour)
	if _, err := s.Lookup(tok.Value); !errors.Is(err, oauth.ErrTokenExpired) {
		t.Fatalf("after TTL: %v, want expired", err)
	}
	if _, err := s.Lookup("nope"); !errors.Is(err, oauth.ErrTokenUnknown) {
		t.Fatalf("unknown: %v", err)
	}
}

func TestTokenStoreOnePerClient(t *testing.T) {
	s := oauth.NewTokenStore(oauth.TokenConfig{OnePerClient: true})
	first := s.Issue(oauth.KindClient, "c", "", "")
	other := s.Issue(oauth.KindClient, "d", "", "")
	second := s.Issue(oauth.KindClient, "c", "", "")
	if _, err := s.Lookup(first.Value); !errors.Is(err, oauth.ErrTokenUnknown) {
		t.Errorf("first token of c still valid: %v", err)
	}
	for _, tok := range []oauth.Token{second, other} {
		if _, err := s.Lookup(tok.Value); err != nil {
			t.Errorf("token of %s: %v", tok.ClientID, err)
		}
	}
}

func TestTokenStoreConsumeOnce(t *testing.T) {
	s := oauth.NewTokenStore(oauth.TokenConfig{})
	code := s.Issue(oauth.KindCode, "c", "563457", "https://app.example/cb")
	got, err := s.Consume(code.Value)
	if err != nil || got.Subject != "563457" || got.RedirectURI != "https://app.example/cb" {
		t.Fatalf("consume: %+v %v", got, err)
	}
	if _, err := s.Consume(code.Value); !errors.Is(err, oauth.ErrTokenUnknown) {
		t.Fatalf("second consume: %v", err)
	}
}

func TestTokenStoreConcurrentIssue(t *testing.T) {
	s := oauth.NewTokenStore(oauth.TokenConfig{})
	const n = 200
	var wg sync.WaitGroup
	tokens := make([]string, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			tokens[i] = s.Issue(oauth.KindClient, "c", "", "").Value
		}()
	}
	wg.Wait()
	seen := map[string]bool{}
	for _, v := range tokens {
		if seen[v] {
			t.Fatal("duplicate token")
		}
		seen[v] = true
		if _, err := s.Lookup(v); err != nil {
			t.Fatalf("token issued concurrently is not valid: %v", err)
		}
	}
}

func TestLimiter(t *testing.T) {
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	l := oauth.NewLimiter(oauth.RateLimit{Rate: 2, Burst: 2, Now: clk.Now})
	for i := range 2 {
		if ok, _ := l.Allow("a"); !ok {
			t.Fatalf("request %d refused within the burst", i)
		}
	}
	ok, wait := l.Allow("a")
	if ok || wait <= 0 || oauth.RetryAfterSeconds(wait) != 1 {
		t.Fatalf("third request: ok=%v wait=%v", ok, wait)
	}
	if ok, _ := l.Allow("b"); !ok {
		t.Fatal("another client was limited by a's bucket")
	}
	clk.Advance(500 * time.Millisecond)
	if ok, _ := l.Allow("a"); !ok {
		t.Fatal("refill did not happen")
	}
	var off *oauth.Limiter
	if ok, _ := off.Allow("a"); !ok || off.Enabled() {
		t.Fatal("a nil limiter must let everything through")
	}
	if ok, _ := oauth.NewLimiter(oauth.RateLimit{}).Allow("a"); !ok {
		t.Fatal("rate 0 must be off")
	}
}

func TestTokenStoreSweepsExpiredTokens(t *testing.T) {
	clk := &clock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	s := oauth.NewTokenStore(oauth.TokenConfig{AccessTTL: time.Minute, Now: clk.Now})
	for range 300 {
		s.Issue(oauth.KindClient, "c", "", "")
	}
	clk.Advance(2 * time.Minute)
	live := s.Issue(oauth.KindClient, "c", "", "")
	for range 300 {
		s.Issue(oauth.KindUser, "c", "u", "")
	}
	if n := s.Len(); n > 301 {
		t.Fatalf("%d tokens held after a sweep; the 300 expired ones were kept", n)
	}
	if _, err := s.Lookup(live.Value); err != nil {
		t.Fatalf("a live token was swept: %v", err)
	}
}

// Past MaxPerClient live tokens of one kind, a client's oldest tokens of that kind are refused as
// unknown and its newest work; other clients and other kinds keep theirs.
func TestTokenStoreKeepsMaxPerClient(t *testing.T) {
	const max, extra = 5, 3
	s := oauth.NewTokenStore(oauth.TokenConfig{MaxPerClient: max})
	refresh := s.Issue(oauth.KindRefresh, "c", "u", "")
	other := s.Issue(oauth.KindClient, "d", "", "")
	var issued []oauth.Token
	for range max + extra {
		issued = append(issued, s.Issue(oauth.KindClient, "c", "", ""))
	}
	for i, tok := range issued {
		_, err := s.Lookup(tok.Value)
		if i < extra && !errors.Is(err, oauth.ErrTokenUnknown) {
			t.Errorf("token %d of %d (among the oldest): %v, want ErrTokenUnknown", i+1, len(issued), err)
		}
		if i >= extra && err != nil {
			t.Errorf("token %d of %d (among the newest %d): %v", i+1, len(issued), max, err)
		}
	}
	for _, tok := range []oauth.Token{refresh, other} {
		if _, err := s.Lookup(tok.Value); err != nil {
			t.Errorf("%s token of %s evicted by another client's or kind's: %v", tok.Kind, tok.ClientID, err)
		}
	}
	if n := s.Len(); n != max+2 {
		t.Errorf("store holds %d tokens, want %d", n, max+2)
	}
}

// A consumed code still counts in the issue order, so a bound filled with used codes makes room for
// new ones without refusing a live one early.
func TestTokenStoreBoundAfterConsume(t *testing.T) {
	s := oauth.NewTokenStore(oauth.TokenConfig{MaxPerClient: 2})
	a := s.Issue(oauth.KindCode, "c", "u", "https://app.example/cb")
	if _, err := s.Consume(a.Value); err != nil {
		t.Fatal(err)
	}
	b := s.Issue(oauth.KindCode, "c", "u", "https://app.example/cb")
	c := s.Issue(oauth.KindCode, "c", "u", "https://app.example/cb")
	for _, tok := range []oauth.Token{b, c} {
		if _, err := s.Lookup(tok.Value); err != nil {
			t.Errorf("live code refused: %v", err)
		}
	}
}

// 100 000 client tokens for one client leave exactly DefaultMaxPerClient in the store.
func TestTokenStoreStaysAtBoundUnderAbuse(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 3 * oauth.DefaultMaxPerClient
	}
	s := oauth.NewTokenStore(oauth.TokenConfig{})
	var last oauth.Token
	for range n {
		last = s.Issue(oauth.KindClient, "c", "", "")
	}
	if got := s.Len(); got != oauth.DefaultMaxPerClient {
		t.Fatalf("after %d tokens the store holds %d, want %d", n, got, oauth.DefaultMaxPerClient)
	}
	if _, err := s.Lookup(last.Value); err != nil {
		t.Fatalf("newest token: %v", err)
	}
}

func TestTokenStoreResetForgetsEverything(t *testing.T) {
	s := oauth.NewTokenStore(oauth.TokenConfig{MaxPerClient: 2})
	tok := s.Issue(oauth.KindClient, "c", "", "")
	code := s.Issue(oauth.KindCode, "c", "u", "https://app.example/cb")
	s.Reset()
	for _, v := range []string{tok.Value, code.Value} {
		if _, err := s.Lookup(v); !errors.Is(err, oauth.ErrTokenUnknown) {
			t.Errorf("after Reset: %v, want ErrTokenUnknown", err)
		}
	}
	if n := s.Len(); n != 0 {
		t.Errorf("after Reset the store holds %d tokens", n)
	}
	// The bound starts afresh: two new tokens both live.
	x, y := s.Issue(oauth.KindClient, "c", "", ""), s.Issue(oauth.KindClient, "c", "", "")
	for _, v := range []string{x.Value, y.Value} {
		if _, err := s.Lookup(v); err != nil {
			t.Errorf("token issued after Reset: %v", err)
		}
	}
}
