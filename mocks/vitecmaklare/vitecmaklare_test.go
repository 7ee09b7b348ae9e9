package vitecmaklare_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/vitecmaklare"
	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/specs/xmlcodec"
)

func newServer(t *testing.T, cfg vitecmaklare.Config) (*vitecmaklare.Mock, string) {
	t.Helper()
	m, url := mockharness.Serve(t, func(o mockkit.Options) (*vitecmaklare.Mock, error) { cfg.Options = o; return vitecmaklare.New(cfg) })
	return m, url + vitecmaklare.Prefix
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

func get(t *testing.T, method, url string, header map[string]string) answer {
	t.Helper()
	resp, body := kittest.Do(t, method, url, "", header)
	return answer{resp.StatusCode, resp.Header, body}
}

func basic(user, password string) string {
	return "Basic " + base64.StdEncoding.EncodeToString([]byte(user+":"+password))
}

var defaultAuth = basic(vitecmaklare.DefaultUser, vitecmaklare.DefaultPassword)

// fixtures returns every fixture contact by customer/id, as decoded JSON and as its raw text.
func fixtures(t *testing.T) (map[string]any, map[string]json.RawMessage) {
	t.Helper()
	data, err := os.ReadFile("fixtures/contacts.json")
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		t.Fatal(err)
	}
	values, texts := map[string]any{}, map[string]json.RawMessage{}
	for _, raw := range raws {
		var v map[string]any
		if err := json.Unmarshal(raw, &v); err != nil {
			t.Fatal(err)
		}
		key := v["customerId"].(string) + "/" + v["id"].(string)
		values[key], texts[key] = v, raw
	}
	return values, texts
}

func loadSpec(t *testing.T) *specs.Spec {
	t.Helper()
	spec, err := specs.Load(vitecmaklare.Name)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// Every contact of both customers, in each of the four media types, is its fixture; every answer is
// validated against the spec by TestOptions.
func TestEveryContactInEveryMediaType(t *testing.T) {
	users := map[string]vitecmaklare.User{"both": {Password: "pw", Customers: []string{"M30011", "M40022"}}}
	_, base := newServer(t, vitecmaklare.Config{Users: users})
	spec := loadSpec(t)
	schema := spec.Doc().Components.Schemas["CrmContact"]
	values, texts := fixtures(t)
	if len(values) < 11 {
		t.Fatalf("%d fixtures, want at least 11", len(values))
	}
	types := map[string]int{}
	for key, want := range values {
		typ := want.(map[string]any)["type"].(string)
		types[typ]++
		for _, accept := range []string{"", vitecmaklare.MediaJSON, vitecmaklare.MediaTextJSON, vitecmaklare.MediaXML, vitecmaklare.MediaTextXML} {
			t.Run(key+"/"+accept, func(t *testing.T) {
				h := map[string]string{"Authorization": basic("both", "pw")}
				if accept != "" {
					h["Accept"] = accept
				}
				a := get(t, http.MethodGet, base+"/CRM/Contact/"+key, h)
				if a.status != http.StatusOK {
					t.Fatalf("status %d: %s", a.status, a.body)
				}
				media := accept
				if media == "" {
					media = vitecmaklare.MediaJSON
				}
				if ct := a.header.Get("Content-Type"); ct != media+"; charset=utf-8" {
					t.Errorf("Content-Type = %q, want %s; charset=utf-8", ct, media)
				}
				var got any
				if strings.HasSuffix(media, "xml") {
					var err error
					if got, err = xmlcodec.Decode(a.body, schema); err != nil {
						t.Fatalf("decode XML: %v\n%s", err, a.body)
					}
				} else {
					var compact bytes.Buffer
					if err := json.Compact(&compact, texts[key]); err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(a.body, compact.Bytes()) {
						t.Fatalf("JSON is not the fixture's text:\n got %s\nwant %s", a.body, compact.Bytes())
					}
					if err := json.Unmarshal(a.body, &got); err != nil {
						t.Fatal(err)
					}
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("body differs from the fixture:\n got %v\nwant %v", got, want)
				}
			})
		}
	}
	for _, typ := range []string{"Person", "Company", "DeceasedEstate"} {
		if types[typ] < 2 {
			t.Errorf("%d fixtures of type %s, want at least 2", types[typ], typ)
		}
	}
}

// The XML the mock writes is the spec's named XML examples, byte for byte, but for their indentation.
func TestXMLIsTheSpecExamples(t *testing.T) {
	users := map[string]vitecmaklare.User{"both": {Password: "pw", Customers: []string{"M30011", "M40022"}}}
	_, base := newServer(t, vitecmaklare.Config{Users: users})
	spec := loadSpec(t)
	between := regexp.MustCompile(`>\s+<`)
	for path, example := range map[string]string{
		"M30011/P1001": "PersonXml", "M30011/C1001": "CompanyXml", "M30011/D1001": "DeceasedEstateXml",
		"M30011/P1002": "PersonWithNullsXml", "M40022/D2001": "DeceasedEstateWithNullsXml",
	} {
		t.Run(example, func(t *testing.T) {
			want := strings.TrimSpace(between.ReplaceAllString(spec.Doc().Components.Examples[example].Value.Value.(string), "><"))
			a := get(t, http.MethodGet, base+"/CRM/Contact/"+path, map[string]string{"Authorization": basic("both", "pw"), "Accept": "application/xml"})
			if a.status != 200 || string(a.body) != want {
				t.Fatalf("status %d\n got %s\nwant %s", a.status, a.body, want)
			}
		})
	}
}

// Datetimes are written from the fixture's text: seven fractional digits, or none at midnight, and the
// offset, in JSON and XML alike.
func TestDatetimesAsTheVendorWritesThem(t *testing.T) {
	_, base := newServer(t, vitecmaklare.Config{})
	for _, accept := range []string{"application/json", "application/xml"} {
		a := get(t, http.MethodGet, base+"/CRM/Contact/M30011/P1001", map[string]string{"Authorization": defaultAuth, "Accept": accept})
		for _, want := range []string{"2025-09-18T14:05:12.1655267+02:00", "2024-05-20T09:14:33.1747257+02:00", "2024-05-20T00:00:00+02:00"} {
			if !bytes.Contains(a.body, []byte(want)) {
				t.Errorf("%s: %s missing from %s", accept, want, a.body)
			}
		}
	}
}

// A person, a company and a deceased estate each carry the members of their own type.
func TestEachTypeHasItsOwnMembers(t *testing.T) {
	_, base := newServer(t, vitecmaklare.Config{})
	for id, members := range map[string][]string{
		"P1001": {"firstName", "lastName", "wantsToBeMatched", "gdprApprovalDate", "isForeignSocialSecurityNumber"},
		"C1001": {"name", "corporateNumber", "homePage", "isForeignCorporateNumber"},
		"D1001": {"name", "socialSecurityNumber", "isForeignIdSocialSecurityNumber"},
	} {
		a := get(t, http.MethodGet, base+"/CRM/Contact/M30011/"+id, map[string]string{"Authorization": defaultAuth})
		var got map[string]any
		if err := json.Unmarshal(a.body, &got); err != nil {
			t.Fatalf("%s: %v %s", id, err, a.body)
		}
		for _, m := range members {
			if _, ok := got[m]; !ok {
				t.Errorf("%s lacks %s", id, m)
			}
		}
	}
}

func TestAuthentication(t *testing.T) {
	_, base := newServer(t, vitecmaklare.Config{})
	b64 := base64.StdEncoding.EncodeToString
	cases := []struct {
		name   string
		auth   string // "" sends no header
		status int
	}{
		{"no header", "", 401},
		{"bad base64", "Basic !!!not-base64!!!", 401},
		{"no colon", "Basic " + b64([]byte("mock-usermock-password")), 401},
		{"wrong scheme", "Bearer " + b64([]byte("mock-user:mock-password")), 401},
		{"scheme without value", "Basic", 401},
		{"empty value", "Basic    ", 401},
		{"empty credentials", "Basic " + b64([]byte(":")), 401},
		{"wrong password", basic("mock-user", "mock-passwore"), 401},
		{"unknown user", basic("other-user", "mock-password"), 401},
		{"password with a colon is not split", basic("mock-user", "mock:password"), 401},
		{"lower-case scheme as the doc writes it", "basic " + b64([]byte("mock-user:mock-password")), 200},
		{"right credentials", defaultAuth, 200},
	}
	for _, tc := range cases {
		for _, accept := range []string{"application/json", "text/xml"} {
			t.Run(tc.name+"/"+accept, func(t *testing.T) {
				h := map[string]string{"Accept": accept}
				if tc.auth != "" {
					h["Authorization"] = tc.auth
				}
				a := get(t, http.MethodGet, base+"/CRM/Contact/M30011/P1001", h)
				if a.status != tc.status {
					t.Fatalf("status %d, want %d: %s", a.status, tc.status, a.body)
				}
				if ct := a.header.Get("Content-Type"); ct != accept+"; charset=utf-8" {
					t.Errorf("Content-Type %q, want %s", ct, accept)
				}
				if tc.status == 401 {
					want := `{"message":"Authorization has been denied for this request."}`
					if accept == "text/xml" {
						want = `<Error><Message>Authorization has been denied for this request.</Message></Error>`
					}
					if string(a.body) != want {
						t.Errorf("body %s, want %s", a.body, want)
					}
					if strings.Contains(string(a.body), "mock-password") {
						t.Error("the password is in the body")
					}
				}
			})
		}
	}
}

func TestAccessAndErrors(t *testing.T) {
	_, base := newServer(t, vitecmaklare.Config{})
	long := strings.Repeat("x", 41)
	cases := []struct {
		name, method, path string
		status             int
		json               string // the exact JSON body
		xml                string // the exact XML body
	}{
		{"customer M40022 exists but is not granted", "GET", "/CRM/Contact/M40022/P2001", 403,
			`{"message":"Åtkomst saknas till kund-id M40022."}`, `<Error><Message>Åtkomst saknas till kund-id M40022.</Message></Error>`},
		{"missing contact of a customer not granted", "GET", "/CRM/Contact/M40022/P9999", 403,
			`{"message":"Åtkomst saknas till kund-id M40022."}`, ""},
		{"unknown customer", "GET", "/CRM/Contact/M99999/P1001", 403,
			`{"message":"Åtkomst saknas till kund-id M99999."}`, ""},
		{"unknown contact", "GET", "/CRM/Contact/M30011/P9999", 404,
			`{"message":"Kontakten P9999 hittades inte."}`, `<Error><Message>Kontakten P9999 hittades inte.</Message></Error>`},
		{"contact of the other customer", "GET", "/CRM/Contact/M30011/P2001", 404,
			`{"message":"Kontakten P2001 hittades inte."}`, ""},
		{"contactId over 40 characters", "GET", "/CRM/Contact/M30011/" + long, 400,
			`{"message":"The request is invalid.","modelState":{"contactId":["Kontaktid måste vara mellan 0 och 40 tecken"]}}`,
			`<Error><Message>The request is invalid.</Message><ModelState><contactId>Kontaktid måste vara mellan 0 och 40 tecken</contactId></ModelState></Error>`},
		{"customerId over 40 characters", "GET", "/CRM/Contact/" + long + "/P1001", 400,
			`{"message":"The request is invalid.","modelState":{"customerId":["Kund-id måste vara mellan 0 och 40 tecken"]}}`, ""},
		{"no route", "GET", "/CRM/Contact/M30011/P1001/x", 404,
			`{"message":"No HTTP resource was found that matches the request URI 'https://connect.maklare.vitec.net/CRM/Contact/M30011/P1001/x'.","messageDetail":"No route data was found for this request."}`,
			`<Error><Message>No HTTP resource was found that matches the request URI 'https://connect.maklare.vitec.net/CRM/Contact/M30011/P1001/x'.</Message><MessageDetail>No route data was found for this request.</MessageDetail></Error>`},
		{"missing contactId", "GET", "/CRM/Contact/M30011", 404, "", ""},
		{"another method", "DELETE", "/CRM/Contact/M30011/P1001", 405,
			`{"message":"The requested resource does not support http method 'DELETE'."}`, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for accept, want := range map[string]string{"application/json": tc.json, "application/xml": tc.xml} {
				a := get(t, tc.method, base+tc.path, map[string]string{"Authorization": defaultAuth, "Accept": accept})
				if a.status != tc.status {
					t.Fatalf("%s: status %d, want %d: %s", accept, a.status, tc.status, a.body)
				}
				if ct := a.header.Get("Content-Type"); ct != accept+"; charset=utf-8" {
					t.Errorf("%s: Content-Type %q", accept, ct)
				}
				if want != "" && string(a.body) != want {
					t.Errorf("%s: body\n got %s\nwant %s", accept, a.body, want)
				}
			}
		})
	}
}

// A configured user reads the customers it names, and no other; the default credentials are gone.
func TestConfiguredUsers(t *testing.T) {
	users := map[string]vitecmaklare.User{
		"maklare-b": {Password: "hemligt", Customers: []string{"M40022"}},
		"none":      {Password: "x"},
	}
	m, base := newServer(t, vitecmaklare.Config{Users: users})
	for _, tc := range []struct {
		auth, path string
		status     int
	}{
		{basic("maklare-b", "hemligt"), "/CRM/Contact/M40022/P2001", 200},
		{basic("maklare-b", "hemligt"), "/CRM/Contact/M30011/P1001", 403},
		{basic("none", "x"), "/CRM/Contact/M30011/P1001", 403},
		{defaultAuth, "/CRM/Contact/M30011/P1001", 401},
	} {
		if a := get(t, http.MethodGet, base+tc.path, map[string]string{"Authorization": tc.auth}); a.status != tc.status {
			t.Errorf("%s: status %d, want %d (%s)", tc.path, a.status, tc.status, a.body)
		}
	}
	if creds := m.Credentials(); !strings.Contains(creds, "maklare-b / hemligt (customers M40022)") {
		t.Errorf("Credentials() = %q", creds)
	}
}

func TestBadConfig(t *testing.T) {
	for name, users := range map[string]map[string]vitecmaklare.User{
		"empty password":    {"u": {Customers: []string{"M30011"}}},
		"empty user":        {"": {Password: "p"}},
		"colon in the user": {"a:b": {Password: "p"}},
		"empty customer id": {"u": {Password: "p", Customers: []string{""}}},
	} {
		if _, err := vitecmaklare.New(vitecmaklare.Config{Users: users}); err == nil {
			t.Errorf("%s: New accepted it", name)
		}
	}
	bad := os.DirFS(t.TempDir())
	if _, err := vitecmaklare.New(vitecmaklare.Config{Fixtures: bad}); err == nil {
		t.Error("New accepted a fixture folder without contacts.json")
	}
}

func TestNegotiationOverHTTP(t *testing.T) {
	_, base := newServer(t, vitecmaklare.Config{})
	cases := []struct{ accept, want string }{
		{"", "application/json"},
		{"*/*", "application/json"},
		{"application/*", "application/json"},
		{"text/*", "text/json"},
		{"text/json", "text/json"},
		{"application/xml", "application/xml"},
		{"text/xml", "text/xml"},
		{"application/json;q=0.5, application/xml", "application/xml"},
		{"application/xml;q=0.5, application/json;q=0.8", "application/json"},
		{"application/xml, application/json", "application/json"},
		{"application/xml, */*", "application/xml"},
		{"*/*;q=0.1, text/xml", "text/xml"},
		{"application/json;q=0, */*", "text/json"},
		{"application/json;q=0, text/json;q=0, */*;q=0.5", "application/xml"},
		{"*/*;q=0", "application/json"},
		{"text/html", "application/json"},
		{"text/html, application/xhtml+xml, application/xml;q=0.9, */*;q=0.8", "application/xml"},
		{"application/pdf, text/xml;q=0.2", "text/xml"},
		{"application/xml;q=abc", "application/json"},
		{"APPLICATION/XML", "application/xml"},
		{"text/xml; charset=utf-8", "text/xml"},
		{"application/xml;q=0.001", "application/xml"},
		{"xml", "application/json"},
	}
	for _, tc := range cases {
		t.Run(tc.accept, func(t *testing.T) {
			h := map[string]string{"Authorization": defaultAuth}
			if tc.accept != "" {
				h["Accept"] = tc.accept
			}
			a := get(t, http.MethodGet, base+"/CRM/Contact/M30011/C1001", h)
			if a.status != 200 || a.header.Get("Content-Type") != tc.want+"; charset=utf-8" {
				t.Fatalf("status %d, Content-Type %q, want %s", a.status, a.header.Get("Content-Type"), tc.want)
			}
			// Errors are negotiated the same way.
			a = get(t, http.MethodGet, base+"/CRM/Contact/M40022/C2001", h)
			if a.status != 403 || a.header.Get("Content-Type") != tc.want+"; charset=utf-8" {
				t.Fatalf("error: status %d, Content-Type %q, want %s", a.status, a.header.Get("Content-Type"), tc.want)
			}
		})
	}
}

func TestNegotiate(t *testing.T) {
	cases := []struct {
		accept []string
		want   string
	}{
		{nil, "application/json"},
		{[]string{"text/plain", "text/xml"}, "text/xml"}, // several Accept headers count together
		{[]string{"application/json;q=1.0, application/xml;q=1"}, "application/json"},
		{[]string{"application/xml;q=1.5"}, "application/json"},    // not a qvalue: skipped
		{[]string{"application/xml;q=0.0001"}, "application/json"}, // too many digits
		{[]string{"application/xml;Q=0.7, application/json;q=0.6"}, "application/xml"},
		{[]string{"*/xml"}, "application/json"}, // not a media range
		{[]string{"text/xml;level=1;q=0.4, application/json;q=0.3"}, "text/xml"},
		{[]string{",,, ;q=1, text/xml"}, "text/xml"},
	}
	for _, tc := range cases {
		if got := vitecmaklare.Negotiate(tc.accept); got != tc.want {
			t.Errorf("Negotiate(%q) = %s, want %s", tc.accept, got, tc.want)
		}
	}
}

func TestStateAndReset(t *testing.T) {
	m, _ := newServer(t, vitecmaklare.Config{})
	state, ok := m.State().(map[string]any)["contacts"].([]json.RawMessage)
	if !ok || len(state) != 11 {
		t.Fatalf("State() = %v, want 11 contacts", m.State())
	}
	if err := m.Reset(); err != nil {
		t.Fatal(err)
	}
	if again := m.State().(map[string]any)["contacts"].([]json.RawMessage); len(again) != 11 {
		t.Fatalf("after Reset: %d contacts", len(again))
	}
}

func TestEncodeXMLRefusesWhatItCannotWrite(t *testing.T) {
	spec := loadSpec(t)
	schema := spec.Doc().Components.Schemas["CrmContact"]
	_, texts := fixtures(t)
	base, err := xmlcodec.DecodeJSON(texts["M30011/P1001"])
	if err != nil {
		t.Fatal(err)
	}
	for name, change := range map[string]func(map[string]any){
		"unknown member":           func(v map[string]any) { v["dateOfBirth"] = "1978-04-12" },
		"unknown type":             func(v map[string]any) { v["type"] = "Robot" },
		"control character":        func(v map[string]any) { v["note"] = "a\x01b" },
		"object where a string is": func(v map[string]any) { v["note"] = map[string]any{} },
	} {
		v, _ := xmlcodec.DecodeJSON(texts["M30011/P1001"])
		change(v.(map[string]any))
		if _, err := xmlcodec.Encode(schema, v); err == nil {
			t.Errorf("%s: encoded", name)
		}
	}
	if _, err := xmlcodec.Encode(schema, base); err != nil {
		t.Fatal(err)
	}
}
