package conform

import (
	"fmt"
	"time"
)

// Status is the result of one check.
type Status string

// The results of a check. A skip is not a pass: the check could not run, and Reason says why.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Violation is one way in which an answer departs from the spec or from what a check expects.
type Violation struct {
	// Request is the label of the request whose answer violates: "example", "negative: query companyId
	// = vendorctl-invalid", "without credentials", "step 2 getClient".
	Request string `json:"request"`
	// Status is the answer's HTTP status, 0 when there was no answer.
	Status int `json:"status,omitempty"`
	// In is where the violation is: body, header, status, content-type, or request when the request
	// could not be sent.
	In string `json:"in"`
	// Field names the offending field (a dotted path into the body, or a header name), when there is one.
	Field string `json:"field,omitempty"`
	// Message says what is wrong.
	Message string `json:"message"`
	// Reproduce is a command that sends the request again (generated cases), credentials as
	// $VENDORCTL_... environment variables.
	Reproduce string `json:"reproduce,omitempty"`
}

func (v Violation) String() string {
	where := v.Request
	if v.Status != 0 {
		where += fmt.Sprintf(" → %d", v.Status)
	}
	if v.Field != "" {
		return where + ": " + v.Field + ": " + v.Message
	}
	return where + ": " + v.Message
}

// CheckResult is the result of one named check on one operation or flow.
type CheckResult struct {
	Name       string      `json:"name"`
	Status     Status      `json:"status"`
	Reason     string      `json:"reason,omitempty"`
	Violations []Violation `json:"violations,omitempty"`
	// Generated counts the generated cases the check looked at; RejectedByRule the valid ones the
	// vendor refused for a business rule (positive_data_acceptance).
	Generated      int `json:"generated,omitempty"`
	RejectedByRule int `json:"rejected_by_rule,omitempty"`
}

// RequestRecord is one request conform sent, as reported (credentials are never recorded).
type RequestRecord struct {
	Label  string `json:"label"`
	Method string `json:"method"`
	// URL is relative to the base URL, query string included.
	URL string `json:"url"`
	// Status is 0 when the request was not sent or got no answer; Error then says why.
	Status     int     `json:"status,omitempty"`
	Error      string  `json:"error,omitempty"`
	DurationMS float64 `json:"duration_ms"`
}

// Kinds of TargetResult.
const (
	KindOperation = "operation"
	KindFlow      = "flow"
)

// TargetResult is the checks of one operation or one stateful flow.
type TargetResult struct {
	Kind string `json:"kind"`
	// Name is the operationId, or the flow's name.
	Name string `json:"name"`
	// Method and Path (the template of the spec) of an operation; empty for a flow.
	Method string `json:"method,omitempty"`
	Path   string `json:"path,omitempty"`
	// Description of a flow.
	Description string `json:"description,omitempty"`
	// ExampleAnswered is set when the server answered the operation from the spec's examples instead of
	// behaviour of its own (a vendorctl mock without a handler for it marks such answers with
	// X-Vendorctl-Answer: example): its checks then test the spec's examples, not an implementation.
	ExampleAnswered bool            `json:"example_answered,omitempty"`
	Requests        []RequestRecord `json:"requests"`
	Checks          []CheckResult   `json:"checks"`
	// MissingCredentials says which credentials checks of the target were skipped for ("": none).
	MissingCredentials string        `json:"missing_credentials,omitempty"`
	Duration           time.Duration `json:"-"`
	DurationMS         float64       `json:"duration_ms"`
}

// answered2xx reports whether a request of the target got a 2xx answer.
func (t *TargetResult) answered2xx() bool {
	for _, rq := range t.Requests {
		if rq.Status >= 200 && rq.Status <= 299 {
			return true
		}
	}
	return false
}

// Counts of check results.
type Counts struct {
	Checks  int `json:"checks"`
	Passed  int `json:"passed"`
	Failed  int `json:"failed"`
	Skipped int `json:"skipped"`
}

func (c *Counts) add(s Status) {
	c.Checks++
	switch s {
	case Pass:
		c.Passed++
	case Fail:
		c.Failed++
	case Skip:
		c.Skipped++
	}
}

// Counts of the checks of the target.
func (t *TargetResult) Counts() Counts {
	var c Counts
	for _, ch := range t.Checks {
		c.add(ch.Status)
	}
	return c
}

// Report is the result of one conform run.
type Report struct {
	API         string        `json:"api"`
	BaseURL     string        `json:"base_url"`
	AllowWrites bool          `json:"allow_writes"`
	AllowSkips  bool          `json:"allow_skips"`
	Started     time.Time     `json:"started"`
	Duration    time.Duration `json:"-"`
	DurationMS  float64       `json:"duration_ms"`
	Summary     Counts        `json:"summary"`
	// Answered2xx is how many operations got a 2xx answer to at least one request.
	Answered2xx int `json:"operations_answered_2xx"`
	// MissingCredentials lists the credentials that checks were skipped for, each with the operations
	// and flows concerned. Unless AllowSkips, a run with any fails.
	MissingCredentials []MissingCredentials `json:"missing_credentials,omitempty"`
	Operations         []*TargetResult      `json:"operations"`
	Flows              []*TargetResult      `json:"flows"`
	// Generation is the generative phase (nil: it was off).
	Generation *GenerationReport `json:"generation,omitempty"`
}

// MissingCredentials is one reason checks were skipped for want of credentials: it names the flag or
// environment variable to set.
type MissingCredentials struct {
	Reason  string   `json:"reason"`
	Targets []string `json:"targets"`
}

// Targets returns the operations, then the flows.
func (r *Report) Targets() []*TargetResult {
	out := make([]*TargetResult, 0, len(r.Operations)+len(r.Flows))
	out = append(out, r.Operations...)
	return append(out, r.Flows...)
}

// Passed reports whether no check failed and, unless AllowSkips, none was skipped for want of
// credentials. Other skips (writes in a read-only run, no security requirement) are allowed.
func (r *Report) Passed() bool {
	return r.Summary.Failed == 0 && (r.AllowSkips || len(r.MissingCredentials) == 0)
}

func (r *Report) finish() {
	r.Summary, r.Answered2xx, r.MissingCredentials = Counts{}, 0, nil
	byReason := map[string]int{} // reason → index in MissingCredentials
	for _, t := range r.Targets() {
		for _, ch := range t.Checks {
			r.Summary.add(ch.Status)
		}
		if t.Kind == KindOperation && t.answered2xx() {
			r.Answered2xx++
		}
		if t.MissingCredentials == "" {
			continue
		}
		i, ok := byReason[t.MissingCredentials]
		if !ok {
			i = len(r.MissingCredentials)
			byReason[t.MissingCredentials] = i
			r.MissingCredentials = append(r.MissingCredentials, MissingCredentials{Reason: t.MissingCredentials})
		}
		r.MissingCredentials[i].Targets = append(r.MissingCredentials[i].Targets, t.Name)
	}
	r.DurationMS = ms(r.Duration)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
