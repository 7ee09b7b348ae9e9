// Package mocktest runs the mock vendors in-process for a Go test: fresh state on 127.0.0.1:0, base URLs
// and credentials (with the mock's OAuth 2.0 token and authorize URLs), reset between subtests, the
// request journal and fault injection.
//
//	func TestMyIntegration(t *testing.T) {
//		mocks := mocktest.Start(t)
//		client, _ := vitecauto.New(mocks.BaseURL("vitecauto"), mocks.Credentials("vitecauto").APIKey)
//		...
//	}
//
// Start fails the test when a mock answers off its spec, so a test never relies on a broken mock.
package mocktest

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/specs"
)

// Server is the running mock vendors.
type Server struct {
	// URL is the root of the server, e.g. http://127.0.0.1:41234.
	URL     string
	ts      *httptest.Server
	cfg     all.Config
	vendors map[string]mockserver.Vendor
	journal *mockserver.Journal
	faults  *mockserver.Faults
	end     func() // ends a Session instead of a server (zero: Close stops the server)
}

type config struct {
	only []string
	cfg  all.Config
	seed uint64
}

// Option configures New and Start.
type Option func(*config)

// Only starts just the named vendors.
func Only(apis ...string) Option { return func(c *config) { c.only = apis } }

// WithConfig sets settings (credentials) and fixtures (its Options are replaced by mocktest's own,
// its Only by Only's).
func WithConfig(cfg all.Config) Option { return func(c *config) { c.cfg = cfg } }

// WithSeed makes fault probabilities repeatable.
func WithSeed(seed uint64) Option { return func(c *config) { c.seed = seed } }

// TB is the part of testing.TB that Start needs.
type TB interface {
	mockkit.TB
	Fatalf(format string, args ...any)
	Cleanup(func())
}

// Start runs the mocks for the length of the test; a mock response that violates its spec fails t.
func Start(t TB, opts ...Option) *Server {
	t.Helper()
	opts = append(opts, func(c *config) { c.cfg.Options.OnResponseViolation = mockkit.TestOptions(t).OnResponseViolation })
	s, err := New(opts...)
	if err != nil {
		t.Fatalf("mocktest: %v", err)
	}
	t.Cleanup(s.Close)
	return s
}

// New runs the mocks until Close.
func New(opts ...Option) (*Server, error) {
	var c config
	for _, o := range opts {
		o(&c)
	}
	c.cfg.Only = c.only
	srv, err := mockserver.NewServerWith(mockserver.ServerConfig{Seed: c.seed}, c.cfg.Vendors)
	if err != nil {
		return nil, err
	}
	s := &Server{ts: httptest.NewServer(srv.Handler()), cfg: c.cfg, vendors: map[string]mockserver.Vendor{}, journal: srv.Journal(), faults: srv.Faults()}
	s.URL = s.ts.URL
	for _, v := range srv.Vendors() {
		s.vendors[v.Name()] = v
	}
	return s, nil
}

// Close stops the server.
func (s *Server) Close() {
	if s.end != nil {
		s.end()
		return
	}
	s.ts.Close()
}

// BaseURL is the mock's stand-in for the vendor's production base URL (its first mount), e.g.
// http://127.0.0.1:41234/vitecauto. It is "" for a vendor that is not running.
func (s *Server) BaseURL(api string) string {
	v, ok := s.vendors[api]
	if !ok {
		return ""
	}
	return s.URL + v.Mounts()[0].Prefix
}

// Credentials are what a client needs to call one vendor's mock: the credentials it accepts and, for
// the OAuth 2.0 vendors, the mock's endpoints, so that a test never builds them by hand (nor leaves
// them to a client default that points at production).
type Credentials struct {
	all.Credentials
	// TokenURL is the mock's OAuth 2.0 token endpoint, e.g. http://127.0.0.1:41234/connectid/user/oauth/token
	// ("" for a vendor without OAuth, or one that is not running).
	TokenURL string
	// AuthorizeURL is the mock's authorization endpoint of the authorization code flow, e.g.
	// http://127.0.0.1:41234/connectid/user/oauth/authorize ("" when the vendor has none).
	AuthorizeURL string
}

// Credentials returns the credentials the vendor's mock accepts, with its OAuth 2.0 endpoints.
func (s *Server) Credentials(api string) Credentials {
	c := Credentials{Credentials: s.cfg.Credentials(api)}
	v, ok := s.vendors[api]
	if !ok {
		return c
	}
	spec, err := specs.Load(api)
	if err != nil || spec.Doc().Components == nil {
		return c
	}
	for _, ref := range spec.Doc().Components.SecuritySchemes {
		if ref == nil || ref.Value == nil || ref.Value.Flows == nil {
			continue
		}
		if f := ref.Value.Flows.ClientCredentials; f != nil && c.TokenURL == "" {
			c.TokenURL = s.onMock(v, f.TokenURL)
		}
		if f := ref.Value.Flows.AuthorizationCode; f != nil {
			c.AuthorizeURL = s.onMock(v, f.AuthorizationURL)
			if c.TokenURL == "" {
				c.TokenURL = s.onMock(v, f.TokenURL)
			}
		}
	}
	return c
}

// onMock maps a production URL of the vendor onto the mount that serves it ("" when none does).
func (s *Server) onMock(v mockserver.Vendor, production string) string {
	for _, m := range v.Mounts() {
		if production == m.Production || strings.HasPrefix(production, m.Production+"/") {
			return s.URL + m.Prefix + strings.TrimPrefix(production, m.Production)
		}
	}
	return ""
}

// Reset brings every vendor back to its fixtures and clears the journal and the fault rules.
func (s *Server) Reset() error {
	var errs []error
	for _, v := range s.vendors {
		if err := v.Reset(); err != nil {
			errs = append(errs, fmt.Errorf("reset %s: %w", v.Name(), err))
		}
	}
	s.journal.Clear()
	s.faults.Clear()
	return errors.Join(errs...)
}

// Requests returns the journal entries that match f, oldest first.
func (s *Server) Requests(f mockserver.Filter) []mockserver.Entry { return s.journal.Entries(f) }

// AddFault adds a fault rule and returns it with its ID.
func (s *Server) AddFault(r mockserver.Rule) (mockserver.Rule, error) {
	vendors := make([]mockserver.Vendor, 0, len(s.vendors))
	for _, v := range s.vendors {
		vendors = append(vendors, v)
	}
	return s.faults.Add(r, mockserver.APINames(vendors...))
}

// ClearFaults removes every fault rule.
func (s *Server) ClearFaults() { s.faults.Clear() }
