package sessions

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

const (
	adminPrefix    = "/__admin"
	sessionsAdmin  = "/__admin/sessions"
	sessionParam   = "session"
	retryAfterName = "Retry-After"
)

// Handler routes /sessions/{id}/... and requests with the X-Vendorctl-Session header to their session,
// /__admin/sessions to the session endpoints, admin requests with ?session= to that session's admin
// API, and everything else to the default server. Paths are taken as sent, never cleaned.
func (m *Manager) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		switch {
		case p == sessionsAdmin || strings.HasPrefix(p, sessionsAdmin+"/"):
			m.cfg.Admin.Protect(http.HandlerFunc(m.serveAdmin)).ServeHTTP(w, r)
		case p == adminPrefix || strings.HasPrefix(p, adminPrefix+"/"):
			m.serveSessionAdmin(w, r)
		case strings.HasPrefix(p, PathPrefix):
			m.servePath(w, r)
		case r.Header.Get(Header) != "":
			m.serveHeader(w, r)
		default:
			m.cfg.Default.ServeHTTP(w, r)
		}
	})
}

// servePath serves /sessions/{id}/<vendor path> from the session, with the prefix stripped.
func (m *Manager) servePath(w http.ResponseWriter, r *http.Request) {
	id, tail, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, PathPrefix), "/")
	tail = "/" + tail
	if tail == "/" || !m.vendorOf(tail) {
		writeJSON(w, http.StatusNotFound, adminError{Error: "no vendor is mounted at " + tail + " in session " + strconv.Quote(id) + "; a session's base URLs are /sessions/{id}/<vendor prefix> (see GET /__admin/health)"})
		return
	}
	r2 := withPath(r, tail, PathPrefix+id)
	m.serveSession(w, r2, id)
}

// serveHeader serves a vendor path from the session the header names.
func (m *Manager) serveHeader(w http.ResponseWriter, r *http.Request) {
	if !m.vendorOf(r.URL.Path) {
		m.cfg.Default.ServeHTTP(w, r) // the default server's 404 for a path no vendor has
		return
	}
	m.serveSession(w, r, r.Header.Get(Header))
}

func (m *Manager) serveSession(w http.ResponseWriter, r *http.Request, id string) {
	s, err := m.Get(id)
	if err != nil {
		m.refuse(w, r, r.URL.Path, refusal(err))
		return
	}
	s.handler.ServeHTTP(w, r)
}

// refusal is the vendor-shaped answer to an error of Get.
func refusal(err error) *mockkit.Error {
	var full *FullError
	if errors.As(err, &full) {
		secs := int(math.Ceil(full.RetryAfter.Seconds()))
		return &mockkit.Error{Status: http.StatusServiceUnavailable, Message: full.Error(), Header: http.Header{retryAfterName: {strconv.Itoa(secs)}}}
	}
	return &mockkit.Error{Status: http.StatusBadRequest, Message: err.Error()}
}

// refuse answers r, whose vendor path is path, with e in the shape of the vendor mounted there.
func (m *Manager) refuse(w http.ResponseWriter, r *http.Request, path string, e *mockkit.Error) {
	if !m.vendorOf(path) {
		writeJSON(w, e.Status, adminError{Error: e.Message})
		return
	}
	r2 := withPath(r, path, "")
	m.refusals.Handler().ServeHTTP(w, mockkit.WithRefusal(r2, e))
}

// withPath is r with URL.Path set to path; the raw path loses prefix when it has it, else it is
// dropped (the decoded path is the one routed on).
func withPath(r *http.Request, path, prefix string) *http.Request {
	r2 := new(http.Request)
	*r2 = *r
	r2.URL = new(url.URL)
	*r2.URL = *r.URL
	r2.URL.Path = path
	r2.URL.RawPath = ""
	if rest, ok := strings.CutPrefix(r.URL.RawPath, prefix); ok && prefix != "" {
		r2.URL.RawPath = rest
	}
	return r2
}

// serveSessionAdmin sends an admin request with ?session=ID to that session's admin API (creating the
// session on first use), and any other to the default server.
func (m *Manager) serveSessionAdmin(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if !q.Has(sessionParam) {
		m.cfg.Default.ServeHTTP(w, r)
		return
	}
	m.cfg.Admin.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s, err := m.Get(q.Get(sessionParam))
		if err != nil {
			e := refusal(err)
			for k, v := range e.Header {
				w.Header()[k] = v
			}
			writeJSON(w, e.Status, adminError{Error: "session " + strconv.Quote(q.Get(sessionParam)) + ": " + e.Message})
			return
		}
		s.handler.ServeHTTP(w, r)
	})).ServeHTTP(w, r)
}

type adminError struct {
	Error string `json:"error"`
}

// Info describes a session in the admin API.
type Info struct {
	ID       string            `json:"id"`
	Created  time.Time         `json:"created"`
	LastUse  time.Time         `json:"lastUse"`
	Expires  time.Time         `json:"expires"`
	Requests int               `json:"requests"` // journaled requests (at most the journal's size)
	Built    []string          `json:"built"`    // vendors the session has built (used) so far
	BaseURLs map[string]string `json:"baseUrls"` // by mount prefix
	Header   string            `json:"header"`   // the header that selects the session instead
}

func (m *Manager) info(s *Session, base string) Info {
	in := Info{ID: s.id, Created: s.created, LastUse: s.LastUse(), Expires: s.LastUse().Add(m.cfg.TTL),
		Requests: len(s.Journal().Entries(mockserver.Filter{})), Built: s.Built(), BaseURLs: map[string]string{}, Header: Header + ": " + s.id}
	if in.Built == nil {
		in.Built = []string{}
	}
	for _, mt := range m.mounts() {
		in.BaseURLs[mt.Prefix] = base + PathPrefix + s.id + mt.Prefix
	}
	return in
}

// serveAdmin serves POST and GET /__admin/sessions and DELETE /__admin/sessions/{id}.
func (m *Manager) serveAdmin(w http.ResponseWriter, r *http.Request) {
	base := "http://" + r.Host
	id, one := strings.CutPrefix(r.URL.Path, sessionsAdmin+"/")
	switch {
	case !one && r.Method == http.MethodPost:
		s, err := m.Create()
		if err != nil {
			e := refusal(err)
			for k, v := range e.Header {
				w.Header()[k] = v
			}
			writeJSON(w, e.Status, adminError{Error: e.Message})
			return
		}
		writeJSON(w, http.StatusCreated, m.info(s, base))
	case !one && r.Method == http.MethodGet:
		list := []Info{}
		for _, s := range m.Sessions() {
			list = append(list, m.info(s, base))
		}
		writeJSON(w, http.StatusOK, map[string]any{"sessions": list, "max": m.cfg.Max, "ttl": m.cfg.TTL.String()})
	case one && r.Method == http.MethodDelete:
		if CheckID(id) != nil || !m.Delete(id) {
			writeJSON(w, http.StatusNotFound, adminError{Error: "no live session " + strconv.Quote(id)})
			return
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", map[bool]string{false: "GET, POST", true: "DELETE"}[one])
		writeJSON(w, http.StatusMethodNotAllowed, adminError{Error: "the session endpoints are POST and GET /__admin/sessions and DELETE /__admin/sessions/{id}"})
	}
}

// Create starts a session with a fresh random id.
func (m *Manager) Create() (*Session, error) { return m.Get(newID()) }

// newID is a fresh random session id.
func newID() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return hex.EncodeToString(b)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
