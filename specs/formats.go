package specs

import (
	"errors"
	"net/mail"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// formatFunc adapts a function to kin-openapi's format validator interface.
type formatFunc func(string) error

func (f formatFunc) Validate(value string) error { return f(value) }

// formatValidators are the string formats checked on every validation. They are passed per validation,
// so nothing global in kin-openapi is changed.
func formatValidators() map[string]openapi3.StringFormatValidator {
	return map[string]openapi3.StringFormatValidator{
		"email":     formatFunc(validEmail),
		"uri":       formatFunc(validURI),
		"url":       formatFunc(validURI),
		"date":      formatFunc(validDate),
		"date-time": formatFunc(validDateTime),
	}
}

var emailDomain = regexp.MustCompile(`^[^\s@.]+(\.[^\s@.]+)+$`)

func validEmail(s string) error {
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return errors.New("not a valid email address")
	}
	at := strings.LastIndexByte(s, '@')
	if !emailDomain.MatchString(s[at+1:]) {
		return errors.New("not a valid email address: the domain needs a dot")
	}
	return nil
}

func validURI(s string) error {
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || (u.Host == "" && u.Opaque == "") {
		return errors.New("not an absolute URI")
	}
	return nil
}

func validDate(s string) error {
	if _, err := time.Parse("2006-01-02", s); err != nil {
		return errors.New("not a date (YYYY-MM-DD)")
	}
	return nil
}

func validDateTime(s string) error {
	if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
		return errors.New("not an RFC 3339 date-time")
	}
	return nil
}
