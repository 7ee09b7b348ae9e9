package timewave_test

import (
	"errors"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/mocks/timewave"
)

func TestFixturesConfig(t *testing.T) {
	ref, err := os.ReadFile("fixtures/reference.json")
	if err != nil {
		t.Fatal(err)
	}
	client := func(id int, extra string) string {
		return `{"id":` + itoa(id) + `,"type":1,"clienttype":null,"status":"active","title":null,"number":null,"deleted":false,
			"phone":null,"mobile":null,"paymentterms":null,"email":null,"clientnbr":` + itoa(id) + `,"employee_id":null,"paymenttype":1,
			"hourpot":null,"fax":null,"workphone":null,"has_hourpot":false,"secondary_email":null,"www":null,"invoicetemplate_id":null,
			"first_name":null,"last_name":null,"company_name":null,"personal_number":null,"invoice_fee_id":null,"addresses":[],
			"contacts":[],"full_reduction_pot":0,"references":[]` + extra + `}`
	}
	cases := []struct {
		name, clients, reference, wantErr string
	}{
		{"valid", "[" + client(1, `,"bank":null`) + "]", string(ref), ""},
		{"not JSON", "[", string(ref), "clients.json"},
		{"unknown key", "[" + client(1, `,"bank":null,"colour":"red"`) + "]", string(ref), "clients.json"},
		{"duplicate id", "[" + client(1, `,"bank":null`) + "," + client(1, `,"bank":null`) + "]", string(ref), "not unique"},
		{"bank not in the table", "[" + client(1, `,"bank":{"id":99,"bid":null,"enar":null,"name":"X"}`) + "]", string(ref), "bank 99"},
		{"bank differs from the table", "[" + client(1, `,"bank":{"id":1,"bid":"SWEDSESS","enar":"8000","name":"Sparbanken"}`) + "]", string(ref), "bank 1"},
		{"missing table", "[]", `{"employees":[{"id":1}]}`, "reference.json"},
		{"no reference file", "[]", "", "reference.json"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fsys := fstest.MapFS{"clients.json": {Data: []byte(tc.clients)}}
			if tc.reference != "" {
				fsys["reference.json"] = &fstest.MapFile{Data: []byte(tc.reference)}
			}
			m, err := timewave.New(timewave.Config{Fixtures: fsys})
			if tc.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(m.Credentials(), "mock-client") {
					t.Errorf("credentials %q", m.Credentials())
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Fatalf("error %v, want one mentioning %q", err, tc.wantErr)
			}
		})
	}
	for _, rate := range []float64{-1, math.NaN()} {
		if _, err := timewave.New(timewave.Config{RateLimit: oauth.RateLimit{Rate: rate}}); !errors.Is(err, mockkit.ErrRate) {
			t.Errorf("rate %g: err %v, want mockkit.ErrRate", rate, err)
		}
	}
}

func TestTokenTTLAndCredentials(t *testing.T) {
	m, err := timewave.New(timewave.Config{ClientID: "acme", ClientSecret: "s3cret", TokenTTL: 90 * time.Second, Options: mockkit.TestOptions(t)})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(m.Handler())
	t.Cleanup(ts.Close)
	e := &env{t: t, mock: m, base: ts.URL}
	status, _, body := e.form(creds("acme", "s3cret", "client_credentials"))
	if status != 200 || !strings.Contains(string(body), `"expires_in":90`) {
		t.Fatalf("%d %s", status, body)
	}
	if status, _, _ := e.form(creds(timewave.DefaultClientID, timewave.DefaultClientSecret, "client_credentials")); status != 401 {
		t.Errorf("default credentials: %d", status)
	}
}

// Without request validation (benchmarks), bad input still gets a 4xx and no write.
func TestNoValidation(t *testing.T) {
	m, err := timewave.New(timewave.Config{Options: mockkit.Options{NoValidation: true}})
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := mockserver.NewServer(nil, m)
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	e := &env{t: t, mock: m, base: ts.URL + timewave.Prefix}
	e.token = e.newToken()
	for _, tc := range []struct {
		method, path string
		body         any
		status       int
	}{
		{http.MethodPost, "/clients", `{`, 400},
		{http.MethodPost, "/clients", map[string]any{"payment_type": 2}, 422},
		{http.MethodPost, "/clients", map[string]any{"employee_id": 999}, 422},
		{http.MethodPut, "/clients/1001", map[string]any{"references": []any{map[string]any{"id": 77, "name": "x"}}}, 422},
		{http.MethodGet, "/clients?page[size]=0", nil, 400},
		{http.MethodGet, "/clients?page=-1", nil, 400},
		{http.MethodGet, "/clients?filter[id][between]=x", nil, 400},
		{http.MethodGet, "/clients/abc", nil, 400},
	} {
		if status, body := e.call(tc.method, tc.path, tc.body); status != tc.status {
			t.Errorf("%s %s %v: %d %s, want %d", tc.method, tc.path, tc.body, status, body, tc.status)
		}
	}
	if e.total() != 260 {
		t.Errorf("total %d", e.total())
	}
}
