package specs

import (
	"errors"
	"regexp"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// Kind says whether a validation concerned a request or a response.
type Kind string

// The kinds of validation.
const (
	KindRequest  Kind = "request"
	KindResponse Kind = "response"
)

// Violation is one way in which a request or a response departs from the spec.
type Violation struct {
	// In is where the violation is: "body", "query", "path", "header", "cookie", "status" or "content-type".
	In string `json:"in"`
	// Field names the offending field: a dotted path into the body ("phoneNumbers.0.phoneNumberType"),
	// or a parameter or header name. Empty when the violation concerns the whole message.
	Field string `json:"field,omitempty"`
	// Message says what is wrong, without the offending value.
	Message string `json:"message"`
}

func (v Violation) String() string {
	if v.Field == "" {
		return v.In + ": " + v.Message
	}
	return v.Field + ": " + v.Message
}

// ValidationError lists every violation found in one request or response.
type ValidationError struct {
	Kind       Kind
	Violations []Violation
	// cause is the validator's error the violations were read from (nil when built here).
	cause error
}

// Unwrap returns the validator's error, so that errors.Is finds a cause such as ErrTrailingData.
func (e *ValidationError) Unwrap() error { return e.cause }

func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Violations))
	for i, v := range e.Violations {
		lines[i] = v.String()
	}
	return string(e.Kind) + " does not conform: " + strings.Join(lines, "; ")
}

// Violations returns the violations of err when it is (or wraps) a *ValidationError, else nil.
func Violations(err error) []Violation {
	var ve *ValidationError
	if errors.As(err, &ve) {
		return ve.Violations
	}
	return nil
}

func newValidationError(kind Kind, err error) *ValidationError {
	ve := &ValidationError{Kind: kind, cause: err}
	collect(err, "body", "", &ve.Violations)
	if len(ve.Violations) == 0 {
		ve.Violations = []Violation{{In: "body", Message: err.Error()}}
	}
	return ve
}

var (
	missingProperty     = regexp.MustCompile(`^property "([^"]+)" is missing$`)
	unsupportedProperty = regexp.MustCompile(`^property "([^"]+)" is unsupported$`)
	responseHeader      = regexp.MustCompile(`^response header "([^"]+)"`)
)

// collect flattens kin-openapi's nested errors into violations that name the field.
func collect(err error, in, prefix string, out *[]Violation) {
	switch e := err.(type) {
	case nil:
		return
	case openapi3.MultiError:
		for _, inner := range e {
			collect(inner, in, prefix, out)
		}
	case *openapi3filter.RequestError:
		switch {
		case e.Parameter != nil:
			collectLeaf(e.Err, e.Parameter.In, e.Parameter.Name, e.Reason, out)
		case e.RequestBody != nil:
			if e.Err == nil {
				*out = append(*out, Violation{In: "body", Message: e.Reason})
				return
			}
			collect(e.Err, "body", "", out)
		default:
			if e.Err != nil {
				collect(e.Err, in, prefix, out)
				return
			}
			*out = append(*out, Violation{In: in, Message: e.Reason})
		}
	case *openapi3filter.ResponseError:
		if m := responseHeader.FindStringSubmatch(e.Reason); m != nil {
			collectLeaf(e.Err, "header", m[1], strings.TrimPrefix(e.Reason, m[0]+" "), out)
			return
		}
		if e.Err != nil {
			collect(e.Err, "body", prefix, out)
			return
		}
		switch {
		case strings.Contains(e.Reason, "status"):
			*out = append(*out, Violation{In: "status", Message: e.Reason})
		case strings.Contains(strings.ToLower(e.Reason), "content-type"), strings.Contains(e.Reason, "content type"):
			*out = append(*out, Violation{In: "content-type", Message: e.Reason})
		default:
			*out = append(*out, Violation{In: in, Message: e.Reason})
		}
	case *openapi3.SchemaError:
		if inner := combinatorDetails(e); inner != nil {
			before := len(*out)
			collect(inner, in, prefix, out)
			if len(*out) > before {
				return
			}
		}
		*out = append(*out, schemaViolation(e, in, prefix))
	case *openapi3filter.ParseError:
		var xe *XMLError
		if errors.As(e.Cause, &xe) {
			for _, p := range xe.Problems {
				*out = append(*out, Violation{In: in, Field: join(prefix, p.Field), Message: "xml: " + p.Message})
			}
			return
		}
		*out = append(*out, Violation{In: in, Field: prefix, Message: e.Error()})
	default:
		if inner := errors.Unwrap(err); inner != nil && inner != err {
			before := len(*out)
			collect(inner, in, prefix, out)
			if len(*out) > before {
				return
			}
		}
		*out = append(*out, Violation{In: in, Field: prefix, Message: err.Error()})
	}
}

// collectLeaf handles the error of one parameter or header.
func collectLeaf(err error, in, name, reason string, out *[]Violation) {
	if err == nil {
		*out = append(*out, Violation{In: in, Field: name, Message: reason})
		return
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, inner := range me {
			collectLeaf(inner, in, name, reason, out)
		}
		return
	}
	var se *openapi3.SchemaError
	if errors.As(err, &se) {
		v := schemaViolation(se, in, name)
		*out = append(*out, v)
		return
	}
	var pe *openapi3filter.ParseError
	if errors.As(err, &pe) {
		msg := pe.Reason
		if msg == "" {
			msg = pe.Error()
		}
		*out = append(*out, Violation{In: in, Field: name, Message: msg})
		return
	}
	*out = append(*out, Violation{In: in, Field: name, Message: err.Error()})
}

// combinatorDetails returns the errors behind an allOf mismatch, or behind a oneOf/anyOf mismatch
// when the discriminator chose the one variant that was tried, so that violations name the fields
// instead of saying only that no variant matched. It returns nil otherwise.
func combinatorDetails(e *openapi3.SchemaError) error {
	switch e.SchemaField {
	case "allOf":
	case "oneOf", "anyOf":
		if e.Schema == nil || e.Schema.Discriminator == nil {
			return nil
		}
	default:
		return nil
	}
	for err := e.Origin; err != nil; err = errors.Unwrap(err) {
		if me, ok := err.(openapi3.MultiError); ok {
			if e.SchemaField != "allOf" && len(me) != 1 {
				return nil
			}
			return me
		}
	}
	return nil
}

func schemaViolation(e *openapi3.SchemaError, in, prefix string) Violation {
	parts := e.JSONPointer()
	reason := e.Reason
	if e.SchemaField == "discriminator" && e.Schema != nil && e.Schema.Discriminator != nil {
		parts = append(parts, e.Schema.Discriminator.PropertyName)
	}
	if m := missingProperty.FindStringSubmatch(reason); m != nil {
		parts = withLast(parts, m[1])
		reason = "required property is missing"
	} else if m := unsupportedProperty.FindStringSubmatch(reason); m != nil {
		parts = withLast(parts, m[1])
		reason = "property is not allowed by the schema"
	}
	field := strings.Join(parts, ".")
	if prefix != "" {
		if field == "" {
			field = prefix
		} else {
			field = prefix + "." + field
		}
	}
	return Violation{In: in, Field: field, Message: reason}
}

// withLast makes sure that the path ends with the property a required/unsupported error is about.
func withLast(parts []string, prop string) []string {
	if len(parts) > 0 && parts[len(parts)-1] == prop {
		return parts
	}
	return append(parts, prop)
}
