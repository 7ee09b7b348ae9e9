// Package mediaconnect is the mock of the Mediaconnect Connect customer API and of ConnectID, its
// OAuth 2.0 server: two mounts of one vendor, /mediaconnect/capi (https://api.mediaconnect.no/capi) and
// /connectid (https://connectid.no).
//
// Scope: it reproduces what the vendor documents for the five Customer endpoints, over a store seeded
// from embedded fixtures (the doc's sample customer 563457 exactly as documented, and two dozen
// Norwegian customers, six of them Hansens in Storgata, 0155 Oslo):
//   - ConnectID: POST /user/oauth/token with the grants client_credentials, authorization_code and
//     refresh_token (form-encoded, the client credentials also accepted as query parameters or HTTP
//     Basic); opaque tokens that expire (12 h by default); OAuth error bodies {"error",
//     "error_description"}: invalid_client 401, invalid_grant / unsupported_grant_type /
//     invalid_request 400. GET /user/oauth/authorize auto-approves one configured test user (by default
//     customer 563457) and redirects (302) to redirect_uri with code and state.
//   - The "client mode" endpoints (search, check customer number, customer info by number) take a
//     client token; the user endpoints (GET and POST /v1/customer/info) take a user token and act on
//     the test user's customer. A missing, unknown or expired token is answered 401
//     {"error": "invalid_token"} with WWW-Authenticate: Bearer error="invalid_token".
//   - The search rule (companyName or lastName, streetAddress, postalCode or postalPlace; or phoneNumber;
//     or email), case-insensitive matching, 403 when more than 5 customers match, 200 with an empty list
//     when none does. Check customer number finds the customers whose attached users hold the given
//     credentials. POST /v1/customer/info replaces the customer's data as the doc says.
//   - API errors in the vendor's {"exceptionType", "errorMessage"} shape; an optional per-client rate
//     limit answered 429 with Retry-After.
//
// Choices where the vendor is silent (also recorded as x-doc-note in specs/mediaconnect/openapi.yaml):
//   - A client token sent to a user endpoint is answered 401 invalid_token (not 403 insufficient_scope):
//     the token names no user, so there is no customer to act on. A user token is accepted by the
//     client-mode endpoints, since it was issued to the same authenticated client.
//   - The authorize endpoint accepts any absolute http(s) redirect_uri (without a fragment) for the mock
//     client: there is no client registration to check it against. A missing or invalid client_id or
//     redirect_uri is answered 400 with an OAuth error body and never redirected. A code is single use,
//     lives 10 minutes and is bound to its client and to the exact redirect_uri it was issued for.
//   - The client credentials grant returns no refresh_token (RFC 6749 section 4.4.3); a refresh returns
//     a new access token and the same refresh token (no rotation); refresh tokens live 30 days.
//   - POST /v1/customer/info: an omitted field is cleared; a null or {} body, or a name with no
//     non-empty field, stores the name {"lastName": "-"}; a name that has other fields but neither
//     lastName nor companyName is refused with 400 and nothing is stored.
//   - A search field sent as "" counts as not set; a request that meets the rule only through empty
//     strings is answered 400. Names, streets, places and e-mails match case-insensitively and exactly
//     (no prefix or fuzzy search); postal codes ignore spaces. Email matches the customer's emails and
//     invoice e-mail address; phoneNumber the customer's phone numbers.
//   - Reset (POST /__admin/reset) brings the customers back to the fixtures, empties the rate-limit
//     buckets and forgets every issued token and code: a token from before the reset is answered 401.
//   - ConnectID keeps at most Config.MaxTokensPerClient live tokens of each kind (client, user, refresh,
//     code) per OAuth client (oauth.DefaultMaxPerClient by default); one more evicts the oldest of
//     its kind, which is then refused as an unknown token.
//   - ConnectID is journaled and takes fault rules as the api "connectid" (operations "token" and
//     "authorize"); a fault status is answered in the OAuth error shape.
//
// Non-goals: the vendor's other endpoints (addresses, orders, ...), scopes (the one documented scope
// "read" is neither required nor checked), the ConnectID login pages, consent and user management,
// token revocation and introspection. The vendor's exceptionType values are not public: the ones used
// here are illustrative.
package mediaconnect

import (
	"embed"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"

	mediaconnectapi "github.com/vendorctl/vendorctl/gen/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/specs"
)

// Names, prefixes and defaults.
const (
	Name = "mediaconnect"
	// Prefix is where the mock serves https://api.mediaconnect.no/capi.
	Prefix = "/mediaconnect/capi"
	// ConnectIDPrefix is where the mock serves ConnectID, https://connectid.no.
	ConnectIDPrefix = "/connectid"
	// ConnectIDName is ConnectID's API name in the journal and in fault rules.
	ConnectIDName = "connectid"
	// ConnectIDProduction is ConnectID's production base URL.
	ConnectIDProduction = "https://connectid.no"
	// TokenPath and AuthorizePath are ConnectID's endpoints, relative to its base.
	TokenPath     = "/user/oauth/token"
	AuthorizePath = "/user/oauth/authorize"

	DefaultClientID     = "mock-client"
	DefaultClientSecret = "mock-secret"
	// DefaultTestUser is the customer the authorize endpoint logs in: the doc's sample customer.
	DefaultTestUser = 563457
	// DefaultTokenTTL is the lifetime of access tokens.
	DefaultTokenTTL = 12 * time.Hour
)

//go:embed fixtures/*.json
var embeddedFixtures embed.FS

// fixtures are the customers, decoded once per process from the embedded files; the seed is read-only.
var fixtures = mockkit.NewFixtures(embeddedFixtures, "fixtures", loadFixtures)

// Config configures the mock.
type Config struct {
	// ClientID and ClientSecret are the one OAuth client ConnectID knows (default mock-client /
	// mock-secret).
	ClientID     string
	ClientSecret string
	// TestUser is the customer number of the user the authorize endpoint logs in (default 563457, or
	// the first fixture customer when 563457 is none, as in a recording). It must be a fixture customer.
	TestUser int
	// TokenTTL is the lifetime of access tokens (default 12 hours).
	TokenTTL time.Duration
	// MaxTokensPerClient bounds the live tokens of each kind the client holds; past it the oldest is
	// evicted (zero: oauth.DefaultMaxPerClient).
	MaxTokensPerClient int
	// RateLimit emulates a rate limit per OAuth client on the API (off when Rate is 0, the default).
	RateLimit oauth.RateLimit
	// Now is the clock of tokens and of the rate limit (default time.Now); tests move it.
	Now func() time.Time
	// Fixtures replaces the embedded fixtures: a file system holding customers.json and addresses.json.
	Fixtures fs.FS
	mockkit.Options
}

// Mock is the Mediaconnect mock. It implements the generated strict server interface of the API and
// serves ConnectID next to it.
type Mock struct {
	// StrictExampleFallback answers the operations that Mock has no method for from the spec's examples.
	mediaconnectapi.StrictExampleFallback
	mockkit.Identity

	cfg       Config
	api       http.Handler
	connectID http.Handler
	tokens    *oauth.TokenStore
	limiter   *oauth.Limiter
	seed      []customer

	mu        sync.RWMutex
	customers map[int]*customer
}

var (
	_ mediaconnectapi.StrictServerInterface = (*Mock)(nil)
	_ mockserver.Vendor                     = (*Mock)(nil)
)

// New builds the mock: loads the spec and the fixtures once.
func New(cfg Config) (*Mock, error) {
	if cfg.ClientID == "" {
		cfg.ClientID = DefaultClientID
	}
	if cfg.ClientSecret == "" {
		cfg.ClientSecret = DefaultClientSecret
	}
	if cfg.TokenTTL == 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.MaxTokensPerClient < 0 {
		return nil, fmt.Errorf("mediaconnect: token bound %d is negative", cfg.MaxTokensPerClient)
	}
	if cfg.TokenTTL < 0 {
		return nil, fmt.Errorf("mediaconnect: token TTL %s is negative", cfg.TokenTTL)
	}
	if err := mockkit.CheckRate(cfg.RateLimit.Rate); err != nil {
		return nil, fmt.Errorf("mediaconnect: rate limit %w", err)
	}
	if cfg.RateLimit.Burst < 0 {
		return nil, fmt.Errorf("mediaconnect: rate limit burst %d is negative", cfg.RateLimit.Burst)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.RateLimit.Now == nil {
		cfg.RateLimit.Now = cfg.Now
	}
	seed, err := fixtures.Load(cfg.Fixtures)
	if err != nil {
		return nil, err
	}
	if cfg.TestUser == 0 {
		cfg.TestUser = DefaultTestUser
		if !hasCustomer(seed, DefaultTestUser) && len(seed) > 0 {
			cfg.TestUser = seed[0].number // a recording: its first customer is the user who was logged in
		}
	}
	if !hasCustomer(seed, cfg.TestUser) {
		return nil, fmt.Errorf("mediaconnect: test user %d is not a fixture customer", cfg.TestUser)
	}
	spec, err := specs.Load(Name)
	if err != nil {
		return nil, err
	}
	m := &Mock{
		cfg:     cfg,
		seed:    seed,
		tokens:  oauth.NewTokenStore(oauth.TokenConfig{AccessTTL: cfg.TokenTTL, MaxPerClient: cfg.MaxTokensPerClient, Now: cfg.Now}),
		limiter: oauth.NewLimiter(cfg.RateLimit),
	}
	if err := m.Reset(); err != nil {
		return nil, err
	}
	e, err := mockkit.NewAPI(mockkit.APIConfig{
		Name:         Name,
		Spec:         spec,
		Render:       render,
		Authenticate: m.authenticate,
		Register: func(e *echo.Echo) {
			mediaconnectapi.RegisterHandlers(e, mediaconnectapi.NewStrictHandler(m, nil))
		},
		Options: cfg.Options,
	})
	if err != nil {
		return nil, err
	}
	m.api = e
	m.connectID, err = mockkit.Plain(mockkit.PlainConfig{
		Name:       ConnectIDName,
		Operations: map[string]string{TokenPath: "token", AuthorizePath: "authorize"},
		Render:     renderOAuthFault,
		Options:    cfg.Options,
	}, m.newConnectID())
	if err != nil {
		return nil, err
	}
	m.Identity = mockkit.NewIdentity(Name, title, // the API and ConnectID
		mockserver.Mount{Prefix: Prefix, Production: spec.ServerURL(), Handler: m.api,
			ExampleAnswered: mediaconnectapi.ExampleAnsweredOperations(exampleProbe{})},
		mockserver.Mount{Prefix: ConnectIDPrefix, Production: ConnectIDProduction, Handler: m.connectID, API: ConnectIDName})
	return m, nil
}

// exampleProbe has in its method set exactly the operations that Mock leaves to its embedded
// StrictExampleFallback (see mediaconnectapi.ExampleAnsweredOperations).
type exampleProbe struct {
	*Mock
	mediaconnectapi.StrictExampleFallback
}

// Credentials implements mockserver.Vendor.
func (m *Mock) Credentials() string {
	return fmt.Sprintf("OAuth client %s / %s (token URL %s%s; test user %d)",
		m.cfg.ClientID, m.cfg.ClientSecret, ConnectIDPrefix, TokenPath, m.cfg.TestUser)
}

// Handler serves the API with paths relative to its production base (no prefix).
func (m *Mock) Handler() http.Handler { return m.api }

// ConnectIDHandler serves ConnectID with paths relative to its production base (no prefix).
func (m *Mock) ConnectIDHandler() http.Handler { return m.connectID }

// Reset implements mockserver.Vendor: the customers are the fixtures again, the rate-limit buckets are
// full and no token or code issued before is valid.
func (m *Mock) Reset() error {
	customers := make(map[int]*customer, len(m.seed))
	for i := range m.seed {
		c := m.seed[i] // a copy; stored values are replaced, never modified in place
		customers[c.number] = &c
	}
	m.mu.Lock()
	m.customers = customers
	m.mu.Unlock()
	m.limiter.Reset()
	m.tokens.Reset()
	return nil
}

// State returns the customers the mock holds, in fixture order.
func (m *Mock) State() any {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]mediaconnectapi.CustomerInfo, 0, len(m.customers))
	for _, s := range m.seed {
		if c, ok := m.customers[s.number]; ok {
			out = append(out, c.info)
		}
	}
	return map[string]any{"customers": out}
}

func hasCustomer(cs []customer, number int) bool {
	for _, c := range cs {
		if c.number == number {
			return true
		}
	}
	return false
}

func testUserSubject(n int) string { return strconv.Itoa(n) }

func (m *Mock) logger() *slog.Logger {
	if m.cfg.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return m.cfg.Logger.With("api", Name)
}
