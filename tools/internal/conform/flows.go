package conform

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/vendorctl/vendorctl/tools/internal/casegen"
)

// Vendor is what conform knows about one API beyond its spec. Each vendor's lives in a small file of
// its own (vendor_<api>.go) and is registered by API name in vendors.
type Vendor struct {
	// Safe lists operations that use a write method but change nothing (a search sent as POST): they run
	// without --allow-writes.
	Safe []string
	// ExamplePaths gives the path parameters that a request body example is written for, keyed by
	// "operationId exampleName": an example that changes a record's own sub-resources (a reference of one
	// client) is only valid against that record.
	ExamplePaths map[string]map[string]string
	// Flows are the vendor's stateful flows, run after the operations.
	Flows []Flow
	// RuleStatuses are statuses, by operationId, with which the vendor refuses a request valid under the
	// spec for a business rule (besides the documented 4xx that never mean "invalid": 403, 404, 409 ...).
	RuleStatuses map[string][]int
}

// vendors registers the Vendor of each API that has one.
func vendors() map[string]func() Vendor {
	return map[string]func() Vendor{
		"mediaconnect": mediaconnectVendor,
		"timewave":     timewaveVendor,
	}
}

// VendorFor returns what is registered for api (the zero Vendor when nothing is).
func VendorFor(api string) Vendor {
	if f, ok := vendors()[api]; ok {
		return f()
	}
	return Vendor{}
}

// Flow is a stateful sequence of calls whose later steps use what earlier ones answered.
type Flow struct {
	// Name is shown in reports, e.g. "create-get-update-list".
	Name        string
	Description string
	// Operations are the operationIds the flow calls; New checks that the spec has them, and the flow
	// is skipped when conform has no credentials for one of them.
	Operations []string
	// Writes says whether the flow changes data (it then runs only with AllowWrites).
	Writes bool
	// Run calls the steps through s. An error (from a step, or from a comparison, via s.Errorf) fails
	// the flow's ensure_resource_availability check.
	Run func(ctx context.Context, s *Session) error
}

// Session sends the steps of one flow. Every answer goes through the same checks as operations'.
type Session struct {
	r     *Runner
	run   *opRun
	n     int
	label string
}

// Input overrides the example request of an operation.
type Input struct {
	// Path and Query set parameters (others keep their example values).
	Path  map[string]string
	Query map[string]string
	// Body is sent as the request body (nil: the example named Example, else the first example).
	Body    any
	Example string
}

// Answer is a step's answer.
type Answer struct {
	Status int
	// Body is the decoded JSON body (nil when it is not JSON).
	Body any
}

// StepError is a step that failed, or a flow finding that an answer is not what the steps before it
// made it expect.
type StepError struct {
	Label   string
	Message string
}

func (e *StepError) Error() string { return e.Message }

// Errorf fails the flow at the last step sent.
func (s *Session) Errorf(format string, args ...any) error {
	return &StepError{Label: s.label, Message: fmt.Sprintf(format, args...)}
}

// Call sends the example request of an operation with in applied; an answer that is not 2xx is an error.
func (s *Session) Call(ctx context.Context, operationID string, in Input) (*Answer, error) {
	op := s.r.byID[operationID]
	if op == nil {
		return nil, fmt.Errorf("flow calls unknown operation %q", operationID)
	}
	s.n++
	s.label = fmt.Sprintf("step %d %s", s.n, operationID)
	req, _ := s.r.auth.resolve(s.r.spec.Doc(), op.security)
	c := s.r.baseCall(op)
	for k, v := range in.Path {
		c.path[k] = v
	}
	for k, v := range in.Query {
		c.query.Set(k, v)
	}
	if op.body != nil {
		body := in.Body
		if body == nil {
			for _, ex := range op.body.examples {
				if body == nil || ex.name == in.Example {
					body = ex.value
				}
			}
		}
		wb, err := withBody(c, body)
		if err != nil {
			return nil, &StepError{Label: s.label, Message: err.Error()}
		}
		c = wb
	}
	x := s.r.send(ctx, c, s.label, step, withAuth, req)
	s.run.exchanges = append(s.run.exchanges, x)
	switch {
	case x.err != nil && !x.sent:
		return nil, &StepError{Label: s.label, Message: "not sent: " + x.err.Error()}
	case x.err != nil:
		return nil, &StepError{Label: s.label, Message: "no answer: " + x.err.Error()}
	case x.status < 200 || x.status > 299:
		return nil, &StepError{Label: s.label, Message: fmt.Sprintf("answered %d, want 2xx", x.status)}
	}
	return &Answer{Status: x.status, Body: x.decoded}, nil
}

// runFlow runs one flow and its checks.
func (r *Runner) runFlow(ctx context.Context, f Flow) *TargetResult {
	start := r.now()
	run := &opRun{isFlow: true, skipped: map[exchangeKind]string{}}
	if f.Writes && !r.cfg.AllowWrites {
		run.flowSkip = "the flow writes: run with --allow-writes to check it"
	}
	for _, id := range f.Operations {
		if run.flowSkip != "" {
			break
		}
		if req, secured := r.auth.resolve(r.spec.Doc(), r.byID[id].security); secured && req.missing != "" {
			run.flowSkip = id + ": " + req.missing
			if req.noCredentials {
				run.noCredentials = run.flowSkip
			}
		}
	}
	if run.flowSkip == "" {
		run.flowErr = f.Run(ctx, &Session{r: r, run: run})
	}
	t := &TargetResult{Kind: KindFlow, Name: f.Name, Description: f.Description}
	r.finishTarget(t, run, start)
	return t
}

// lookup reads a dotted path ("data.0.id") from a decoded JSON value.
func lookup(v any, path string) (any, bool) {
	cur := v
	for _, part := range strings.Split(path, ".") {
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[part]
			if !ok {
				return nil, false
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// lookupString reads a scalar at path as a string ("" when it is missing or not a scalar).
func lookupString(v any, path string) string {
	val, ok := lookup(v, path)
	if !ok {
		return ""
	}
	s, _ := casegen.ScalarText(val)
	return s
}
