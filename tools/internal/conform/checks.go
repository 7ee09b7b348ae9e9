package conform

import (
	"errors"
	"fmt"
	"strings"

	"github.com/vendorctl/vendorctl/specs"
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
		{Name: "undocumented_fields", Flow: true, Run: specViolations("undocumented"),
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
				if violationPart(v) == part {
					vs = append(vs, Violation{Request: x.label, Status: x.status, In: v.In, Field: v.Field, Message: v.Message})
				}
			}
		}
		return result(vs)
	}
}

// violationPart sorts a violation of the spec to the check that reports it. The specs package reports
// a property the schema does not describe (specs.MsgUndocumented) with the body's violations; conform
// gives it a check of its own, undocumented_fields.
func violationPart(v specs.Violation) string {
	switch v.In {
	case "status", "content-type", "header":
		return v.In
	}
	if v.Message == specs.MsgUndocumented {
		return "undocumented"
	}
	return "body"
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
