package oauth_test

import (
	"encoding/base64"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/oauth"
)

func TestBasicCredentials(t *testing.T) {
	enc := func(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
	cases := []struct {
		header, user, pass string
		err                error
	}{
		{"Basic " + enc("mock-user:mock-password"), "mock-user", "mock-password", nil},
		{"basic " + enc("u:p:with:colons"), "u", "p:with:colons", nil},
		{"", "", "", oauth.ErrNoCredentials},
		{"Basic", "", "", oauth.ErrMalformedCredentials},
		{"Basic !!!notbase64", "", "", oauth.ErrMalformedCredentials},
		{"Basic " + enc("nocolon"), "", "", oauth.ErrMalformedCredentials},
		{"Bearer abc", "", "", oauth.ErrWrongScheme},
	}
	for _, tc := range cases {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Authorization", tc.header)
		}
		user, pass, err := oauth.BasicCredentials(h)
		if !errors.Is(err, tc.err) || user != tc.user || pass != tc.pass {
			t.Errorf("%q: got %q %q %v", tc.header, user, pass, err)
		}
	}
}

func TestBearerToken(t *testing.T) {
	cases := []struct {
		header, token string
		err           error
	}{
		{"Bearer abc.def", "abc.def", nil},
		{"Bearer", "", oauth.ErrMalformedCredentials},
		{"Bearer ", "", oauth.ErrMalformedCredentials},
		{"Bearer a b", "", oauth.ErrMalformedCredentials},
		{"Basic abc", "", oauth.ErrWrongScheme},
		{"", "", oauth.ErrNoCredentials},
	}
	for _, tc := range cases {
		h := http.Header{}
		if tc.header != "" {
			h.Set("Authorization", tc.header)
		}
		tok, err := oauth.BearerToken(h)
		if !errors.Is(err, tc.err) || tok != tc.token {
			t.Errorf("%q: got %q %v", tc.header, tok, err)
		}
	}
}

func TestClientCredentials(t *testing.T) {
	form := url.Values{"client_id": {"c"}, "client_secret": {"s"}, "grant_type": {"client_credentials"}}
	post := func(body, ctype, query string) *http.Request {
		r := httptest.NewRequest("POST", "/token"+query, strings.NewReader(body))
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		return r
	}
	basic := post("grant_type=client_credentials", "application/x-www-form-urlencoded", "")
	basic.SetBasicAuth("c", "s")
	multipart := "--XX\r\nContent-Disposition: form-data; name=\"client_id\"\r\n\r\nc\r\n--XX\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\ns\r\n--XX--\r\n"
	for name, r := range map[string]*http.Request{
		"form":      post(form.Encode(), "application/x-www-form-urlencoded", ""),
		"query":     post("", "", "?"+form.Encode()),
		"basic":     basic,
		"multipart": post(multipart, "multipart/form-data; boundary=XX", ""),
	} {
		id, secret, err := oauth.ClientCredentials(r)
		if err != nil || id != "c" || secret != "s" {
			t.Errorf("%s: got %q %q %v", name, id, secret, err)
		}
	}
	if _, _, err := oauth.ClientCredentials(post("grant_type=x", "application/x-www-form-urlencoded", "")); !errors.Is(err, oauth.ErrNoCredentials) {
		t.Errorf("no client_id: %v", err)
	}
	bad := post("", "", "")
	bad.Header.Set("Authorization", "Basic %%%")
	if _, _, err := oauth.ClientCredentials(bad); !errors.Is(err, oauth.ErrMalformedCredentials) {
		t.Errorf("bad basic: %v", err)
	}
}

func TestSecretEqual(t *testing.T) {
	if !oauth.SecretEqual("abc", "abc") || oauth.SecretEqual("abc", "abd") || oauth.SecretEqual("", "abc") || oauth.SecretEqual("abcd", "abc") {
		t.Fatal("SecretEqual is wrong")
	}
}
