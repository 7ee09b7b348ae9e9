package conform

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorctl/vendorctl/tools/internal/casegen"
)

// DefaultMaxExamples is the number of generated requests per operation and phase of the vendorctl
// command.
const DefaultMaxExamples = 100

// Generation configures the generative phase: requests generated from the spec's schemas, besides the
// examples. The zero value turns it off.
type Generation struct {
	// MaxExamples is the number of generated requests per operation and phase, positive and negative
	// (zero: no generation).
	MaxExamples int
	// Seed makes a run repeat exactly (zero is a seed like any other).
	Seed uint64
	// MaxTime bounds the generative phase of the run (zero: no bound).
	MaxTime time.Duration
	// MaxShrinks caps the requests sent to shrink one failure (zero: 300).
	MaxShrinks int
	// StrictAcceptance reports a valid request that the vendor rejects for a business rule (a documented
	// 4xx such as 404, 403 or the vendor's rule statuses) as a failure (zero: such rejections are counted,
	// not failed).
	StrictAcceptance bool
	// Bar draws the progress of each operation as a bar on Config.Progress, a terminal (zero: plain lines).
	Bar bool
}

// GenerationReport is what the report says of the generative phase.
type GenerationReport struct {
	Seed        uint64 `json:"seed"`
	MaxExamples int    `json:"max_examples"`
	// Cases are the generated requests sent (shrinking included), RejectedByRule the valid ones the
	// vendor refused for a business rule, Discarded the drawn cases that the spec check refused (never
	// sent).
	Cases          int     `json:"cases"`
	RejectedByRule int     `json:"rejected_by_rule"`
	Discarded      int     `json:"discarded"`
	TimedOut       bool    `json:"timed_out,omitempty"`
	CasesPerSecond float64 `json:"cases_per_second"`
}

// generation is the state of the generative phase of one run (nil: off).
type generation struct {
	r        *Runner
	cfg      Generation
	rep      *GenerationReport
	start    time.Time
	deadline time.Time
}

func (r *Runner) newGeneration(rep *Report) *generation {
	cfg := r.cfg.Generate
	if cfg.MaxExamples <= 0 {
		return nil
	}
	g := &generation{r: r, cfg: cfg, rep: &GenerationReport{Seed: cfg.Seed, MaxExamples: cfg.MaxExamples}, start: r.now()}
	if cfg.MaxTime > 0 {
		g.deadline = g.start.Add(cfg.MaxTime)
	}
	rep.Generation = g.rep
	return g
}

// run is the generative phase, after the examples and the vendor's flows (whose fixtures it would
// otherwise change): the operations, then the sequences along the links.
func (g *generation) run(ctx context.Context, ops []*operation, rep *Report) {
	if g == nil {
		return
	}
	for i, op := range ops {
		if ctx.Err() != nil || i >= len(rep.Operations) {
			break
		}
		g.operation(ctx, op, rep.Operations[i])
	}
	rep.Flows = append(rep.Flows, g.sequences(ctx)...)
	g.finish()
}

func (g *generation) finish() {
	if secs := g.r.now().Sub(g.start).Seconds(); secs > 0 {
		g.rep.CasesPerSecond = float64(int(float64(g.rep.Cases)/secs*10)) / 10
	}
}

// seedFor derives the seed of one operation and phase from the run's, so that each repeats on its own
// whatever else the run checks.
func (g *generation) seedFor(parts ...string) uint64 {
	h := fnv.New64a()
	for _, p := range parts {
		_, _ = h.Write([]byte(p))
		_, _ = h.Write([]byte{0})
	}
	return h.Sum64() ^ g.cfg.Seed
}

func (g *generation) engine(seed uint64, onCase func(int)) *casegen.Engine {
	return &casegen.Engine{Seed: seed, MaxExamples: g.cfg.MaxExamples, MaxShrinks: g.cfg.MaxShrinks,
		Deadline: g.deadline, Now: g.r.now, OnCase: onCase}
}

// tally counts the generated cases each check looked at, and keeps the smallest failure of each.
type tally struct {
	cases    map[string]int
	failures map[string]Violation
	rejected int
}

func newTally() *tally { return &tally{cases: map[string]int{}, failures: map[string]Violation{}} }

// genCase is a generated request made ready to send.
type genCase struct {
	c     *call
	label string
	in    casegen.Case
}

// operation runs the positive and negative phases of op and merges what they found into t.
func (g *generation) operation(ctx context.Context, op *operation, t *TargetResult) {
	if g == nil || op.tokenEndpoint || (op.writes && !g.r.cfg.AllowWrites) {
		return
	}
	req, secured := g.r.auth.resolve(g.r.spec.Doc(), op.security)
	if secured && req.missing != "" {
		return
	}
	cop := g.r.caseOperation(op)
	tl := newTally()
	for _, phase := range []exchangeKind{positive, negative} {
		if ctx.Err() != nil {
			return
		}
		g.phase(ctx, op, cop, phase, req, tl)
	}
	tl.merge(t)
	g.progressLine(op, tl)
}

func phaseName(k exchangeKind) string {
	if k == negative {
		return "negative"
	}
	return "positive"
}

// phase generates, sends and checks the cases of one phase, shrinking the first failure.
func (g *generation) phase(ctx context.Context, op *operation, cop *casegen.Operation, kind exchangeKind, req requirement, tl *tally) {
	name := phaseName(kind)
	bar := g.progressBar(op, name)
	e := g.engine(g.seedFor(g.r.spec.Name(), op.id, name), bar)
	n := 0
	build := func(src *casegen.Source) (genCase, error) {
		var in casegen.Case
		if kind == negative {
			var ok bool
			if in, ok = casegen.Negative(src, cop); !ok {
				return genCase{}, casegen.ErrDiscard
			}
		} else {
			in = casegen.Positive(src, cop)
		}
		c, err := g.r.toCall(op, in)
		if err != nil {
			return genCase{}, casegen.ErrDiscard
		}
		if valid, routed := g.r.checkRequest(ctx, c); !routed || valid != (kind == positive) {
			return genCase{}, casegen.ErrDiscard
		}
		n++
		label := fmt.Sprintf("generated %s #%d", name, n)
		if in.Breach != "" {
			label += " (" + in.Breach + ")"
		}
		return genCase{c: c, label: label, in: in}, nil
	}
	var last []Violation
	prop := func(gc genCase) casegen.Outcome {
		x := g.r.send(ctx, gc.c, gc.label, kind, withAuth, req)
		g.rep.Cases++
		vs, rejected := g.judge(op, x, kind)
		if rejected {
			g.rep.RejectedByRule++
			tl.rejected++
		}
		last = vs
		if len(vs) == 0 {
			return casegen.Outcome{}
		}
		return casegen.Outcome{Key: checkOf(vs[0])}
	}
	res := casegen.Run(e, build, prop)
	g.rep.Discarded += res.Discarded
	g.rep.TimedOut = g.rep.TimedOut || res.TimedOut
	for _, ch := range checksOf(kind) {
		tl.cases[ch] += res.Cases
	}
	if res.Failure != nil {
		prop(res.Failure.Case) // the last request sent is the smallest failing one
		for _, v := range last {
			v.Reproduce = g.r.curl(res.Failure.Case.c, req)
			v.Message += fmt.Sprintf(" (smallest of %d generated, seed %d, %d shrink steps)", res.Cases, g.cfg.Seed, res.Failure.Shrinks)
			if _, seen := tl.failures[v.Request]; !seen {
				tl.failures[v.Request] = v
			}
		}
	}
	g.endBar()
}

// checksOf are the checks that look at a generated case of a phase.
func checksOf(kind exchangeKind) []string {
	common := []string{"not_a_server_error", "status_code_conformance", "content_type_conformance",
		"response_headers_conformance", "response_schema_conformance", "undocumented_fields"}
	if kind == negative {
		return append(common, "negative_data_rejection")
	}
	return append(common, "positive_data_acceptance")
}

// judge runs the checks on the answer to one generated case. Each violation's Request is the name of
// the check that failed (merge moves it to Violation.Request's usual place). rejected says a valid
// case was refused for a business rule.
func (g *generation) judge(op *operation, x *exchange, kind exchangeKind) (vs []Violation, rejected bool) {
	enabled := map[string]bool{}
	for _, ch := range g.r.checks {
		enabled[ch.Name] = true
	}
	add := func(check string, v Violation) {
		if enabled[check] {
			v.Request = check + "\x00" + x.label
			v.Status = x.status
			vs = append(vs, v)
		}
	}
	switch {
	case x.err != nil:
		add("not_a_server_error", Violation{In: "request", Message: "no answer: " + x.err.Error()})
		return vs, false
	case x.status >= 500:
		add("not_a_server_error", Violation{In: "status", Message: "server error"})
	}
	for _, v := range x.violations {
		check := map[string]string{"status": "status_code_conformance", "content-type": "content_type_conformance",
			"header": "response_headers_conformance", "body": "response_schema_conformance", "undocumented": "undocumented_fields"}[violationPart(v)]
		add(check, Violation{In: v.In, Field: v.Field, Message: v.Message})
	}
	if kind == negative {
		if msg := negativeVerdict(op, x); msg != "" {
			add("negative_data_rejection", Violation{In: "status", Message: msg})
		}
		return vs, false
	}
	if x.status >= 400 && x.status < 500 {
		if g.r.isRule(op, x.status) && !g.cfg.StrictAcceptance {
			return vs, true
		}
		add("positive_data_acceptance", Violation{In: "status", Message: fmt.Sprintf("a request valid under the spec was refused with %d", x.status)})
	}
	return vs, false
}

// negativeVerdict says what is wrong with the answer to an invalid request ("" when it is a documented
// 4xx other than 401).
func negativeVerdict(op *operation, x *exchange) string {
	switch {
	case x.status < 400:
		return "invalid input was accepted (want a documented 4xx)"
	case x.status >= 500:
		return "invalid input caused a server error (want a documented 4xx)"
	case x.status == 401:
		return "refused for its credentials, not for its input (want a documented 4xx other than 401)"
	case !documented(op, x.status):
		return fmt.Sprintf("invalid input got %d, which the operation does not document", x.status)
	}
	return ""
}

// isRule reports whether a 4xx to a valid request is a business rule: a status the operation
// documents, other than those that refuse a request for its form or credentials, or a status the
// vendor names as a rule of the operation.
func (r *Runner) isRule(op *operation, status int) bool {
	if slices.Contains(r.vendor.RuleStatuses[op.id], status) {
		return true
	}
	return documented(op, status) && !refusedAsInvalid[status]
}

// caseOperation describes op to the generator; path parameters know the values earlier answers gave.
func (r *Runner) caseOperation(op *operation) *casegen.Operation {
	cop := &casegen.Operation{}
	for _, p := range op.params {
		if p.Schema == nil || p.Schema.Value == nil {
			continue
		}
		cp := casegen.Param{Name: p.Name, In: p.In, Required: p.Required, Schema: p.Schema.Value}
		if p.In == "path" {
			cp.Known = r.knownValues(p)
		}
		cop.Params = append(cop.Params, cp)
	}
	if op.body != nil && op.body.schema != nil {
		cop.Body = op.body.schema
		cop.Hints = exampleHints(op.body.examples)
	}
	return cop
}

// knownValues are up to five distinct values of a path parameter found in the answers seen so far.
func (r *Runner) knownValues(p *openapi3.Parameter) []string {
	var out []string
	seen := map[string]bool{}
	for _, body := range r.captured {
		v, ok := casegen.FindField(body, p.Name)
		if !ok || (p.Schema.Value.VisitJSON(v) != nil) {
			continue
		}
		if s, ok := casegen.ScalarText(v); ok && s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
			if len(out) == 5 {
				break
			}
		}
	}
	return out
}

// toCall turns a generated case into a request of op.
func (r *Runner) toCall(op *operation, in casegen.Case) (*call, error) {
	c := &call{op: op, path: in.Path, query: url.Values(in.Query), header: http.Header{}}
	for k, v := range in.Header {
		c.header.Set(k, v)
	}
	if len(op.accepts) > 0 {
		c.accept = op.accepts[0]
	}
	if in.HasBody && op.body != nil {
		return withBody(c, in.Body)
	}
	return c, nil
}

// checkRequest validates a request against the spec: valid says it conforms, routed that it reaches
// the operation it was made for.
func (r *Runner) checkRequest(ctx context.Context, c *call) (valid, routed bool) {
	req, err := c.newRequest(ctx, validationBase)
	if err != nil {
		return false, false
	}
	route, err := r.spec.FindRouteRequest(req)
	if err != nil || route.OperationID() != c.op.op.OperationID {
		return false, false
	}
	return r.spec.ValidateRequest(ctx, req, route) == nil, true
}

// checkOf is the check a violation of judge belongs to: shrinking keeps cases that fail the same one.
func checkOf(v Violation) string {
	check, _, _ := strings.Cut(v.Request, "\x00")
	return check
}

// exampleHints are the values the body examples give each top-level property.
func exampleHints(examples []namedValue) map[string][]any {
	hints := map[string][]any{}
	for _, ex := range examples {
		obj, ok := ex.value.(map[string]any)
		if !ok {
			continue
		}
		for _, k := range sortedKeys(obj) {
			hints[k] = append(hints[k], obj[k])
		}
	}
	return hints
}
