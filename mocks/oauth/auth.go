package oauth

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/http"
	"strings"
)

// SecretEqual compares a presented secret with the expected one in constant time.
func SecretEqual(presented, expected string) bool {
	return subtle.ConstantTimeCompare([]byte(presented), []byte(expected)) == 1
}

// Errors of the credential parsers. Their messages never hold the credential.
var (
	ErrNoCredentials        = errors.New("no credentials")
	ErrMalformedCredentials = errors.New("malformed credentials")
	ErrWrongScheme          = errors.New("wrong authorization scheme")
)

// BasicCredentials parses an "Authorization: Basic base64(user:password)" header.
func BasicCredentials(h http.Header) (user, password string, err error) {
	scheme, value, err := authorization(h)
	if err != nil {
		return "", "", err
	}
	if !strings.EqualFold(scheme, "Basic") {
		return "", "", ErrWrongScheme
	}
	raw, err := base64.StdEncoding.DecodeString(value)
	if err != nil {
		return "", "", ErrMalformedCredentials
	}
	user, password, ok := strings.Cut(string(raw), ":")
	if !ok {
		return "", "", ErrMalformedCredentials
	}
	return user, password, nil
}

// BearerToken parses an "Authorization: Bearer TOKEN" header.
func BearerToken(h http.Header) (string, error) {
	scheme, value, err := authorization(h)
	if err != nil {
		return "", err
	}
	if !strings.EqualFold(scheme, "Bearer") {
		return "", ErrWrongScheme
	}
	return value, nil
}

func authorization(h http.Header) (scheme, value string, err error) {
	v := strings.TrimSpace(h.Get("Authorization"))
	if v == "" {
		return "", "", ErrNoCredentials
	}
	scheme, value, ok := strings.Cut(v, " ")
	value = strings.TrimSpace(value)
	if !ok || value == "" || strings.ContainsAny(value, " \t") {
		return "", "", ErrMalformedCredentials
	}
	return scheme, value, nil
}

// ClientCredentials reads OAuth client credentials from a token request: HTTP Basic, or the
// client_id/client_secret form fields (urlencoded or multipart), or the same names in the query string
// (some clients send them there). The request's form is parsed.
func ClientCredentials(r *http.Request) (id, secret string, err error) {
	if user, pass, berr := BasicCredentials(r.Header); berr == nil {
		return user, pass, nil
	} else if !errors.Is(berr, ErrNoCredentials) {
		return "", "", berr
	}
	if err := ParseForm(r); err != nil {
		return "", "", err
	}
	id, secret = r.Form.Get("client_id"), r.Form.Get("client_secret")
	if id == "" {
		return "", "", ErrNoCredentials
	}
	return id, secret, nil
}

// ParseForm parses an urlencoded or multipart body and the query string into r.Form.
func ParseForm(r *http.Request) error {
	if strings.HasPrefix(strings.ToLower(r.Header.Get("Content-Type")), "multipart/form-data") {
		if err := r.ParseMultipartForm(1 << 20); err != nil {
			return ErrMalformedCredentials
		}
		return nil
	}
	if err := r.ParseForm(); err != nil {
		return ErrMalformedCredentials
	}
	return nil
}
