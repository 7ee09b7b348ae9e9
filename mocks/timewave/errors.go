package timewave

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"regexp"
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

var referenceItem = regexp.MustCompile(`^references\.\d+$`)

// render writes every error in the vendor's shape: OAuth errors on the token endpoint, Laravel's
// validation body for 400 and 422, {"message": ...} for everything else. Body violations of a create or
// update become 422, merged with the rules the schema cannot express.
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
	case e.Status == http.StatusBadRequest && (op == opCreateClient || op == opUpdateClient) && fieldLevel(e.Violations):
		return m.renderBody(c, route, op, e.Violations)
	case e.Status == http.StatusBadRequest:
		fe := fieldErrors{}
		var whole []string
		for _, v := range e.Violations {
			if v.Field == "" {
				whole = append(whole, v.Message)
				continue
			}
			fe.add(v.Field, laravelText(v.Field, v.Message, ""))
		}
		out := fe.body()
		if len(fe) == 0 {
			out.Message = e.Message
			if len(whole) > 0 {
				out.Message = "The request body is invalid: " + strings.Join(whole, "; ")
			}
		}
		return c.JSON(e.Status, out)
	}
	return c.JSON(e.Status, timewaveapi.Error{Message: e.Message})
}

// fieldLevel reports whether every violation concerns a field of the body (or is the body's `not`
// rule), so that the answer is Laravel's 422 rather than a 400 for a malformed request.
func fieldLevel(vs []specs.Violation) bool {
	if len(vs) == 0 {
		return false
	}
	for _, v := range vs {
		if v.In != "body" || (v.Field == "" && v.Message != "") {
			return false
		}
	}
	return true
}

func (m *Mock) renderBody(c echo.Context, route *specs.Route, op string, vs []specs.Violation) error {
	var raw map[string]any
	if c.Request().GetBody != nil {
		if rc, err := c.Request().GetBody(); err == nil {
			data, _ := io.ReadAll(rc)
			_ = json.Unmarshal(data, &raw)
		}
	}
	if raw != nil {
		vs = m.revalidate(c, route, op, raw)
	}
	fe := fieldErrors{}
	for _, v := range vs {
		switch {
		case v.Message == "" && v.Field == "":
			// kin-openapi reports a failed `not` with an empty message; at the body root the only one is
			// "no payment_type 2 without secondary_email".
			fe.add("secondary_email", msgSecondaryEmailRequired)
		case v.Message == "" && referenceItem.MatchString(v.Field):
			// ReferenceCreate's `not: {required: [id]}`.
			fe.add(v.Field+".id", msgProhibited(v.Field+".id"))
		default:
			fe.add(v.Field, laravelText(v.Field, v.Message, bodyType(route, v.Field)))
		}
	}
	if raw != nil {
		m.mu.RLock()
		var cur *record
		if op == opUpdateClient {
			id, err := strconv.Atoi(route.PathParams()["id"])
			r, ok := m.store.byID[id]
			if err != nil || !ok {
				m.mu.RUnlock()
				// Laravel's route-model binding answers an unknown client before validation.
				return c.JSON(http.StatusNotFound, notFound(route.PathParams()["id"]))
			}
			cur = &r
		}
		fe.merge(m.ruleErrors(op, raw, cur))
		m.mu.RUnlock()
	}
	return c.JSON(http.StatusUnprocessableEntity, fe.body())
}

// revalidate validates the body again without the parts that break a `not` rule: kin-openapi checks
// `not` before the properties and stops there, so a body breaking it would hide every other error,
// where Laravel reports all of them. The `not` rules themselves are reported by ruleErrors.
func (m *Mock) revalidate(c echo.Context, route *specs.Route, op string, raw map[string]any) []specs.Violation {
	body := make(map[string]any, len(raw)+1)
	for k, v := range raw {
		body[k] = v
	}
	if pt, ok := asInt(body["payment_type"]); ok && pt == int(timewaveapi.PaymentTypeEmail) {
		if _, present := body["secondary_email"]; !present {
			body["secondary_email"] = "placeholder"
		}
	}
	if refs, ok := body["references"].([]any); ok && op == opCreateClient {
		clean := make([]any, len(refs))
		for i, item := range refs {
			clean[i] = item
			if ref, ok := item.(map[string]any); ok {
				without := make(map[string]any, len(ref))
				for k, v := range ref {
					if k != "id" {
						without[k] = v
					}
				}
				clean[i] = without
			}
		}
		body["references"] = clean
	}
	data, err := json.Marshal(body)
	if err != nil {
		return nil
	}
	req := c.Request().Clone(c.Request().Context())
	req.Body = io.NopCloser(bytes.NewReader(data))
	req.ContentLength = int64(len(data))
	req.GetBody = nil
	return specs.Violations(m.spec.ValidateRequest(req.Context(), req, route))
}

// bodyType is the JSON type the request body schema gives a dotted field, or "".
func bodyType(route *specs.Route, field string) string {
	if route == nil || route.Operation().RequestBody == nil || route.Operation().RequestBody.Value == nil {
		return ""
	}
	mt := route.Operation().RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return ""
	}
	s := mt.Schema.Value
	for _, part := range strings.Split(field, ".") {
		if s == nil {
			return ""
		}
		if p, ok := s.Properties[part]; ok {
			s = p.Value
			continue
		}
		if _, err := strconv.Atoi(part); err == nil && s.Items != nil {
			s = s.Items.Value
			continue
		}
		return ""
	}
	if s == nil || s.Type == nil || len(s.Type.Slice()) == 0 {
		return ""
	}
	return s.Type.Slice()[0]
}

var (
	reMaxLength = regexp.MustCompile(`^maximum string length is (\d+)`)
	reMinLength = regexp.MustCompile(`^minimum string length is (\d+)`)
	reMinimum   = regexp.MustCompile(`^number must be at least (\S+)`)
	reMaximum   = regexp.MustCompile(`^number must be at most (\S+)`)
)

// laravelText turns a validator message into Laravel 9's default text for the rule. Body fields are
// named with spaces for underscores; typ is the field's schema type, for "not nullable".
func laravelText(field, msg, typ string) string {
	a := field
	if !strings.Contains(field, "[") {
		a = attr(field)
	}
	if strings.HasPrefix(msg, "The ") { // already Laravel's text (the mock's own checks)
		return msg
	}
	if m := reMaxLength.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("The %s must not be greater than %s characters.", a, m[1])
	}
	if m := reMinLength.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("The %s must be at least %s characters.", a, m[1])
	}
	if m := reMinimum.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("The %s must be at least %s.", a, m[1])
	}
	if m := reMaximum.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("The %s must not be greater than %s.", a, m[1])
	}
	switch {
	case msg == "required property is missing":
		return fmt.Sprintf("The %s field is required.", a)
	case strings.Contains(msg, "allowed values"):
		return fmt.Sprintf("The selected %s is invalid.", a)
	case strings.Contains(msg, `format "email"`):
		return fmt.Sprintf("The %s must be a valid email address.", a)
	case strings.Contains(msg, `format "uri"`), strings.Contains(msg, `format "url"`):
		return fmt.Sprintf("The %s must be a valid URL.", a)
	case strings.Contains(msg, "regular expression"):
		return fmt.Sprintf("The %s format is invalid.", a)
	case msg == "Value is not nullable":
		return typeText(a, typ)
	case msg == "value must be a string":
		return typeText(a, "string")
	case msg == "value must be an integer", msg == "an invalid integer":
		return typeText(a, "integer")
	case msg == "value must be a number", msg == "an invalid number":
		return typeText(a, "number")
	case msg == "value must be a boolean", msg == "an invalid boolean":
		return typeText(a, "boolean")
	case msg == "value must be an array", msg == "value must be an object":
		return typeText(a, "array")
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
		if v.Field == "grant_type" && strings.Contains(v.Message, "allowed values") {
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
