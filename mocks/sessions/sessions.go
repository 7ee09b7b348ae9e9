// Package sessions serves many isolated copies of the vendor mocks on one listener: a session is a
// mockserver.Server of its own (stores from the fixtures, OAuth tokens, rate-limit buckets, fault rules
// and journal), reached under /sessions/{id}/<vendor prefix>/... or with the header
// X-Vendorctl-Session: {id}. Every other request goes to the default server, which session traffic
// never touches. A session is created on first use and ends when deleted or idle past the TTL.
//
// Scope: routing by id, the /__admin/sessions endpoints and session= on the rest of the admin API,
// the TTL and the session limit. A session builds each vendor on its first request to it, so a
// session costs only what it uses.
//
// Non-goals: nesting (the admin API keeps its own path and is never under /sessions/), persistence,
// sharing state between sessions or with the default server.
package sessions

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// Header names a session for clients that cannot change their base URL.
const Header = "X-Vendorctl-Session"

// PathPrefix is where session base URLs start: /sessions/{id}/<vendor prefix>.
const PathPrefix = "/sessions/"

// Defaults of Config.
const (
	DefaultTTL         = 30 * time.Minute
	DefaultMax         = 10_000
	DefaultJournalSize = 100
)

// ErrBadID is a session id that is not 1 to 64 characters of [A-Za-z0-9._-].
var ErrBadID = errors.New("session id must be 1 to 64 characters of A-Z, a-z, 0-9, '.', '_' and '-'")

// FullError is the refusal of a new session when Config.Max sessions are live.
type FullError struct {
	Max int
	// RetryAfter is when the least recently used session expires.
	RetryAfter time.Duration
}

func (e *FullError) Error() string {
	return fmt.Sprintf("the mock holds its maximum of %d sessions: retry when one expires, or delete one (DELETE /__admin/sessions/{id})", e.Max)
}

var idPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// CheckID returns ErrBadID unless id is a valid session id.
func CheckID(id string) error {
	if !idPattern.MatchString(id) {
		return ErrBadID
	}
	return nil
}

// Config configures New. Default, APIs and Build are required.
type Config struct {
	// Default serves every request without a session.
	Default http.Handler
	// APIs are the vendors every session serves (all.Names()).
	APIs []string
	// Build builds one vendor of a session with the session's options: Options with the Recorder
	// (journal and fault rules) of the session's own server.
	Build func(api string, opts mockkit.Options) (mockserver.Vendor, error)
	// Options are what every session's vendors are built with; the Recorder is replaced.
	Options mockkit.Options
	// Journal configures each session's journal; its Feed, when set, receives every session's entries,
	// labelled with the session. Zero Size: DefaultJournalSize.
	Journal mockserver.JournalConfig
	// Seed seeds each session's fault probabilities (0: random).
	Seed uint64
	// Admin guards the session endpoints and every session's admin API (zero: loopback, no token).
	Admin mockserver.AdminGuard
	// TTL ends a session idle for longer (zero: DefaultTTL).
	TTL time.Duration
	// Max is the number of live sessions; one more is refused with 503 (zero: DefaultMax).
	Max int
	// Now is the clock (zero: time.Now).
	Now func() time.Time
	// Logger (zero: discard).
	Logger *slog.Logger
}

// journal is the configuration of session id's journal: Journal, with the texts of recorded bodies
// in the cache every session shares, and its entries labelled with the session (and published to
// Journal.Feed, when set, with everyone else's).
func (c Config) journal(id string) mockserver.JournalConfig {
	j := c.Journal
	j.SharedTexts = true
	j.Session = id
	return j
}

// Manager holds the live sessions.
type Manager struct {
	cfg Config
	// refusals are vendors without state, used only to answer refusals in each vendor's shape.
	refusals *mockserver.Server
	// templates describe each vendor (names, mounts) for the lazy vendors of a session.
	templates []mockserver.Vendor

	mu        sync.RWMutex
	byID      map[string]*Session
	lastSweep time.Time
}

// New builds a Manager.
func New(cfg Config) (*Manager, error) {
	if cfg.Default == nil || len(cfg.APIs) == 0 || cfg.Build == nil {
		return nil, errors.New("sessions: Config needs Default, APIs and Build")
	}
	if cfg.TTL <= 0 {
		cfg.TTL = DefaultTTL
	}
	if cfg.Max <= 0 {
		cfg.Max = DefaultMax
	}
	if cfg.Journal.Size <= 0 {
		cfg.Journal.Size = DefaultJournalSize
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Options.ResponseMemo == nil {
		cfg.Options.ResponseMemo = mockkit.NewResponseMemo() // every session's answers, checked once
	}
	opts := cfg.Options
	opts.Recorder = nil
	m := &Manager{cfg: cfg, byID: map[string]*Session{}}
	for _, api := range cfg.APIs {
		v, err := cfg.Build(api, opts)
		if err != nil {
			return nil, fmt.Errorf("sessions: build %s: %w", api, err)
		}
		m.templates = append(m.templates, v)
	}
	refusals, err := mockserver.NewServer(cfg.Logger, m.templates...)
	if err != nil {
		return nil, err
	}
	m.refusals = refusals
	return m, nil
}

// Get returns the live session id, creating it on first use; a *FullError when Max are live.
func (m *Manager) Get(id string) (*Session, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	now := m.cfg.Now()
	m.mu.RLock()
	s := m.byID[id]
	m.mu.RUnlock()
	if s != nil && !s.expired(now, m.cfg.TTL) {
		s.touch(now)
		return s, nil
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s = m.byID[id]; s != nil && !s.expired(now, m.cfg.TTL) {
		s.touch(now)
		return s, nil
	}
	delete(m.byID, id)
	if now.Sub(m.lastSweep) > m.cfg.TTL/10 || len(m.byID) >= m.cfg.Max {
		m.sweepLocked(now)
	}
	if len(m.byID) >= m.cfg.Max {
		return nil, &FullError{Max: m.cfg.Max, RetryAfter: m.retryAfterLocked(now)}
	}
	s, err := m.newSession(id, now)
	if err != nil {
		return nil, err
	}
	m.byID[id] = s
	return s, nil
}

// Lookup returns the live session id without creating it.
func (m *Manager) Lookup(id string) (*Session, bool) {
	m.mu.RLock()
	s := m.byID[id]
	m.mu.RUnlock()
	if s == nil || s.expired(m.cfg.Now(), m.cfg.TTL) {
		return nil, false
	}
	return s, true
}

// Delete ends session id; it reports whether the session was live.
func (m *Manager) Delete(id string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	s, ok := m.byID[id]
	delete(m.byID, id)
	return ok && !s.expired(m.cfg.Now(), m.cfg.TTL)
}

// Sessions returns the live sessions, by id.
func (m *Manager) Sessions() []*Session {
	now := m.cfg.Now()
	m.mu.Lock()
	m.sweepLocked(now)
	out := make([]*Session, 0, len(m.byID))
	for _, s := range m.byID {
		out = append(out, s)
	}
	m.mu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// sweepLocked drops the expired sessions.
func (m *Manager) sweepLocked(now time.Time) {
	for id, s := range m.byID {
		if s.expired(now, m.cfg.TTL) {
			delete(m.byID, id)
		}
	}
	m.lastSweep = now
}

// retryAfterLocked is the time until the least recently used session expires (at least a second).
func (m *Manager) retryAfterLocked(now time.Time) time.Duration {
	oldest := now
	for _, s := range m.byID {
		if t := s.LastUse(); t.Before(oldest) {
			oldest = t
		}
	}
	return max(oldest.Add(m.cfg.TTL).Sub(now), time.Second)
}

// prefixes are every vendor mount prefix, for the base URLs of a session.
func (m *Manager) mounts() []mockserver.Mount {
	var out []mockserver.Mount
	for _, v := range m.templates {
		out = append(out, v.Mounts()...)
	}
	return out
}

// vendorOf returns the template vendor whose mount serves path, or false.
func (m *Manager) vendorOf(path string) bool {
	for _, mt := range m.mounts() {
		p := strings.TrimSuffix(mt.Prefix, "/")
		if path == p || strings.HasPrefix(path, p+"/") {
			return true
		}
	}
	return false
}
