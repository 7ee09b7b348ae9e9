// Package timewave is the mock of the TimeWave API's customer register (/v3/clients) and of the OAuth 2.0
// token endpoint that guards it.
//
// Scope: what the vendor's Clients field table and FACTS.md say, as the spec (specs/timewave) reads them:
//   - POST /oauth/token with client credentials, urlencoded or multipart/form-data; a new token
//     invalidates the client's previous one; a missing, expired or superseded bearer token is answered
//     401 {"message": "Unauthenticated."}; a bad grant gets the OAuth error shape.
//   - GET /clients with the filters, the numeric id operators, sorting and both paging styles of the
//     spec, in the Laravel paginator envelope; GET /clients/{id}; GET /clients/findByNumber/{number};
//     POST /clients (201) and PUT /clients/{id} (partial update), over a concurrency-safe in-memory store
//     seeded from embedded fixtures (260 Swedish clients and the vendor's reference tables).
//   - Every validation rule of the doc, answered as Laravel does: 422 {"message", "errors": {field:
//     [...]}}, "exists in" rules checked against the reference tables, secondary_email mandatory with
//     payment_type 2, references without id on create and with id on update. A malformed query is 400
//     in the same shape. A rejected write changes nothing.
//   - Optional rate-limit emulation (Config.RateLimit, off by default): 429 with Retry-After.
//
// Non-goals: the vendor's other resources (missions, employees, ...), deleting clients, contacts and
// addresses as writable resources, Laravel's exact message texts beyond the defaults (they are inferred),
// the vendor's real rate limit (not public), and collation-aware sorting (strings sort by code point).
package timewave

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/specs"
)

// Name is the API's short name; Prefix is where the mock serves https://api.timewave.se/v3.
const (
	Name                = "timewave"
	Prefix              = "/timewave/v3"
	DefaultClientID     = "mock-client"
	DefaultClientSecret = "mock-secret"
	// DefaultTokenTTL is the lifetime of an access token (expires_in 3600).
	DefaultTokenTTL = time.Hour
	// DefaultPageSize and MaxPageSize are the paging limits of GET /clients.
	DefaultPageSize = 15
	MaxPageSize     = 1000

	msgUnauthenticated = "Unauthenticated."
	msgTooMany         = "Too Many Attempts."
)

//go:embed fixtures/*.json
var embeddedFixtures embed.FS

// fixtures are the clients and reference tables, decoded once per process from the embedded files;
// both are read-only (a record is replaced, never changed in place).
var fixtures = mockkit.NewFixtures(embeddedFixtures, "fixtures", loadFixtures)

// Config configures the mock.
type Config struct {
	// ClientID and ClientSecret are the accepted OAuth client credentials (default mock-client /
	// mock-secret).
	ClientID     string
	ClientSecret string
	// TokenTTL is the lifetime of an access token (default DefaultTokenTTL).
	TokenTTL time.Duration
	// RateLimit emulates the vendor's rate limit per OAuth client; the zero value turns it off.
	RateLimit oauth.RateLimit
	// Now is the clock of tokens and the rate limit (tests move it). Default time.Now.
	Now func() time.Time
	// Fixtures replaces the embedded fixtures: a file system holding clients.json and reference.json.
	Fixtures fs.FS
	mockkit.Options
}

// Mock is the TimeWave mock. It implements the generated strict server interface.
type Mock struct {
	// StrictExampleFallback answers the operations that Mock has no method for from the spec's examples.
	timewaveapi.StrictExampleFallback
	mockkit.Identity

	cfg     Config
	handler http.Handler
	seed    *store
	ref     *tables
	tokens  *oauth.TokenStore
	limiter *oauth.Limiter
	// filters are the filter[...] query parameters the spec declares for GET /clients.
	filters map[string]bool

	mu    sync.RWMutex
	store *store
	// pages are encoded pages of GET /clients for the store as it is.
	pages pageCache
}

var (
	_ timewaveapi.StrictServerInterface = (*Mock)(nil)
	_ mockserver.Vendor                 = (*Mock)(nil)
)

// New builds the mock: loads the spec and the fixtures once.
func New(cfg Config) (*Mock, error) {
	if cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = DefaultClientSecret
	}
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if err := mockkit.CheckRate(cfg.RateLimit.Rate); err != nil {
		return nil, fmt.Errorf("timewave: rate limit %w", err)
	}
	if cfg.RateLimit.Now == nil {
		cfg.RateLimit.Now = cfg.Now
	}
	fx, err := fixtures.Load(cfg.Fixtures)
	if err != nil {
		return nil, err
	}
	spec, err := specs.Load(Name)
	if err != nil {
		return nil, err
	}
	m := &Mock{
		cfg:     cfg,
		seed:    fx.seed,
		ref:     fx.ref,
		tokens:  oauth.NewTokenStore(oauth.TokenConfig{AccessTTL: cfg.TokenTTL, OnePerClient: true, Now: cfg.Now}),
		limiter: oauth.NewLimiter(cfg.RateLimit),
		filters: listFilters(spec),
	}
	if err := m.Reset(); err != nil {
		return nil, err
	}
	e, err := mockkit.NewAPI(mockkit.APIConfig{
		Name:         Name,
		Spec:         spec,
		Render:       m.render,
		Authenticate: m.authenticate,
		Register: func(e *echo.Echo) {
			e.Binder = bodyBinder{}
			timewaveapi.RegisterHandlers(e, timewaveapi.NewStrictHandler(m, []timewaveapi.StrictMiddlewareFunc{withQuery}))
		},
		BodyViolationsToHandler: []string{opCreateClient, opUpdateClient},
		Options:                 cfg.Options,
	})
	if err != nil {
		return nil, err
	}
	m.handler = e
	m.Identity = mockkit.NewIdentity(Name, title, mockserver.Mount{Prefix: Prefix, Production: spec.ServerURL(), Handler: e,
		ExampleAnswered: timewaveapi.ExampleAnsweredOperations(exampleProbe{})})
	return m, nil
}

// listFilters collects the names of the filter[...] parameters of GET /clients.
func listFilters(spec *specs.Spec) map[string]bool {
	out := map[string]bool{}
	item := spec.Doc().Paths.Find("/clients")
	if item == nil || item.Get == nil {
		return out
	}
	for _, p := range item.Get.Parameters {
		if p.Value != nil && p.Value.In == "query" && strings.HasPrefix(p.Value.Name, "filter[") {
			out[p.Value.Name] = true
		}
	}
	return out
}

type queryKey struct{}

// withQuery hands the raw query string to the strict handlers (they see only the parsed parameters),
// so that GET /clients can refuse filters the spec does not declare.
func withQuery(f timewaveapi.StrictHandlerFunc, _ string) timewaveapi.StrictHandlerFunc {
	return func(c echo.Context, request any) (any, error) {
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), queryKey{}, r.URL.Query())))
		return f(c, request)
	}
}

func queryOf(ctx context.Context) url.Values {
	q, _ := ctx.Value(queryKey{}).(url.Values)
	return q
}

// exampleProbe has in its method set exactly the operations that Mock leaves to its embedded
// StrictExampleFallback (see timewaveapi.ExampleAnsweredOperations).
type exampleProbe struct {
	*Mock
	timewaveapi.StrictExampleFallback
}

// Credentials implements mockserver.Vendor.
func (m *Mock) Credentials() string {
	return "OAuth client_id " + m.cfg.ClientID + ", client_secret " + m.cfg.ClientSecret + " (POST /oauth/token)"
}

// Handler serves the API with paths relative to the production base (no prefix).
func (m *Mock) Handler() http.Handler { return m.handler }

// Reset implements mockserver.Vendor: the clients are the fixtures again and the rate limit starts afresh.
// Issued tokens stay valid, so a client holding one goes on working.
func (m *Mock) Reset() error {
	s := m.seed.fresh()
	m.mu.Lock()
	m.store = s
	m.mu.Unlock()
	m.limiter.Reset()
	return nil
}

// State returns the clients the mock holds (as the API shows them, by id) and the reference tables.
func (m *Mock) State() any {
	m.mu.RLock()
	defer m.mu.RUnlock()
	clients := make([]timewaveapi.Client, 0, len(m.store.byID))
	for _, id := range m.store.sortedIDs() {
		clients = append(clients, m.view(m.store.byID[id]))
	}
	return map[string]any{"clients": clients, "reference": m.ref.raw}
}

// authenticate checks the bearer token of a secured operation, then the rate limit of its client.
func (m *Mock) authenticate(c echo.Context, _ *specs.Route) error {
	value, err := oauth.BearerToken(c.Request().Header)
	if err != nil {
		return &mockkit.Error{Status: http.StatusUnauthorized, Message: msgUnauthenticated}
	}
	tok, err := m.tokens.Lookup(value)
	if err != nil || tok.Kind != oauth.KindClient {
		return &mockkit.Error{Status: http.StatusUnauthorized, Message: msgUnauthenticated}
	}
	return m.throttle(tok.ClientID)
}

// throttle takes one request from the client's bucket; an empty bucket is a 429 with Retry-After.
func (m *Mock) throttle(clientID string) error {
	ok, wait := m.limiter.Allow(clientID)
	if ok {
		return nil
	}
	return &mockkit.Error{
		Status:  http.StatusTooManyRequests,
		Message: msgTooMany,
		Header:  http.Header{"Retry-After": {fmt.Sprint(oauth.RetryAfterSeconds(wait))}},
	}
}
