// Package mediaconnect is the client of the Mediaconnect Connect customer API, with OAuth 2.0 tokens
// from ConnectID.
//
// The "client mode" endpoints need only the client's credentials (client credentials grant):
//
//	c, err := mediaconnect.New(mediaconnect.ProductionURL, mediaconnect.Auth{ClientID: id, ClientSecret: secret})
//	customers, err := c.SearchCustomers(ctx, mediaconnect.Search{LastName: "Hansen", StreetAddress: "Storgata", PostalCode: "0155"})
//	if errors.Is(err, mediaconnect.ErrTooManyCustomers) { ... narrow the search ... }
//
// The user endpoints act for a logged-in user: pass any oauth2.TokenSource of user tokens, typically
// (*oauth2.Config).TokenSource after the authorization code flow (Endpoint(baseURL) gives the
// endpoints of the production and test bases, ConnectIDEndpoint those of a mock's ConnectID; see
// Example_userMode).
//
// Point the base URL at a mock (http://127.0.0.1:8080/mediaconnect/capi) and Auth.TokenURL at its
// ConnectID (http://127.0.0.1:8080/connectid/user/oauth/token) to test against vendorctl serve. For a
// base other than ProductionURL and TestURL, New and Endpoint refuse to guess a ConnectID
// (ErrNoTokenURL): credentials only go to a host the caller named.
package mediaconnect

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/vendorctl/vendorctl/clients/clientkit"
	mediaconnectapi "github.com/vendorctl/vendorctl/gen/mediaconnect"
)

// Base URLs of the vendor.
const (
	ProductionURL = "https://api.mediaconnect.no/capi"
	TestURL       = "https://api-test.mediaconnect.no/capi"
	// ConnectIDURL is the production OAuth 2.0 server.
	ConnectIDURL = "https://connectid.no"
)

// ConnectIDEndpoint returns the OAuth 2.0 endpoints of a ConnectID at base: ConnectIDURL, or a mock's
// http://HOST:PORT/connectid. ConnectID takes the client credentials as form parameters.
func ConnectIDEndpoint(base string) oauth2.Endpoint {
	base = strings.TrimSuffix(base, "/")
	return oauth2.Endpoint{
		AuthURL:   base + "/user/oauth/authorize",
		TokenURL:  base + "/user/oauth/token",
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// TestEndpoint returns the OAuth 2.0 endpoints of the vendor's test environment.
func TestEndpoint() oauth2.Endpoint {
	return oauth2.Endpoint{
		AuthURL:   "https://api-test.mediaconnect.no/login/oauth/authorize",
		TokenURL:  "https://api-test.mediaconnect.no/login/oauth/token",
		AuthStyle: oauth2.AuthStyleInParams,
	}
}

// ErrNoTokenURL is returned by New and Endpoint for a base URL that is neither ProductionURL nor TestURL
// when no ConnectID is named for it: a default would send the client secret to a host the caller did
// not name (production ConnectID, for a mock's base).
var ErrNoTokenURL = errors.New("mediaconnect: no ConnectID for this base URL")

// Endpoint returns the OAuth 2.0 endpoints of the ConnectID that serves the API at baseURL: production
// ConnectID for ProductionURL, the test login for TestURL. Any other base (a mock's) is ErrNoTokenURL:
// name its ConnectID with ConnectIDEndpoint.
func Endpoint(baseURL string) (oauth2.Endpoint, error) {
	if ep, ok := knownEndpoint(baseURL); ok {
		return ep, nil
	}
	return oauth2.Endpoint{}, fmt.Errorf("%w: %s is neither ProductionURL nor TestURL; use ConnectIDEndpoint with its ConnectID's base (a mock's: http://HOST:PORT/connectid)", ErrNoTokenURL, baseURL)
}

// knownEndpoint gives the documented ConnectID of the production and test bases.
func knownEndpoint(baseURL string) (oauth2.Endpoint, bool) {
	switch strings.TrimSuffix(baseURL, "/") {
	case ProductionURL:
		return ConnectIDEndpoint(ConnectIDURL), true
	case TestURL:
		return TestEndpoint(), true
	}
	return oauth2.Endpoint{}, false
}

// Types of the API. The request body CustomerInfoChange is generated into this package
// (requests.gen.go), so that go doc shows its fields; Name and PhoneNumber, which CustomerInfo holds
// too, are mediaconnectapi's.
type (
	CustomerInfo    = mediaconnectapi.CustomerInfo
	PhoneNumberType = mediaconnectapi.PhoneNumberType
	AttachedUser    = mediaconnectapi.AttachedUser
	Credential      = mediaconnectapi.Credential
	// Email is an e-mail address; it is checked when a request is encoded.
	Email = mediaconnectapi.InvoiceEmailAddress
)

// Ptr returns a pointer to v, for the optional fields of CustomerInfoChange.
func Ptr[T any](v T) *T { return &v }

// Errors a call can be checked against with errors.Is. An answer of the API is an *APIError carrying
// the vendor's exceptionType and errorMessage.
var (
	ErrBadRequest = errors.New("mediaconnect: bad request")
	// ErrUnauthorized is a missing, unknown or expired access token, or a client token sent to a user
	// endpoint (401 invalid_token).
	ErrUnauthorized = errors.New("mediaconnect: access token refused")
	// ErrTooManyCustomers is the 403 of a search matching more than 5 customers.
	ErrTooManyCustomers = errors.New("mediaconnect: search matches more than 5 customers")
	ErrNotFound         = errors.New("mediaconnect: customer not found")
	ErrRateLimited      = errors.New("mediaconnect: too many requests")
	ErrServer           = errors.New("mediaconnect: server error")
	// ErrNotChanged is a change answered {"success": false}.
	ErrNotChanged = errors.New("mediaconnect: customer data not changed")
	// ErrToken wraps a failure to get an access token from ConnectID; errors.As finds the
	// *oauth2.RetrieveError with ConnectID's error code (invalid_client, invalid_grant ...). It comes
	// wrapped in the call's "mediaconnect: ..." error.
	ErrToken = errors.New("no access token from ConnectID")
	// ErrNoClientCredentials and ErrNoUserToken are returned by calls the client has no credentials for.
	ErrNoClientCredentials = errors.New("mediaconnect: client-mode call without client credentials (Auth.ClientID)")
	ErrNoUserToken         = errors.New("mediaconnect: user call without a user token source (Auth.User)")
)

// APIError is an error answer of the API.
type APIError struct {
	Status int
	// ExceptionType and ErrorMessage are the vendor's error body; for a 401 ErrorMessage holds the
	// OAuth error_description.
	ExceptionType string
	ErrorMessage  string
	// OAuthError is the OAuth error code of a 401 (invalid_token).
	OAuthError string
	// RetryAfter is the wait the server asked for with a 429.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	kind := e.ExceptionType
	if kind == "" {
		kind = e.OAuthError
	}
	return fmt.Sprintf("mediaconnect: %d %s: %s: %s", e.Status, http.StatusText(e.Status), kind, e.ErrorMessage)
}

// Is matches the sentinel errors by status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.Status == http.StatusBadRequest
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrTooManyCustomers:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrServer:
		return e.Status >= 500
	}
	return false
}

// Auth holds the credentials of a client. Set ClientID and ClientSecret for the client-mode endpoints,
// User for the user endpoints, or both.
type Auth struct {
	ClientID     string
	ClientSecret string
	// TokenURL is ConnectID's token endpoint for the client credentials grant. Empty: production
	// ConnectID's for ProductionURL, the test login's for TestURL; for any other base (a mock's) New
	// returns ErrNoTokenURL, so the client secret never goes to a host the caller did not name.
	TokenURL string
	// User gives user tokens (authorization code grant), e.g. (*oauth2.Config).TokenSource(ctx, tok),
	// which refreshes them.
	User oauth2.TokenSource
}

// Client calls the API. It is safe for concurrent use.
type Client struct {
	clientAPI *mediaconnectapi.ClientWithResponses // nil without client credentials
	userAPI   *mediaconnectapi.ClientWithResponses // nil without a user token source
}

type options struct {
	clientkit.Settings
}

// Option configures New.
type Option func(*options)

// WithHTTPClient sends requests, token requests included, through hc (its own timeout applies).
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.HTTPClient = hc } }

// WithTimeout sets the whole-request timeout (default clientkit.DefaultTimeout).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.Timeout = d } }

// WithValidation validates every response against the spec; a drifted answer becomes a
// *clientkit.ContractError.
func WithValidation() Option { return func(o *options) { o.Validate = true } }

// WithRetry retries 429 answers (waiting for Retry-After) on every call, and 5xx answers and transport
// errors on the idempotent (GET) calls only; search, check and change are POSTs.
func WithRetry(p clientkit.RetryPolicy) Option { return func(o *options) { o.Retry = &p } }

// New returns a client for baseURL (ProductionURL, TestURL or a mock's base).
func New(baseURL string, auth Auth, opts ...Option) (*Client, error) {
	if err := clientkit.CheckBaseURL("mediaconnect", baseURL); err != nil {
		return nil, err
	}
	if auth.ClientID == "" && auth.User == nil {
		return nil, errors.New("mediaconnect: Auth needs client credentials, a user token source, or both")
	}
	if auth.ClientID != "" && auth.ClientSecret == "" {
		return nil, errors.New("mediaconnect: Auth.ClientID without ClientSecret")
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	doer, hc, _, err := o.Build("mediaconnect", baseURL)
	if err != nil {
		return nil, err
	}
	server := strings.TrimSuffix(baseURL, "/")
	c := &Client{}
	if auth.ClientID != "" {
		tokenURL, err := clientTokenURL(baseURL, auth.TokenURL)
		if err != nil {
			return nil, err
		}
		cc := clientcredentials.Config{ClientID: auth.ClientID, ClientSecret: auth.ClientSecret,
			TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}
		ts := cc.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, hc))
		api, err := mediaconnectapi.NewClientWithResponses(server, mediaconnectapi.WithHTTPClient(withToken(doer, ts)))
		if err != nil {
			return nil, fmt.Errorf("mediaconnect: %w", err)
		}
		c.clientAPI = api
	}
	if auth.User != nil {
		api, err := mediaconnectapi.NewClientWithResponses(server, mediaconnectapi.WithHTTPClient(withToken(doer, auth.User)))
		if err != nil {
			return nil, fmt.Errorf("mediaconnect: %w", err)
		}
		c.userAPI = api
	}
	return c, nil
}

// clientTokenURL is the token URL of the client credentials grant: the one set, else the documented
// one of the production or test base.
func clientTokenURL(baseURL, set string) (string, error) {
	if set != "" {
		return set, nil
	}
	if ep, ok := knownEndpoint(baseURL); ok {
		return ep.TokenURL, nil
	}
	return "", fmt.Errorf("%w: %s is neither ProductionURL nor TestURL; set Auth.TokenURL to its ConnectID's token URL (a mock's: http://HOST:PORT/connectid/user/oauth/token)", ErrNoTokenURL, baseURL)
}

// withToken sets "Authorization: Bearer" from ts on every request; ts caches and renews the token.
func withToken(next clientkit.Doer, ts oauth2.TokenSource) clientkit.Doer {
	return clientkit.DoerFunc(func(req *http.Request) (*http.Response, error) {
		tok, err := ts.Token()
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrToken, err)
		}
		r := req.Clone(req.Context())
		tok.SetAuthHeader(r)
		return next.Do(r)
	})
}

func (c *Client) client() (*mediaconnectapi.ClientWithResponses, error) {
	if c.clientAPI == nil {
		return nil, ErrNoClientCredentials
	}
	return c.clientAPI, nil
}

func (c *Client) user() (*mediaconnectapi.ClientWithResponses, error) {
	if c.userAPI == nil {
		return nil, ErrNoUserToken
	}
	return c.userAPI, nil
}

// GetCustomer fetches one customer by number (client mode).
func (c *Client) GetCustomer(ctx context.Context, customerNumber int) (*CustomerInfo, error) {
	api, err := c.client()
	if err != nil {
		return nil, err
	}
	resp, err := api.ListCustomerInfoClientModeWithResponse(ctx, customerNumber)
	if err != nil {
		return nil, fmt.Errorf("mediaconnect: get customer %d: %w", customerNumber, err)
	}
	if resp.JSON200 != nil {
		return resp.JSON200, nil
	}
	return nil, apiError(resp.HTTPResponse, resp.Body)
}

// Search holds the arguments of a customer search; an empty field (0 for StreetNumber) is not sent.
// A search needs CompanyName or LastName, StreetAddress, and PostalCode or PostalPlace; or PhoneNumber;
// or Email. Every other field narrows the result.
type Search struct {
	ProductCode    string
	CompanyName    string
	DepartmentName string
	FirstName      string
	MiddleName     string
	LastName       string
	CareOfAddress  string
	StreetAddress  string
	StreetNumber   int
	Entrance       string
	PostalCode     string
	PostalPlace    string
	CountryCode    string
	PhoneNumber    string
	Email          string
}

func (s Search) request() mediaconnectapi.CustomerSearchRequest {
	opt := func(v string) *string {
		if v == "" {
			return nil
		}
		return &v
	}
	q := mediaconnectapi.CustomerSearchRequest{
		ProductCode: opt(s.ProductCode), CompanyName: opt(s.CompanyName), DepartmentName: opt(s.DepartmentName),
		FirstName: opt(s.FirstName), MiddleName: opt(s.MiddleName), LastName: opt(s.LastName),
		CareOfAddress: opt(s.CareOfAddress), StreetAddress: opt(s.StreetAddress), Entrance: opt(s.Entrance),
		PostalCode: opt(s.PostalCode), PostalPlace: opt(s.PostalPlace), CountryCode: opt(s.CountryCode),
		PhoneNumber: opt(s.PhoneNumber),
	}
	if s.StreetNumber != 0 {
		q.StreetNumber = &s.StreetNumber
	}
	if s.Email != "" {
		e := Email(s.Email)
		q.Email = &e
	}
	return q
}

// SearchCustomers finds at most 5 customers (client mode); none found is an empty list. A search
// matching more than 5 is ErrTooManyCustomers, one that breaks the search rule ErrBadRequest.
func (c *Client) SearchCustomers(ctx context.Context, s Search) ([]CustomerInfo, error) {
	api, err := c.client()
	if err != nil {
		return nil, err
	}
	resp, err := api.SearchCustomerWithResponse(ctx, s.request())
	if err != nil {
		return nil, fmt.Errorf("mediaconnect: search customers: %w", err)
	}
	if resp.JSON200 != nil {
		return resp.JSON200.Customers, nil
	}
	return nil, apiError(resp.HTTPResponse, resp.Body)
}

// CheckCustomerNumber returns the customers that have an attached user holding one of credentials
// (e-mail addresses or phone numbers), client mode.
func (c *Client) CheckCustomerNumber(ctx context.Context, credentials ...string) ([]CustomerInfo, error) {
	api, err := c.client()
	if err != nil {
		return nil, err
	}
	if credentials == nil {
		credentials = []string{}
	}
	resp, err := api.CheckCustomerNumberWithResponse(ctx, mediaconnectapi.CredentialCheckRequest{Credentials: credentials})
	if err != nil {
		return nil, fmt.Errorf("mediaconnect: check customer number: %w", err)
	}
	if resp.JSON200 != nil {
		return resp.JSON200.Customers, nil
	}
	return nil, apiError(resp.HTTPResponse, resp.Body)
}

// GetUserCustomer fetches the logged-in user's customer (user token).
func (c *Client) GetUserCustomer(ctx context.Context) (*CustomerInfo, error) {
	api, err := c.user()
	if err != nil {
		return nil, err
	}
	resp, err := api.ListCustomerInfoWithResponse(ctx)
	if err != nil {
		return nil, fmt.Errorf("mediaconnect: get user customer: %w", err)
	}
	if resp.JSON200 != nil {
		return resp.JSON200, nil
	}
	return nil, apiError(resp.HTTPResponse, resp.Body)
}

// ChangeUserCustomer replaces the logged-in user's customer data (user token): every field of change
// replaces the stored one and an omitted field is cleared. The name needs LastName or CompanyName; an
// empty change sets the last name to "-".
func (c *Client) ChangeUserCustomer(ctx context.Context, change CustomerInfoChange) error {
	api, err := c.user()
	if err != nil {
		return err
	}
	body, err := json.Marshal(change)
	if err != nil {
		return fmt.Errorf("mediaconnect: change user customer: %w", err)
	}
	resp, err := api.ChangeCustomerInfoWithBodyWithResponse(ctx, "application/json", bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("mediaconnect: change user customer: %w", err)
	}
	if resp.JSON200 != nil {
		if !resp.JSON200.Success {
			return ErrNotChanged
		}
		return nil
	}
	return apiError(resp.HTTPResponse, resp.Body)
}

// AttachedUsers returns the users attached to a customer, whether the API sent one object or an array.
func AttachedUsers(c *CustomerInfo) ([]AttachedUser, error) {
	if c == nil || c.AttachedUsers == nil {
		return nil, nil
	}
	raw, err := c.AttachedUsers.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("mediaconnect: attachedUsers: %w", err)
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '[' {
		list, err := c.AttachedUsers.AsAttachedUserList()
		if err != nil {
			return nil, fmt.Errorf("mediaconnect: attachedUsers: %w", err)
		}
		return list, nil
	}
	u, err := c.AttachedUsers.AsAttachedUser()
	if err != nil {
		return nil, fmt.Errorf("mediaconnect: attachedUsers: %w", err)
	}
	return []AttachedUser{u}, nil
}

func apiError(resp *http.Response, body []byte) error {
	e := &APIError{Status: resp.StatusCode, ErrorMessage: strings.TrimSpace(string(body))}
	if e.Status == http.StatusTooManyRequests {
		e.RetryAfter = clientkit.RetryAfter(resp.Header)
	}
	var vendor mediaconnectapi.ApiError
	if err := json.Unmarshal(body, &vendor); err == nil && vendor.ExceptionType != "" {
		e.ExceptionType, e.ErrorMessage = vendor.ExceptionType, vendor.ErrorMessage
		return e
	}
	var oauth mediaconnectapi.OAuthError
	if err := json.Unmarshal(body, &oauth); err == nil && oauth.Error != "" {
		e.OAuthError = oauth.Error
		e.ErrorMessage = ""
		if oauth.ErrorDescription != nil {
			e.ErrorMessage = *oauth.ErrorDescription
		}
	}
	return e
}
