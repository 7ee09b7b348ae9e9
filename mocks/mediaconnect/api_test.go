package mediaconnect_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
)

// The doc's sample customer comes back verbatim from the client-mode endpoint.
func TestDocumentedCustomerVerbatim(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	r := e.call(t, http.MethodGet, "/v1/client/customer/info/563457", e.clientToken(t), "")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	want, err := os.ReadFile("testdata/documented-customer.json")
	if err != nil {
		t.Fatal(err)
	}
	var got, doc any
	if err := json.Unmarshal(r.body, &got); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(want, &doc); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, doc) {
		t.Fatalf("answer differs from the doc's sample:\n got %s\nwant %s", r.body, want)
	}
}

// Every fixture customer is served by number and (through TestOptions) validates against the spec.
func TestEveryFixtureServed(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	tok := e.clientToken(t)
	raw, _ := json.Marshal(e.m.State())
	var state struct {
		Customers []struct {
			CustomerNumber int `json:"customerNumber"`
		} `json:"customers"`
	}
	if err := json.Unmarshal(raw, &state); err != nil {
		t.Fatal(err)
	}
	if len(state.Customers) < 21 {
		t.Fatalf("%d fixture customers, want more than 20", len(state.Customers))
	}
	for _, c := range state.Customers {
		r := e.call(t, http.MethodGet, "/v1/client/customer/info/"+strconv.Itoa(c.CustomerNumber), tok, "")
		if r.status != 200 || !strings.Contains(string(r.body), fmt.Sprintf(`"customerNumber":%d`, c.CustomerNumber)) {
			t.Errorf("customer %d: %d %s", c.CustomerNumber, r.status, r.body)
		}
	}
}

func TestAuthErrors(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	client := e.clientToken(t)
	user := e.userToken(t)
	cases := []struct {
		name, method, path, header, body string
		wantDesc                         string
	}{
		{"no token", "GET", "/v1/client/customer/info/563457", "", "", "Missing"},
		{"unknown token", "GET", "/v1/client/customer/info/563457", "Bearer nope", "", "Invalid access token"},
		{"basic instead of bearer", "GET", "/v1/client/customer/info/563457", "Basic bW9jay1jbGllbnQ6bW9jay1zZWNyZXQ=", "", "scheme Bearer"},
		{"malformed header", "GET", "/v1/client/customer/info/563457", "Bearer", "", "Malformed"},
		{"refresh token as access token", "GET", "/v1/client/customer/info/563457", "Bearer " + user.RefreshToken, "", "Invalid access token"},
		{"no token on search", "POST", "/v1/client/customer/search", "", `{"phoneNumber":"+4712345678"}`, "Missing"},
		{"no token on check", "POST", "/v1/client/credential/customers/check", "", `{"credentials":[]}`, "Missing"},
		{"no token on user info", "GET", "/v1/customer/info", "", "", "Missing"},
		{"client token on user info", "GET", "/v1/customer/info", "Bearer " + client, "", "needs a user token"},
		{"client token on change", "POST", "/v1/customer/info", "Bearer " + client, `{"name":{"lastName":"X"}}`, "needs a user token"},
		{"auth before validation", "POST", "/v1/client/customer/search", "", `{}`, "Missing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, e.api+tc.path, strings.NewReader(tc.body))
			if tc.body != "" {
				req.Header.Set("Content-Type", "application/json")
			}
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			r := do(t, req)
			desc := wantOAuthError(t, r, http.StatusUnauthorized, "invalid_token")
			if !strings.Contains(desc, tc.wantDesc) {
				t.Errorf("error_description %q does not mention %q", desc, tc.wantDesc)
			}
			if wa := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(wa, `Bearer error="invalid_token"`) {
				t.Errorf("WWW-Authenticate %q", wa)
			}
		})
	}
	// The client change was refused before anything was stored.
	if r := e.call(t, "GET", "/v1/client/customer/info/563457", client, ""); !strings.Contains(string(r.body), `"lastName":"Nordmann"`) {
		t.Errorf("refused change was stored: %s", r.body)
	}
	// A user token works on client-mode endpoints too.
	if r := e.call(t, "GET", "/v1/client/customer/info/563457", user.AccessToken, ""); r.status != 200 {
		t.Errorf("user token on client mode: %d %s", r.status, r.body)
	}
}

func TestTokenExpiry(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	client := e.clientToken(t)
	user := e.userToken(t)
	e.clock.Advance(12*time.Hour - time.Second)
	if r := e.call(t, "GET", "/v1/client/customer/info/563457", client, ""); r.status != 200 {
		t.Fatalf("token refused before its 12 h: %d %s", r.status, r.body)
	}
	e.clock.Advance(time.Second)
	for _, tc := range []struct{ path, tok string }{{"/v1/client/customer/info/563457", client}, {"/v1/customer/info", user.AccessToken}} {
		r := e.call(t, "GET", tc.path, tc.tok, "")
		if desc := wantOAuthError(t, r, 401, "invalid_token"); !strings.Contains(desc, "expired") {
			t.Errorf("%s: description %q", tc.path, desc)
		}
	}
	// A configured lifetime.
	short := newEnv(t, mediaconnect.Config{TokenTTL: time.Minute})
	tb := decodeToken(t, short.postToken(t, clientForm("client_credentials")))
	if tb.ExpiresIn != 60 {
		t.Errorf("expires_in %d, want 60", tb.ExpiresIn)
	}
	short.clock.Advance(time.Minute)
	wantOAuthError(t, short.call(t, "GET", "/v1/client/customer/info/563457", tb.AccessToken, ""), 401, "invalid_token")
}

func TestClientModeInfoErrors(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	tok := e.clientToken(t)
	cases := []struct {
		name, method, path, body string
		status                   int
		exception, inMessage     string
	}{
		{"unknown customer", "GET", "/v1/client/customer/info/999999", "", 404, "NotFoundException", "Customer 999999 not found"},
		{"negative number", "GET", "/v1/client/customer/info/-1", "", 404, "NotFoundException", "not found"},
		{"not an integer", "GET", "/v1/client/customer/info/abc", "", 400, "ValidationException", "customerNumber"},
		{"overflows", "GET", "/v1/client/customer/info/99999999999999999999999", "", 400, "ValidationException", "customerNumber"},
		{"unknown path", "GET", "/v1/client/customers", "", 404, "NotFoundException", "no"},
		{"wrong method", "DELETE", "/v1/customer/info", "", 405, "MethodNotAllowedException", "method"},
		{"body too large", "POST", "/v1/client/customer/search", `{"email":"` + strings.Repeat("a", 2<<20) + `@example.no"}`, 413, "PayloadTooLargeException", "larger"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			msg := wantAPIError(t, e.call(t, tc.method, tc.path, tok, tc.body), tc.status, tc.exception)
			if !strings.Contains(msg, tc.inMessage) {
				t.Errorf("message %q does not mention %q", msg, tc.inMessage)
			}
		})
	}
}

func TestSearch(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	tok := e.clientToken(t)
	docSample := `{"productCode":"CO27409","companyName":"Company International Ltd","departmentName":"Support",
		"firstName":"Ola","middleName":"Fjordstrand","lastName":"Nordmann","careOfAddress":"","streetAddress":"Grubbegata",
		"streetNumber":6,"entrance":"A","postalCode":"0179","postalPlace":"Oslo","countryCode":"NO",
		"phoneNumber":"+4712345678","email":"ola.nordmann@company.com"}`
	cases := []struct {
		name, body string
		want       []int // for 200
	}{
		{"doc's sample request", docSample, []int{563457}},
		{"phone only", `{"phoneNumber":"+4712345678"}`, []int{563457}},
		{"company phone", `{"phoneNumber":"+4723339100"}`, []int{563457}},
		{"email only", `{"email":"ola.nordmann@company.com"}`, []int{563457}},
		{"email in other case", `{"email":"OLA.Nordmann@Company.com"}`, []int{563457}},
		{"invoice email", `{"email":"faktura@hansenelektro.example.no"}`, []int{600512}},
		{"email of a customer without attached user", `{"email":"ingrid.hansen@example.no"}`, []int{521903}},
		{"name, street, postal code narrowed by first name", `{"lastName":"Hansen","streetAddress":"Storgata","postalCode":"0155","firstName":"Per"}`, []int{512034}},
		{"narrowed by product", `{"lastName":"Hansen","streetAddress":"Storgata","postalCode":"0155","productCode":"AVIS-DIGI"}`, []int{512034, 512035, 547261}},
		{"narrowed by street number", `{"lastName":"hansen","streetAddress":"storgata","postalPlace":"oslo","streetNumber":20}`, []int{518770, 521903}},
		{"Norwegian letters in any case", `{"lastName":"HANSEN","firstName":"BJØRN","streetAddress":"STORGATA","postalCode":"0155"}`, []int{530118}},
		{"company, street, place", `{"companyName":"storgata tannklinikk as","streetAddress":"Storgata","postalPlace":"Oslo"}`, []int{620044}},
		{"Swedish postal code without space", `{"lastName":"Johansson","streetAddress":"Södra Hamngatan","postalCode":"45230"}`, []int{556719}},
		{"care of address", `{"lastName":"Hansen","streetAddress":"Storgata","postalCode":"0155","careOfAddress":"C/O NILSEN"}`, []int{547261}},
		{"empty care of address is not set", `{"phoneNumber":"+4746678899","careOfAddress":""}`, []int{547261}},
		{"country narrows", `{"phoneNumber":"+4712345678","countryCode":"SE"}`, []int{}},
		{"no match", `{"email":"nobody@example.no"}`, []int{}},
		{"no match by name", `{"lastName":"Hansen","streetAddress":"Kirkeveien","postalCode":"0364"}`, []int{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(t, "POST", "/v1/client/customer/search", tok, tc.body)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if got := customerNumbers(t, r); !slices.Equal(got, tc.want) {
				t.Errorf("customers %v, want %v", got, tc.want)
			}
		})
	}

	// Media types are case-insensitive.
	t.Run("Content-Type in mixed case", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, e.api+"/v1/client/customer/search", strings.NewReader(`{"phoneNumber":"+4712345678"}`))
		req.Header.Set("Content-Type", "Application/JSON; charset=UTF-8")
		req.Header.Set("Authorization", "Bearer "+tok)
		r := do(t, req)
		if got := customerNumbers(t, r); r.status != 200 || !slices.Equal(got, []int{563457}) {
			t.Fatalf("%d %s", r.status, r.body)
		}
	})

	tooMany := []string{
		`{"lastName":"Hansen","streetAddress":"Storgata","postalCode":"0155"}`,
		`{"lastName":"hansen","streetAddress":"STORGATA","postalCode":"0155","countryCode":"no"}`,
		`{"lastName":"Hansen","streetAddress":"Storgata","postalPlace":"Oslo"}`,
	}
	for _, body := range tooMany {
		t.Run("six Hansens "+body, func(t *testing.T) {
			msg := wantAPIError(t, e.call(t, "POST", "/v1/client/customer/search", tok, body), 403, "ForbiddenException")
			if !strings.Contains(msg, mediaconnect.MsgTooManyCustomers) {
				t.Errorf("message %q", msg)
			}
		})
	}

	rule := []struct{ name, body, inMessage string }{
		{"empty request", `{}`, mediaconnect.MsgSearchRule},
		{"null request", `null`, mediaconnect.MsgSearchRule},
		{"last name only", `{"lastName":"Hansen"}`, mediaconnect.MsgSearchRule},
		{"no postal code or place", `{"lastName":"Hansen","streetAddress":"Storgata"}`, mediaconnect.MsgSearchRule},
		{"no street", `{"companyName":"Hansen Elektro AS","postalCode":"0181"}`, mediaconnect.MsgSearchRule},
		{"first name is not enough", `{"firstName":"Ola","streetAddress":"Grubbegata","postalCode":"0179"}`, mediaconnect.MsgSearchRule},
		{"only empty strings", `{"lastName":"","companyName":"","streetAddress":"Storgata","postalCode":"0155"}`, mediaconnect.MsgSearchRule},
		{"empty phone and e-mail are refused by the schema", `{"phoneNumber":"","email":""}`, "phoneNumber"},
		{"blank strings", `{"lastName":"  ","streetAddress":"Storgata","postalCode":"0155"}`, mediaconnect.MsgSearchRule},
		{"postal code as a number", `{"lastName":"Nordmann","streetAddress":"Grubbegata","postalCode":179}`, "postalCode"},
		{"phone not E.164", `{"phoneNumber":"12345678"}`, "phoneNumber"},
		{"email not an e-mail", `{"email":"ola"}`, "email"},
		{"street too long", `{"lastName":"Hansen","streetAddress":"` + strings.Repeat("s", 41) + `","postalCode":"0155"}`, "streetAddress"},
		{"street number not an integer", `{"phoneNumber":"+4712345678","streetNumber":"6"}`, "streetNumber"},
		{"not JSON", `{"phoneNumber":`, "body"},
		{"no body", ``, "body"},
	}
	for _, tc := range rule {
		t.Run("400 "+tc.name, func(t *testing.T) {
			msg := wantAPIError(t, e.call(t, "POST", "/v1/client/customer/search", tok, tc.body), 400, "ValidationException")
			if !strings.Contains(msg, tc.inMessage) {
				t.Errorf("message %q does not mention %q", msg, tc.inMessage)
			}
			if strings.Contains(msg, "anyOf") {
				t.Errorf("message %q shows the validator's text, not the search rule", msg)
			}
		})
	}
}

// A search matching exactly five customers is answered 200 with all five: one of the six Hansens
// changes her name first (as the logged-in user).
func TestSearchExactlyFive(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{TestUser: 547261})
	client := e.clientToken(t)
	search := `{"lastName":"Hansen","streetAddress":"Storgata","postalCode":"0155"}`
	wantAPIError(t, e.call(t, "POST", "/v1/client/customer/search", client, search), 403, "ForbiddenException")
	user := e.userToken(t)
	r := e.call(t, "POST", "/v1/customer/info", user.AccessToken, `{"name":{"firstName":"Marit","lastName":"Nilsen"}}`)
	if r.status != 200 {
		t.Fatalf("change: %d %s", r.status, r.body)
	}
	r = e.call(t, "POST", "/v1/client/customer/search", client, search)
	if got := customerNumbers(t, r); r.status != 200 || !slices.Equal(got, []int{512034, 512035, 518770, 521903, 530118}) {
		t.Fatalf("status %d, customers %v", r.status, got)
	}
	// ... and the new name is found.
	r = e.call(t, "POST", "/v1/client/customer/search", client, `{"lastName":"nilsen","streetAddress":"Storgata","postalCode":"0155"}`)
	if got := customerNumbers(t, r); !slices.Equal(got, []int{547261, 553480}) {
		t.Fatalf("customers %v", got)
	}
}

func TestCheckCustomerNumber(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	tok := e.clientToken(t)
	cases := []struct {
		name, body string
		want       []int
	}{
		{"doc's sample user", `{"credentials":["ola.nordmann@hotmail.no","+4790123456"]}`, []int{563457, 611820}},
		{"phone only", `{"credentials":["+4790123456"]}`, []int{563457, 611820}},
		{"e-mail in other case", `{"credentials":["OLA.NORDMANN@hotmail.no"]}`, []int{563457, 611820}},
		{"user attached to two Hansens", `{"credentials":["per.hansen@example.no"]}`, []int{512034, 512035}},
		{"shared phone", `{"credentials":["+4798765432"]}`, []int{604218, 604219}},
		{"lars is attached to his firm", `{"credentials":["lars.hansen@example.no"]}`, []int{518770, 600512}},
		{"customer e-mail is not a credential", `{"credentials":["ingrid.hansen@example.no"]}`, []int{620044}},
		{"several credentials, each customer once", `{"credentials":["+4791123456","anne.k.hansen@example.no","+4798765432"]}`, []int{512034, 512035, 604218, 604219}},
		{"unknown", `{"credentials":["nobody@example.no"]}`, []int{}},
		{"customer phone that is no credential", `{"credentials":["+4712345678"]}`, []int{}},
		{"empty list", `{"credentials":[]}`, []int{}},
		{"empty strings", `{"credentials":["", " "]}`, []int{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.call(t, "POST", "/v1/client/credential/customers/check", tok, tc.body)
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.body)
			}
			if got := customerNumbers(t, r); !slices.Equal(got, tc.want) {
				t.Errorf("customers %v, want %v", got, tc.want)
			}
		})
	}
	for _, tc := range []struct{ name, body, field string }{
		{"no credentials", `{}`, "credentials"},
		{"credentials not an array", `{"credentials":"ola.nordmann@hotmail.no"}`, "credentials"},
		{"credential not a string", `{"credentials":[42]}`, "credentials"},
		{"not JSON", `[`, "body"},
	} {
		t.Run("400 "+tc.name, func(t *testing.T) {
			msg := wantAPIError(t, e.call(t, "POST", "/v1/client/credential/customers/check", tok, tc.body), 400, "ValidationException")
			if !strings.Contains(msg, tc.field) {
				t.Errorf("message %q does not name %q", msg, tc.field)
			}
		})
	}
}

func TestUserCustomerInfo(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	user := e.userToken(t)
	r := e.call(t, "GET", "/v1/customer/info", user.AccessToken, "")
	if r.status != 200 {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	want, _ := os.ReadFile("testdata/documented-customer.json")
	var got, doc any
	_ = json.Unmarshal(r.body, &got)
	_ = json.Unmarshal(want, &doc)
	if !reflect.DeepEqual(got, doc) {
		t.Fatalf("user 563457 sees %s", r.body)
	}
	// Another configured test user.
	other := newEnv(t, mediaconnect.Config{TestUser: 604218})
	r = other.call(t, "GET", "/v1/customer/info", other.userToken(t).AccessToken, "")
	if r.status != 200 || !strings.Contains(string(r.body), `"customerNumber":604218`) {
		t.Fatalf("test user 604218: %d %s", r.status, r.body)
	}
	if _, err := mediaconnect.New(mediaconnect.Config{TestUser: 1}); err == nil {
		t.Error("an unknown test user was accepted")
	}
}

// POST /v1/customer/info replaces the customer's data; a following GET shows the stored result.
func TestChangeCustomerInfo(t *testing.T) {
	attached := `{"uniqueId":"abc123ee63461dd","credentials":[{"credential":"ola.nordmann@hotmail.no","credentialType":"A_EMAIL_ADDRESS","verificationLevel":"Externally_verified"},{"credential":"+4790123456","credentialType":"B_SMS_PHONE","verificationLevel":"Not verified"}]}`
	dash := `{"customerNumber":563457,"name":{"lastName":"-"},"attachedUsers":` + attached + `}`
	cases := []struct {
		name, body, want string
	}{
		{"doc's request sample", `{"name":{"firstName":"Ola","middleName":"Fjordstrand","lastName":"Nordmann","companyName":"Company International Ltd","departmentName":"Support"},"phoneNumbers":[{"phoneNumber":"+4712345678","phoneNumberType":"personal"},{"phoneNumber":"+4723339100","phoneNumberType":"company"}],"emails":["ola.nordmann@hotmail.no","ola.nordmann@company.com"],"invoiceEmailAddress":"ola.nordmann@hotmail.no"}`,
			`{"customerNumber":563457,"name":{"firstName":"Ola","middleName":"Fjordstrand","lastName":"Nordmann","companyName":"Company International Ltd","departmentName":"Support"},"phoneNumbers":[{"phoneNumber":"+4712345678","phoneNumberType":"personal"},{"phoneNumber":"+4723339100","phoneNumberType":"company"}],"emails":["ola.nordmann@hotmail.no","ola.nordmann@company.com"],"invoiceEmailAddress":"ola.nordmann@hotmail.no","attachedUsers":` + attached + `}`},
		{"omitted fields are cleared", `{"name":{"companyName":"Fjordkraft Regnskap AS","departmentName":"Økonomi"},"phoneNumbers":[{"phoneNumber":"+4755201000","phoneNumberType":"companyPbx"}],"emails":["faktura@fjordkraft-regnskap.example.no"]}`,
			`{"customerNumber":563457,"name":{"companyName":"Fjordkraft Regnskap AS","departmentName":"Økonomi"},"phoneNumbers":[{"phoneNumber":"+4755201000","phoneNumberType":"companyPbx"}],"emails":["faktura@fjordkraft-regnskap.example.no"],"attachedUsers":` + attached + `}`},
		{"last name only", `{"name":{"lastName":"Fjeld"}}`, `{"customerNumber":563457,"name":{"lastName":"Fjeld"},"attachedUsers":` + attached + `}`},
		{"empty lists are kept empty", `{"name":{"lastName":"Fjeld"},"phoneNumbers":[],"emails":[]}`, `{"customerNumber":563457,"name":{"lastName":"Fjeld"},"phoneNumbers":[],"emails":[],"attachedUsers":` + attached + `}`},
		{"empty request", `{}`, dash},
		{"null request", `null`, dash},
		{"empty name", `{"name":{},"emails":["ola@example.no"]}`, `{"customerNumber":563457,"name":{"lastName":"-"},"emails":["ola@example.no"],"attachedUsers":` + attached + `}`},
		{"name of empty strings", `{"name":{"firstName":"","lastName":""}}`, dash},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, mediaconnect.Config{})
			tok := e.userToken(t).AccessToken
			r := e.call(t, "POST", "/v1/customer/info", tok, tc.body)
			if r.status != 200 || strings.TrimSpace(string(r.body)) != `{"success":true}` {
				t.Fatalf("change: %d %s", r.status, r.body)
			}
			r = e.call(t, "GET", "/v1/customer/info", tok, "")
			var got, want any
			_ = json.Unmarshal(r.body, &got)
			if err := json.Unmarshal([]byte(tc.want), &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("after the change GET shows\n %s\nwant\n %s", r.body, tc.want)
			}
			// The client-mode view is the same customer.
			r = e.call(t, "GET", "/v1/client/customer/info/563457", e.clientToken(t), "")
			_ = json.Unmarshal(r.body, &got)
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("client mode shows %s", r.body)
			}
		})
	}

	refused := []struct{ name, body, inMessage string }{
		{"first name only", `{"name":{"firstName":"Ola"},"emails":["new@example.no"]}`, "lastName or companyName is required"},
		{"department only", `{"name":{"departmentName":"Support","lastName":""},"emails":["new@example.no"]}`, "lastName or companyName is required"},
		{"phone type not in the enum", `{"name":{"lastName":"X"},"phoneNumbers":[{"phoneNumber":"+4712345678","phoneNumberType":"cell"}]}`, "phoneNumbers.0.phoneNumberType"},
		{"phone not E.164", `{"name":{"lastName":"X"},"phoneNumbers":[{"phoneNumber":"004712345678","phoneNumberType":"home"}]}`, "phoneNumbers.0.phoneNumber"},
		{"invoice e-mail of 61 characters", `{"name":{"lastName":"X"},"invoiceEmailAddress":"` + strings.Repeat("a", 50) + `@example.no"}`, "invoiceEmailAddress"},
		{"e-mail not an e-mail", `{"name":{"lastName":"X"},"emails":["ola"]}`, "emails.0"},
		{"last name too long", `{"name":{"lastName":"` + strings.Repeat("x", 31) + `"}}`, "name.lastName"},
		{"explicit null field", `{"name":null}`, "name"},
		{"no body", ``, "body"},
		{"not JSON", `{"name":`, "body"},
	}
	for _, tc := range refused {
		t.Run("400 "+tc.name, func(t *testing.T) {
			e := newEnv(t, mediaconnect.Config{})
			tok := e.userToken(t).AccessToken
			before := e.call(t, "GET", "/v1/customer/info", tok, "")
			msg := wantAPIError(t, e.call(t, "POST", "/v1/customer/info", tok, tc.body), 400, "ValidationException")
			if !strings.Contains(msg, tc.inMessage) {
				t.Errorf("message %q does not mention %q", msg, tc.inMessage)
			}
			after := e.call(t, "GET", "/v1/customer/info", tok, "")
			if string(before.body) != string(after.body) {
				t.Errorf("a refused change was written:\nbefore %s\nafter  %s", before.body, after.body)
			}
		})
	}
}

func TestRateLimit(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{RateLimit: oauth.RateLimit{Rate: 1, Burst: 2}})
	tok := e.clientToken(t)
	get := func() response { return e.call(t, "GET", "/v1/client/customer/info/563457", tok, "") }
	for i := range 2 {
		if r := get(); r.status != 200 {
			t.Fatalf("request %d within the burst: %d %s", i, r.status, r.body)
		}
	}
	r := get()
	msg := wantAPIError(t, r, 429, "TooManyRequestsException")
	if ra := r.header.Get("Retry-After"); ra != "1" {
		t.Errorf("Retry-After %q, want 1 (msg %q)", ra, msg)
	}
	// Every operation of the client shares the bucket.
	wantAPIError(t, e.call(t, "POST", "/v1/client/customer/search", tok, `{"phoneNumber":"+4712345678"}`), 429, "TooManyRequestsException")
	e.clock.Advance(time.Second)
	if r := get(); r.status != 200 {
		t.Fatalf("after Retry-After: %d %s", r.status, r.body)
	}
	// Token requests are not limited, and a bad token is answered 401 before the limit counts.
	e.clientToken(t)
	wantOAuthError(t, e.call(t, "GET", "/v1/client/customer/info/563457", "nope", ""), 401, "invalid_token")
	// Off by default.
	free := newEnv(t, mediaconnect.Config{})
	ftok := free.clientToken(t)
	for i := range 50 {
		if r := free.call(t, "GET", "/v1/client/customer/info/563457", ftok, ""); r.status != 200 {
			t.Fatalf("request %d without a limit: %d", i, r.status)
		}
	}
}

func TestReset(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	user := e.userToken(t).AccessToken
	if r := e.call(t, "POST", "/v1/customer/info", user, `{}`); r.status != 200 {
		t.Fatalf("change: %d", r.status)
	}
	if err := e.m.Reset(); err != nil {
		t.Fatal(err)
	}
	wantOAuthError(t, e.call(t, "GET", "/v1/customer/info", user, ""), 401, "invalid_token")
	r := e.call(t, "GET", "/v1/customer/info", e.userToken(t).AccessToken, "")
	if r.status != 200 || !strings.Contains(string(r.body), `"lastName":"Nordmann"`) {
		t.Fatalf("after reset (new token): %d %s", r.status, r.body)
	}
}

func TestConfigErrors(t *testing.T) {
	bad := []mediaconnect.Config{
		{TokenTTL: -time.Second},
		{MaxTokensPerClient: -1},
		{RateLimit: oauth.RateLimit{Rate: -1}},
		{Fixtures: fstest.MapFS{}},
		{Fixtures: fstest.MapFS{"customers.json": {Data: []byte(`[{"customerNumber":1}]`)}, "addresses.json": {Data: []byte(`{}`)}}},
		{Fixtures: fstest.MapFS{"customers.json": {Data: []byte(`[{"name":{}}]`)}, "addresses.json": {Data: []byte(`{}`)}}},
		{Fixtures: fstest.MapFS{"customers.json": {Data: []byte(`{`)}, "addresses.json": {Data: []byte(`{}`)}}},
	}
	for i, cfg := range bad {
		if _, err := mediaconnect.New(cfg); err == nil {
			t.Errorf("config %d accepted", i)
		}
	}
	// Fixtures of one's own.
	fsys := fstest.MapFS{
		"customers.json": {Data: []byte(`[{"customerNumber":1,"name":{"lastName":"Berg"}}]`)},
		"addresses.json": {Data: []byte(`{"1":{"streetAddress":"Storgata","streetNumber":1,"postalCode":"0155","postalPlace":"Oslo","countryCode":"NO"}}`)},
	}
	e := newEnv(t, mediaconnect.Config{Fixtures: fsys, TestUser: 1})
	r := e.call(t, "POST", "/v1/client/customer/search", e.clientToken(t), `{"lastName":"berg","streetAddress":"storgata","postalCode":"0155"}`)
	if got := customerNumbers(t, r); !slices.Equal(got, []int{1}) {
		t.Fatalf("own fixtures: %v", got)
	}
	// Fixtures without the default test user (a recording): the first customer is the one logged in.
	two := fstest.MapFS{
		"customers.json": {Data: []byte(`[{"customerNumber":7,"name":{"lastName":"Berg"}},{"customerNumber":1,"name":{"lastName":"Dahl"}}]`)},
		"addresses.json": {Data: []byte(`{"1":{},"7":{}}`)},
	}
	e = newEnv(t, mediaconnect.Config{Fixtures: two})
	r = e.call(t, "GET", "/v1/customer/info", e.userToken(t).AccessToken, "")
	if !strings.Contains(string(r.body), `"customerNumber":7`) {
		t.Fatalf("user of a recording: %d %s", r.status, r.body)
	}
}

// Odd input gets a 4xx in the right shape, never a 500, with validation on and off.
func TestNoServerErrors(t *testing.T) {
	for _, noValidation := range []bool{false, true} {
		t.Run(fmt.Sprintf("noValidation=%v", noValidation), func(t *testing.T) {
			e := newEnv(t, mediaconnect.Config{})
			if noValidation {
				m, err := mediaconnect.New(mediaconnect.Config{Options: mockkit.Options{NoValidation: true}})
				if err != nil {
					t.Fatal(err)
				}
				srv, _ := mockserver.NewServer(nil, m)
				ts := httptest.NewServer(srv.Handler())
				t.Cleanup(ts.Close)
				e = &env{m: m, clock: e.clock, api: ts.URL + mediaconnect.Prefix, connectID: ts.URL + mediaconnect.ConnectIDPrefix}
			}
			client := e.clientToken(t)
			user := e.userToken(t).AccessToken
			cases := []struct{ method, path, token, contentType, body string }{
				{"POST", "/v1/client/customer/search", client, "text/plain", `{"phoneNumber":"+4712345678"}`},
				{"POST", "/v1/client/customer/search", client, "application/x-www-form-urlencoded", `phoneNumber=%2B4712345678`},
				{"POST", "/v1/client/customer/search", client, "application/json", `[]`},
				{"POST", "/v1/client/customer/search", client, "application/json", `"x"`},
				{"POST", "/v1/client/customer/search", client, "application/json", `{"streetNumber":1e400,"phoneNumber":"+4712345678"}`},
				{"POST", "/v1/client/customer/search", client, "application/json", `{"postalCode":179,"lastName":"a","streetAddress":"b"}`},
				{"POST", "/v1/client/customer/search", client, "application/json", "{\"lastName\":\"\xff\xfe\",\"streetAddress\":\"b\",\"postalCode\":\"1\"}"},
				{"POST", "/v1/client/credential/customers/check", client, "application/json", `{"credentials":null}`},
				{"POST", "/v1/client/credential/customers/check", client, "application/json", `{"credentials":[null]}`},
				{"POST", "/v1/customer/info", user, "application/json", `{"emails":["not an e-mail"],"name":{"lastName":"x"}}`},
				{"POST", "/v1/customer/info", user, "application/json", `{"phoneNumbers":[{"phoneNumberType":"cell"}],"name":{"lastName":"x"}}`},
				{"POST", "/v1/customer/info", user, "application/json", `{"name":"Ola"}`},
				{"POST", "/v1/customer/info", user, "application/json", `[1,2]`},
				{"POST", "/v1/customer/info", user, "application/xml", `<name/>`},
				{"GET", "/v1/client/customer/info/1e3", client, "", ""},
				{"GET", "/v1/client/customer/info/%2F..%2F", client, "", ""},
				{"GET", "/v1/client/customer/info/", client, "", ""},
				{"PUT", "/v1/client/customer/search", client, "application/json", `{}`},
			}
			for _, tc := range cases {
				req, _ := http.NewRequest(tc.method, e.api+tc.path, strings.NewReader(tc.body))
				if tc.contentType != "" {
					req.Header.Set("Content-Type", tc.contentType)
				}
				req.Header.Set("Authorization", "Bearer "+tc.token)
				r := do(t, req)
				if r.status >= 500 {
					t.Errorf("%s %s %s: %d %s", tc.method, tc.path, tc.body, r.status, r.body)
					continue
				}
				if r.status >= 400 {
					v := r.json(t)
					if _, ok := v["exceptionType"].(string); !ok {
						t.Errorf("%s %s %s: %d %s is not the vendor's error shape", tc.method, tc.path, tc.body, r.status, r.body)
					}
				}
			}
			// The store is unharmed (without validation, the mock stores what it can decode).
			r := e.call(t, "GET", "/v1/customer/info", user, "")
			if !noValidation && !strings.Contains(string(r.body), `"lastName":"Nordmann"`) {
				t.Errorf("store changed by refused requests: %s", r.body)
			}
		})
	}
}
