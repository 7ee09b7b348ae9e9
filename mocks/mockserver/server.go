package mockserver

import (
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
)

// Mount is a handler served under a URL prefix; the prefix is stripped before the handler sees the path.
type Mount struct {
	// Prefix is where the vendor's production base URL is mapped, e.g. "/mediaconnect/capi".
	Prefix string
	// Production is the vendor base URL that the prefix stands for, e.g. "https://api.mediaconnect.no/capi".
	Production string
	Handler    http.Handler
	// ExampleAnswered are the operationIds the mock has no handler for and answers from the spec's
	// examples (see IsExampleAnswer); serve's start table and the health answer list them. Zero: none.
	ExampleAnswered []string
	// API is the name the mount is journaled under and that fault rules give, when it is not the
	// vendor's own (zero: the vendor's name). ConnectID, Mediaconnect's OAuth server, is "connectid".
	API string
}

// APINames are the names fault rules and the journal know the vendors' mounts by: every vendor's name
// and each mount's own API name, sorted.
func APINames(vendors ...Vendor) []string {
	var names []string
	for _, v := range vendors {
		names = append(names, v.Name())
		for _, m := range v.Mounts() {
			if m.API != "" {
				names = append(names, m.API)
			}
		}
	}
	sort.Strings(names)
	return slices.Compact(names)
}

// Vendor is one vendor mock as the server sees it.
type Vendor interface {
	// Name is the API's short name.
	Name() string
	// Title is the vendor's display name.
	Title() string
	// Mounts are the prefixes the vendor is served under.
	Mounts() []Mount
	// Credentials describes the credentials the mock accepts, for people (never logged by the mock).
	Credentials() string
	// Reset brings the vendor's state back to its fixtures.
	Reset() error
}

// Server serves every vendor on one listener, each under its prefix, and the admin API under /__admin/.
type Server struct {
	cfg     ServerConfig
	rec     *Recorder // nil: no journal, no faults (NewServer)
	vendors []Vendor
	byName  map[string]Vendor
	mounts  []mounted // longest prefix first
	mux     *http.ServeMux
	log     *slog.Logger
}

type mounted struct {
	prefix  string
	handler http.Handler
}

// Recorder is the recorded state a server owns and hands to every vendor it builds (NewServerWith):
// the request journal and the fault rules. Only NewServerWith makes one, so the vendors record into
// the journal and apply the rules that the server's admin API shows: there is one door. A nil
// *Recorder records nothing and injects nothing.
type Recorder struct {
	journal *Journal
	faults  *Faults
}

// Journal is the server's request journal (nil for a nil Recorder).
func (r *Recorder) Journal() *Journal {
	if r == nil {
		return nil
	}
	return r.journal
}

// Faults are the server's fault rules (nil for a nil Recorder).
func (r *Recorder) Faults() *Faults {
	if r == nil {
		return nil
	}
	return r.faults
}

// BuildFunc builds the vendors a server mounts, each with the server's Recorder
// (mockkit.Options.Recorder).
type BuildFunc func(rec *Recorder) ([]Vendor, error)

// ServerConfig configures NewServerWith.
type ServerConfig struct {
	Logger *slog.Logger
	// Journal configures the server's request journal (zero: DefaultJournalSize entries, bodies
	// kept up to the default cap).
	Journal JournalConfig
	// Seed seeds the fault rules' probabilities; the same seed repeats a run (zero: a random seed).
	Seed uint64
	// Admin guards every admin endpoint: Host, cross-site requests, content type, and its Token on
	// every endpoint but health. Zero: loopback Hosts only, no token.
	Admin AdminGuard
}

// NewServer assembles vendors built without a server: no journal, no fault rules, no admin token.
func NewServer(logger *slog.Logger, vendors ...Vendor) (*Server, error) {
	return newServer(ServerConfig{Logger: logger}, nil, vendors)
}

// NewServerWith makes the server's journal and fault rules (its Recorder), builds the vendors with
// them and assembles the vendors. Prefixes must be distinct. An error of build is returned as it is.
func NewServerWith(cfg ServerConfig, build BuildFunc) (*Server, error) {
	rec := &Recorder{journal: NewJournalWith(cfg.Journal), faults: NewFaults(cfg.Seed)}
	vendors, err := build(rec)
	if err != nil {
		return nil, err
	}
	return newServer(cfg, rec, vendors)
}

func newServer(cfg ServerConfig, rec *Recorder, vendors []Vendor) (*Server, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{cfg: cfg, rec: rec, vendors: vendors, byName: map[string]Vendor{}, mux: http.NewServeMux(), log: cfg.Logger}
	seen := map[string]string{}
	for _, v := range vendors {
		if _, dup := s.byName[v.Name()]; dup {
			return nil, fmt.Errorf("mockkit: vendor %q added twice", v.Name())
		}
		s.byName[v.Name()] = v
		for _, m := range v.Mounts() {
			p := strings.TrimSuffix(m.Prefix, "/")
			if !strings.HasPrefix(p, "/") || p == "" || strings.HasPrefix(p, "/__admin") {
				return nil, fmt.Errorf("mockkit: vendor %q has an invalid prefix %q", v.Name(), m.Prefix)
			}
			if other, dup := seen[p]; dup {
				return nil, fmt.Errorf("mockkit: prefix %q used by %q and %q", p, other, v.Name())
			}
			seen[p] = v.Name()
			s.mounts = append(s.mounts, mounted{prefix: p, handler: stripPrefix(p, m.Handler)})
		}
	}
	for _, v := range vendors {
		for _, m := range v.Mounts() {
			if other, ok := s.byName[m.API]; ok && other != v {
				return nil, fmt.Errorf("mockkit: vendor %q names a mount %q, the name of another vendor", v.Name(), m.API)
			}
		}
	}
	sort.Slice(s.mounts, func(i, j int) bool { return len(s.mounts[i].prefix) > len(s.mounts[j].prefix) })
	s.routeAdmin()
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, adminError{Error: "no vendor is mounted at " + r.URL.Path + "; see GET /__admin/health for the prefixes"})
	})
	return s, nil
}

// Journal is the server's request journal (nil for NewServer's).
func (s *Server) Journal() *Journal { return s.rec.Journal() }

// Faults are the server's fault rules (nil for NewServer's).
func (s *Server) Faults() *Faults { return s.rec.Faults() }

// Handler is the server's HTTP handler. Requests under a vendor prefix go to that vendor as they are:
// unlike http.ServeMux, the server does not clean or redirect paths with "..", "." or "//", so hostile
// paths get the vendor's own 4xx instead of a redirect. Such paths outside every prefix get a 404 too.
func (s *Server) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for _, m := range s.mounts {
			if strings.HasPrefix(r.URL.Path, m.prefix+"/") || r.URL.Path == m.prefix {
				m.handler.ServeHTTP(w, r)
				return
			}
		}
		if !isCleanPath(r.URL.Path) {
			writeJSON(w, http.StatusNotFound, adminError{Error: "no such path: " + r.URL.Path + " (paths are taken as sent, never cleaned)"})
			return
		}
		s.mux.ServeHTTP(w, r)
	})
}

// isCleanPath reports whether p has no ".", ".." or empty segment, so that http.ServeMux takes it as
// it is instead of redirecting.
func isCleanPath(p string) bool {
	clean := path.Clean(p)
	if strings.HasSuffix(p, "/") && clean != "/" {
		clean += "/"
	}
	return clean == p
}

// stripPrefix removes prefix from the request's path. Unlike http.StripPrefix it never answers on its
// own: when the escaped path spells the prefix with escapes (/vitec%61uto), the vendor gets the
// decoded path alone, and answers it in its own shape.
func stripPrefix(prefix string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r2 := new(http.Request)
		*r2 = *r
		r2.URL = new(url.URL)
		*r2.URL = *r.URL
		r2.URL.Path = strings.TrimPrefix(r.URL.Path, prefix)
		if rest, ok := strings.CutPrefix(r.URL.RawPath, prefix); ok {
			r2.URL.RawPath = rest
		} else {
			r2.URL.RawPath = ""
		}
		h.ServeHTTP(w, r2)
	})
}

// Vendors returns the vendors in the order they were added.
func (s *Server) Vendors() []Vendor { return s.vendors }
