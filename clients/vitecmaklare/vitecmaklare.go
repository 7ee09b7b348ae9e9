// Package vitecmaklare is the client of the Vitec Mäklare Connect CRM contact API.
//
//	c, err := vitecmaklare.New(vitecmaklare.ProductionURL, user, password)
//	contact, err := c.GetContact(ctx, "M30011", "P1001")
//	switch contact := contact.(type) {
//	case *vitecmaklare.PersonContact:
//		fmt.Println(*contact.FirstName, *contact.LastName)
//	case *vitecmaklare.CompanyContact:
//		fmt.Println(*contact.Name, *contact.CorporateNumber)
//	case *vitecmaklare.DeceasedEstateContact:
//		fmt.Println(*contact.Name)
//	}
//	if errors.Is(err, vitecmaklare.ErrForbidden) { ... }
//
// The API answers JSON by default; WithXML asks for its DataContract XML instead and decodes it into
// the same types (the XML is read into its JSON shape with xmlcodec.Decode, driven by the spec). Point
// the base URL at a mock (http://127.0.0.1:8080/vitecmaklare) to test against vendorctl serve.
package vitecmaklare

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorctl/vendorctl/clients/clientkit"
	vitecmaklareapi "github.com/vendorctl/vendorctl/gen/vitecmaklare"
	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/specs/xmlcodec"
)

// ProductionURL is the vendor's base URL (QA: https://connect-qa.maklare.vitec.net).
const ProductionURL = "https://connect.maklare.vitec.net"

// maxBody caps the answer the client reads.
const maxBody = 16 << 20

// The members of contacts, as generated from the spec.
type (
	ContactType             = vitecmaklareapi.ContactType
	Address                 = vitecmaklareapi.CrmContactAddress
	Email                   = vitecmaklareapi.Email
	Category                = vitecmaklareapi.Category
	PersonTelephoneNumbers  = vitecmaklareapi.PersonTelephoneNumbers
	CompanyTelephoneNumbers = vitecmaklareapi.CompanyTelephoneNumbers
	MatchingWatched         = vitecmaklareapi.MatchingWatched
)

// The contact types.
const (
	TypePerson         = vitecmaklareapi.ContactTypePerson
	TypeCompany        = vitecmaklareapi.ContactTypeCompany
	TypeDeceasedEstate = vitecmaklareapi.ContactTypeDeceasedEstate
)

// Contact is a contact of one of the three types: *PersonContact, *CompanyContact or
// *DeceasedEstateContact. Use a type switch to reach the members of its type.
type Contact interface {
	// ContactID is the contact's id (P1001).
	ContactID() string
	// CustomerID is the id of the customer the contact belongs to (M30011).
	CustomerID() string
	// ContactType is Person, Company or DeceasedEstate.
	ContactType() ContactType
	contact()
}

// PersonContact is a contact of type Person.
type PersonContact vitecmaklareapi.CrmPersonContact

// CompanyContact is a contact of type Company.
type CompanyContact vitecmaklareapi.CrmCompanyContact

// DeceasedEstateContact is a contact of type DeceasedEstate (dödsbo).
type DeceasedEstateContact vitecmaklareapi.CrmDeceasedEstateContact

// ContactID implements Contact.
func (c *PersonContact) ContactID() string { return c.Id }

// CustomerID implements Contact.
func (c *PersonContact) CustomerID() string { return c.CustomerId }

// ContactType implements Contact.
func (c *PersonContact) ContactType() ContactType { return TypePerson }

func (c *PersonContact) contact() {}

// ContactID implements Contact.
func (c *CompanyContact) ContactID() string { return c.Id }

// CustomerID implements Contact.
func (c *CompanyContact) CustomerID() string { return c.CustomerId }

// ContactType implements Contact.
func (c *CompanyContact) ContactType() ContactType { return TypeCompany }

func (c *CompanyContact) contact() {}

// ContactID implements Contact.
func (c *DeceasedEstateContact) ContactID() string { return c.Id }

// CustomerID implements Contact.
func (c *DeceasedEstateContact) CustomerID() string { return c.CustomerId }

// ContactType implements Contact.
func (c *DeceasedEstateContact) ContactType() ContactType { return TypeDeceasedEstate }

func (c *DeceasedEstateContact) contact() {}

// Errors a call can be checked against with errors.Is. The returned error is an *APIError carrying the
// vendor's message.
var (
	ErrBadRequest   = errors.New("vitecmaklare: bad request")
	ErrUnauthorized = errors.New("vitecmaklare: wrong or missing user name or password")
	ErrForbidden    = errors.New("vitecmaklare: no access to the requested data")
	ErrNotFound     = errors.New("vitecmaklare: not found")
	ErrServer       = errors.New("vitecmaklare: server error")
)

// APIError is an error answer of the API (ASP.NET Web API's HttpError).
type APIError struct {
	Status int
	// Message is the vendor's message ("Åtkomst saknas till kund-id M40022.").
	Message string
	// MessageDetail is set on Web API's own 404 for an address that matches no route.
	MessageDetail string
	// ModelState lists the validation messages of a 400 by input (contactId, customerId).
	ModelState map[string][]string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("vitecmaklare: %d %s: %s", e.Status, http.StatusText(e.Status), e.Message)
	keys := make([]string, 0, len(e.ModelState))
	for key := range e.ModelState {
		keys = append(keys, key)
	}
	sort.Strings(keys)
	for _, key := range keys {
		msg += fmt.Sprintf("; %s: %s", key, strings.Join(e.ModelState[key], " "))
	}
	return msg
}

// Is matches the sentinel errors by status.
func (e *APIError) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.Status == http.StatusBadRequest
	case ErrUnauthorized:
		return e.Status == http.StatusUnauthorized
	case ErrForbidden:
		return e.Status == http.StatusForbidden
	case ErrNotFound:
		return e.Status == http.StatusNotFound
	case ErrServer:
		return e.Status >= 500
	}
	return false
}

// Client calls the API. It is safe for concurrent use.
type Client struct {
	api    *vitecmaklareapi.Client
	accept string
	// schemas returns the schemas of the bodies, for reading XML answers; the spec is loaded once, in
	// New when WithXML or WithValidation needs it, else on the first XML answer.
	schemas func() (*bodySchemas, error)
}

type bodySchemas struct {
	contact, error, validation *openapi3.SchemaRef
}

func schemasOf(spec *specs.Spec) (*bodySchemas, error) {
	all := spec.Doc().Components.Schemas
	b := &bodySchemas{contact: all["CrmContact"], error: all["Error"], validation: all["ValidationError"]}
	if b.contact == nil || b.error == nil || b.validation == nil {
		return nil, errors.New("vitecmaklare: the spec lacks the CrmContact, Error or ValidationError schema")
	}
	return b, nil
}

func loadSchemas() (*bodySchemas, error) {
	spec, err := specs.Load("vitecmaklare")
	if err != nil {
		return nil, err
	}
	return schemasOf(spec)
}

type options struct {
	clientkit.Settings
	xml bool
}

// Option configures New.
type Option func(*options)

// WithHTTPClient sends requests through hc (its own timeout applies).
func WithHTTPClient(hc *http.Client) Option { return func(o *options) { o.HTTPClient = hc } }

// WithTimeout sets the whole-request timeout (default clientkit.DefaultTimeout).
func WithTimeout(d time.Duration) Option { return func(o *options) { o.Timeout = d } }

// WithValidation validates every answer, JSON or XML, against the spec; a drifted answer becomes a
// *clientkit.ContractError.
func WithValidation() Option { return func(o *options) { o.Validate = true } }

// WithXML asks for XML (Accept: application/xml) instead of JSON. The answer is decoded into the same
// types; errors carry the same messages.
func WithXML() Option { return func(o *options) { o.xml = true } }

// WithRetry retries 5xx answers and transport errors (the API has only GET).
func WithRetry(p clientkit.RetryPolicy) Option { return func(o *options) { o.Retry = &p } }

// New returns a client for baseURL (ProductionURL, or a mock's base) that authenticates with HTTP
// Basic.
func New(baseURL, user, password string, opts ...Option) (*Client, error) {
	if user == "" || password == "" {
		return nil, errors.New("vitecmaklare: empty user name or password")
	}
	if strings.Contains(user, ":") {
		return nil, errors.New("vitecmaklare: a Basic user name cannot hold a colon")
	}
	if err := clientkit.CheckBaseURL("vitecmaklare", baseURL); err != nil {
		return nil, err
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	c := &Client{accept: "application/json", schemas: sync.OnceValues(loadSchemas)}
	if o.xml {
		c.accept = "application/xml"
	}
	doer, _, spec, err := o.Build("vitecmaklare", baseURL)
	if err != nil {
		return nil, err
	}
	if o.xml && spec == nil {
		if spec, err = specs.Load("vitecmaklare"); err != nil {
			return nil, err
		}
	}
	if spec != nil {
		schemas, err := schemasOf(spec)
		if err != nil {
			return nil, err
		}
		c.schemas = func() (*bodySchemas, error) { return schemas, nil }
	}
	doer = clientkit.WithBasicAuth(doer, user, password)
	api, err := vitecmaklareapi.NewClient(strings.TrimSuffix(baseURL, "/"), vitecmaklareapi.WithHTTPClient(doer))
	if err != nil {
		return nil, fmt.Errorf("vitecmaklare: %w", err)
	}
	c.api = api
	return c, nil
}

// GetContact fetches one contact of a customer. The result is a *PersonContact, *CompanyContact or
// *DeceasedEstateContact.
func (c *Client) GetContact(ctx context.Context, customerID, contactID string) (Contact, error) {
	if customerID == "" || contactID == "" {
		return nil, &APIError{Status: http.StatusBadRequest, Message: "customerId and contactId are required"}
	}
	resp, err := c.api.GetContact(ctx, customerID, contactID, func(_ context.Context, req *http.Request) error {
		req.Header.Set("Accept", c.accept)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("vitecmaklare: get contact %s/%s: %w", customerID, contactID, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, fmt.Errorf("vitecmaklare: get contact %s/%s: read answer: %w", customerID, contactID, err)
	}
	format := formatOf(resp.Header.Get("Content-Type"))
	if resp.StatusCode != http.StatusOK {
		return nil, c.apiError(resp.StatusCode, format, body)
	}
	contact, err := c.decodeContact(format, body)
	if err != nil {
		return nil, fmt.Errorf("vitecmaklare: get contact %s/%s: %w", customerID, contactID, err)
	}
	return contact, nil
}

type bodyFormat int

const (
	formatOther bodyFormat = iota
	formatJSON
	formatXML
)

func formatOf(contentType string) bodyFormat {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return formatOther
	}
	switch {
	case mt == "application/json" || mt == "text/json" || strings.HasSuffix(mt, "+json"):
		return formatJSON
	case mt == "application/xml" || mt == "text/xml" || strings.HasSuffix(mt, "+xml"):
		return formatXML
	}
	return formatOther
}

// jsonOf returns the JSON form of a body: the body itself, or its XML read into the JSON shape of the
// schema that pick chooses.
func (c *Client) jsonOf(format bodyFormat, body []byte, pick func(*bodySchemas) *openapi3.SchemaRef) ([]byte, error) {
	switch format {
	case formatJSON:
		return body, nil
	case formatXML:
		schemas, err := c.schemas()
		if err != nil {
			return nil, err
		}
		v, err := xmlcodec.Decode(body, pick(schemas))
		if err != nil {
			return nil, err
		}
		return json.Marshal(v)
	}
	return nil, errors.New("the answer is neither JSON nor XML")
}

func (c *Client) decodeContact(format bodyFormat, body []byte) (Contact, error) {
	data, err := c.jsonOf(format, body, func(b *bodySchemas) *openapi3.SchemaRef { return b.contact })
	if err != nil {
		return nil, fmt.Errorf("decode contact: %w", err)
	}
	var union vitecmaklareapi.CrmContact
	if err := json.Unmarshal(data, &union); err != nil {
		return nil, fmt.Errorf("decode contact: %w", err)
	}
	value, err := union.ValueByDiscriminator()
	if err != nil {
		return nil, fmt.Errorf("decode contact: %w", err)
	}
	switch v := value.(type) {
	case vitecmaklareapi.CrmPersonContact:
		p := PersonContact(v)
		return &p, nil
	case vitecmaklareapi.CrmCompanyContact:
		co := CompanyContact(v)
		return &co, nil
	case vitecmaklareapi.CrmDeceasedEstateContact:
		d := DeceasedEstateContact(v)
		return &d, nil
	}
	return nil, fmt.Errorf("decode contact: unexpected %T", value)
}

func (c *Client) apiError(status int, format bodyFormat, body []byte) error {
	e := &APIError{Status: status, Message: strings.TrimSpace(string(body))}
	if e.Message == "" {
		e.Message = http.StatusText(status)
	}
	data, err := c.jsonOf(format, body, func(b *bodySchemas) *openapi3.SchemaRef {
		if status == http.StatusBadRequest {
			return b.validation
		}
		return b.error
	})
	if err != nil {
		return e
	}
	var parsed struct {
		Message       string              `json:"message"`
		MessageDetail string              `json:"messageDetail"`
		ModelState    map[string][]string `json:"modelState"`
	}
	if err := json.Unmarshal(data, &parsed); err == nil && parsed.Message != "" {
		e.Message, e.MessageDetail, e.ModelState = parsed.Message, parsed.MessageDetail, parsed.ModelState
	}
	return e
}
