package vitecmaklare

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	vitecmaklareapi "github.com/vendorctl/vendorctl/gen/vitecmaklare"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/specs/xmlcodec"
)

// Name is the API's short name; Prefix is where the mock serves https://connect.maklare.vitec.net.
const (
	Name   = "vitecmaklare"
	Prefix = "/vitecmaklare"
	// DefaultUser and DefaultPassword are the default Basic credentials; they may read DefaultCustomer.
	DefaultUser     = "mock-user"
	DefaultPassword = "mock-password"
	DefaultCustomer = "M30011"
)

//go:embed fixtures/*.json
var embeddedFixtures embed.FS

// fixtures are the contacts with their JSON and XML bodies, encoded once per process from the embedded
// files; the seed is read-only.
var fixtures = mockkit.NewFixtures(embeddedFixtures, "fixtures", loadContacts)

// User is one set of Basic credentials.
type User struct {
	Password string
	// Customers are the customer ids the credentials may read; any other is answered 403.
	Customers []string
}

// DefaultUsers returns the default credentials: DefaultUser / DefaultPassword reading DefaultCustomer.
func DefaultUsers() map[string]User {
	return map[string]User{DefaultUser: {Password: DefaultPassword, Customers: []string{DefaultCustomer}}}
}

// Config configures the mock.
type Config struct {
	// Users maps a user name to its password and customers (nil: DefaultUsers()).
	Users map[string]User
	// Fixtures replaces the embedded fixtures: a file system holding contacts.json.
	Fixtures fs.FS
	mockkit.Options
}

// Mock is the Vitec Mäklare mock. It implements the generated strict server interface.
type Mock struct {
	// StrictExampleFallback answers the operations that Mock has no method for from the spec's examples.
	vitecmaklareapi.StrictExampleFallback
	mockkit.Identity

	cfg     Config
	spec    *specs.Spec
	handler http.Handler
	seed    []contact

	mu       sync.RWMutex
	contacts map[contactKey]contact
}

var (
	_ vitecmaklareapi.StrictServerInterface = (*Mock)(nil)
	_ mockserver.Vendor                     = (*Mock)(nil)
)

type contactKey struct{ customer, id string }

// contact is one fixture, ready to send: its JSON exactly as in the fixture (compacted) and its XML.
type contact struct {
	key  contactKey
	json []byte
	xml  []byte
}

// New builds the mock: loads the spec and the fixtures once, and encodes every contact in both forms.
func New(cfg Config) (*Mock, error) {
	if cfg.Users == nil {
		cfg.Users = DefaultUsers()
	}
	if err := checkUsers(cfg.Users); err != nil {
		return nil, err
	}
	spec, err := specs.Load(Name)
	if err != nil {
		return nil, err
	}
	seed, err := fixtures.Load(cfg.Fixtures)
	if err != nil {
		return nil, err
	}
	m := &Mock{cfg: cfg, spec: spec, seed: seed}
	if err := m.Reset(); err != nil {
		return nil, err
	}
	e, err := mockkit.NewAPI(mockkit.APIConfig{
		Name:         Name,
		Spec:         spec,
		Render:       m.render,
		Authenticate: m.authenticate,
		Register: func(e *echo.Echo) {
			vitecmaklareapi.RegisterHandlers(e, vitecmaklareapi.NewStrictHandler(m, []vitecmaklareapi.StrictMiddlewareFunc{negotiated}))
		},
		Options: cfg.Options,
	})
	if err != nil {
		return nil, err
	}
	m.handler = e
	m.Identity = mockkit.NewIdentity(Name, title, mockserver.Mount{Prefix: Prefix, Production: spec.ServerURL(), Handler: e,
		ExampleAnswered: vitecmaklareapi.ExampleAnsweredOperations(exampleProbe{})})
	return m, nil
}

func checkUsers(users map[string]User) error {
	for name, u := range users {
		switch {
		case name == "" || strings.Contains(name, ":"):
			return fmt.Errorf("vitecmaklare: user name %q must be non-empty and without a colon", name)
		case u.Password == "":
			return fmt.Errorf("vitecmaklare: user %q has an empty password", name)
		case slices.Contains(u.Customers, ""):
			return fmt.Errorf("vitecmaklare: user %q has an empty customer id", name)
		}
	}
	return nil
}

// loadContacts reads contacts.json: an array of contacts in the JSON shape the API returns.
func loadContacts(fsys fs.FS) ([]contact, error) {
	spec, err := specs.Load(Name)
	if err != nil {
		return nil, err
	}
	data, err := fs.ReadFile(fsys, "contacts.json")
	if err != nil {
		return nil, fmt.Errorf("read vitecmaklare fixtures: %w", err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return nil, fmt.Errorf("decode vitecmaklare fixtures contacts.json: %w", err)
	}
	schema := spec.Doc().Components.Schemas["CrmContact"]
	if schema == nil {
		return nil, errors.New("vitecmaklare spec has no CrmContact schema")
	}
	seen := map[contactKey]bool{}
	out := make([]contact, 0, len(raws))
	for i, raw := range raws {
		c, err := newContact(raw, schema)
		if err != nil {
			return nil, fmt.Errorf("vitecmaklare fixtures contacts.json record %d: %w", i, err)
		}
		if seen[c.key] {
			return nil, fmt.Errorf("vitecmaklare fixtures contacts.json record %d: contact %s/%s appears twice", i, c.key.customer, c.key.id)
		}
		seen[c.key] = true
		out = append(out, c)
	}
	return out, nil
}

func newContact(raw json.RawMessage, schema *openapi3.SchemaRef) (contact, error) {
	var head struct {
		ID         string `json:"id"`
		CustomerID string `json:"customerId"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return contact{}, err
	}
	if head.ID == "" || head.CustomerID == "" {
		return contact{}, errors.New("id and customerId are required")
	}
	var compact bytes.Buffer
	if err := json.Compact(&compact, raw); err != nil {
		return contact{}, err
	}
	value, err := xmlcodec.DecodeJSON(raw)
	if err != nil {
		return contact{}, err
	}
	xmlBody, err := xmlcodec.Encode(schema, value)
	if err != nil {
		return contact{}, fmt.Errorf("contact %s/%s as XML: %w", head.CustomerID, head.ID, err)
	}
	return contact{key: contactKey{head.CustomerID, head.ID}, json: compact.Bytes(), xml: xmlBody}, nil
}

// exampleProbe has in its method set exactly the operations that Mock leaves to its embedded
// StrictExampleFallback (see vitecmaklareapi.ExampleAnsweredOperations).
type exampleProbe struct {
	*Mock
	vitecmaklareapi.StrictExampleFallback
}

// Credentials implements mockserver.Vendor.
func (m *Mock) Credentials() string {
	names := make([]string, 0, len(m.cfg.Users))
	for name := range m.cfg.Users {
		names = append(names, name)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, name := range names {
		u := m.cfg.Users[name]
		parts[i] = fmt.Sprintf("basic %s / %s (customers %s)", name, u.Password, strings.Join(u.Customers, ", "))
	}
	return strings.Join(parts, "; ")
}

// Handler serves the API with paths relative to the production base (no prefix).
func (m *Mock) Handler() http.Handler { return m.handler }

// Reset implements mockserver.Vendor: the store is the fixtures again.
func (m *Mock) Reset() error {
	contacts := make(map[contactKey]contact, len(m.seed))
	for _, c := range m.seed {
		contacts[c.key] = c
	}
	m.mu.Lock()
	m.contacts = contacts
	m.mu.Unlock()
	return nil
}

// State returns the contacts the mock holds, in the JSON form it serves.
func (m *Mock) State() any {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]json.RawMessage, 0, len(m.contacts))
	for _, c := range m.seed {
		if cur, ok := m.contacts[c.key]; ok {
			out = append(out, json.RawMessage(cur.json))
		}
	}
	return map[string]any{"contacts": out}
}

type ctxKey int

const (
	userKey ctxKey = iota
	mediaKey
)

// GetContact implements the generated strict server interface.
func (m *Mock) GetContact(ctx context.Context, req vitecmaklareapi.GetContactRequestObject) (vitecmaklareapi.GetContactResponseObject, error) {
	user, _ := ctx.Value(userKey).(string)
	if !slices.Contains(m.cfg.Users[user].Customers, req.CustomerId) {
		return nil, &mockkit.Error{Status: http.StatusForbidden, Message: msgForbidden(req.CustomerId)}
	}
	m.mu.RLock()
	c, ok := m.contacts[contactKey{req.CustomerId, req.ContactId}]
	m.mu.RUnlock()
	if !ok {
		return nil, &mockkit.Error{Status: http.StatusNotFound, Message: msgContactNotFound(req.ContactId)}
	}
	media, _ := ctx.Value(mediaKey).(string)
	if media == "" {
		media = MediaJSON
	}
	data := c.json
	if isXML(media) {
		data = c.xml
	}
	return body{status: http.StatusOK, media: media, data: data}, nil
}

// negotiated puts the media type the Accept header asks for into the handler's context.
func negotiated(f vitecmaklareapi.StrictHandlerFunc, _ string) vitecmaklareapi.StrictHandlerFunc {
	return func(c echo.Context, request any) (any, error) {
		r := c.Request()
		c.SetRequest(r.WithContext(context.WithValue(r.Context(), mediaKey, Negotiate(r.Header.Values("Accept")))))
		return f(c, request)
	}
}

func (m *Mock) log() *slog.Logger {
	if m.cfg.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return m.cfg.Logger
}

// dummyPassword is compared against when the user is unknown, so that the answer takes as long.
const dummyPassword = "\x00vitecmaklare-no-such-user\x00"

// authenticate checks the Basic credentials and remembers the user for the handler's access check.
func (m *Mock) authenticate(c echo.Context, _ *specs.Route) error {
	name, password, err := oauth.BasicCredentials(c.Request().Header)
	if err != nil {
		m.log().Debug("vitecmaklare: authentication failed", "reason", err.Error())
		return &mockkit.Error{Status: http.StatusUnauthorized, Message: msgUnauthorized}
	}
	user, known := m.cfg.Users[name]
	expected := user.Password
	if !known {
		expected = dummyPassword
	}
	if !oauth.SecretEqual(password, expected) || !known {
		m.log().Debug("vitecmaklare: authentication failed", "reason", "unknown user or wrong password")
		return &mockkit.Error{Status: http.StatusUnauthorized, Message: msgUnauthorized}
	}
	r := c.Request()
	c.SetRequest(r.WithContext(context.WithValue(r.Context(), userKey, name)))
	return nil
}
