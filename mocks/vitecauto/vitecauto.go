// Package vitecauto is the mock of the Vitec Autodata customer API (GET /api/customer).
//
// Scope: it reproduces what the vendor documents: the API key in x-api-key (missing or wrong → 401),
// the customer look-up by companyId and customerId over a store seeded from embedded fixtures (the
// documented record 998/500190 exactly as documented, and Norwegian customers in companies 998, 101 and
// 205), 404 "Kunde ikke funnet" for an unknown customer, 400 for missing or invalid parameters, and the
// JSON answer whatever the Accept header asks for. Every error has the vendor's {"error": "..."} shape.
//
// Non-goals: the vendor's other endpoints, rate limits and paging are not public and are not invented;
// the store is read-only (the API has no write operation).
package vitecauto

import (
	"context"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"sync"

	"github.com/labstack/echo/v4"

	vitecautoapi "github.com/vendorctl/vendorctl/gen/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/specs"
)

// Name is the API's short name; Prefix is where the mock serves https://api.vitecauto.no.
const (
	Name          = "vitecauto"
	Prefix        = "/vitecauto"
	DefaultAPIKey = "mock-api-key"
	// MsgNotFound is the vendor's own text for an unknown customer.
	MsgNotFound     = "Kunde ikke funnet"
	msgUnauthorized = "Ugyldig eller manglende API-nøkkel"
)

//go:embed fixtures/*.json
var embeddedFixtures embed.FS

// fixtures are the customers, decoded once per process from the embedded files; the seed is read-only.
var fixtures = mockkit.NewFixtures(embeddedFixtures, "fixtures", loadCustomers)

// Config configures the mock.
type Config struct {
	// APIKey is the accepted x-api-key (default DefaultAPIKey).
	APIKey string
	// Fixtures replaces the embedded fixtures: a file system holding customers.json.
	Fixtures fs.FS
	mockkit.Options
}

// Mock is the Vitec Autodata mock. It implements the generated strict server interface.
type Mock struct {
	// StrictExampleFallback answers the operations that Mock has no method for from the spec's examples.
	vitecautoapi.StrictExampleFallback
	mockkit.Identity

	cfg     Config
	handler http.Handler
	seed    []vitecautoapi.Customer

	mu        sync.RWMutex
	customers map[key]vitecautoapi.Customer
}

var (
	_ vitecautoapi.StrictServerInterface = (*Mock)(nil)
	_ mockserver.Vendor                  = (*Mock)(nil)
)

type key struct{ company, customer int }

// New builds the mock: loads the spec and the fixtures once.
func New(cfg Config) (*Mock, error) {
	if cfg.APIKey == "" {
		cfg.APIKey = DefaultAPIKey
	}
	seed, err := fixtures.Load(cfg.Fixtures)
	if err != nil {
		return nil, err
	}
	spec, err := specs.Load(Name)
	if err != nil {
		return nil, err
	}
	m := &Mock{cfg: cfg, seed: seed}
	if err := m.Reset(); err != nil {
		return nil, err
	}
	e, err := mockkit.NewAPI(mockkit.APIConfig{
		Name:         Name,
		Spec:         spec,
		Render:       render,
		Authenticate: m.authenticate,
		Register: func(e *echo.Echo) {
			vitecautoapi.RegisterHandlers(e, vitecautoapi.NewStrictHandler(m, nil))
		},
		Options: cfg.Options,
	})
	if err != nil {
		return nil, err
	}
	m.handler = e
	m.Identity = mockkit.NewIdentity(Name, title, mockserver.Mount{Prefix: Prefix, Production: spec.ServerURL(), Handler: e,
		ExampleAnswered: vitecautoapi.ExampleAnsweredOperations(exampleProbe{})})
	return m, nil
}

func loadCustomers(fsys fs.FS) ([]vitecautoapi.Customer, error) {
	data, err := fs.ReadFile(fsys, "customers.json")
	if err != nil {
		return nil, fmt.Errorf("read vitecauto fixtures: %w", err)
	}
	var customers []vitecautoapi.Customer
	if err := json.Unmarshal(data, &customers); err != nil {
		return nil, fmt.Errorf("decode vitecauto fixtures customers.json: %w", err)
	}
	for i, c := range customers {
		if _, err := keyOf(c); err != nil {
			return nil, fmt.Errorf("vitecauto fixtures customers.json record %d: %w", i, err)
		}
	}
	return customers, nil
}

func keyOf(c vitecautoapi.Customer) (key, error) {
	company, err := strconv.Atoi(c.Firmakode)
	if err != nil {
		return key{}, fmt.Errorf("firmakode %q is not a number", c.Firmakode)
	}
	customer, err := strconv.Atoi(c.Kundenummer)
	if err != nil {
		return key{}, fmt.Errorf("kundenummer %q is not a number", c.Kundenummer)
	}
	return key{company, customer}, nil
}

// exampleProbe has in its method set exactly the operations that Mock leaves to its embedded
// StrictExampleFallback (see vitecautoapi.ExampleAnsweredOperations).
type exampleProbe struct {
	*Mock
	vitecautoapi.StrictExampleFallback
}

// Credentials implements mockserver.Vendor.
func (m *Mock) Credentials() string { return "header x-api-key: " + m.cfg.APIKey }

// Handler serves the API with paths relative to the production base (no prefix).
func (m *Mock) Handler() http.Handler { return m.handler }

// Reset implements mockserver.Vendor: the store is the fixtures again.
func (m *Mock) Reset() error {
	customers := make(map[key]vitecautoapi.Customer, len(m.seed))
	for _, c := range m.seed {
		k, _ := keyOf(c) // checked at load
		customers[k] = c
	}
	m.mu.Lock()
	m.customers = customers
	m.mu.Unlock()
	return nil
}

// State returns the customers the mock holds.
func (m *Mock) State() any {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]vitecautoapi.Customer, 0, len(m.customers))
	for _, c := range m.seed {
		k, _ := keyOf(c)
		if cur, ok := m.customers[k]; ok {
			out = append(out, cur)
		}
	}
	return map[string]any{"customers": out}
}

// GetCustomer implements the generated strict server interface.
func (m *Mock) GetCustomer(_ context.Context, req vitecautoapi.GetCustomerRequestObject) (vitecautoapi.GetCustomerResponseObject, error) {
	m.mu.RLock()
	c, ok := m.customers[key{int(req.Params.CompanyId), int(req.Params.CustomerId)}]
	m.mu.RUnlock()
	if !ok {
		return vitecautoapi.GetCustomer404JSONResponse{NotFoundJSONResponse: vitecautoapi.NotFoundJSONResponse{Error: MsgNotFound}}, nil
	}
	return vitecautoapi.GetCustomer200JSONResponse(c), nil
}

func (m *Mock) authenticate(c echo.Context, _ *specs.Route) error {
	presented := c.Request().Header.Get("x-api-key")
	if presented == "" || !oauth.SecretEqual(presented, m.cfg.APIKey) {
		return &mockkit.Error{Status: http.StatusUnauthorized, Message: msgUnauthorized}
	}
	return nil
}

// render writes every error in the vendor's {"error": "..."} shape. Statuses the vendor does not
// document (404 for an unknown path, 405, 413) keep the same shape.
func render(c echo.Context, e *mockkit.Error) error {
	return c.JSON(e.Status, vitecautoapi.Error{Error: e.Message})
}
