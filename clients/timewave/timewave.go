// Package timewave is the client of the TimeWave API's customer register (clients).
//
//	api, err := timewave.New(timewave.ProductionURL, clientID, clientSecret)
//	page, err := api.ListClients(ctx, timewave.FilterEmail("anna.lindqvist@example.se"))
//	for c, err := range api.AllClients(ctx, timewave.FilterStatus(timewave.StatusActive)) { ... }
//	_, err = api.CreateClient(ctx, timewave.ClientCreate{...})
//	var verr *timewave.ValidationError
//	if errors.As(err, &verr) { fmt.Println(verr.Errors["email"]) }
//
// Authentication is OAuth 2.0 client credentials against the API's own token endpoint
// (BASE/oauth/token). TimeWave keeps one token per API client: fetching a new one invalidates the
// previous one, even when another process fetched it. The client therefore fetches a token once, shares
// it between goroutines, and when the API answers 401 it fetches a new token and sends the request once
// more.
//
// Point the base URL at a mock (http://127.0.0.1:8080/timewave/v3) to test against vendorctl serve.
package timewave

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/vendorctl/vendorctl/clients/clientkit"
	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
)

// ProductionURL is the vendor's base URL.
const ProductionURL = "https://api.timewave.se/v3"

// The API's records, as the generated package defines them. The request bodies (ClientCreate,
// ClientUpdate, AddressInput, ReferenceCreate, ReferenceUpdate) are generated into this package
// (requests.gen.go), so that go doc shows their fields; the enums they name are timewaveapi's.
type (
	// Client is a client (kund) as the API answers it.
	Client = timewaveapi.Client
	// Page is one page of clients with the paginator's counts.
	Page = timewaveapi.ClientPage
	// Status is a client's status.
	Status = timewaveapi.ClientStatus
	// Email is an e-mail address field.
	Email = openapi_types.Email
)

// Client statuses.
const (
	StatusProspect = timewaveapi.ClientStatusProspect
	StatusActive   = timewaveapi.ClientStatusActive
	StatusInactive = timewaveapi.ClientStatusInactive
	// StatusDeleted is the status "borttagen", not a deleted client (see Client.Deleted).
	StatusDeleted = timewaveapi.ClientStatusDeleted
)

// Payment types.
const (
	PaymentPrint    = timewaveapi.PaymentTypePrint
	PaymentEmail    = timewaveapi.PaymentTypeEmail // secondary_email is then mandatory
	PaymentAutogiro = timewaveapi.PaymentTypeAutogiro
	PaymentEPrint   = timewaveapi.PaymentTypeEPrint
	PaymentEInvoice = timewaveapi.PaymentTypeEInvoice
	PaymentEDI      = timewaveapi.PaymentTypeEDI
	PaymentKivra    = timewaveapi.PaymentTypeKivra
)

// Errors a call can be checked against with errors.Is. The returned error is an *APIError, or a
// *ValidationError (which unwraps to its *APIError) when the answer lists field errors.
var (
	ErrBadRequest   = errors.New("timewave: bad request")
	ErrUnauthorized = errors.New("timewave: unauthenticated")
	ErrNotFound     = errors.New("timewave: not found")
	ErrValidation   = errors.New("timewave: validation failed")
	ErrRateLimited  = errors.New("timewave: rate limited")
	ErrServer       = errors.New("timewave: server error")
)

// APIError is an error answer of the API or of its token endpoint.
type APIError struct {
	Status int
	// Message is the API's "message" (for the token endpoint, the OAuth error_description).
	Message string
	// OAuthCode is the OAuth error code of a token request ("invalid_client", ...), else "".
	OAuthCode string
	// RetryAfter is the wait the API asked for with a 429.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	msg := e.Message
	if e.OAuthCode != "" {
		msg = e.OAuthCode + ": " + msg
	}
	return fmt.Sprintf("timewave: %d %s: %s", e.Status, http.StatusText(e.Status), msg)
}

// Is matches the sentinel errors by status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.Status == http.StatusBadRequest
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrValidation:
		return e.Status == http.StatusUnprocessableEntity
	case ErrRateLimited:
		return e.Status == http.StatusTooManyRequests
	case ErrServer:
		return e.Status >= 500
	}
	return false
}

// ValidationError is an answer with field errors: 422 for a body that breaks a rule, 400 for a
// malformed query. errors.Is(err, ErrValidation) holds for the 422.
type ValidationError struct {
	APIError
	// Errors are the messages by field name, nested fields with dots ("references.0.name").
	Errors map[string][]string
}

func (e *ValidationError) Error() string {
	return e.APIError.Error() + " [" + strings.Join(e.Fields(), ", ") + "]"
}

// Unwrap exposes the *APIError (for errors.As and the sentinels).
func (e *ValidationError) Unwrap() error { return &e.APIError }

// Fields are the names of the fields with errors, sorted.
func (e *ValidationError) Fields() []string {
	out := make([]string, 0, len(e.Errors))
	for f := range e.Errors {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Field returns the messages for one field (nil when it has none).
func (e *ValidationError) Field(name string) []string { return e.Errors[name] }

func apiError(status int, header http.Header, body []byte) error {
	base := APIError{Status: status, Message: strings.TrimSpace(string(body)), RetryAfter: clientkit.RetryAfter(header)}
	var parsed struct {
		Message *string             `json:"message"`
		Errors  map[string][]string `json:"errors"`
	}
	if err := json.Unmarshal(body, &parsed); err == nil {
		if parsed.Message != nil {
			base.Message = *parsed.Message
		}
		if parsed.Errors != nil {
			return &ValidationError{APIError: base, Errors: parsed.Errors}
		}
	}
	return &base
}

// API calls the TimeWave API. It is safe for concurrent use.
type API struct {
	api *timewaveapi.ClientWithResponses
}

type options struct {
	clientkit.Settings
	tokenURL string
}

// Option configures New.
type Option func(*options)

// WithHTTPClient sends requests through hc (its own timeout applies).
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.HTTPClient = hc } }

// WithTimeout sets the whole-request timeout (default clientkit.DefaultTimeout).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.Timeout = d } }

// WithValidation validates every response (token endpoint included) against the spec; a drifted answer
// becomes a *clientkit.ContractError.
func WithValidation() Option { return func(o *options) { o.Validate = true } }

// WithRetry retries 429 answers for every request (token requests included), and 5xx answers and
// transport errors for GET and PUT only, honouring Retry-After.
func WithRetry(p clientkit.RetryPolicy) Option { return func(o *options) { o.Retry = &p } }

// WithTokenURL sets the token endpoint (default BASE/oauth/token).
func WithTokenURL(u string) Option { return func(o *options) { o.tokenURL = u } }

// New returns a client for baseURL (ProductionURL, or a mock's base such as
// http://127.0.0.1:8080/timewave/v3) that authenticates with the OAuth client credentials.
func New(baseURL, clientID, clientSecret string, opts ...Option) (*API, error) {
	if clientID == "" || clientSecret == "" {
		return nil, errors.New("timewave: empty client id or secret")
	}
	if err := clientkit.CheckBaseURL("timewave", baseURL); err != nil {
		return nil, err
	}
	baseURL = strings.TrimSuffix(baseURL, "/")
	o := options{tokenURL: baseURL + "/oauth/token"}
	for _, opt := range opts {
		opt(&o)
	}
	doer, _, _, err := o.Build("timewave", baseURL)
	if err != nil {
		return nil, err
	}
	toks := &tokens{
		cfg: &clientcredentials.Config{
			ClientID: clientID, ClientSecret: clientSecret, TokenURL: o.tokenURL, AuthStyle: oauth2.AuthStyleInParams,
		},
		http: &http.Client{Transport: roundTripper{doer}},
	}
	api, err := timewaveapi.NewClientWithResponses(baseURL, timewaveapi.WithHTTPClient(&bearer{next: doer, tokens: toks}))
	if err != nil {
		return nil, fmt.Errorf("timewave: %w", err)
	}
	return &API{api: api}, nil
}

// roundTripper lets the token request go through the same decorators (validation, retry).
type roundTripper struct{ doer clientkit.Doer }

func (rt roundTripper) RoundTrip(req *http.Request) (*http.Response, error) { return rt.doer.Do(req) }

// tokens holds the one current access token. Fetching is serialised: two fetches at once would
// invalidate each other, since TimeWave keeps one token per client.
type tokens struct {
	cfg  *clientcredentials.Config
	http *http.Client

	mu  sync.Mutex
	cur *oauth2.Token
}

func (t *tokens) get(ctx context.Context) (*oauth2.Token, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur.Valid() {
		return t.cur, nil
	}
	tok, err := t.cfg.Token(context.WithValue(ctx, oauth2.HTTPClient, t.http))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) && re.Response != nil {
			e := &APIError{Status: re.Response.StatusCode, Message: re.ErrorDescription, OAuthCode: re.ErrorCode, RetryAfter: clientkit.RetryAfter(re.Response.Header)}
			if e.Message == "" {
				e.Message = strings.TrimSpace(string(re.Body))
			}
			return nil, fmt.Errorf("timewave: get token: %w", e)
		}
		return nil, fmt.Errorf("timewave: get token: %w", err)
	}
	t.cur = tok
	return tok, nil
}

// drop forgets tok if it is still the current token (another goroutine may have replaced it already).
func (t *tokens) drop(tok *oauth2.Token) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur == tok {
		t.cur = nil
	}
}

// bearer sends the current token; on a 401 it fetches a new token and sends the request once more.
type bearer struct {
	next   clientkit.Doer
	tokens *tokens
}

func (b *bearer) Do(req *http.Request) (*http.Response, error) {
	var body []byte
	if req.Body != nil && req.Body != http.NoBody {
		var err error
		if body, err = io.ReadAll(req.Body); err != nil {
			return nil, fmt.Errorf("read request body: %w", err)
		}
		_ = req.Body.Close()
	}
	for attempt := 1; ; attempt++ {
		tok, err := b.tokens.get(req.Context())
		if err != nil {
			return nil, err
		}
		r := req.Clone(req.Context())
		if body != nil {
			r.Body = io.NopCloser(bytes.NewReader(body))
			r.ContentLength = int64(len(body))
			r.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		}
		r.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		resp, err := b.next.Do(r)
		if err != nil || resp.StatusCode != http.StatusUnauthorized || attempt == 2 {
			return resp, err
		}
		// Superseded (a newer token was fetched elsewhere) or expired early: fetch a new one.
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
		_ = resp.Body.Close()
		b.tokens.drop(tok)
	}
}

// SortField is a field GET /clients can sort on.
type SortField string

// The sortable fields.
const (
	SortID                SortField = "id"
	SortStatus            SortField = "status"
	SortTitle             SortField = "title"
	SortNumber            SortField = "number"
	SortDeleted           SortField = "deleted"
	SortPhone             SortField = "phone"
	SortMobile            SortField = "mobile"
	SortPaymentterms      SortField = "paymentterms"
	SortEmail             SortField = "email"
	SortClientnbr         SortField = "clientnbr"
	SortEmployeeID        SortField = "employee_id"
	SortPaymenttype       SortField = "paymenttype"
	SortHourpot           SortField = "hourpot"
	SortFax               SortField = "fax"
	SortWorkphone         SortField = "workphone"
	SortHasHourpot        SortField = "has_hourpot"
	SortSecondaryEmail    SortField = "secondary_email"
	SortWww               SortField = "www"
	SortInvoicetemplateID SortField = "invoicetemplate_id"
	SortFirstName         SortField = "first_name"
	SortLastName          SortField = "last_name"
	SortCompanyName       SortField = "company_name"
	SortPersonalNumber    SortField = "personal_number"
	SortInvoiceFeeID      SortField = "invoice_fee_id"
)

// ListOption sets a filter, the sort order or the page of ListClients and AllClients.
type ListOption func(*listOptions)

type listOptions struct {
	params     timewaveapi.ListClientsParams
	pageSize   *int
	pageNumber *int
	err        error
}

func ptr[T any](v T) *T { return &v }

// FilterID keeps the client with this id.
func FilterID(id int) ListOption { return func(o *listOptions) { o.params.FilterId = ptr(id) } }

// FilterIDGreaterThan keeps clients whose id is greater than n.
func FilterIDGreaterThan(n int) ListOption {
	return func(o *listOptions) { o.params.FilterIdGt = ptr(n) }
}

// FilterIDLessThan keeps clients whose id is less than n.
func FilterIDLessThan(n int) ListOption { return func(o *listOptions) { o.params.FilterIdLt = ptr(n) } }

// FilterIDBetween keeps clients whose id is between lo and hi, both included.
func FilterIDBetween(lo, hi int) ListOption {
	return func(o *listOptions) { o.params.FilterIdBetween = ptr(fmt.Sprintf("%d,%d", lo, hi)) }
}

// FilterStatus keeps clients with this status.
func FilterStatus(s Status) ListOption {
	return func(o *listOptions) {
		if !s.Valid() {
			o.err = fmt.Errorf("timewave: unknown status %q", s)
		}
		o.params.FilterStatus = ptr(s)
	}
}

// FilterNumber keeps clients with this client number (exact).
func FilterNumber(n string) ListOption {
	return func(o *listOptions) { o.params.FilterNumber = ptr(n) }
}

// FilterDeleted keeps deleted (true) or not deleted (false) clients.
func FilterDeleted(d bool) ListOption {
	return func(o *listOptions) { o.params.FilterDeleted = ptr(d) }
}

// FilterEmail keeps clients with this e-mail address (exact).
func FilterEmail(e string) ListOption { return func(o *listOptions) { o.params.FilterEmail = ptr(e) } }

// FilterPersonalNumber keeps clients with this personal or organisation number, as stored (exact).
func FilterPersonalNumber(n string) ListOption {
	return func(o *listOptions) { o.params.FilterPersonalNumber = ptr(n) }
}

func sortOn(f SortField, prefix string) ListOption {
	return func(o *listOptions) {
		s := timewaveapi.ClientSort(prefix + string(f))
		if !s.Valid() {
			o.err = fmt.Errorf("timewave: cannot sort on %q", f)
		}
		o.params.Sort = &s
	}
}

// SortAsc sorts ascending on f (ties in id order).
func SortAsc(f SortField) ListOption { return sortOn(f, "") }

// SortDesc sorts descending on f (ties in id order).
func SortDesc(f SortField) ListOption { return sortOn(f, "-") }

// PageSize sets the page size (1 to 1000; the API's default is 15).
func PageSize(n int) ListOption { return func(o *listOptions) { o.pageSize = ptr(n) } }

// PageNumber sets the page (1-based).
func PageNumber(n int) ListOption { return func(o *listOptions) { o.pageNumber = ptr(n) } }

func buildList(opts []ListOption) (*listOptions, error) {
	o := &listOptions{}
	for _, opt := range opts {
		opt(o)
	}
	return o, o.err
}

// params maps the page options: page[size] with page[number] when a size is set (the API then ignores
// a plain page), else page.
func (o *listOptions) paramsFor() *timewaveapi.ListClientsParams {
	p := o.params
	if o.pageSize != nil {
		p.PageSize = o.pageSize
		p.PageNumber = o.pageNumber
	} else {
		p.Page = o.pageNumber
	}
	return &p
}

// ListClients returns one page of clients.
func (a *API) ListClients(ctx context.Context, opts ...ListOption) (*Page, error) {
	o, err := buildList(opts)
	if err != nil {
		return nil, err
	}
	return a.list(ctx, o.paramsFor())
}

func (a *API) list(ctx context.Context, p *timewaveapi.ListClientsParams) (*Page, error) {
	resp, err := a.api.ListClientsWithResponse(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("timewave: list clients: %w", err)
	}
	if resp.JSON200 != nil {
		return resp.JSON200, nil
	}
	return nil, apiError(resp.StatusCode(), resp.HTTPResponse.Header, resp.Body)
}

// DefaultIteratorPageSize is the page size AllClients asks for unless PageSize is given.
const DefaultIteratorPageSize = 200

// AllClients yields every client that the filters keep, page after page, in the sort order. A failed
// page is yielded as an error and ends the iteration. PageNumber is ignored.
func (a *API) AllClients(ctx context.Context, opts ...ListOption) iter.Seq2[Client, error] {
	return func(yield func(Client, error) bool) {
		o, err := buildList(opts)
		if err != nil {
			yield(Client{}, err)
			return
		}
		size := DefaultIteratorPageSize
		if o.pageSize != nil {
			size = *o.pageSize
		}
		for page := 1; ; page++ {
			p := o.params
			p.PageSize, p.PageNumber = &size, ptr(page)
			res, err := a.list(ctx, &p)
			if err != nil {
				yield(Client{}, err)
				return
			}
			for _, c := range res.Data {
				if !yield(c, nil) {
					return
				}
			}
			if page >= res.LastPage || len(res.Data) == 0 {
				return
			}
		}
	}
}

// GetClient fetches one client by id.
func (a *API) GetClient(ctx context.Context, id int) (*Client, error) {
	resp, err := a.api.GetClientWithResponse(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("timewave: get client %d: %w", id, err)
	}
	if resp.JSON200 != nil {
		return &resp.JSON200.Data, nil
	}
	return nil, apiError(resp.StatusCode(), resp.HTTPResponse.Header, resp.Body)
}

// FindByNumber fetches the client with a client number.
func (a *API) FindByNumber(ctx context.Context, number string) (*Client, error) {
	if number == "" {
		return nil, &APIError{Status: http.StatusBadRequest, Message: "empty client number"}
	}
	resp, err := a.api.FindClientByNumberWithResponse(ctx, number)
	if err != nil {
		return nil, fmt.Errorf("timewave: find client number %q: %w", number, err)
	}
	if resp.JSON200 != nil {
		return &resp.JSON200.Data, nil
	}
	return nil, apiError(resp.StatusCode(), resp.HTTPResponse.Header, resp.Body)
}

// CreateClient creates a client and returns it as stored. A body that breaks a rule is a
// *ValidationError (errors.Is(err, ErrValidation)).
func (a *API) CreateClient(ctx context.Context, c ClientCreate) (*Client, error) {
	body, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("timewave: create client: %w", err)
	}
	resp, err := a.api.CreateClientWithBodyWithResponse(ctx, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("timewave: create client: %w", err)
	}
	if resp.JSON201 != nil {
		return &resp.JSON201.Data, nil
	}
	return nil, apiError(resp.StatusCode(), resp.HTTPResponse.Header, resp.Body)
}

// UpdateClient changes the given fields of client id and returns it as stored.
func (a *API) UpdateClient(ctx context.Context, id int, u ClientUpdate) (*Client, error) {
	body, err := json.Marshal(u)
	if err != nil {
		return nil, fmt.Errorf("timewave: update client %d: %w", id, err)
	}
	resp, err := a.api.UpdateClientWithBodyWithResponse(ctx, id, "application/json", bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("timewave: update client %d: %w", id, err)
	}
	if resp.JSON200 != nil {
		return &resp.JSON200.Data, nil
	}
	return nil, apiError(resp.StatusCode(), resp.HTTPResponse.Header, resp.Body)
}
