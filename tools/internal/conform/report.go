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
	Description string          `json:"description,omitempty"`
	Requests    []RequestRecord `json:"requests"`
	Checks      []CheckResult   `json:"checks"`
	Duration    time.Duration   `json:"-"`
	DurationMS  float64         `json:"duration_ms"`
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
	API         string          `json:"api"`
	BaseURL     string          `json:"base_url"`
	AllowWrites bool            `json:"allow_writes"`
	Started     time.Time       `json:"started"`
	Duration    time.Duration   `json:"-"`
	DurationMS  float64         `json:"duration_ms"`
	Summary     Counts          `json:"summary"`
	Operations  []*TargetResult `json:"operations"`
	Flows       []*TargetResult `json:"flows"`
	// Generation is the generative phase (nil: it was off).
	Generation *GenerationReport `json:"generation,omitempty"`
}

// Targets returns the operations, then the flows.
func (r *Report) Targets() []*TargetResult {
	out := make([]*TargetResult, 0, len(r.Operations)+len(r.Flows))
	out = append(out, r.Operations...)
	return append(out, r.Flows...)
}

// Passed reports whether no check failed (skips are allowed).
func (r *Report) Passed() bool { return r.Summary.Failed == 0 }

func (r *Report) finish() {
	r.Summary = Counts{}
	for _, t := range r.Targets() {
		for _, ch := range t.Checks {
			r.Summary.add(ch.Status)
		}
	}
	r.DurationMS = ms(r.Duration)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
