// Package vitecauto is the client of the Vitec Autodata customer API.
//
//	c, err := vitecauto.New("https://api.vitecauto.no", apiKey)
//	customer, err := c.GetCustomer(ctx, 998, 500190)
//	if errors.Is(err, vitecauto.ErrNotFound) { ... }
//
// Point the base URL at a mock (http://127.0.0.1:8080/vitecauto) to test against vendorctl serve.
package vitecauto

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vendorctl/vendorctl/clients/clientkit"
	vitecautoapi "github.com/vendorctl/vendorctl/gen/vitecauto"
)

// ProductionURL is the vendor's base URL.
const ProductionURL = "https://api.vitecauto.no"

// Customer is a customer record as the API returns it.
type Customer = vitecautoapi.Customer

// Errors a call can be checked against with errors.Is. The returned error is an *APIError carrying the
// vendor's message.
var (
	ErrBadRequest   = errors.New("vitecauto: bad request")
	ErrUnauthorized = errors.New("vitecauto: invalid or missing API key")
	ErrNotFound     = errors.New("vitecauto: customer not found")
	ErrServer       = errors.New("vitecauto: server error")
)

// APIError is an error answer of the API.
type APIError struct {
	Status int
	// Message is the vendor's "error" text (for example "Kunde ikke funnet").
	Message string
}

func (e *APIError) Error() string {
	return fmt.Sprintf("vitecauto: %d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
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
	case ErrServer:
		return e.Status >= 500
	}
	return false
}

// Client calls the API. It is safe for concurrent use.
type Client struct {
	api *vitecautoapi.ClientWithResponses
}

type options struct {
	clientkit.Settings
}

// Option configures New.
type Option func(*options)

// WithHTTPClient sends requests through hc (its own timeout applies).
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.HTTPClient = hc } }

// WithTimeout sets the whole-request timeout (default clientkit.DefaultTimeout).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.Timeout = d } }

// WithValidation validates every response against the spec; a drifted answer becomes a
// *clientkit.ContractError.
func WithValidation() Option { return func(o *options) { o.Validate = true } }

// WithRetry retries 5xx answers and transport errors (the API has only GET).
func WithRetry(p clientkit.RetryPolicy) Option { return func(o *options) { o.Retry = &p } }

// New returns a client for baseURL (ProductionURL, or a mock's base) that sends apiKey in x-api-key.
func New(baseURL, apiKey string, opts ...Option) (*Client, error) {
	if apiKey == "" {
		return nil, errors.New("vitecauto: empty API key")
	}
	if err := clientkit.CheckBaseURL("vitecauto", baseURL); err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	doer, _, _, err := o.Build("vitecauto", baseURL)
	if err != nil {
		return nil, err
	}
	doer = clientkit.WithHeader(doer, "x-api-key", apiKey)
	api, err := vitecautoapi.NewClientWithResponses(strings.TrimSuffix(baseURL, "/"), vitecautoapi.WithHTTPClient(doer))
	if err != nil {
		return nil, fmt.Errorf("vitecauto: %w", err)
	}
	return &Client{api: api}, nil
}

// GetCustomer fetches one customer.
func (c *Client) GetCustomer(ctx context.Context, companyID, customerID int) (*Customer, error) {
	if companyID <= 0 || customerID <= 0 || companyID > 1<<31-1 || customerID > 1<<31-1 {
		return nil, &APIError{Status: http.StatusBadRequest, Message: "companyId and customerId must be positive 32-bit integers"}
	}
	resp, err := c.api.GetCustomerWithResponse(ctx, &vitecautoapi.GetCustomerParams{
		CompanyId: int32(companyID), CustomerId: int32(customerID),
	})
	if err != nil {
		return nil, fmt.Errorf("vitecauto: get customer %d/%d: %w", companyID, customerID, err)
	}
	if resp.JSON200 != nil {
		return resp.JSON200, nil
	}
	return nil, apiError(resp.StatusCode(), resp.Body)
}

func apiError(status int, body []byte) error {
	e := &APIError{Status: status, Message: strings.TrimSpace(string(body))}
	var parsed vitecautoapi.Error
	if err := json.Unmarshal(body, &parsed); err == nil && parsed.Error != "" {
		e.Message = parsed.Error
	}
	return e
}
