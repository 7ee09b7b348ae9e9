package conform

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"

	"github.com/vendorctl/vendorctl/tools/internal/casegen"
)

// errNothingFollowed is what playSequence returns when its first step was refused: the sequence tested
// nothing and another is drawn.
const errNothingFollowed = "\x00nothing followed"

// maxSteps bounds the links a sequence follows after its first request.
const maxSteps = 3

// sequence is a generated stateful case: a first request, then links to follow, each with a request
// of its own whose linked parameters are filled in from the steps before it when it is sent.
type sequence struct {
	first genCase
	steps []seqStep
}

type seqStep struct {
	link casegen.Link
	in   casegen.Case
}

// sequences runs random sequences along the spec's links, one target per operation that links lead
// from. Each step must find what the steps before it created or changed.
func (g *generation) sequences(ctx context.Context) []*TargetResult {
	if g == nil {
		return nil
	}
	links := casegen.Links(g.r.spec.Doc())
	from := map[string][]casegen.Link{}
	var starts []string
	for _, l := range links {
		if g.r.byID[l.From] == nil || g.r.byID[l.To] == nil {
			continue
		}
		if len(from[l.From]) == 0 {
			starts = append(starts, l.From)
		}
		from[l.From] = append(from[l.From], l)
	}
	// Sequences start where no link leads (createClient, not the updateClient it links to).
	targets := map[string]bool{}
	for _, l := range links {
		targets[l.To] = true
	}
	if roots := slices.DeleteFunc(slices.Clone(starts), func(id string) bool { return targets[id] }); len(roots) > 0 {
		starts = roots
	}
	var out []*TargetResult
	for _, id := range starts {
		if ctx.Err() != nil {
			break
		}
		t := g.sequenceTarget(ctx, id, from)
		out = append(out, t)
		g.r.progress(len(out), len(starts), t)
	}
	return out
}

// sequenceTarget runs the sequences that start at operation id.
func (g *generation) sequenceTarget(ctx context.Context, id string, from map[string][]casegen.Link) *TargetResult {
	start := g.r.now()
	t := &TargetResult{Kind: KindFlow, Name: "links from " + id, Requests: []RequestRecord{},
		Description: "random sequences along the spec's links from " + id + ", with generated requests: each step finds what the steps before it created or changed"}
	skip := g.sequenceSkip(id, from)
	tl := newTally()
	if skip == "" {
		g.runSequences(ctx, id, from, tl)
	}
	for _, ch := range g.r.checks {
		if !ch.Flow {
			continue
		}
		res := CheckResult{Name: ch.Name, Status: Pass}
		if skip != "" {
			res = CheckResult{Name: ch.Name, Status: Skip, Reason: skip}
		}
		t.Checks = append(t.Checks, res)
	}
	tl.merge(t)
	t.Duration = g.r.now().Sub(start)
	t.DurationMS = ms(t.Duration)
	return t
}

// sequenceSkip says why the sequences from id cannot run ("" when they can).
func (g *generation) sequenceSkip(id string, from map[string][]casegen.Link) string {
	ops := []string{id}
	for _, l := range from[id] {
		ops = append(ops, l.To)
	}
	for _, oid := range ops {
		op := g.r.byID[oid]
		if op.writes && !g.r.cfg.AllowWrites {
			return oid + " writes: run with --allow-writes to check the sequences"
		}
		if req, secured := g.r.auth.resolve(g.r.spec.Doc(), op.security); secured && req.missing != "" {
			return oid + ": " + req.missing
		}
	}
	return ""
}

func (g *generation) runSequences(ctx context.Context, id string, from map[string][]casegen.Link, tl *tally) {
	op := g.r.byID[id]
	e := g.engine(g.seedFor(g.r.spec.Name(), id, "sequence"), g.progressBar(op, "sequence"))
	e.MaxExamples = max(1, g.cfg.MaxExamples/4)
	build := func(src *casegen.Source) (sequence, error) {
		in := casegen.Positive(src, g.r.caseOperation(op))
		c, err := g.r.toCall(op, in)
		if err != nil {
			return sequence{}, casegen.ErrDiscard
		}
		if valid, routed := g.r.checkRequest(ctx, c); !valid || !routed {
			return sequence{}, casegen.ErrDiscard
		}
		seq := sequence{first: genCase{c: c, in: in}}
		cur := id
		for range 1 + src.Intn(maxSteps) {
			next := from[cur]
			if len(next) == 0 {
				break
			}
			l := next[src.Intn(len(next))]
			seq.steps = append(seq.steps, seqStep{link: l, in: casegen.Positive(src, g.r.caseOperation(g.r.byID[l.To]))})
			cur = l.To
		}
		return seq, nil
	}
	var last []Violation
	var lastCurl string
	prop := func(seq sequence) casegen.Outcome {
		last, lastCurl = g.playSequence(ctx, seq)
		if lastCurl == errNothingFollowed {
			return casegen.Outcome{Discard: true}
		}
		if len(last) == 0 {
			return casegen.Outcome{}
		}
		return casegen.Outcome{Key: checkOf(last[0])}
	}
	res := casegen.Run(e, build, prop)
	g.rep.Discarded += res.Discarded
	g.rep.TimedOut = g.rep.TimedOut || res.TimedOut
	for _, ch := range g.r.checks {
		if ch.Flow {
			tl.cases[ch.Name] += res.Cases
		}
	}
	if res.Failure != nil {
		prop(res.Failure.Case)
		for _, v := range last {
			v.Reproduce = lastCurl
			v.Message += fmt.Sprintf(" (smallest of %d generated sequences, seed %d, %d shrink steps)", res.Cases, g.cfg.Seed, res.Failure.Shrinks)
			if _, seen := tl.failures[v.Request]; !seen {
				tl.failures[v.Request] = v
			}
		}
	}
	g.endBar()
}

// playSequence sends the steps of seq and returns what went wrong, with the commands that reproduce it
// (every step up to the failing one, joined by &&; ids in later steps are those the run was given).
func (g *generation) playSequence(ctx context.Context, seq sequence) ([]Violation, string) {
	first := g.r.byID[seq.first.c.op.id]
	req, _ := g.r.auth.resolve(g.r.spec.Doc(), first.security)
	label := "step 1 " + first.id
	x := g.r.send(ctx, seq.first.c, label, step, withAuth, req)
	g.rep.Cases++
	if vs, _ := g.judge(first, x, step); len(vs) > 0 {
		return vs, g.r.curl(seq.first.c, req)
	}
	if x.status < 200 || x.status > 299 {
		return nil, errNothingFollowed // refused for a rule: nothing to follow
	}
	prev := exchangeOf(seq.first.in, x)
	expect := casegen.Echoed(seq.first.in.Body, x.decoded)
	identity, _ := casegen.FindScalar(x.decoded, "id")
	trail := []string{label}
	curls := []string{g.r.curl(seq.first.c, req)}
	for i, st := range seq.steps {
		op := g.r.byID[st.link.To]
		in, ok := linked(st, prev)
		if !ok {
			return nil, ""
		}
		c, err := g.r.toCall(op, in)
		if err != nil {
			return nil, ""
		}
		if valid, routed := g.r.checkRequest(ctx, c); !valid || !routed {
			return nil, "" // the linked value does not fit the parameter: not this step's business
		}
		if obj, ok := in.Body.(map[string]any); ok {
			for k := range obj {
				delete(expect, k) // this step changes it
			}
		}
		req, _ := g.r.auth.resolve(g.r.spec.Doc(), op.security)
		label := fmt.Sprintf("step %d %s (link %s)", i+2, op.id, st.link.Name)
		x := g.r.send(ctx, c, label, step, withAuth, req)
		g.rep.Cases++
		curls = append(curls, g.r.curl(c, req))
		if vs := g.stepVerdict(op, x, trail, expect, identity); len(vs) > 0 {
			return vs, strings.Join(curls, " && ")
		}
		if x.status < 200 || x.status > 299 {
			return nil, ""
		}
		trail = append(trail, label)
		for k, v := range casegen.Echoed(in.Body, x.decoded) {
			expect[k] = v
		}
		prev = exchangeOf(in, x)
	}
	return nil, ""
}

// stepVerdict checks a linked step: its answer conforms, the resource is found, and it holds the
// values the steps before it sent (when it is the same resource).
func (g *generation) stepVerdict(op *operation, x *exchange, trail []string, expect map[string]string, identity string) []Violation {
	vs, _ := g.judge(op, x, step)
	if len(vs) > 0 {
		return vs
	}
	flowLabel := "ensure_resource_availability\x00" + x.label
	if x.status == http.StatusNotFound || x.status == http.StatusGone {
		return []Violation{{Request: flowLabel, Status: x.status, In: "flow",
			Message: fmt.Sprintf("what %v made is not found", trail)}}
	}
	if x.status < 200 || x.status > 299 {
		return nil
	}
	if id, ok := casegen.FindScalar(x.decoded, "id"); ok && identity != "" && id != identity {
		return nil // another resource with the same key (a client number need not be unique)
	}
	for _, k := range sortedStringKeys(expect) {
		if have, ok := casegen.FindScalar(x.decoded, k); ok && have != expect[k] {
			return []Violation{{Request: flowLabel, Status: x.status, In: "flow", Field: k,
				Message: fmt.Sprintf("is %q, but %v sent %q", have, trail, expect[k])}}
		}
	}
	return nil
}

// linked fills in the parameters of a step that its link gives from the step before.
func linked(st seqStep, prev casegen.Exchange) (casegen.Case, bool) {
	in := st.in
	in.Path, in.Query, in.Header = copyStrings(in.Path), copyValues(in.Query), copyStrings(in.Header)
	for name, expr := range st.link.Params {
		v, err := casegen.Resolve(expr, prev)
		if errors.Is(err, casegen.ErrNoValue) || err != nil {
			return in, false
		}
		s := casegen.ParamStrings(v)
		if len(s) == 0 {
			return in, false
		}
		where, pname := "path", name
		if w, n, ok := cutIn(name); ok {
			where, pname = w, n
		}
		switch where {
		case "query":
			in.Query[pname] = s
		case "header":
			in.Header[pname] = s[0]
		default:
			in.Path[pname] = s[0]
		}
	}
	return in, true
}

// cutIn splits a link parameter name "in.name" (path, query, header).
func cutIn(name string) (string, string, bool) {
	for _, in := range []string{"path.", "query.", "header."} {
		if len(name) > len(in) && name[:len(in)] == in {
			return in[:len(in)-1], name[len(in):], true
		}
	}
	return "", "", false
}

func exchangeOf(in casegen.Case, x *exchange) casegen.Exchange {
	return casegen.Exchange{Path: in.Path, Query: in.Query, RequestBody: in.Body, Status: x.status,
		ResponseBody: x.decoded, ResponseHeader: x.header}
}

func copyStrings(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

func copyValues(m map[string][]string) map[string][]string {
	out := make(map[string][]string, len(m))
	for k, v := range m {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func sortedStringKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

func sortStrings(s []string) { sort.Strings(s) }
