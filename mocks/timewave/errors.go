package timewave

import (
	"fmt"
	"math"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/specs"
)

// fieldErrors are Laravel's validation errors: messages by field name ("references.0.name").
type fieldErrors map[string][]string

func (fe fieldErrors) add(field, msg string) {
	if !slices.Contains(fe[field], msg) {
		fe[field] = append(fe[field], msg)
	}
}

func (fe fieldErrors) merge(other fieldErrors) {
	for f, msgs := range other {
		for _, msg := range msgs {
			fe.add(f, msg)
		}
	}
}

// body is the Laravel 422 (and 400) body: message is the first error (fields in alphabetical order)
// and "(and N more errors)" when there are more.
func (fe fieldErrors) body() timewaveapi.ValidationError {
	keys := make([]string, 0, len(fe))
	n := 0
	for k, msgs := range fe {
		keys = append(keys, k)
		n += len(msgs)
	}
	sort.Strings(keys)
	out := timewaveapi.ValidationError{Errors: map[string][]string(fe)}
	if out.Errors == nil {
		out.Errors = map[string][]string{}
	}
	if len(keys) == 0 {
		out.Message = "The given data was invalid."
		return out
	}
	out.Message = fe[keys[0]][0]
	switch more := n - 1; {
	case more == 1:
		out.Message += " (and 1 more error)"
	case more > 1:
		out.Message += fmt.Sprintf(" (and %d more errors)", more)
	}
	return out
}

// Texts of the rules the server checks itself (Laravel 9 defaults, inferred).
const (
	msgSecondaryEmailRequired = "The secondary email field is required when payment type is 2."
)

func attr(field string) string { return strings.ReplaceAll(field, "_", " ") }

func msgExists(field string) string     { return "The selected " + attr(field) + " is invalid." }
func msgProhibited(field string) string { return "The " + attr(field) + " field is prohibited." }

// asInt reads a JSON number that is an integer (beyond 2^53 it is approximate, which is enough to know
// that it is no id of a reference table).
func asInt(v any) (int, bool) {
	f, ok := v.(float64)
	if !ok || f != math.Trunc(f) || math.Abs(f) >= 1<<63 {
		return 0, false
	}
	return int(f), true
}

// ruleErrors checks the rules of a create or update body that a schema cannot express: "exists in"
// the reference tables, secondary_email with payment_type 2 (an empty string does not count), no id on
// a new reference, and on update an id of one of the client's own references. body is generic JSON (it
// may have failed the schema; values of the wrong type are left to the schema's errors). cur is the
// client being updated. The caller holds the mutex.
func (m *Mock) ruleErrors(op string, body map[string]any, cur *record) fieldErrors {
	fe := fieldErrors{}
	exists := []struct {
		field string
		ok    func(int) bool
	}{
		{"employee_id", func(id int) bool { return m.ref.employees[id] }},
		{"invoicetemplate_id", func(id int) bool { return m.ref.invoicetemplates[id] }},
		{"bank_id", func(id int) bool { _, ok := m.ref.banks[id]; return ok }},
		{"clienttype_id", func(id int) bool { _, ok := m.ref.clienttypes[id]; return ok }},
	}
	for _, rule := range exists {
		if id, ok := asInt(body[rule.field]); ok && !rule.ok(id) {
			fe.add(rule.field, msgExists(rule.field))
		}
	}
	if op == opCreateClient {
		for _, key := range []string{"address", "delivery_address", "invoice_address"} {
			in, _ := body[key].(map[string]any)
			if id, ok := asInt(in["workarea_id"]); ok {
				if _, found := m.ref.workareas[id]; !found {
					fe.add(key+".workarea_id", msgExists(key+".workarea_id"))
				}
			}
		}
	}
	if pt, ok := asInt(body["payment_type"]); ok && pt == int(timewaveapi.PaymentTypeEmail) {
		v, present := body["secondary_email"]
		if s, isStr := v.(string); !present || v == nil || (isStr && strings.TrimSpace(s) == "") {
			fe.add("secondary_email", msgSecondaryEmailRequired)
		}
	}
	refs, _ := body["references"].([]any)
	for i, item := range refs {
		ref, _ := item.(map[string]any)
		if ref == nil {
			continue
		}
		field := "references." + strconv.Itoa(i) + ".id"
		switch op {
		case opCreateClient:
			if _, has := ref["id"]; has {
				fe.add(field, msgProhibited(field))
			}
		case opUpdateClient:
			id, ok := asInt(ref["id"])
			if ok && cur != nil && !slices.ContainsFunc(cur.client.References, func(r timewaveapi.Reference) bool { return r.Id == id }) {
				fe.add(field, msgExists(field))
			}
		}
	}
	return fe
}

// codeOwnText marks an *mockkit.Error whose violations carry the mock's own Laravel texts (the
// filters of GET /clients), which the renderer writes as they are.
const codeOwnText = "timewave.ownText"

// render writes every error in the vendor's shape: OAuth errors on the token endpoint, Laravel's
// validation body for 400, {"message": ...} for everything else. Body violations of a create or update
// never reach it: their handlers answer 422 (mockkit's BodyViolationsToHandler).
func (m *Mock) render(c echo.Context, e *mockkit.Error) error {
	route := mockkit.RouteOf(c)
	op := ""
	if route != nil {
		op = route.OperationID()
	}
	switch {
	case e.Status == http.StatusUnsupportedMediaType && route != nil:
		// Not a status of the spec: a body the binder cannot read is a malformed request.
		return c.JSON(http.StatusBadRequest, timewaveapi.ValidationError{Message: "The request body must be JSON.", Errors: map[string][]string{}})
	case op == opRequestToken && (e.Status == http.StatusBadRequest || e.Status == http.StatusUnauthorized):
		return c.JSON(e.Status, oauthError(e))
	case e.Status == http.StatusBadRequest:
		return c.JSON(e.Status, badRequest(e))
	}
	return c.JSON(e.Status, timewaveapi.Error{Message: e.Message})
}

// badRequest is Laravel's validation body for a 400: the violations by field, or one line for the
// violations of the body as a whole.
func badRequest(e *mockkit.Error) timewaveapi.ValidationError {
	fe := fieldErrors{}
	var whole []string
	for _, v := range e.Violations {
		switch {
		case v.Field == "":
			whole = append(whole, v.Message)
		case e.Code == codeOwnText:
			fe.add(v.Field, v.Message)
		default:
			fe.add(v.Field, laravelText(v))
		}
	}
	out := fe.body()
	if len(fe) == 0 {
		out.Message = e.Message
		if len(whole) > 0 {
			out.Message = "The request body is invalid: " + strings.Join(whole, "; ")
		}
	}
	return out
}

// bodyErrors are Laravel's errors for the schema violations of a create or update body.
func bodyErrors(vs []specs.Violation) fieldErrors {
	fe := fieldErrors{}
	for _, v := range vs {
		switch {
		case v.Keyword == "not" && v.Field == "":
			// The only `not` at the body root: no payment_type 2 without secondary_email.
			fe.add("secondary_email", msgSecondaryEmailRequired)
		case v.Keyword == "not" && isReferenceItem(v.Field):
			// ReferenceCreate's `not: {required: [id]}`.
			fe.add(v.Field+".id", msgProhibited(v.Field+".id"))
		default:
			fe.add(v.Field, laravelText(v))
		}
	}
	return fe
}

// isReferenceItem reports whether a field is an item of references ("references.0").
func isReferenceItem(field string) bool {
	name, index, ok := strings.Cut(field, ".")
	if !ok || name != "references" {
		return false
	}
	_, err := strconv.Atoi(index)
	return err == nil
}

// laravelText is Laravel 9's default text for the schema keyword a violation failed. Body fields are
// named with spaces for underscores; query parameters ("page[size]") as they are.
func laravelText(v specs.Violation) string {
	a := v.Field
	if !strings.Contains(a, "[") {
		a = attr(a)
	}
	switch v.Keyword {
	case "maxLength":
		return fmt.Sprintf("The %s must not be greater than %s characters.", a, v.LimitText())
	case "minLength":
		return fmt.Sprintf("The %s must be at least %s characters.", a, v.LimitText())
	case "minimum":
		return fmt.Sprintf("The %s must be at least %s.", a, v.LimitText())
	case "maximum":
		return fmt.Sprintf("The %s must not be greater than %s.", a, v.LimitText())
	case "required":
		return fmt.Sprintf("The %s field is required.", a)
	case "enum":
		return fmt.Sprintf("The selected %s is invalid.", a)
	case "pattern":
		return fmt.Sprintf("The %s format is invalid.", a)
	case "format":
		switch v.LimitText() {
		case "email":
			return fmt.Sprintf("The %s must be a valid email address.", a)
		case "uri", "url":
			return fmt.Sprintf("The %s must be a valid URL.", a)
		}
	case "nullable":
		return typeText(a, v.Type)
	case "type":
		return typeText(a, v.LimitText())
	}
	return fmt.Sprintf("The %s is invalid.", a)
}

func typeText(a, typ string) string {
	switch typ {
	case "string":
		return fmt.Sprintf("The %s must be a string.", a)
	case "integer":
		return fmt.Sprintf("The %s must be an integer.", a)
	case "number":
		return fmt.Sprintf("The %s must be a number.", a)
	case "boolean":
		return fmt.Sprintf("The %s field must be true or false.", a)
	case "array", "object":
		return fmt.Sprintf("The %s must be an array.", a)
	}
	return fmt.Sprintf("The %s field must have a value.", a)
}

// OAuth error texts (Laravel Passport's, inferred).
const (
	oauthInvalidRequest       = "The request is missing a required parameter, includes an invalid parameter value, includes a parameter more than once, or is otherwise malformed."
	oauthUnsupportedGrantType = "The authorization grant type is not supported by the authorization server."
	oauthInvalidClient        = "Client authentication failed"
)

// oauthBody is the OAuth error with Passport's hint.
type oauthBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	Hint             string `json:"hint,omitempty"`
	Message          string `json:"message"`
}

func oauthError(e *mockkit.Error) oauthBody {
	if e.Status == http.StatusUnauthorized {
		return oauthBody{Error: "invalid_client", ErrorDescription: oauthInvalidClient, Message: oauthInvalidClient}
	}
	code := e.Code
	hint := ""
	for _, v := range e.Violations {
		if v.Field == "grant_type" && v.Keyword == "enum" {
			code = "unsupported_grant_type"
		}
		if hint == "" && v.Field != "" {
			hint = "Check the `" + v.Field + "` parameter"
		}
	}
	if code == "unsupported_grant_type" {
		return oauthBody{Error: code, ErrorDescription: oauthUnsupportedGrantType, Message: oauthUnsupportedGrantType}
	}
	return oauthBody{Error: "invalid_request", ErrorDescription: oauthInvalidRequest, Hint: hint, Message: oauthInvalidRequest}
}
