package sessions

import (
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// Session is one isolated copy of the vendor mocks.
type Session struct {
	id      string
	created time.Time
	lastUse atomic.Int64 // unix nanoseconds
	vendors []*lazyVendor
	server  *mockserver.Server
	handler http.Handler
}

func (m *Manager) newSession(id string, now time.Time) (*Session, error) {
	s := &Session{id: id, created: now}
	s.touch(now)
	cfg := mockserver.ServerConfig{Logger: m.cfg.Logger, Journal: m.cfg.journal(id), Seed: m.cfg.Seed, Admin: m.cfg.Admin}
	srv, err := mockserver.NewServerWith(cfg, func(rec *mockserver.Recorder) ([]mockserver.Vendor, error) {
		opts := m.cfg.Options
		opts.Recorder = rec
		vendors := make([]mockserver.Vendor, len(m.templates))
		for i, t := range m.templates {
			lv := newLazyVendor(t, func() (mockserver.Vendor, error) { return m.cfg.Build(t.Name(), opts) }, m.refuse)
			s.vendors = append(s.vendors, lv)
			vendors[i] = lv
		}
		return vendors, nil
	})
	if err != nil {
		return nil, err
	}
	s.server, s.handler = srv, srv.Handler()
	return s, nil
}

// ID is the session's id.
func (s *Session) ID() string { return s.id }

// Created is when the session began.
func (s *Session) Created() time.Time { return s.created }

// LastUse is the session's last request.
func (s *Session) LastUse() time.Time { return time.Unix(0, s.lastUse.Load()) }

// Journal is the session's own journal.
func (s *Session) Journal() *mockserver.Journal { return s.server.Journal() }

// Faults are the session's own fault rules.
func (s *Session) Faults() *mockserver.Faults { return s.server.Faults() }

// Vendors are the session's vendors; each is built on its first use.
func (s *Session) Vendors() []mockserver.Vendor {
	out := make([]mockserver.Vendor, len(s.vendors))
	for i, v := range s.vendors {
		out[i] = v
	}
	return out
}

// Built names the vendors the session has built so far.
func (s *Session) Built() []string {
	var out []string
	for _, v := range s.vendors {
		if v.built() != nil {
			out = append(out, v.Name())
		}
	}
	return out
}

// Handler serves the session: vendor prefixes and its own admin API.
func (s *Session) Handler() http.Handler { return s.handler }

func (s *Session) touch(now time.Time) { s.lastUse.Store(now.UnixNano()) }

func (s *Session) expired(now time.Time, ttl time.Duration) bool {
	return now.Sub(s.LastUse()) > ttl
}

// lazyVendor is a vendor built on the first request to it (or the first admin call that needs it).
// Until then it answers its name, mounts and credentials from a template and resets to nothing.
type lazyVendor struct {
	tmpl    mockserver.Vendor
	build   func() (mockserver.Vendor, error)
	refuse  refuser // answers a vendor that failed to build, in its shape
	mounts  []mockserver.Mount
	mu      sync.Mutex
	v       atomic.Pointer[mockserver.Vendor]
	handler []http.Handler // the built vendor's mount handlers, by mount
}

// refuser answers r, for the vendor path, with e in the vendor's shape.
type refuser func(w http.ResponseWriter, r *http.Request, path string, e *mockkit.Error)

func newLazyVendor(tmpl mockserver.Vendor, build func() (mockserver.Vendor, error), refuse refuser) *lazyVendor {
	lv := &lazyVendor{tmpl: tmpl, build: build, refuse: refuse}
	for i, mt := range tmpl.Mounts() {
		mt.Handler = lv.mountHandler(i, mt.Prefix)
		lv.mounts = append(lv.mounts, mt)
	}
	return lv
}

func (lv *lazyVendor) mountHandler(i int, prefix string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := lv.get()
		if err != nil {
			lv.refuse(w, r, prefix+r.URL.Path, &mockkit.Error{Status: http.StatusServiceUnavailable, Message: "the session's mock could not be built: " + err.Error()})
			return
		}
		v.Mounts()[i].Handler.ServeHTTP(w, r)
	})
}

func (lv *lazyVendor) built() mockserver.Vendor {
	if p := lv.v.Load(); p != nil {
		return *p
	}
	return nil
}

func (lv *lazyVendor) get() (mockserver.Vendor, error) {
	if v := lv.built(); v != nil {
		return v, nil
	}
	lv.mu.Lock()
	defer lv.mu.Unlock()
	if v := lv.built(); v != nil {
		return v, nil
	}
	v, err := lv.build()
	if err != nil {
		return nil, err
	}
	lv.v.Store(&v)
	return v, nil
}

func (lv *lazyVendor) Name() string               { return lv.tmpl.Name() }
func (lv *lazyVendor) Title() string              { return lv.tmpl.Title() }
func (lv *lazyVendor) Credentials() string        { return lv.tmpl.Credentials() }
func (lv *lazyVendor) Mounts() []mockserver.Mount { return lv.mounts }

// Reset resets a built vendor; one never built is at its fixtures already.
func (lv *lazyVendor) Reset() error {
	if v := lv.built(); v != nil {
		return v.Reset()
	}
	return nil
}

// State builds the vendor when needed and returns its state (nil when it exports none).
func (lv *lazyVendor) State() any {
	v, err := lv.get()
	if err != nil {
		return nil
	}
	if st, ok := v.(mockserver.Stater); ok {
		return st.State()
	}
	return nil
}
