package xmlcodec_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/specs/internal/spectest"
	"github.com/vendorctl/vendorctl/specs/xmlcodec"
)

// validateXML validates body as the response of GET path with the given status and content type.
func validateXML(t *testing.T, spec *specs.Spec, path string, status int, ctype, body string) error {
	t.Helper()
	route, err := spec.FindRoute(http.MethodGet, path)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, path, nil)
	return spec.ValidateResponse(context.Background(), req, route, specs.Response{
		Status: status, Header: http.Header{"Content-Type": {ctype}}, Body: []byte(body),
	})
}

func contactFixtures(t *testing.T) []json.RawMessage {
	t.Helper()
	data, err := os.ReadFile("../../mocks/vitecmaklare/fixtures/contacts.json")
	if err != nil {
		t.Fatal(err)
	}
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		t.Fatal(err)
	}
	return raws
}

// Every Vitec Mäklare fixture, encoded to XML by the mock's encoder and decoded again, is the JSON it
// came from, and validates as an XML answer of the spec.
func TestXMLRoundTripVitecMaklareFixtures(t *testing.T) {
	spec, err := specs.Load("vitecmaklare")
	if err != nil {
		t.Fatal(err)
	}
	schema := spec.Doc().Components.Schemas["CrmContact"]
	raws := contactFixtures(t)
	if len(raws) < 10 {
		t.Fatalf("%d fixtures, want at least 10", len(raws))
	}
	for _, raw := range raws {
		value, err := xmlcodec.DecodeJSON(raw)
		if err != nil {
			t.Fatal(err)
		}
		obj := value.(map[string]any)
		id, customer := obj["id"].(string), obj["customerId"].(string)
		t.Run(customer+"/"+id, func(t *testing.T) {
			xmlBody, err := xmlcodec.Encode(schema, value)
			if err != nil {
				t.Fatal(err)
			}
			decoded, err := xmlcodec.Decode(xmlBody, schema)
			if err != nil {
				t.Fatalf("decode: %v\n%s", err, xmlBody)
			}
			var want any
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(decoded, want) {
				got, _ := json.Marshal(decoded)
				t.Fatalf("round trip differs:\n got %s\nwant %s", got, raw)
			}
			for _, ct := range []string{"application/xml", "text/xml; charset=utf-8"} {
				if err := validateXML(t, spec, "/CRM/Contact/"+customer+"/"+id, 200, ct, string(xmlBody)); err != nil {
					t.Errorf("%s: %v", ct, err)
				}
			}
		})
	}
}

func TestXMLVitecMaklareRejects(t *testing.T) {
	spec, err := specs.Load("vitecmaklare")
	if err != nil {
		t.Fatal(err)
	}
	schema := spec.Doc().Components.Schemas["CrmContact"]
	person := encodedFixture(t, schema, "P1001")
	company := encodedFixture(t, schema, "C1001")
	cases := []struct {
		name      string
		body      string
		status    int
		wantField string // a violation must name it ("" any)
		inMessage string
	}{
		{"malformed: unclosed element", strings.Replace(person, "</CrmContact>", "", 1), 200, "", "XML syntax error"},
		{"malformed: mismatched tags", strings.Replace(person, "</Note>", "</Notes>", 1), 200, "", "XML syntax error"},
		{"malformed: two roots", person + person, 200, "", "more than one root"},
		{"malformed: empty body", "", 200, "", "no root element"},
		{"malformed: not XML", `{"id":"P1001"}`, 200, "", ""},
		{"Type outside the enum (with i:type)", strings.Replace(person, "<Type>Person</Type>", "<Type>Robot</Type>", 1), 200, "type", ""},
		{"Type outside the enum (no i:type)", strings.Replace(strings.Replace(person, "<Type>Person</Type>", "<Type>Robot</Type>", 1), ` i:type="CrmPersonContact"`, "", 1), 200, "", ""},
		{"i:type names no variant", strings.Replace(person, `i:type="CrmPersonContact"`, `i:type="CrmRobotContact"`, 1), 200, "", "i:type"},
		{"i:type and Type disagree", strings.Replace(company, "<Type>Company</Type>", "<Type>Person</Type>", 1), 200, "", ""},
		{"boolean that is not one", strings.Replace(person, "<IsDeceased>false</IsDeceased>", "<IsDeceased>nej</IsDeceased>", 1), 200, "isDeceased", ""},
		{"integer that is not one", strings.Replace(person, "<LeadScore>3</LeadScore>", "<LeadScore>tre</LeadScore>", 1), 200, "leadScore", ""},
		{"required member missing", strings.Replace(person, "<Id>P1001</Id>", "", 1), 200, "id", ""},
		{"null where not nullable", strings.Replace(person, "<CustomerId>M30011</CustomerId>", `<CustomerId i:nil="true" />`, 1), 200, "customerId", ""},
		{"datetime without the offset", strings.Replace(person, "<CreatedAt>2024-05-20T09:14:33.1747257+02:00</CreatedAt>", "<CreatedAt>2024-05-20T09:14:33.1747257</CreatedAt>", 1), 200, "createdAt", ""},
		{"member in the wrong namespace", strings.Replace(person, "<d2p1:EmailAddress>", `<d2p1:EmailAddress xmlns:d2p1="urn:wrong">`, 1), 200, "email.emailAddress", "namespace"},
		{"root in no namespace", strings.Replace(person, ` xmlns="http://schemas.datacontract.org/2004/07/Vitec.Housing.Connect.Api.Models.Contact.Crm"`, "", 1), 200, "", "namespace"},
		{"wrong root element", strings.Replace(strings.Replace(person, "<CrmContact ", "<Contact ", 1), "</CrmContact>", "</Contact>", 1), 200, "", "root element"},
		{"error body with a wrong root", `<Fault><Message>x</Message></Fault>`, 404, "", "root element"},
		{"error body without its message", `<Error><MessageDetail>x</MessageDetail></Error>`, 404, "message", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := validateXML(t, spec, "/CRM/Contact/M30011/P1001", tc.status, "application/xml", tc.body)
			vs := specs.Violations(err)
			if len(vs) == 0 {
				t.Fatalf("accepted; want a violation (err %v)", err)
			}
			found := false
			for _, v := range vs {
				if v.In != "body" {
					t.Errorf("violation %+v is not in the body", v)
				}
				if (tc.wantField == "" || v.Field == tc.wantField) && strings.Contains(v.Message, tc.inMessage) {
					found = true
				}
			}
			if !found {
				t.Errorf("no violation names field %q with %q: %v", tc.wantField, tc.inMessage, vs)
			}
		})
	}
}

func encodedFixture(t *testing.T, schema *openapi3.SchemaRef, id string) string {
	t.Helper()
	for _, raw := range contactFixtures(t) {
		value, err := xmlcodec.DecodeJSON(raw)
		if err != nil {
			t.Fatal(err)
		}
		if value.(map[string]any)["id"] == id {
			out, err := xmlcodec.Encode(schema, value)
			if err != nil {
				t.Fatal(err)
			}
			return string(out)
		}
	}
	t.Fatalf("no fixture %s", id)
	return ""
}

func TestDecodeXMLErrors(t *testing.T) {
	spec, err := specs.Load("vitecmaklare")
	if err != nil {
		t.Fatal(err)
	}
	_, err = xmlcodec.Decode([]byte("<CrmContact><Id>1</Id>"), spec.Doc().Components.Schemas["CrmContact"])
	var xe *xmlcodec.Error
	if !errors.As(err, &xe) || len(xe.Problems) != 1 || !strings.Contains(xe.Error(), "XML syntax error") {
		t.Fatalf("err = %v, want one XML syntax problem", err)
	}
	_, err = xmlcodec.BodyDecoder(strings.NewReader("<"), nil, spec.Doc().Components.Schemas["Error"], nil)
	var pe *openapi3filter.ParseError
	if !errors.As(err, &pe) || !errors.As(err, &xe) {
		t.Fatalf("err = %#v, want a ParseError caused by an Error", err)
	}
}

// The decoder is driven by the schema and XML naming alone: a spec that is not a vendor's.
func TestDecodeXMLGeneric(t *testing.T) {
	spec := spectest.LoadFile(t, "xml.yaml")
	thing := spec.Doc().Components.Schemas["Thing"]
	body := `<?xml version="1.0" encoding="utf-8"?>
<Thing id="t1" xmlns="urn:test:things" xmlns:x="http://www.w3.org/2001/XMLSchema-instance">
  <Count> 3 </Count>
  <Ratio>0.25</Ratio>
  <Active>1</Active>
  <display_name x:nil="true"/>
  <Note></Note>
  <tag>a</tag>
  <tag>b &amp; c</tag>
  <Labels><Label>x</Label><Label>y</Label></Labels>
  <Owner xmlns:p="urn:test:people"><p:name>Åsa</p:name></Owner>
  <ExtraThing><SubValue>1</SubValue></ExtraThing>
  <![CDATA[]]>
</Thing>`
	got, err := xmlcodec.Decode([]byte(body), thing)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"id": "t1", "count": 3.0, "ratio": 0.25, "active": true, "displayName": nil, "note": "",
		"tags": []any{"a", "b & c"}, "labels": []any{"x", "y"},
		"owner":      map[string]any{"name": "Åsa"},
		"extraThing": map[string]any{"subValue": "1"},
	}
	if !reflect.DeepEqual(got, want) {
		g, _ := json.Marshal(got)
		w, _ := json.Marshal(want)
		t.Fatalf("got  %s\nwant %s", g, w)
	}
	if err := validateXML(t, spec, "/things/t1", 200, "application/xml", body); err != nil {
		t.Fatalf("valid body rejected: %v", err)
	}

	cases := []struct {
		name, body string
		wantField  string
	}{
		{"count not an integer", strings.Replace(body, "<Count> 3 </Count>", "<Count>3.5</Count>", 1), "count"},
		{"count below the minimum", strings.Replace(body, "<Count> 3 </Count>", "<Count>-1</Count>", 1), "count"},
		{"active not a boolean", strings.Replace(body, "<Active>1</Active>", "<Active>yes</Active>", 1), "active"},
		{"too long", strings.Replace(body, `<display_name x:nil="true"/>`, "<display_name>abcdefghijk</display_name>", 1), "displayName"},
		{"object given as text", strings.Replace(body, `<Owner xmlns:p="urn:test:people"><p:name>Åsa</p:name></Owner>`, "<Owner>Åsa</Owner>", 1), "owner"},
		{"unknown member where none are allowed", strings.Replace(body, `<p:name>Åsa</p:name>`, `<p:name>Åsa</p:name><Age>3</Age>`, 1), "owner.age"},
		{"owner's name in the parent's namespace", strings.Replace(body, `<p:name>Åsa</p:name>`, `<name>Åsa</name>`, 1), "owner.name"},
		{"repeated single element", strings.Replace(body, "<Ratio>0.25</Ratio>", "<Ratio>0.25</Ratio><Ratio>0.5</Ratio>", 1), "ratio"},
		{"wrong item element", strings.Replace(body, "<Label>y</Label>", "<Item>y</Item>", 1), "labels.1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := validateXML(t, spec, "/things/t1", 200, "application/xml", tc.body)
			spectest.AssertFields(t, err, []string{tc.wantField})
		})
	}
}

func TestDecodeXMLMapsAndVariants(t *testing.T) {
	spec := spectest.LoadFile(t, "xml.yaml")
	problems := `<Problems><Message>invalid</Message><Details><contactId>too long</contactId><x.y>a b</x.y></Details></Problems>`
	got, err := xmlcodec.Decode([]byte(problems), spec.Doc().Components.Schemas["Problems"])
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"message": "invalid", "details": map[string]any{"contactId": []any{"too long"}, "x.y": []any{"a b"}}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("map: got %v, want %v", got, want)
	}
	if err := validateXML(t, spec, "/things/1", 400, "application/xml", problems); err != nil {
		t.Fatal(err)
	}

	pet := spec.Doc().Components.Schemas["Pet"]
	for _, tc := range []struct {
		name, body string
		want       map[string]any
		valid      bool
	}{
		{"discriminator element selects the cat", `<Pet><Kind>cat</Kind><Name>Måns</Name><Lives>9</Lives></Pet>`, map[string]any{"kind": "cat", "name": "Måns", "lives": 9.0}, true},
		{"i:type selects the dog", `<Pet xmlns:i="http://www.w3.org/2001/XMLSchema-instance" i:type="Dog"><Kind>dog</Kind><Name>Fido</Name><GoodBoy>true</GoodBoy></Pet>`, map[string]any{"kind": "dog", "name": "Fido", "goodBoy": true}, true},
		{"unknown kind reads every variant", `<Pet><Kind>cow</Kind><Name>Rosa</Name><Lives>1</Lives><GoodBoy>0</GoodBoy></Pet>`, map[string]any{"kind": "cow", "name": "Rosa", "lives": 1.0, "goodBoy": false}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := xmlcodec.Decode([]byte(tc.body), pet)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
			err = validateXML(t, spec, "/pets/1", 200, "text/xml", tc.body)
			if tc.valid != (err == nil) {
				t.Fatalf("valid = %v, err = %v", tc.valid, err)
			}
		})
	}
}

func TestCamelCase(t *testing.T) {
	for in, want := range map[string]string{
		"GDPRApprovalDate": "gdprApprovalDate", "Id": "id", "ID": "id", "EmailAddress2": "emailAddress2",
		"URLValue": "urlValue", "already": "already", "": "", "Ärende": "ärende",
	} {
		if got := xmlcodec.CamelCase(in); got != want {
			t.Errorf("CamelCase(%q) = %q, want %q", in, got, want)
		}
	}
}
