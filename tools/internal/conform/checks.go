package conform

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Check is one named check. Run looks at every request sent for an operation (or flow) and its answer.
type Check struct {
	Name        string
	Description string
	// Flow: the check also runs on flows; FlowOnly: only on flows.
	Flow, FlowOnly bool
	Run            func(run *opRun) CheckResult
}

// Checks returns every check, in the order reports list them.
func Checks() []Check {
	return []Check{
		{Name: "not_a_server_error", Flow: true, Run: notAServerError,
			Description: "every request gets an answer, and no answer is a 5xx"},
		{Name: "status_code_conformance", Flow: true, Run: specViolations("status"),
			Description: "every status is documented for the operation"},
		{Name: "content_type_conformance", Flow: true, Run: specViolations("content-type"),
			Description: "every Content-Type is one the spec declares for the status"},
		{Name: "response_headers_conformance", Flow: true, Run: specViolations("header"),
			Description: "the headers the spec declares are present and valid"},
		{Name: "response_schema_conformance", Flow: true, Run: specViolations("body"),
			Description: "every body validates against the response schema"},
		{Name: "undocumented_fields", Flow: true, Run: undocumentedFields,
			Description: "no body holds a property its schema does not describe (unless the schema allows additional properties)"},
		{Name: "positive_data_acceptance", Run: positiveAcceptance,
			Description: "the requests built from the spec's examples are not refused as invalid, and one is answered 2xx"},
		{Name: "negative_data_rejection", Run: negativeRejection,
			Description: "a request with a parameter or body that breaks the schema gets a documented 4xx"},
		{Name: "auth_enforced", Run: authEnforced,
			Description: "a secured operation refuses missing or invalid credentials with 401 or 403"},
		{Name: "ensure_resource_availability", Flow: true, FlowOnly: true, Run: flowConsistency,
			Description: "a stateful flow finds what its earlier steps created, changed or found"},
	}
}

// CheckNames lists the names of every check.
func CheckNames() []string {
	var names []string
	for _, c := range Checks() {
		names = append(names, c.Name)
	}
	return names
}

func selectChecks(exclude []string) ([]Check, error) {
	skip := map[string]bool{}
	known := map[string]bool{}
	for _, c := range Checks() {
		known[c.Name] = true
	}
	for _, name := range exclude {
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		if !known[name] {
			return nil, fmt.Errorf("%w: unknown check %q (known: %s)", ErrConfig, name, strings.Join(CheckNames(), ", "))
		}
		skip[name] = true
	}
	var out []Check
	for _, c := range Checks() {
		if !skip[c.Name] {
			out = append(out, c)
		}
	}
	return out, nil
}

func pass() CheckResult { return CheckResult{Status: Pass} }

func skip(reason string) CheckResult { return CheckResult{Status: Skip, Reason: reason} }

func result(vs []Violation) CheckResult {
	if len(vs) == 0 {
		return pass()
	}
	return CheckResult{Status: Fail, Violations: vs}
}

// answered returns the exchanges that got an answer.
func (o *opRun) answered() []*exchange {
	var out []*exchange
	for _, x := range o.exchanges {
		if x.sent && x.err == nil {
			out = append(out, x)
		}
	}
	return out
}

// noAnswerReason says why a check that looks at answers had none.
func (o *opRun) noAnswerReason(kinds ...exchangeKind) string {
	if o.isFlow {
		if o.flowSkip != "" {
			return o.flowSkip
		}
		return "the flow sent no request"
	}
	if len(kinds) == 0 {
		kinds = []exchangeKind{positive, negative, noAuth, badAuth}
	}
	var reasons []string
	seen := map[string]bool{}
	for _, k := range kinds {
		if why := o.skipped[k]; why != "" && !seen[why] {
			seen[why] = true
			reasons = append(reasons, why)
		}
	}
	if len(reasons) == 0 {
		return "no request got an answer"
	}
	return strings.Join(reasons, "; ")
}

func notAServerError(run *opRun) CheckResult {
	var vs []Violation
	sent := 0
	for _, x := range run.exchanges {
		if !x.sent {
			continue
		}
		sent++
		switch {
		case x.err != nil:
			vs = append(vs, Violation{Request: x.label, In: "request", Message: "no answer: " + x.err.Error()})
		case x.status >= 500:
			vs = append(vs, Violation{Request: x.label, Status: x.status, In: "status", Message: "server error"})
		}
	}
	if sent == 0 {
		return skip(run.noAnswerReason())
	}
	return result(vs)
}

// specViolations reports the violations of the answers against the spec that concern one part of the
// answer (status, content-type, header or body).
func specViolations(part string) func(run *opRun) CheckResult {
	return func(run *opRun) CheckResult {
		answered := run.answered()
		if len(answered) == 0 {
			return skip(run.noAnswerReason())
		}
		var vs []Violation
		for _, x := range answered {
			for _, v := range x.violations {
				if violationPart(v.In) == part {
					vs = append(vs, Violation{Request: x.label, Status: x.status, In: v.In, Field: v.Field, Message: v.Message})
				}
			}
		}
		return result(vs)
	}
}

func violationPart(in string) string {
	switch in {
	case "status", "content-type", "header":
		return in
	}
	return "body"
}

// undocumentedFields reports properties of JSON bodies that their schema does not describe.
func undocumentedFields(run *opRun) CheckResult {
	answered := run.answered()
	if len(answered) == 0 {
		return skip(run.noAnswerReason())
	}
	var vs []Violation
	for _, x := range answered {
		schema := responseSchema(x)
		if schema == nil {
			continue
		}
		v := decodeAny(x.body, x.header.Get("Content-Type"))
		if v == nil {
			continue
		}
		for _, field := range extraFields(schema, v, "") {
			vs = append(vs, Violation{Request: x.label, Status: x.status, In: "body", Field: field, Message: "property is not described by the spec"})
		}
	}
	return result(vs)
}

// responseSchema is the schema of x's answer, when its status and content type are documented.
func responseSchema(x *exchange) *openapi3.Schema {
	if x.op == nil || x.op.op.Responses == nil {
		return nil
	}
	ref := x.op.op.Responses.Status(x.status)
	if ref == nil {
		ref = x.op.op.Responses.Default()
	}
	if ref == nil || ref.Value == nil {
		return nil
	}
	mt := ref.Value.Content.Get(x.header.Get("Content-Type"))
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// documented reports whether the operation documents a status.
func documented(op *operation, status int) bool {
	if op.op.Responses == nil {
		return false
	}
	return op.op.Responses.Status(status) != nil || op.op.Responses.Default() != nil
}

// refusedAsInvalid are the statuses that refuse a request for its form or its credentials.
var refusedAsInvalid = map[int]bool{400: true, 401: true, 406: true, 415: true, 422: true}

func positiveAcceptance(run *opRun) CheckResult {
	xs := run.of(positive)
	if len(xs) == 0 {
		return skip(run.noAnswerReason(positive))
	}
	var vs []Violation
	var statuses []string
	succeeded := false
	for _, x := range xs {
		switch {
		case x.err != nil:
			vs = append(vs, Violation{Request: x.label, In: "request", Message: "no answer: " + x.err.Error()})
		case refusedAsInvalid[x.status]:
			vs = append(vs, Violation{Request: x.label, Status: x.status, In: "status", Message: "a request built from the spec's examples was refused"})
		case x.status >= 200 && x.status < 300:
			succeeded = true
		default:
			statuses = append(statuses, fmt.Sprintf("%s → %d", x.label, x.status))
		}
	}
	if !succeeded && len(vs) == 0 {
		vs = append(vs, Violation{Request: "examples", In: "status", Message: "no request built from the spec's examples was answered 2xx (" + strings.Join(statuses, ", ") + ")"})
	}
	return result(vs)
}

func negativeRejection(run *opRun) CheckResult {
	xs := run.of(negative)
	if len(xs) == 0 {
		return skip(run.noAnswerReason(negative))
	}
	var vs []Violation
	for _, x := range xs {
		switch {
		case x.err != nil:
			vs = append(vs, Violation{Request: x.label, In: "request", Message: "no answer: " + x.err.Error()})
		case x.status < 400:
			vs = append(vs, Violation{Request: x.label, Status: x.status, In: "status", Message: "invalid input was accepted (want a documented 4xx)"})
		case x.status >= 500:
			vs = append(vs, Violation{Request: x.label, Status: x.status, In: "status", Message: "invalid input caused a server error (want a documented 4xx)"})
		case x.status == 401:
			vs = append(vs, Violation{Request: x.label, Status: x.status, In: "status", Message: "refused for its credentials, not for its input (want a documented 4xx other than 401)"})
		case !documented(x.op, x.status):
			vs = append(vs, Violation{Request: x.label, Status: x.status, In: "status", Message: fmt.Sprintf("invalid input got %d, which the operation does not document", x.status)})
		}
	}
	return result(vs)
}

func authEnforced(run *opRun) CheckResult {
	xs := append(run.of(noAuth), run.of(badAuth)...)
	if len(xs) == 0 {
		return skip(run.noAnswerReason(noAuth, badAuth))
	}
	var vs []Violation
	for _, x := range xs {
		switch {
		case x.err != nil:
			vs = append(vs, Violation{Request: x.label, In: "request", Message: "no answer: " + x.err.Error()})
		case x.status != 401 && x.status != 403:
			vs = append(vs, Violation{Request: x.label, Status: x.status, In: "status", Message: "credentials are not enforced (want 401 or 403)"})
		}
	}
	return result(vs)
}

func flowConsistency(run *opRun) CheckResult {
	if run.flowSkip != "" {
		return skip(run.flowSkip)
	}
	if run.flowErr != nil {
		label := "flow"
		var se *StepError
		if errors.As(run.flowErr, &se) {
			label = se.Label
		}
		return result([]Violation{{Request: label, In: "flow", Message: run.flowErr.Error()}})
	}
	return pass()
}

// extraFields lists the properties of v that schema does not describe, as dotted paths. An object
// schema that sets additionalProperties (true or a schema) allows any; one that leaves it unset is
// taken to list every property.
func extraFields(s *openapi3.Schema, v any, prefix string) []string {
	if s == nil {
		return nil
	}
	switch x := v.(type) {
	case map[string]any:
		props, open := objectProperties(s, x, 0)
		var out []string
		for _, k := range sortedKeys(x) {
			field := join(prefix, k)
			sub, ok := props[k]
			if !ok {
				if !open {
					out = append(out, field)
				}
				continue
			}
			out = append(out, extraFields(sub, x[k], field)...)
		}
		return out
	case []any:
		items := arrayItems(s, 0)
		if items == nil {
			return nil
		}
		var out []string
		for i, item := range x {
			out = append(out, extraFields(items, item, join(prefix, fmt.Sprint(i)))...)
		}
		return out
	}
	return nil
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// objectProperties collects the properties an object schema describes, through allOf, oneOf and anyOf
// (of the branches that are objects). open is true when additional properties are allowed explicitly.
func objectProperties(s *openapi3.Schema, v map[string]any, depth int) (map[string]*openapi3.Schema, bool) {
	props := map[string]*openapi3.Schema{}
	open := false
	if depth > 8 {
		return props, true
	}
	for name, ref := range s.Properties {
		if ref != nil && ref.Value != nil {
			props[name] = ref.Value
		}
	}
	ap := s.AdditionalProperties
	if (ap.Has != nil && *ap.Has) || ap.Schema != nil {
		open = true
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, ref := range list {
			if ref == nil || ref.Value == nil {
				continue
			}
			b := ref.Value
			if b.Type != nil && !b.Type.Is("object") {
				continue
			}
			sub, subOpen := objectProperties(b, v, depth+1)
			for k, p := range sub {
				if _, ok := props[k]; !ok {
					props[k] = p
				}
			}
			// A branch that only lists required properties says nothing about extra ones.
			if subOpen && len(b.Properties) > 0 {
				open = true
			}
		}
	}
	return props, open
}

func arrayItems(s *openapi3.Schema, depth int) *openapi3.Schema {
	if s.Items != nil && s.Items.Value != nil {
		return s.Items.Value
	}
	if depth > 8 {
		return nil
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, ref := range list {
			if ref != nil && ref.Value != nil {
				if items := arrayItems(ref.Value, depth+1); items != nil {
					return items
				}
			}
		}
	}
	return nil
}

// decodeAny decodes a JSON body; nil when the body is not JSON.
func decodeAny(body []byte, contentType string) any {
	if !isJSON(contentType) {
		return nil
	}
	var v any
	if json.Unmarshal(body, &v) != nil {
		return nil
	}
	return v
}
