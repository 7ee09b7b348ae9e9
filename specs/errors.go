package specs

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/vendorctl/vendorctl/specs/xmlcodec"
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
	// Message says what is wrong, without the offending value. Its wording is the validator's and may
	// change with it: branch on Keyword and Limit, never on Message.
	Message string `json:"message"`
	// Keyword is the schema keyword that failed, as the validator names it ("maxLength", "required",
	// "type", "enum", "format", "pattern", "not", "nullable", "anyOf", "properties" for a property the
	// schema does not allow, ...); for a parameter whose text is no value of its type, "type". Empty
	// when no schema keyword failed (a body that cannot be parsed, a status, a content type).
	Keyword string `json:"-"`
	// Limit is the schema's value for Keyword: an int64 for minLength, maxLength, minItems, maxItems,
	// minProperties and maxProperties; a float64 for minimum, maximum and multipleOf; the name for
	// format and type; the expression for pattern; the allowed values ([]any) for enum. Nil otherwise.
	Limit any `json:"-"`
	// Type is the type the schema gives the offending value ("string", "integer", ...), or "".
	Type string `json:"-"`
}

// LimitText is Limit as a schema writes it ("64", "0.5", "email"), or "" when there is none.
func (v Violation) LimitText() string {
	switch l := v.Limit.(type) {
	case int64:
		return strconv.FormatInt(l, 10)
	case float64:
		return strconv.FormatFloat(l, 'g', -1, 64)
	case string:
		return l
	}
	return ""
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

// ErrMethodNotAllowed matches (errors.Is) the error of a request whose path the spec has, but not
// with the request's method. The error is a *MethodNotAllowedError, which also matches ErrNoRoute.
var ErrMethodNotAllowed = errors.New("method not allowed")

// MethodNotAllowedError is returned by FindRoute and FindRouteRequest for a path that the spec has
// with other methods than the request's.
type MethodNotAllowedError struct {
	Method string
	Path   string
	// Allowed are the methods of the spec's operations on the path, upper case and sorted.
	Allowed []string
}

func (e *MethodNotAllowedError) Error() string {
	return fmt.Sprintf("%s: %s %s (method not allowed)", ErrNoRoute, e.Method, e.Path)
}

// Is makes the error match ErrMethodNotAllowed and ErrNoRoute.
func (e *MethodNotAllowedError) Is(target error) bool {
	return target == ErrMethodNotAllowed || target == ErrNoRoute
}

// newValidationError reads the violations of a validator's error. With complete (the options of a
// schema visit), a failed `not` is followed by the violations of the same value against the rest of
// its schema: the validator checks `not` first and stops there, which would hide every other error.
func newValidationError(kind Kind, err error, complete *notCompleter) *ValidationError {
	ve := &ValidationError{Kind: kind, cause: err}
	c := collector{complete: complete}
	c.collect(err, "body", "")
	ve.Violations = c.out
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

// collector gathers violations.
type collector struct {
	out []Violation
	// complete, when set, completes a failed `not` (see newValidationError).
	complete *notCompleter
}

// collect flattens kin-openapi's nested errors into violations that name the field.
func (c *collector) collect(err error, in, prefix string) {
	out := &c.out
	switch e := err.(type) {
	case nil:
		return
	case openapi3.MultiError:
		for _, inner := range e {
			c.collect(inner, in, prefix)
		}
	case *openapi3filter.RequestError:
		switch {
		case e.Parameter != nil:
			collectLeaf(e.Err, e.Parameter.In, e.Parameter.Name, e.Reason, paramType(e.Parameter), out)
		case e.RequestBody != nil:
			if e.Err == nil {
				*out = append(*out, Violation{In: "body", Message: e.Reason})
				return
			}
			c.collect(e.Err, "body", "")
		default:
			if e.Err != nil {
				c.collect(e.Err, in, prefix)
				return
			}
			*out = append(*out, Violation{In: in, Message: e.Reason})
		}
	case *openapi3filter.ResponseError:
		if m := responseHeader.FindStringSubmatch(e.Reason); m != nil {
			collectLeaf(e.Err, "header", m[1], strings.TrimPrefix(e.Reason, m[0]+" "), "", out)
			return
		}
		if e.Err != nil {
			c.collect(e.Err, "body", prefix)
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
			c.collect(inner, in, prefix)
			if len(*out) > before {
				return
			}
		}
		v := schemaViolation(e, in, prefix)
		*out = append(*out, v)
		if e.SchemaField == "not" && c.complete != nil {
			c.collect(c.complete.rest(e), in, v.Field)
		}
	case *openapi3filter.ParseError:
		var xe *xmlcodec.Error
		if errors.As(e.Cause, &xe) {
			for _, p := range xe.Problems {
				*out = append(*out, Violation{In: in, Field: xmlcodec.JoinField(prefix, p.Field), Message: "xml: " + p.Message})
			}
			return
		}
		*out = append(*out, Violation{In: in, Field: prefix, Message: e.Error()})
	default:
		if inner := errors.Unwrap(err); inner != nil && inner != err {
			before := len(*out)
			c.collect(inner, in, prefix)
			if len(*out) > before {
				return
			}
		}
		*out = append(*out, Violation{In: in, Field: prefix, Message: err.Error()})
	}
}

// collectLeaf handles the error of one parameter or header.
// typ is the type of the parameter's values ("" for a header).
func collectLeaf(err error, in, name, reason, typ string, out *[]Violation) {
	if err == nil {
		*out = append(*out, Violation{In: in, Field: name, Message: reason})
		return
	}
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, inner := range me {
			collectLeaf(inner, in, name, reason, typ, out)
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
		v := Violation{In: in, Field: name, Message: msg}
		if pe.Kind == openapi3filter.KindInvalidFormat && typ != "" && (errors.Is(pe.Cause, strconv.ErrSyntax) || errors.Is(pe.Cause, strconv.ErrRange)) {
			v.Keyword, v.Limit, v.Type = "type", typ, typ // text that is no value of the parameter's type
		}
		*out = append(*out, v)
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
	v := Violation{In: in, Field: field, Message: reason, Keyword: e.SchemaField, Type: schemaType(e.Schema)}
	v.Limit = keywordLimit(e.SchemaField, e.Schema)
	return v
}

// schemaType is the first type a schema names, or "".
func schemaType(s *openapi3.Schema) string {
	if s == nil || s.Type == nil || len(s.Type.Slice()) == 0 {
		return ""
	}
	return s.Type.Slice()[0]
}

// paramType is the type of a parameter's values (of its items, for an array), or "".
func paramType(p *openapi3.Parameter) string {
	if p.Schema == nil || p.Schema.Value == nil {
		return ""
	}
	s := p.Schema.Value
	if s.Type.Is("array") && s.Items != nil && s.Items.Value != nil {
		s = s.Items.Value
	}
	return schemaType(s)
}

// keywordLimit is the schema's value for a keyword (see Violation.Limit).
func keywordLimit(keyword string, s *openapi3.Schema) any {
	if s == nil {
		return nil
	}
	count := func(p *uint64) any {
		if p == nil {
			return nil
		}
		return int64(*p)
	}
	num := func(p *float64) any {
		if p == nil {
			return nil
		}
		return *p
	}
	switch keyword {
	case "minLength":
		return int64(s.MinLength)
	case "maxLength":
		return count(s.MaxLength)
	case "minItems":
		return int64(s.MinItems)
	case "maxItems":
		return count(s.MaxItems)
	case "minProperties":
		return int64(s.MinProps)
	case "maxProperties":
		return count(s.MaxProps)
	case "minimum", "exclusiveMinimum":
		return num(s.Min)
	case "maximum", "exclusiveMaximum":
		return num(s.Max)
	case "multipleOf":
		return num(s.MultipleOf)
	case "enum":
		return s.Enum
	case "format":
		return s.Format
	case "pattern":
		return s.Pattern
	case "type":
		return schemaType(s)
	}
	return nil
}

// notCompleter visits a value that failed a schema's `not` against the rest of that schema.
type notCompleter struct {
	opts []openapi3.SchemaValidationOption
	// rests are the schemas without their `not`, by schema: built once each, read-only after.
	rests sync.Map // *openapi3.Schema -> *openapi3.Schema
}

// rest returns the errors of e's value against e's schema without its `not` (nil when it passes).
func (n *notCompleter) rest(e *openapi3.SchemaError) error {
	if e.Schema == nil {
		return nil
	}
	r, ok := n.rests.Load(e.Schema)
	if !ok {
		without := *e.Schema
		without.Not = nil
		r, _ = n.rests.LoadOrStore(e.Schema, &without)
	}
	return r.(*openapi3.Schema).VisitJSON(e.Value, n.opts...)
}

// withLast makes sure that the path ends with the property a required/unsupported error is about.
func withLast(parts []string, prop string) []string {
	if len(parts) > 0 && parts[len(parts)-1] == prop {
		return parts
	}
	return append(parts, prop)
}
