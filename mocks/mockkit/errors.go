package mockkit

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/specs"
)

// Error is an error answer of a mock, before it is rendered in the vendor's own error shape.
type Error struct {
	// Status is the HTTP status code.
	Status int
	// Message is human-readable and never holds a secret.
	Message string
	// Code is a machine-readable code where the vendor has one (an OAuth error such as
	// "invalid_token", an exception type). Renderers may ignore it.
	Code string
	// Header is added to the answer (WWW-Authenticate, Retry-After, ...).
	Header http.Header
	// Violations are set when the request failed validation against the spec.
	Violations []specs.Violation
}

func (e *Error) Error() string { return fmt.Sprintf("%d %s", e.Status, e.Message) }

// Errorf returns an *Error with a formatted message.
func Errorf(status int, format string, args ...any) *Error {
	return &Error{Status: status, Message: fmt.Sprintf(format, args...)}
}

// RenderFunc writes e in the vendor's own error shape. It must write a body that the vendor's spec
// documents for e.Status (or for the status it decides to use instead).
type RenderFunc func(c echo.Context, e *Error) error

// ViolationsMessage joins violations into one line for an error body: "companyId: value must be an integer".
func ViolationsMessage(vs []specs.Violation) string {
	parts := make([]string, len(vs))
	for i, v := range vs {
		parts[i] = v.String()
	}
	return strings.Join(parts, "; ")
}

// asError turns any error returned by a handler or by Echo into an *Error.
func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		msg := http.StatusText(he.Code)
		if m, ok := he.Message.(string); ok && m != "" {
			msg = m
		}
		switch he.Code {
		case http.StatusNotFound:
			msg = "no such resource"
		case http.StatusMethodNotAllowed:
			msg = "method not allowed"
		case http.StatusRequestEntityTooLarge:
			msg = "request body too large"
		}
		return &Error{Status: he.Code, Message: msg}
	}
	return &Error{Status: http.StatusInternalServerError, Message: "internal error"}
}

type refusalKey struct{}

// WithRefusal returns a copy of r that a vendor API built by NewAPI or Plain answers with e in the
// vendor's own error shape instead of serving it: how a router in front of the vendors (package
// sessions) refuses a request in the shape its client expects.
func WithRefusal(r *http.Request, e *Error) *http.Request {
	return r.WithContext(context.WithValue(r.Context(), refusalKey{}, e))
}

// refusalOf is the refusal WithRefusal put on r, if any.
func refusalOf(r *http.Request) (*Error, bool) {
	e, ok := r.Context().Value(refusalKey{}).(*Error)
	return e, ok
}
