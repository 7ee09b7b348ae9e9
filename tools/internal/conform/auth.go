package conform

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// Credentials are what conform authenticates with. They are never logged nor written to a report.
type Credentials struct {
	// APIKey is sent for apiKey security schemes (in the header, query or cookie the scheme names).
	APIKey string
	// User and Password are sent for http basic schemes.
	User, Password string
	// ClientID and ClientSecret are the OAuth 2.0 client's.
	ClientID, ClientSecret string
	// TokenURL overrides the token URL of every oauth2 scheme. Empty: the scheme's tokenUrl from the
	// spec, rebased onto the base URL when it lies under the spec's server URL.
	TokenURL string
	// AuthorizeURL, when set, makes conform run the OAuth 2.0 authorization code flow for
	// authorizationCode schemes: it requests the URL without a browser and expects a redirect carrying a
	// code (a test server that approves at once, as the mocks do). Empty: operations that need such a
	// user token skip the checks that need valid credentials.
	AuthorizeURL string
	// RedirectURL is the redirect_uri of the authorization code flow (default DefaultRedirectURL). It is
	// never requested: the code is read from the authorize answer's Location header.
	RedirectURL string
}

// DefaultRedirectURL is the redirect_uri sent in the authorization code flow when none is configured.
const DefaultRedirectURL = "http://127.0.0.1/vendorctl/callback"

// Invalid credentials sent by auth_enforced: fixed, recognisable and never valid.
const (
	invalidAPIKey   = "vendorctl-invalid-key"
	invalidPassword = "vendorctl-invalid-password"
	invalidToken    = "vendorctl-invalid-token"
)

// Auth applies one security scheme of the spec to requests.
type Auth interface {
	// Apply adds valid credentials to req.
	Apply(ctx context.Context, req *http.Request) error
	// ApplyInvalid adds credentials of the right form whose value is wrong.
	ApplyInvalid(req *http.Request)
	// Reset forgets any cached token, so that the next Apply fetches a new one.
	Reset()
}

// authSet resolves the security schemes of a spec to Auth strategies, once per run.
type authSet struct {
	schemes map[string]Auth     // usable schemes
	missing map[string]unusable // scheme name → why it cannot be used
}

// unusable says why a security scheme cannot be used; credentials is set when passing credentials
// (the flag or variable that why names) would make it usable, unset when conform does not support it.
type unusable struct {
	why         string
	credentials bool
}

func noCredentials(why string) unusable { return unusable{why: why, credentials: true} }

func unsupported(why string) unusable { return unusable{why: why} }

func newAuthSet(doc *openapi3.T, serverURL, baseURL string, creds Credentials, client *http.Client) *authSet {
	s := &authSet{schemes: map[string]Auth{}, missing: map[string]unusable{}}
	if doc.Components == nil {
		return s
	}
	for name, ref := range doc.Components.SecuritySchemes {
		if ref == nil || ref.Value == nil {
			continue
		}
		a, why := newAuth(ref.Value, serverURL, baseURL, creds, client)
		if a != nil {
			s.schemes[name] = a
		} else {
			s.missing[name] = why
		}
	}
	return s
}

// noClient is why an OAuth 2.0 scheme, or a token endpoint, cannot be used without a client.
const noClient = "no OAuth 2.0 client: pass --client-id and --client-secret or VENDORCTL_CLIENT_ID and VENDORCTL_CLIENT_SECRET"

func newAuth(ss *openapi3.SecurityScheme, serverURL, baseURL string, creds Credentials, client *http.Client) (Auth, unusable) {
	switch strings.ToLower(ss.Type) {
	case "apikey":
		if creds.APIKey == "" {
			return nil, noCredentials(fmt.Sprintf("no API key for the %s %q: pass --api-key or VENDORCTL_API_KEY", ss.In, ss.Name))
		}
		return &apiKeyAuth{in: ss.In, name: ss.Name, key: creds.APIKey}, unusable{}
	case "http":
		if !strings.EqualFold(ss.Scheme, "basic") {
			return nil, unsupported(fmt.Sprintf("http %s authentication is not supported by conform", ss.Scheme))
		}
		if creds.User == "" {
			return nil, noCredentials("no user for http basic: pass --user and --password or VENDORCTL_USER and VENDORCTL_PASSWORD")
		}
		return &basicAuth{user: creds.User, password: creds.Password}, unusable{}
	case "oauth2":
		if ss.Flows == nil {
			return nil, unsupported("oauth2 scheme without flows")
		}
		if creds.ClientID == "" {
			return nil, noCredentials(noClient)
		}
		if f := ss.Flows.ClientCredentials; f != nil {
			return newClientCredentials(tokenURL(creds, f.TokenURL, serverURL, baseURL), creds, client), unusable{}
		}
		if f := ss.Flows.AuthorizationCode; f != nil {
			if creds.AuthorizeURL == "" {
				return nil, noCredentials("needs a user token (OAuth 2.0 authorization code): pass --authorize-url (VENDORCTL_AUTHORIZE_URL) to run the login flow")
			}
			return newAuthorizationCode(creds.AuthorizeURL, tokenURL(creds, f.TokenURL, serverURL, baseURL), creds, client), unusable{}
		}
		return nil, unsupported("only the clientCredentials and authorizationCode OAuth 2.0 flows are supported by conform")
	}
	return nil, unsupported(fmt.Sprintf("security scheme type %q is not supported by conform", ss.Type))
}

// invalidFor returns how to send wrong credentials for a scheme, whether or not valid ones are known.
func invalidFor(ss *openapi3.SecurityScheme) func(req *http.Request) {
	switch strings.ToLower(ss.Type) {
	case "apikey":
		return (&apiKeyAuth{in: ss.In, name: ss.Name, key: invalidAPIKey}).set
	case "http":
		if strings.EqualFold(ss.Scheme, "basic") {
			return func(req *http.Request) { req.SetBasicAuth("vendorctl-invalid-user", invalidPassword) }
		}
	}
	return func(req *http.Request) { req.Header.Set("Authorization", "Bearer "+invalidToken) }
}

// ErrUnnamedHost is returned by New when conform would send the client secret to a URL it picked itself
// (the spec's token URL) on another host than the base URL: a mock's base and production's token
// endpoint, say. *HostError says which URL and what to set.
var ErrUnnamedHost = errors.New("credentials would go to a host that was not named")

// HostError is an ErrUnnamedHost: the URL conform picked, and the flag that names the right one.
type HostError struct {
	// What is "token URL"; Scheme the security scheme it belongs to.
	What, Scheme string
	URL, BaseURL string
	// Flag and Env are the vendorctl flag and environment variable to set (Credentials.TokenURL in Go).
	Flag, Env string
}

func (e *HostError) Error() string {
	return fmt.Sprintf("the %s %s (from the spec's %s scheme) is on another host than the base URL %s, and conform sends credentials only to hosts you name: pass %s or %s",
		e.What, e.URL, e.Scheme, e.BaseURL, e.Flag, e.Env)
}

// Is makes a *HostError match ErrUnnamedHost and ErrConfig.
func (e *HostError) Is(target error) bool { return target == ErrUnnamedHost || target == ErrConfig }

// checkNamedHosts returns a *HostError when an oauth2 flow that will run would send the client's
// credentials to a URL that nobody named: one taken from the spec (not Credentials.TokenURL) whose host
// is not the base URL's. Schemes that will not run (no client id; an authorization code flow without
// an authorize URL) send nothing and are not checked.
func checkNamedHosts(doc *openapi3.T, serverURL, baseURL string, creds Credentials) error {
	if doc.Components == nil || creds.ClientID == "" || creds.TokenURL != "" {
		return nil
	}
	names := make([]string, 0, len(doc.Components.SecuritySchemes))
	for name := range doc.Components.SecuritySchemes {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ref := doc.Components.SecuritySchemes[name]
		if ref == nil || ref.Value == nil || ref.Value.Flows == nil || !strings.EqualFold(ref.Value.Type, "oauth2") {
			continue
		}
		var specURL string
		switch f := ref.Value.Flows; {
		case f.ClientCredentials != nil:
			specURL = f.ClientCredentials.TokenURL
		case f.AuthorizationCode != nil && creds.AuthorizeURL != "":
			specURL = f.AuthorizationCode.TokenURL
		default:
			continue
		}
		if u := tokenURL(creds, specURL, serverURL, baseURL); !sameHost(u, baseURL) {
			return &HostError{What: "token URL", Scheme: name, URL: u, BaseURL: baseURL, Flag: "--token-url", Env: "VENDORCTL_TOKEN_URL"}
		}
	}
	return nil
}

// sameHost reports whether a and b are on the same scheme, host and port (default ports filled in).
func sameHost(a, b string) bool {
	ua, errA := url.Parse(a)
	ub, errB := url.Parse(b)
	if errA != nil || errB != nil {
		return false
	}
	return strings.EqualFold(ua.Scheme, ub.Scheme) && strings.EqualFold(ua.Hostname(), ub.Hostname()) && port(ua) == port(ub)
}

func port(u *url.URL) string {
	if p := u.Port(); p != "" {
		return p
	}
	if strings.EqualFold(u.Scheme, "https") {
		return "443"
	}
	return "80"
}

// tokenURL picks the token URL of an oauth2 flow: the configured one, else the spec's, rebased onto the
// base URL when it lies under the spec's server URL (TimeWave's /oauth/token), else the spec's as is.
func tokenURL(creds Credentials, specURL, serverURL, baseURL string) string {
	if creds.TokenURL != "" {
		return creds.TokenURL
	}
	server := strings.TrimSuffix(serverURL, "/")
	if server != "" && strings.HasPrefix(specURL, server+"/") {
		return strings.TrimSuffix(baseURL, "/") + strings.TrimPrefix(specURL, server)
	}
	return specURL
}

type apiKeyAuth struct{ in, name, key string }

func (a *apiKeyAuth) Apply(_ context.Context, req *http.Request) error { a.set(req); return nil }

func (a *apiKeyAuth) ApplyInvalid(req *http.Request) {
	(&apiKeyAuth{in: a.in, name: a.name, key: invalidAPIKey}).set(req)
}

func (a *apiKeyAuth) Reset() {}

func (a *apiKeyAuth) set(req *http.Request) {
	switch a.in {
	case "query":
		q := req.URL.Query()
		q.Set(a.name, a.key)
		req.URL.RawQuery = q.Encode()
	case "cookie":
		req.AddCookie(&http.Cookie{Name: a.name, Value: a.key})
	default:
		req.Header.Set(a.name, a.key)
	}
}

type basicAuth struct{ user, password string }

func (a *basicAuth) Apply(_ context.Context, req *http.Request) error {
	req.SetBasicAuth(a.user, a.password)
	return nil
}

func (a *basicAuth) ApplyInvalid(req *http.Request) { req.SetBasicAuth(a.user, invalidPassword) }

func (a *basicAuth) Reset() {}

// tokenAuth sends a bearer token from a token source that it builds lazily and can forget.
type tokenAuth struct {
	client *http.Client
	newTS  func(ctx context.Context) (oauth2.TokenSource, error)
	// tokenURL and resume are set for the client credentials flow: resume builds the token source
	// from a token the token endpoint answered to conform's own request, so that it is used, not
	// replaced by a new one (TimeWave keeps one token per client: each new one logs out the last).
	tokenURL string
	resume   func(ctx context.Context, tok *oauth2.Token) oauth2.TokenSource

	mu      sync.Mutex
	ts      oauth2.TokenSource
	adopted *oauth2.Token // the next Apply starts from it
}

func (a *tokenAuth) Apply(ctx context.Context, req *http.Request) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	// The token source outlives this request: give it a context of its own that only carries the client.
	tctx := context.WithValue(context.WithoutCancel(ctx), oauth2.HTTPClient, a.client)
	if a.ts == nil && a.adopted != nil {
		a.ts, a.adopted = a.resume(tctx, a.adopted), nil
	}
	if a.ts == nil {
		ts, err := a.newTS(tctx)
		if err != nil {
			return err
		}
		a.ts = ts
	}
	tok, err := a.ts.Token()
	if err != nil {
		a.ts = nil
		return fmt.Errorf("get token: %w", redactTokenError(err))
	}
	req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
	return nil
}

func (a *tokenAuth) ApplyInvalid(req *http.Request) {
	req.Header.Set("Authorization", "Bearer "+invalidToken)
}

func (a *tokenAuth) Reset() {
	a.mu.Lock()
	a.ts, a.adopted = nil, nil
	a.mu.Unlock()
}

// adopt makes tok the token of the next request; it reports false for a flow that cannot resume.
func (a *tokenAuth) adopt(tok *oauth2.Token) bool {
	if a.resume == nil {
		return false
	}
	a.mu.Lock()
	a.ts, a.adopted = nil, tok
	a.mu.Unlock()
	return true
}

// redactTokenError keeps the status and OAuth error code of a refused token request, not its body.
func redactTokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.Response != nil {
		code := re.ErrorCode
		if code == "" {
			code = "no OAuth error code"
		}
		return fmt.Errorf("token endpoint answered %d (%s)", re.Response.StatusCode, code)
	}
	return err
}

func newClientCredentials(tokenURL string, creds Credentials, client *http.Client) *tokenAuth {
	cfg := &clientcredentials.Config{ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, TokenURL: tokenURL}
	return &tokenAuth{client: client, tokenURL: tokenURL,
		newTS: func(ctx context.Context) (oauth2.TokenSource, error) { return cfg.TokenSource(ctx), nil },
		resume: func(ctx context.Context, tok *oauth2.Token) oauth2.TokenSource {
			return oauth2.ReuseTokenSource(tok, cfg.TokenSource(ctx))
		},
	}
}

// ErrNoCode is returned when the authorize URL does not redirect with an authorization code.
var ErrNoCode = errors.New("authorize URL did not redirect with a code")

func newAuthorizationCode(authorizeURL, tokenURL string, creds Credentials, client *http.Client) *tokenAuth {
	redirect := creds.RedirectURL
	if redirect == "" {
		redirect = DefaultRedirectURL
	}
	cfg := &oauth2.Config{
		ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, RedirectURL: redirect,
		Endpoint: oauth2.Endpoint{AuthURL: authorizeURL, TokenURL: tokenURL},
	}
	return &tokenAuth{client: client, newTS: func(ctx context.Context) (oauth2.TokenSource, error) {
		code, err := authorize(ctx, client, cfg)
		if err != nil {
			return nil, err
		}
		tok, err := cfg.Exchange(ctx, code)
		if err != nil {
			return nil, fmt.Errorf("exchange the authorization code: %w", redactTokenError(err))
		}
		return cfg.TokenSource(ctx, tok), nil
	}}
}

// authorize requests the authorize URL without following redirects and reads the code from the
// redirect, checking the state.
func authorize(ctx context.Context, client *http.Client, cfg *oauth2.Config) (string, error) {
	var b [12]byte
	_, _ = rand.Read(b[:])
	state := hex.EncodeToString(b[:])
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, cfg.AuthCodeURL(state), nil)
	if err != nil {
		return "", fmt.Errorf("authorize: %w", err)
	}
	noRedirect := *client
	noRedirect.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := noRedirect.Do(req)
	if err != nil {
		return "", fmt.Errorf("authorize: %w", err)
	}
	_ = resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode < 300 || resp.StatusCode > 399 {
		return "", fmt.Errorf("%w (status %d; an interactive login is not supported)", ErrNoCode, resp.StatusCode)
	}
	q := loc.Query()
	if e := q.Get("error"); e != "" {
		return "", fmt.Errorf("%w: error %s", ErrNoCode, e)
	}
	if q.Get("code") == "" || q.Get("state") != state {
		return "", fmt.Errorf("%w (or with a wrong state)", ErrNoCode)
	}
	return q.Get("code"), nil
}

// requirement is one way to satisfy an operation's security: the schemes it needs, all usable, or why not.
type requirement struct {
	auths   []Auth
	invalid []func(req *http.Request)
	missing string // non-empty: not usable
	// noCredentials says that credentials conform was not given are among what is missing.
	noCredentials bool
}

// resolve picks the first alternative of the security requirements whose schemes are all usable.
// secured is false when the operation has no security requirement.
func (s *authSet) resolve(doc *openapi3.T, reqs openapi3.SecurityRequirements) (req requirement, secured bool) {
	var reasons []string
	var first *requirement
	noCreds := false
	for _, alt := range reqs {
		if len(alt) == 0 { // {} : anonymous access is allowed
			return requirement{}, false
		}
		names := make([]string, 0, len(alt))
		for name := range alt {
			names = append(names, name)
		}
		sort.Strings(names)
		r := requirement{}
		for _, name := range names {
			if a, ok := s.schemes[name]; ok {
				r.auths = append(r.auths, a)
				r.invalid = append(r.invalid, a.ApplyInvalid)
				continue
			}
			if ref := doc.Components.SecuritySchemes[name]; ref != nil && ref.Value != nil {
				r.invalid = append(r.invalid, invalidFor(ref.Value))
			}
			why, known := s.missing[name]
			if !known {
				why = unsupported("unknown security scheme")
			}
			r.missing = joinReason(r.missing, name+": "+why.why)
			r.noCredentials = r.noCredentials || why.credentials
		}
		if r.missing == "" {
			return r, true
		}
		reasons = append(reasons, r.missing)
		noCreds = noCreds || r.noCredentials
		if first == nil {
			first = &r
		}
	}
	if first == nil {
		return requirement{}, false
	}
	first.missing = strings.Join(reasons, "; or ")
	first.noCredentials = noCreds
	return *first, true
}

func joinReason(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

func (r requirement) apply(ctx context.Context, req *http.Request) error {
	for _, a := range r.auths {
		if err := a.Apply(ctx, req); err != nil {
			return err
		}
	}
	return nil
}

func (r requirement) applyInvalid(req *http.Request) {
	for _, f := range r.invalid {
		f(req)
	}
}

func (s *authSet) reset() {
	for _, a := range s.schemes {
		a.Reset()
	}
}

// afterTokenRequest is called once the token endpoint at tokenURL has answered conform's requests:
// the client credentials schemes of that endpoint go on with tok, its last token (nil: none), and every
// other scheme forgets its token, which the requests may have invalidated.
func (s *authSet) afterTokenRequest(tokenURL string, tok *oauth2.Token) {
	for _, a := range s.schemes {
		if ta, ok := a.(*tokenAuth); ok && tok != nil && ta.tokenURL == tokenURL && ta.adopt(tok) {
			continue
		}
		a.Reset()
	}
}

// answeredToken reads an OAuth 2.0 token answer ("access_token", "token_type", "expires_in"). now
// must be the wall clock: the oauth2 package judges expiry by it.
func answeredToken(body any, now time.Time) *oauth2.Token {
	obj, ok := body.(map[string]any)
	if !ok {
		return nil
	}
	access, _ := obj["access_token"].(string)
	if access == "" {
		return nil
	}
	tok := &oauth2.Token{AccessToken: access}
	tok.TokenType, _ = obj["token_type"].(string)
	if secs, ok := obj["expires_in"].(float64); ok && secs > 0 {
		tok.Expiry = now.Add(time.Duration(secs) * time.Second)
	}
	return tok
}
