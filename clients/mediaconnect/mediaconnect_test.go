package mediaconnect_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/oauth2"

	"github.com/vendorctl/vendorctl/clients/clientkit"
	"github.com/vendorctl/vendorctl/clients/mediaconnect"
	mock "github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/specs"
)

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

type env struct {
	base, connectID string
	clock           *clock
	// wrap, when set, sees every request before the mock (fault injection).
	wrap func(w http.ResponseWriter, r *http.Request) bool
}

// newEnv serves the mock over HTTP; every mock response is checked against the spec.
func newEnv(t *testing.T, cfg mock.Config) *env {
	t.Helper()
	e := &env{clock: &clock{now: time.Now()}}
	if cfg.Now == nil {
		cfg.Now = e.clock.Now
	}
	cfg.Options = mockkit.TestOptions(t)
	m, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.NewServer(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e.wrap != nil && e.wrap(w, r) {
			return
		}
		srv.Handler().ServeHTTP(w, r)
	}))
	t.Cleanup(ts.Close)
	e.base = ts.URL + mock.Prefix
	e.connectID = ts.URL + mock.ConnectIDPrefix
	return e
}

func (e *env) clientAuth() mediaconnect.Auth {
	return mediaconnect.Auth{ClientID: mock.DefaultClientID, ClientSecret: mock.DefaultClientSecret,
		TokenURL: mediaconnect.ConnectIDEndpoint(e.connectID).TokenURL}
}

func (e *env) oauthConfig() *oauth2.Config {
	return &oauth2.Config{ClientID: mock.DefaultClientID, ClientSecret: mock.DefaultClientSecret,
		Endpoint: mediaconnect.ConnectIDEndpoint(e.connectID), RedirectURL: "http://127.0.0.1:8765/cb"}
}

// login runs the authorization code flow and returns the token.
func (e *env) login(t *testing.T, ctx context.Context, conf *oauth2.Config) *oauth2.Token {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(conf.AuthCodeURL("st"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %v", resp.StatusCode, err)
	}
	tok, err := conf.Exchange(ctx, loc.Query().Get("code"))
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

func numbers(cs []mediaconnect.CustomerInfo) []int {
	out := []int{}
	for _, c := range cs {
		out = append(out, *c.CustomerNumber)
	}
	return out
}

func TestGetCustomer(t *testing.T) {
	e := newEnv(t, mock.Config{})
	c, err := mediaconnect.New(e.base, e.clientAuth(), mediaconnect.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetCustomer(context.Background(), 563457)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(got)
	want, _ := os.ReadFile("../../mocks/mediaconnect/testdata/documented-customer.json")
	var a, b any
	_ = json.Unmarshal(raw, &a)
	_ = json.Unmarshal(want, &b)
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("customer %s", raw)
	}
	users, err := mediaconnect.AttachedUsers(got)
	if err != nil || len(users) != 1 || *users[0].UniqueId != "abc123ee63461dd" {
		t.Fatalf("attached users %+v (%v)", users, err)
	}
	// The array form.
	two, err := c.GetCustomer(context.Background(), 512035)
	if err != nil {
		t.Fatal(err)
	}
	if users, err := mediaconnect.AttachedUsers(two); err != nil || len(users) != 2 {
		t.Fatalf("attached users of 512035: %+v (%v)", users, err)
	}
	if users, err := mediaconnect.AttachedUsers(&mediaconnect.CustomerInfo{}); err != nil || users != nil {
		t.Fatalf("no attached users: %+v (%v)", users, err)
	}
}

func TestSearchAndCheck(t *testing.T) {
	e := newEnv(t, mock.Config{})
	c, err := mediaconnect.New(e.base, e.clientAuth(), mediaconnect.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cases := []struct {
		name string
		s    mediaconnect.Search
		want []int
	}{
		{"phone", mediaconnect.Search{PhoneNumber: "+4712345678"}, []int{563457}},
		{"email", mediaconnect.Search{Email: "OLA.NORDMANN@company.com"}, []int{563457}},
		{"narrowed", mediaconnect.Search{LastName: "Hansen", StreetAddress: "Storgata", PostalCode: "0155", StreetNumber: 12}, []int{512034, 512035}},
		{"product", mediaconnect.Search{LastName: "Hansen", StreetAddress: "Storgata", PostalPlace: "Oslo", ProductCode: "EAVIS"}, []int{530118}},
		{"every field of the doc's sample", mediaconnect.Search{ProductCode: "CO27409", CompanyName: "Company International Ltd",
			DepartmentName: "Support", FirstName: "Ola", MiddleName: "Fjordstrand", LastName: "Nordmann", StreetAddress: "Grubbegata",
			StreetNumber: 6, Entrance: "A", PostalCode: "0179", PostalPlace: "Oslo", CountryCode: "NO", PhoneNumber: "+4712345678",
			Email: "ola.nordmann@company.com"}, []int{563457}},
		{"none", mediaconnect.Search{Email: "nobody@example.no"}, []int{}},
		{"care of", mediaconnect.Search{PhoneNumber: "+4746678899", CareOfAddress: "c/o Nilsen"}, []int{547261}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := c.SearchCustomers(ctx, tc.s)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(numbers(got), tc.want) {
				t.Fatalf("customers %v, want %v", numbers(got), tc.want)
			}
		})
	}
	errCases := []struct {
		name     string
		s        mediaconnect.Search
		sentinel error
		status   int
		exType   string
		message  string
	}{
		{"six Hansens", mediaconnect.Search{LastName: "Hansen", StreetAddress: "Storgata", PostalCode: "0155"}, mediaconnect.ErrTooManyCustomers, 403, "ForbiddenException", mock.MsgTooManyCustomers},
		{"empty search", mediaconnect.Search{}, mediaconnect.ErrBadRequest, 400, "ValidationException", mock.MsgSearchRule},
		{"no street", mediaconnect.Search{LastName: "Hansen", PostalCode: "0155"}, mediaconnect.ErrBadRequest, 400, "ValidationException", mock.MsgSearchRule},
		{"bad phone", mediaconnect.Search{PhoneNumber: "22 17 12 34"}, mediaconnect.ErrBadRequest, 400, "ValidationException", "phoneNumber"},
	}
	for _, tc := range errCases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.SearchCustomers(ctx, tc.s)
			checkAPIError(t, err, tc.sentinel, tc.status, tc.exType, tc.message)
		})
	}
	got, err := c.CheckCustomerNumber(ctx, "per.hansen@example.no", "+4798765432")
	if err != nil || !slices.Equal(numbers(got), []int{512034, 512035, 604218, 604219}) {
		t.Fatalf("check: %v (%v)", numbers(got), err)
	}
	got, err = c.CheckCustomerNumber(ctx)
	if err != nil || len(got) != 0 {
		t.Fatalf("check without credentials: %v (%v)", numbers(got), err)
	}
	_, err = c.GetCustomer(ctx, 42)
	checkAPIError(t, err, mediaconnect.ErrNotFound, 404, "NotFoundException", "Customer 42 not found")
}

var sentinels = []error{mediaconnect.ErrBadRequest, mediaconnect.ErrUnauthorized, mediaconnect.ErrTooManyCustomers,
	mediaconnect.ErrNotFound, mediaconnect.ErrRateLimited, mediaconnect.ErrServer}

func checkAPIError(t *testing.T, err, sentinel error, status int, exType, message string) {
	t.Helper()
	if !errors.Is(err, sentinel) {
		t.Fatalf("err = %v, want %v", err, sentinel)
	}
	var ae *mediaconnect.APIError
	if !errors.As(err, &ae) || ae.Status != status || ae.ExceptionType != exType || !strings.Contains(ae.ErrorMessage, message) {
		t.Fatalf("err = %#v, want %d %s with %q", err, status, exType, message)
	}
	for _, other := range sentinels {
		if other != sentinel && errors.Is(err, other) {
			t.Errorf("err also matches %v", other)
		}
	}
}

func TestUserMode(t *testing.T) {
	e := newEnv(t, mock.Config{})
	ctx := context.Background()
	conf := e.oauthConfig()
	tok := e.login(t, ctx, conf)
	c, err := mediaconnect.New(e.base, mediaconnect.Auth{User: conf.TokenSource(ctx, tok)}, mediaconnect.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	me, err := c.GetUserCustomer(ctx)
	if err != nil || *me.CustomerNumber != 563457 {
		t.Fatalf("user customer %+v (%v)", me, err)
	}
	change := mediaconnect.CustomerInfoChange{
		Name:                &mediaconnect.Name{CompanyName: mediaconnect.Ptr("Fjordkraft Regnskap AS")},
		PhoneNumbers:        &[]mediaconnect.PhoneNumber{{PhoneNumber: mediaconnect.Ptr("+4755201000"), PhoneNumberType: mediaconnect.Ptr(mediaconnect.PhoneNumberType("companyPbx"))}},
		InvoiceEmailAddress: mediaconnect.Ptr(mediaconnect.Email("faktura@fjordkraft.example.no")),
	}
	if err := c.ChangeUserCustomer(ctx, change); err != nil {
		t.Fatal(err)
	}
	me, err = c.GetUserCustomer(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if *me.Name.CompanyName != "Fjordkraft Regnskap AS" || me.Name.LastName != nil || me.Emails != nil ||
		string(*me.InvoiceEmailAddress) != "faktura@fjordkraft.example.no" || me.AttachedUsers == nil {
		raw, _ := json.Marshal(me)
		t.Fatalf("after the change %s", raw)
	}
	// An empty change sets the last name to "-".
	if err := c.ChangeUserCustomer(ctx, mediaconnect.CustomerInfoChange{}); err != nil {
		t.Fatal(err)
	}
	if me, _ = c.GetUserCustomer(ctx); *me.Name.LastName != "-" || me.InvoiceEmailAddress != nil {
		t.Fatalf("after an empty change %+v", me.Name)
	}
	// A name without lastName or companyName is refused.
	err = c.ChangeUserCustomer(ctx, mediaconnect.CustomerInfoChange{Name: &mediaconnect.Name{FirstName: mediaconnect.Ptr("Ola")}})
	checkAPIError(t, err, mediaconnect.ErrBadRequest, 400, "ValidationException", "lastName or companyName")

	// Client-mode calls need client credentials, user calls a user token source.
	if _, err := c.GetCustomer(ctx, 563457); !errors.Is(err, mediaconnect.ErrNoClientCredentials) {
		t.Errorf("client-mode call without credentials: %v", err)
	}
	cm, _ := mediaconnect.New(e.base, e.clientAuth())
	if _, err := cm.GetUserCustomer(ctx); !errors.Is(err, mediaconnect.ErrNoUserToken) {
		t.Errorf("user call without a user token: %v", err)
	}
	if err := cm.ChangeUserCustomer(ctx, change); !errors.Is(err, mediaconnect.ErrNoUserToken) {
		t.Errorf("change without a user token: %v", err)
	}
}

func TestTokenErrors(t *testing.T) {
	e := newEnv(t, mock.Config{})
	ctx := context.Background()
	bad := e.clientAuth()
	bad.ClientSecret = "not-the-secret-7f3a"
	c, _ := mediaconnect.New(e.base, bad)
	_, err := c.GetCustomer(ctx, 563457)
	var re *oauth2.RetrieveError
	if !errors.Is(err, mediaconnect.ErrToken) || !errors.As(err, &re) || re.ErrorCode != "invalid_client" || re.Response.StatusCode != 401 {
		t.Fatalf("err = %v, want ErrToken with invalid_client", err)
	}
	if strings.Contains(err.Error(), "not-the-secret-7f3a") {
		t.Errorf("error %q shows the secret", err)
	}
	// A client token where a user token is needed: 401 invalid_token.
	ctok := fetchClientToken(t, e)
	u, _ := mediaconnect.New(e.base, mediaconnect.Auth{User: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: ctok, TokenType: "Bearer"})}, mediaconnect.WithValidation())
	_, err = u.GetUserCustomer(ctx)
	var ae *mediaconnect.APIError
	if !errors.Is(err, mediaconnect.ErrUnauthorized) || !errors.As(err, &ae) || ae.OAuthError != "invalid_token" || !strings.Contains(ae.ErrorMessage, "user token") {
		t.Fatalf("client token on a user endpoint: %#v", err)
	}
	// An access token expired at the server.
	e.clock.Advance(12 * time.Hour)
	_, err = u.GetUserCustomer(ctx)
	if !errors.As(err, &ae) || ae.Status != 401 || !strings.Contains(ae.ErrorMessage, "expired") {
		t.Fatalf("expired token: %v", err)
	}
}

func fetchClientToken(t *testing.T, e *env) string {
	t.Helper()
	resp, err := http.PostForm(mediaconnect.ConnectIDEndpoint(e.connectID).TokenURL, url.Values{
		"grant_type": {"client_credentials"}, "client_id": {mock.DefaultClientID}, "client_secret": {mock.DefaultClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tb struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tb); err != nil || tb.AccessToken == "" {
		t.Fatalf("token: %v", err)
	}
	return tb.AccessToken
}

// countingTransport counts token requests by grant type.
type countingTransport struct {
	mu     sync.Mutex
	grants map[string]int
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if strings.HasSuffix(req.URL.Path, "/user/oauth/token") && req.Body != nil {
		body, _ := req.GetBody()
		var b strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := body.Read(buf)
			b.Write(buf[:n])
			if err != nil {
				break
			}
		}
		form, _ := url.ParseQuery(b.String())
		c.mu.Lock()
		c.grants[form.Get("grant_type")]++
		c.mu.Unlock()
	}
	return http.DefaultTransport.RoundTrip(req)
}

// oauth2 refreshes a user token near its expiry with the refresh token; the mock honours it.
func TestUserTokenRefresh(t *testing.T) {
	e := newEnv(t, mock.Config{TokenTTL: 5 * time.Second, Now: time.Now}) // within oauth2's 10 s expiry margin
	ct := &countingTransport{grants: map[string]int{}}
	ctx := context.WithValue(context.Background(), oauth2.HTTPClient, &http.Client{Transport: ct})
	conf := e.oauthConfig()
	tok := e.login(t, ctx, conf)
	if tok.RefreshToken == "" {
		t.Fatal("no refresh token")
	}
	c, err := mediaconnect.New(e.base, mediaconnect.Auth{User: conf.TokenSource(ctx, tok)}, mediaconnect.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := c.GetUserCustomer(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	ct.mu.Lock()
	defer ct.mu.Unlock()
	if ct.grants["authorization_code"] != 1 || ct.grants["refresh_token"] != 3 {
		t.Fatalf("token requests %v, want 1 code exchange and 3 refreshes", ct.grants)
	}
}

// The client waits for Retry-After and retries through the mock's rate limit.
func TestRetryThroughRateLimit(t *testing.T) {
	e := newEnv(t, mock.Config{RateLimit: oauth.RateLimit{Rate: 0.5, Burst: 1}})
	var waits []time.Duration
	policy := clientkit.RetryPolicy{MaxAttempts: 3, Sleep: func(_ context.Context, d time.Duration) error {
		waits = append(waits, d)
		e.clock.Advance(d) // the mock's clock moves as the client waits
		return nil
	}}
	c, err := mediaconnect.New(e.base, e.clientAuth(), mediaconnect.WithRetry(policy), mediaconnect.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.GetCustomer(ctx, 563457); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCustomer(ctx, 563457); err != nil {
		t.Fatalf("GET through the limit: %v", err)
	}
	// A POST answered 429 is retried as well: the server did nothing.
	if _, err := c.SearchCustomers(ctx, mediaconnect.Search{PhoneNumber: "+4712345678"}); err != nil {
		t.Fatalf("POST through the limit: %v", err)
	}
	if !slices.Equal(waits, []time.Duration{2 * time.Second, 2 * time.Second}) {
		t.Fatalf("waits %v, want the Retry-After of 2 s twice", waits)
	}
	// Without retries the 429 is an error carrying Retry-After.
	plain, _ := mediaconnect.New(e.base, e.clientAuth(), mediaconnect.WithValidation())
	_, err = plain.GetCustomer(ctx, 563457)
	var ae *mediaconnect.APIError
	if !errors.Is(err, mediaconnect.ErrRateLimited) || !errors.As(err, &ae) || ae.RetryAfter != 2*time.Second || ae.ExceptionType != "TooManyRequestsException" {
		t.Fatalf("err = %#v", err)
	}
}

// 5xx answers are retried for GET only; a POST is not sent twice.
func TestRetryServerErrorsIdempotentOnly(t *testing.T) {
	e := newEnv(t, mock.Config{})
	var calls atomic.Int32
	e.wrap = func(w http.ResponseWriter, r *http.Request) bool {
		if !strings.HasPrefix(r.URL.Path, mock.Prefix) || calls.Add(1) > 1 {
			return false
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"exceptionType":"InternalServerErrorException","errorMessage":"An unexpected error occurred"}`))
		return true
	}
	noSleep := func(context.Context, time.Duration) error { return nil }
	c, err := mediaconnect.New(e.base, e.clientAuth(), mediaconnect.WithRetry(clientkit.RetryPolicy{Sleep: noSleep}), mediaconnect.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := c.GetCustomer(ctx, 563457); err != nil || calls.Load() != 2 {
		t.Fatalf("GET: %v after %d calls, want success after 2", err, calls.Load())
	}
	calls.Store(0)
	_, err = c.SearchCustomers(ctx, mediaconnect.Search{PhoneNumber: "+4712345678"})
	checkAPIError(t, err, mediaconnect.ErrServer, 500, "InternalServerErrorException", "unexpected")
	if calls.Load() != 1 {
		t.Fatalf("POST sent %d times", calls.Load())
	}
}

// A vendor that drifted from the spec is caught by WithValidation, naming the fields.
func TestValidationCatchesDrift(t *testing.T) {
	drifted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/token") {
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"access_token":"t","token_type":"Bearer","expires_in":3600}`))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"customerNumber":"563457","phoneNumbers":[{"phoneNumber":"+4712345678","phoneNumberType":"work"}],"invoiceEmailAddress":"` +
			strings.Repeat("a", 50) + `@example.no"}`))
	}))
	defer drifted.Close()
	auth := mediaconnect.Auth{ClientID: "c", ClientSecret: "s", TokenURL: drifted.URL + "/token"}
	c, err := mediaconnect.New(drifted.URL+"/capi", auth, mediaconnect.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCustomer(context.Background(), 563457)
	var ce *clientkit.ContractError
	if !errors.As(err, &ce) || ce.Operation != "listCustomerInfoClientMode" {
		t.Fatalf("err = %v, want a ContractError", err)
	}
	fields := map[string]bool{}
	for _, v := range specs.Violations(err) {
		fields[v.Field] = true
	}
	for _, f := range []string{"customerNumber", "phoneNumbers.0.phoneNumberType", "invoiceEmailAddress"} {
		if !fields[f] {
			t.Errorf("violations %v do not name %s", specs.Violations(err), f)
		}
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct {
		base string
		auth mediaconnect.Auth
	}{
		{"ftp://x", mediaconnect.Auth{ClientID: "c", ClientSecret: "s"}},
		{"http://x", mediaconnect.Auth{}},
		{"http://x", mediaconnect.Auth{ClientID: "c"}},
	} {
		if _, err := mediaconnect.New(tc.base, tc.auth); err == nil {
			t.Errorf("%s %+v accepted", tc.base, tc.auth)
		}
	}
	if ep := mediaconnect.ConnectIDEndpoint(mediaconnect.ConnectIDURL + "/"); ep.TokenURL != "https://connectid.no/user/oauth/token" || ep.AuthURL != "https://connectid.no/user/oauth/authorize" {
		t.Errorf("endpoint %+v", ep)
	}
}

// recordHosts is a transport that records every URL asked for and answers none of them.
type recordHosts struct {
	mu   sync.Mutex
	urls []string
}

func (r *recordHosts) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.urls = append(r.urls, req.URL.String())
	r.mu.Unlock()
	return nil, errors.New("recordHosts sends nothing")
}

func TestNewWithoutTokenURLRefusesAnUnknownBase(t *testing.T) {
	e := newEnv(t, mock.Config{})
	rec := &recordHosts{}
	c, err := mediaconnect.New(e.base, mediaconnect.Auth{ClientID: mock.DefaultClientID, ClientSecret: mock.DefaultClientSecret},
		mediaconnect.WithHTTPClient(&http.Client{Transport: rec}))
	if !errors.Is(err, mediaconnect.ErrNoTokenURL) || c != nil {
		t.Fatalf("New(%s) without TokenURL = %v, %v; want ErrNoTokenURL", e.base, c, err)
	}
	if !strings.Contains(err.Error(), "set Auth.TokenURL") || !strings.Contains(err.Error(), e.base) {
		t.Errorf("error %q does not name the base and the field to set", err)
	}
	// A user token source needs no token URL: the client is built.
	if _, err := mediaconnect.New(e.base, mediaconnect.Auth{User: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: "t"})}); err != nil {
		t.Errorf("user-only client: %v", err)
	}
}

func TestNewDefaultsTheDocumentedConnectID(t *testing.T) {
	for _, tc := range []struct{ base, token string }{
		{mediaconnect.ProductionURL, "https://connectid.no/user/oauth/token"},
		{mediaconnect.ProductionURL + "/", "https://connectid.no/user/oauth/token"},
		{mediaconnect.TestURL, "https://api-test.mediaconnect.no/login/oauth/token"},
	} {
		rec := &recordHosts{}
		c, err := mediaconnect.New(tc.base, mediaconnect.Auth{ClientID: "c", ClientSecret: "s"},
			mediaconnect.WithHTTPClient(&http.Client{Transport: rec}))
		if err != nil {
			t.Fatalf("New(%s): %v", tc.base, err)
		}
		if _, err := c.GetCustomer(context.Background(), 1); !errors.Is(err, mediaconnect.ErrToken) {
			t.Errorf("%s: GetCustomer = %v, want ErrToken (the token request is not answered)", tc.base, err)
		}
		if len(rec.urls) != 1 || rec.urls[0] != tc.token {
			t.Errorf("%s: requests %v, want only the token request to %s", tc.base, rec.urls, tc.token)
		}
	}
}

func TestEndpointOnlyForDocumentedBases(t *testing.T) {
	for base, want := range map[string]oauth2.Endpoint{
		mediaconnect.ProductionURL: mediaconnect.ConnectIDEndpoint(mediaconnect.ConnectIDURL),
		mediaconnect.TestURL:       mediaconnect.TestEndpoint(),
	} {
		if ep, err := mediaconnect.Endpoint(base); err != nil || ep != want {
			t.Errorf("Endpoint(%s) = %+v, %v; want %+v", base, ep, err, want)
		}
	}
	e := newEnv(t, mock.Config{})
	ep, err := mediaconnect.Endpoint(e.base)
	if !errors.Is(err, mediaconnect.ErrNoTokenURL) || ep != (oauth2.Endpoint{}) || !strings.Contains(err.Error(), "ConnectIDEndpoint") {
		t.Errorf("Endpoint(%s) = %+v, %v; want ErrNoTokenURL naming ConnectIDEndpoint", e.base, ep, err)
	}
}
