package main

import (
	"strings"
	"testing"
)

func TestValidate(t *testing.T) {
	cases := []struct {
		name   string
		args   []string
		code   int
		golden string // compared with stdout when set
		stderr string // substring of stderr when set
	}{
		{"documented record is valid", []string{"--api", "vitecauto", "--path", "/api/customer?companyId=998&customerId=500190", "testdata/vitecauto-documented.json"}, 0, "validate-documented.txt", ""},
		{"kredLim as a string is named", []string{"--api", "vitecauto", "--path", "/api/customer?companyId=998&customerId=500190", "testdata/vitecauto-kredlim-string.json"}, 1, "validate-kredlim.txt", ""},
		{"drift names every field", []string{"--api", "vitecauto", "--path", "/api/customer", "testdata/vitecauto-drifted.json"}, 1, "validate-drifted.txt", ""},
		{"documented error body", []string{"--api", "vitecauto", "--path", "/api/customer", "--status", "404", "testdata/vitecauto-error.json"}, 0, "", ""},
		{"undocumented status", []string{"--api", "vitecauto", "--path", "/api/customer", "--status", "418", "testdata/vitecauto-error.json"}, 1, "", ""},
		{"wrong content type", []string{"--api", "vitecauto", "--path", "/api/customer", "--content-type", "text/html", "testdata/vitecauto-documented.json"}, 1, "", ""},
		{"unknown route", []string{"--api", "vitecauto", "--path", "/api/nothing", "testdata/vitecauto-documented.json"}, 2, "", "no operation matches"},
		{"wrong method", []string{"--api", "vitecauto", "--method", "DELETE", "--path", "/api/customer", "testdata/vitecauto-documented.json"}, 2, "", "no operation matches"},
		{"unknown api", []string{"--api", "nope", "--path", "/x", "testdata/vitecauto-documented.json"}, 2, "", "unknown api"},
		{"missing file", []string{"--api", "vitecauto", "--path", "/api/customer", "testdata/none.json"}, 2, "", "none.json"},
		{"no file", []string{"--api", "vitecauto", "--path", "/api/customer"}, 2, "", "needs"},
		{"bad flag", []string{"--bogus"}, 2, "", "bogus"},
		{"mediaconnect documented customer is valid", []string{"--api", "mediaconnect", "--path", "/v1/client/customer/info/563457", "testdata/mediaconnect-documented.json"}, 0, "validate-mediaconnect-documented.txt", ""},
		{"mediaconnect phoneNumberType not in the enum", []string{"--api", "mediaconnect", "--path", "/v1/client/customer/info/563457", "testdata/mediaconnect-phone-type.json"}, 1, "validate-mediaconnect-phone-type.txt", ""},
		{"mediaconnect invoiceEmailAddress of 61 characters", []string{"--api", "mediaconnect", "--path", "/v1/client/customer/info/563457", "testdata/mediaconnect-invoice-61.json"}, 1, "validate-mediaconnect-invoice-61.txt", ""},
		{"mediaconnect invoiceEmailAddress of 60 characters", []string{"--api", "mediaconnect", "--path", "/v1/client/customer/info/563457", "testdata/mediaconnect-invoice-60.json"}, 0, "", ""},
		{"mediaconnect same customer in the user endpoint", []string{"--api", "mediaconnect", "--path", "/v1/customer/info", "testdata/mediaconnect-phone-type.json"}, 1, "", ""},
		{"mediaconnect empty search request", []string{"--api", "mediaconnect", "--request", "--method", "POST", "--path", "/v1/client/customer/search", "testdata/mediaconnect-empty-search.json"}, 1, "validate-mediaconnect-empty-search.txt", ""},
		{"mediaconnect search by phone", []string{"--api", "mediaconnect", "--request", "--method", "POST", "--path", "/v1/client/customer/search", "testdata/mediaconnect-search-phone.json"}, 0, "", ""},
		{"DataContract XML is valid", []string{"--api", "vitecmaklare", "--path", "/CRM/Contact/M30011/P1001", "--content-type", "application/xml", "testdata/vitecmaklare-person.xml"}, 0, "validate-maklare-xml.txt", ""},
		{"DataContract XML as text/xml", []string{"--api", "vitecmaklare", "--path", "/CRM/Contact/M30011/P1001", "--content-type", "text/xml; charset=utf-8", "testdata/vitecmaklare-person.xml"}, 0, "", ""},
		{"malformed XML", []string{"--api", "vitecmaklare", "--path", "/CRM/Contact/M30011/P1001", "--content-type", "application/xml", "testdata/vitecmaklare-malformed.xml"}, 1, "validate-maklare-malformed.txt", ""},
		{"XML Type outside the enum", []string{"--api", "vitecmaklare", "--path", "/CRM/Contact/M30011/P1001", "--content-type", "application/xml", "testdata/vitecmaklare-type-robot.xml"}, 1, "validate-maklare-type.txt", ""},
		{"XML where JSON is declared", []string{"--api", "vitecmaklare", "--path", "/CRM/Contact/M30011/P1001", "testdata/vitecmaklare-person.xml"}, 1, "", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, append([]string{"validate"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if tc.golden != "" {
				golden(t, tc.golden, []byte(stdout))
			}
			if tc.stderr != "" && !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.stderr)
			}
		})
	}
}
