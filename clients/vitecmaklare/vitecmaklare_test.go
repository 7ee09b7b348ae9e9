package vitecmaklare_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/clients/clientkit"
	"github.com/vendorctl/vendorctl/clients/vitecmaklare"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	mock "github.com/vendorctl/vendorctl/mocks/vitecmaklare"
	"github.com/vendorctl/vendorctl/specs"
)

// mockBase serves the mock with both customers readable by user "both" (password "pw") as well as
// the default credentials; every answer is checked against the spec.
func mockBase(t *testing.T) string {
	t.Helper()
	users := mock.DefaultUsers()
	users["both"] = mock.User{Password: "pw", Customers: []string{"M30011", "M40022"}}
	m, err := mock.New(mock.Config{Users: users, Options: mockkit.TestOptions(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.NewServer(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL + mock.Prefix
}

func newClient(t *testing.T, base, user, password string, opts ...vitecmaklare.Option) *vitecmaklare.Client {
	t.Helper()
	c, err := vitecmaklare.New(base, user, password, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type fixtureID struct{ customer, id, typ string }

func fixtureIDs(t *testing.T) []fixtureID {
	t.Helper()
	data, err := os.ReadFile("../../mocks/vitecmaklare/fixtures/contacts.json")
	if err != nil {
		t.Fatal(err)
	}
	var heads []struct{ CustomerID, ID, Type string }
	if err := json.Unmarshal(data, &heads); err != nil {
		t.Fatal(err)
	}
	out := make([]fixtureID, len(heads))
	for i, h := range heads {
		out[i] = fixtureID{h.CustomerID, h.ID, h.Type}
	}
	return out
}

// withAccept overrides the Accept header the client sends, to reach text/json and text/xml.
func withAccept(accept string) vitecmaklare.Option {
	return vitecmaklare.WithHTTPClient(&http.Client{Transport: roundTripper(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("Accept", accept)
		return http.DefaultTransport.RoundTrip(r)
	})})
}

type roundTripper func(*http.Request) (*http.Response, error)

func (f roundTripper) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// Every contact decodes into its own type, and is the same value in JSON, XML, text/json and text/xml.
func TestGetContactEveryTypeAndMediaType(t *testing.T) {
	base := mockBase(t)
	clients := map[string]*vitecmaklare.Client{
		"json":      newClient(t, base, "both", "pw", vitecmaklare.WithValidation()),
		"xml":       newClient(t, base, "both", "pw", vitecmaklare.WithValidation(), vitecmaklare.WithXML()),
		"text/json": newClient(t, base, "both", "pw", vitecmaklare.WithValidation(), withAccept("text/json")),
		"text/xml":  newClient(t, base, "both", "pw", vitecmaklare.WithValidation(), withAccept("text/xml")),
	}
	for _, f := range fixtureIDs(t) {
		t.Run(f.customer+"/"+f.id, func(t *testing.T) {
			got := map[string]vitecmaklare.Contact{}
			for name, c := range clients {
				contact, err := c.GetContact(context.Background(), f.customer, f.id)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if contact.ContactID() != f.id || contact.CustomerID() != f.customer || string(contact.ContactType()) != f.typ {
					t.Fatalf("%s: got %s/%s of type %s", name, contact.CustomerID(), contact.ContactID(), contact.ContactType())
				}
				got[name] = contact
			}
			for name, contact := range got {
				if !reflect.DeepEqual(contact, got["json"]) {
					t.Errorf("%s decodes to %+v, JSON to %+v", name, contact, got["json"])
				}
			}
			switch c := got["xml"].(type) {
			case *vitecmaklare.PersonContact:
				if f.typ != "Person" || c.FirstName == nil || c.Telephone == nil {
					t.Errorf("person %+v", c)
				}
			case *vitecmaklare.CompanyContact:
				if f.typ != "Company" || c.Name == nil || c.CorporateNumber == nil {
					t.Errorf("company %+v", c)
				}
			case *vitecmaklare.DeceasedEstateContact:
				if f.typ != "DeceasedEstate" || c.SocialSecurityNumber == nil {
					t.Errorf("deceased estate %+v", c)
				}
			default:
				t.Errorf("unexpected %T", c)
			}
		})
	}
}

func TestPersonFieldsFromXML(t *testing.T) {
	c := newClient(t, mockBase(t), mock.DefaultUser, mock.DefaultPassword, vitecmaklare.WithXML(), vitecmaklare.WithValidation())
	contact, err := c.GetContact(context.Background(), "M30011", "P1001")
	if err != nil {
		t.Fatal(err)
	}
	p, ok := contact.(*vitecmaklare.PersonContact)
	if !ok {
		t.Fatalf("got %T", contact)
	}
	changed, _ := time.Parse(time.RFC3339Nano, "2025-09-18T14:05:12.1655267+02:00")
	switch {
	case *p.FirstName != "Åsa" || *p.LastName != "Lindström" || p.LeadScore != 3 || p.WantsToBeMatched != "Yes":
		t.Errorf("names, lead score or matching: %+v", p)
	case !p.ChangedAt.Equal(changed) || p.ChangedAt.Nanosecond() != 165526700:
		t.Errorf("changedAt = %v, want %v with 100 ns precision", p.ChangedAt, changed)
	case p.Email == nil || *p.Email.EmailAddress != "asa.lindstrom@example.se" || p.Email.EmailAddress2 != nil:
		t.Errorf("email %+v", p.Email)
	case p.Categories == nil || len(*p.Categories) != 2 || (*p.Categories)[1].Id != "KAT7" || !(*p.Categories)[1].ReadOnly:
		t.Errorf("categories %+v", p.Categories)
	case p.Telephone.Other != nil || *p.Telephone.Cell != "070-123 45 67":
		t.Errorf("telephone %+v", p.Telephone)
	}
}

func TestGetContactErrors(t *testing.T) {
	base := mockBase(t)
	long := strings.Repeat("x", 41)
	for _, format := range []string{"json", "xml"} {
		opts := []vitecmaklare.Option{vitecmaklare.WithValidation()}
		if format == "xml" {
			opts = append(opts, vitecmaklare.WithXML())
		}
		good := newClient(t, base, mock.DefaultUser, mock.DefaultPassword, opts...)
		wrong := newClient(t, base, mock.DefaultUser, "wrong-password", opts...)
		unknown := newClient(t, base, "nobody", mock.DefaultPassword, opts...)
		cases := []struct {
			name              string
			client            *vitecmaklare.Client
			customer, contact string
			sentinel          error
			status            int
			message           string
			modelStateKey     string
		}{
			{"wrong password", wrong, "M30011", "P1001", vitecmaklare.ErrUnauthorized, 401, "Authorization has been denied", ""},
			{"unknown user", unknown, "M30011", "P1001", vitecmaklare.ErrUnauthorized, 401, "Authorization has been denied", ""},
			{"customer not granted", good, "M40022", "P2001", vitecmaklare.ErrForbidden, 403, "Åtkomst saknas till kund-id M40022.", ""},
			{"unknown customer", good, "M99999", "P1001", vitecmaklare.ErrForbidden, 403, "M99999", ""},
			{"unknown contact", good, "M30011", "P9999", vitecmaklare.ErrNotFound, 404, "Kontakten P9999 hittades inte.", ""},
			{"contactId too long", good, "M30011", long, vitecmaklare.ErrBadRequest, 400, "The request is invalid.", "contactId"},
			{"customerId too long", good, long, "P1001", vitecmaklare.ErrBadRequest, 400, "The request is invalid.", "customerId"},
			{"empty id refused before sending", good, "M30011", "", vitecmaklare.ErrBadRequest, 400, "required", ""},
		}
		for _, tc := range cases {
			t.Run(format+"/"+tc.name, func(t *testing.T) {
				_, err := tc.client.GetContact(context.Background(), tc.customer, tc.contact)
				if !errors.Is(err, tc.sentinel) {
					t.Fatalf("err = %v, want %v", err, tc.sentinel)
				}
				var ae *vitecmaklare.APIError
				if !errors.As(err, &ae) || ae.Status != tc.status || !strings.Contains(ae.Message, tc.message) {
					t.Fatalf("err = %#v, want status %d with a message containing %q", err, tc.status, tc.message)
				}
				if tc.modelStateKey != "" {
					if msgs := ae.ModelState[tc.modelStateKey]; len(msgs) != 1 || !strings.Contains(msgs[0], "40 tecken") {
						t.Errorf("modelState = %v, want one message for %s", ae.ModelState, tc.modelStateKey)
					}
				}
				for _, other := range []error{vitecmaklare.ErrBadRequest, vitecmaklare.ErrUnauthorized, vitecmaklare.ErrForbidden, vitecmaklare.ErrNotFound, vitecmaklare.ErrServer} {
					if other != tc.sentinel && errors.Is(err, other) {
						t.Errorf("err also matches %v", other)
					}
				}
			})
		}
	}
}

// A vendor that drifted from the spec is caught by WithValidation, in JSON and in XML.
func TestValidationCatchesDrift(t *testing.T) {
	drifted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Accept") == "application/xml" {
			w.Header().Set("Content-Type", "application/xml; charset=utf-8")
			_, _ = w.Write([]byte(`<CrmContact xmlns="http://schemas.datacontract.org/2004/07/Vitec.Housing.Connect.Api.Models.Contact.Crm"><Id>P1</Id><Type>Robot</Type></CrmContact>`))
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_, _ = w.Write([]byte(`{"type":"Person","id":"P1","customerId":"M30011","leadScore":"tre"}`))
	}))
	defer drifted.Close()
	for _, opts := range [][]vitecmaklare.Option{{vitecmaklare.WithValidation()}, {vitecmaklare.WithValidation(), vitecmaklare.WithXML()}} {
		c := newClient(t, drifted.URL, "u", "p", opts...)
		_, err := c.GetContact(context.Background(), "M30011", "P1")
		var ce *clientkit.ContractError
		if !errors.As(err, &ce) || ce.Operation != "getContact" || len(specs.Violations(err)) == 0 {
			t.Fatalf("err = %v, want a ContractError on getContact with violations", err)
		}
	}
	// Without validation the JSON answer decodes as far as it can: leadScore does not.
	plain := newClient(t, drifted.URL, "u", "p")
	if _, err := plain.GetContact(context.Background(), "M30011", "P1"); err == nil {
		t.Fatal("a leadScore that is a string decoded without error")
	}
}

func TestRetryOnServerError(t *testing.T) {
	var calls atomic.Int32
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if user, pass, ok := r.BasicAuth(); !ok || user != "u" || pass != "p" {
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		if calls.Add(1) < 3 {
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"message":"An error has occurred."}`))
			return
		}
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"message":"Kontakten P1 hittades inte."}`))
	}))
	defer flaky.Close()
	noSleep := func(context.Context, time.Duration) error { return nil }
	c := newClient(t, flaky.URL, "u", "p", vitecmaklare.WithRetry(clientkit.RetryPolicy{MaxAttempts: 3, Sleep: noSleep}))
	_, err := c.GetContact(context.Background(), "M30011", "P1")
	if !errors.Is(err, vitecmaklare.ErrNotFound) || calls.Load() != 3 {
		t.Fatalf("err = %v after %d calls, want not found after 3", err, calls.Load())
	}
	once := newClient(t, flaky.URL, "u", "p")
	calls.Store(0)
	if _, err := once.GetContact(context.Background(), "M30011", "P1"); !errors.Is(err, vitecmaklare.ErrServer) {
		t.Fatalf("err = %v, want ErrServer", err)
	}
}

func TestNotJSONNorXML(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("<html>maintenance</html>"))
	}))
	defer srv.Close()
	c := newClient(t, srv.URL, "u", "p")
	if _, err := c.GetContact(context.Background(), "M30011", "P1"); err == nil || !strings.Contains(err.Error(), "neither JSON nor XML") {
		t.Fatalf("err = %v", err)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, tc := range []struct{ base, user, password string }{
		{"ftp://x", "u", "p"},
		{"http://x", "", "p"},
		{"http://x", "u", ""},
		{"http://x", "a:b", "p"},
	} {
		if _, err := vitecmaklare.New(tc.base, tc.user, tc.password); err == nil {
			t.Errorf("New(%q, %q, %q) accepted", tc.base, tc.user, tc.password)
		}
	}
}

// A client that asked for JSON still reads an XML answer (a proxy may choose it).
func TestXMLAnswerWithoutWithXML(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml; charset=utf-8")
		w.WriteHeader(403)
		_, _ = w.Write([]byte(`<Error><Message>Åtkomst saknas till kund-id M1.</Message></Error>`))
	}))
	defer srv.Close()
	c := newClient(t, srv.URL, "u", "p")
	_, err := c.GetContact(context.Background(), "M1", "P1")
	var ae *vitecmaklare.APIError
	if !errors.As(err, &ae) || !errors.Is(err, vitecmaklare.ErrForbidden) || ae.Message != "Åtkomst saknas till kund-id M1." {
		t.Fatalf("err = %#v", err)
	}
}
