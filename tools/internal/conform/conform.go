// Package conform checks a live API (the vendor's, a staging copy or a mock) against its spec, in the
// vocabulary of Schemathesis: for every operation of the spec it sends requests built from the spec's
// examples and runs named checks on the answers (not_a_server_error, status_code_conformance,
// content_type_conformance, response_headers_conformance, response_schema_conformance,
// undocumented_fields, positive_data_acceptance, negative_data_rejection, auth_enforced); then it runs the
// stateful flows registered for the vendor (ensure_resource_availability).
//
// The engine knows nothing of any vendor: requests, invalid inputs and credentials all come from the
// spec (parameter and body examples, schemas, security schemes). What a spec cannot say lives in a small
// Vendor registered by API name: POST operations that change nothing (searches) and stateful flows.
//
// A run is read-only unless Config.AllowWrites is set: operations with a write method (POST, PUT,
// PATCH, DELETE, except the vendor's safe ones and OAuth token endpoints) and flows that write are
// skipped. Credentials never reach a report or a log line, and go only to hosts the caller named: a
// token URL taken from the spec that is on another host than the base URL is refused (*HostError). A
// run that skipped checks for want of credentials fails unless Config.AllowSkips. A token endpoint of
// the spec is checked first and the token it answers is the one the run uses (TimeWave's new token
// logs out the previous one).
package conform

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"golang.org/x/oauth2"

	"github.com/vendorctl/vendorctl/mocks/mockkit"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/casegen"
)

// DefaultTimeout is the timeout of one request when Config.HTTPClient is nil.
const DefaultTimeout = 30 * time.Second

// maxBodyBytes caps the answer conform reads.
const maxBodyBytes = 32 << 20

// validationBase is the placeholder base of the requests that are validated against the spec (the
// router works on paths relative to the server URL).
const validationBase = "http://vendorctl.invalid"

// ErrUnreachable is returned by Run when the base URL cannot be connected to.
var ErrUnreachable = errors.New("base URL unreachable")

// ErrConfig is returned by New for a configuration that cannot run.
var ErrConfig = errors.New("invalid conform configuration")

// Config configures a run.
type Config struct {
	// Spec is the API's spec.
	Spec *specs.Spec
	// BaseURL stands for the spec's server URL: the vendor's production base, or a mock's prefix such as
	// http://127.0.0.1:8080/vitecauto.
	BaseURL string
	// Credentials to authenticate with.
	Credentials Credentials
	// AllowWrites enables the operations and flows that write.
	AllowWrites bool
	// AllowSkips lets a run pass although checks were skipped for want of credentials (zero: such a
	// run fails, Report.Passed is false, so that a run never passes while testing nothing).
	AllowSkips bool
	// Exclude names checks not to run (they are left out of the report).
	Exclude []string
	// Vendor overrides what is registered for the spec's API name (nil: the registered one, if any).
	Vendor *Vendor
	// HTTPClient sends the requests (default: a client with DefaultTimeout). Redirects are never followed.
	HTTPClient *http.Client
	// Now is the clock durations are measured with (default time.Now); tests inject a fake one.
	Now func() time.Time
	// Progress receives one line per operation and flow as it finishes (nil: none).
	Progress io.Writer
	// Logger receives debug lines about each request (method, path and status only). Nil discards.
	Logger *slog.Logger
	// Generate configures the generative phase (zero: off; see generative.go).
	Generate Generation
}

// Runner runs the checks of one API against one base URL.
type Runner struct {
	cfg    Config
	spec   *specs.Spec
	base   *url.URL
	client *http.Client
	now    func() time.Time
	log    *slog.Logger
	auth   *authSet
	ops    []*operation
	byID   map[string]*operation
	checks []Check
	vendor Vendor

	// captured holds the decoded JSON bodies of successful answers, newest first: path parameters take
	// their values from them (a list or search answer gives the id that a get needs).
	captured []any
}

// New prepares a run: it resolves the operations, credentials and checks once.
func New(cfg Config) (*Runner, error) {
	if cfg.Spec == nil {
		return nil, fmt.Errorf("%w: no spec", ErrConfig)
	}
	base, err := url.Parse(cfg.BaseURL)
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, fmt.Errorf("%w: base URL %q: want http(s)://host[:port][/path]", ErrConfig, cfg.BaseURL)
	}
	base.Path = strings.TrimSuffix(base.Path, "/")
	base.RawQuery, base.Fragment = "", ""
	r := &Runner{cfg: cfg, spec: cfg.Spec, base: base, now: cfg.Now, log: cfg.Logger}
	if r.now == nil {
		r.now = time.Now
	}
	if r.log == nil {
		r.log = slog.New(slog.DiscardHandler)
	}
	client := &http.Client{Timeout: DefaultTimeout}
	if cfg.HTTPClient != nil {
		cp := *cfg.HTTPClient
		client = &cp
	}
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	r.client = client
	if cfg.Vendor != nil {
		r.vendor = *cfg.Vendor
	} else {
		r.vendor = VendorFor(cfg.Spec.Name())
	}
	if r.checks, err = selectChecks(cfg.Exclude); err != nil {
		return nil, err
	}
	doc := cfg.Spec.Doc()
	if err := checkNamedHosts(doc, cfg.Spec.ServerURL(), r.base.String(), cfg.Credentials); err != nil {
		return nil, err
	}
	r.auth = newAuthSet(doc, cfg.Spec.ServerURL(), r.base.String(), cfg.Credentials, client)
	safe := map[string]bool{}
	for _, id := range r.vendor.Safe {
		safe[id] = true
	}
	r.ops = operations(doc, safe, tokenPaths(cfg.Spec))
	r.byID = map[string]*operation{}
	for _, op := range r.ops {
		r.byID[op.id] = op
	}
	for _, f := range r.vendor.Flows {
		for _, id := range f.Operations {
			if r.byID[id] == nil {
				return nil, fmt.Errorf("%w: flow %q uses operation %q, which the %s spec does not have", ErrConfig, f.Name, id, cfg.Spec.Name())
			}
		}
	}
	return r, nil
}

// tokenPaths are the spec paths (relative to the server URL) that are the token URL of an oauth2 scheme.
func tokenPaths(spec *specs.Spec) map[string]bool {
	out := map[string]bool{}
	doc := spec.Doc()
	server := strings.TrimSuffix(spec.ServerURL(), "/")
	if doc.Components == nil || server == "" {
		return out
	}
	for _, ref := range doc.Components.SecuritySchemes {
		if ref == nil || ref.Value == nil || ref.Value.Flows == nil {
			continue
		}
		f := ref.Value.Flows
		if f.ClientCredentials != nil && strings.HasPrefix(f.ClientCredentials.TokenURL, server+"/") {
			out[strings.TrimPrefix(f.ClientCredentials.TokenURL, server)] = true
		}
		if f.AuthorizationCode != nil && strings.HasPrefix(f.AuthorizationCode.TokenURL, server+"/") {
			out[strings.TrimPrefix(f.AuthorizationCode.TokenURL, server)] = true
		}
	}
	return out
}

// Run checks every operation, then every flow, and returns the report. It returns an error wrapping
// ErrUnreachable when the base URL cannot be connected to; failed checks are in the report, not errors.
func (r *Runner) Run(ctx context.Context) (*Report, error) {
	if err := r.preflight(ctx); err != nil {
		return nil, err
	}
	rep := &Report{API: r.spec.Name(), BaseURL: r.base.String(), AllowWrites: r.cfg.AllowWrites, AllowSkips: r.cfg.AllowSkips, Started: r.now(),
		Operations: []*TargetResult{}, Flows: []*TargetResult{}}
	total := len(r.ops) + len(r.vendor.Flows)
	n := 0
	gen := r.newGeneration(rep)
	for _, op := range r.ops {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n++
		t := r.runOperation(ctx, op)
		rep.Operations = append(rep.Operations, t)
		r.progress(n, total, t)
	}
	for _, f := range r.vendor.Flows {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		n++
		t := r.runFlow(ctx, f)
		rep.Flows = append(rep.Flows, t)
		r.progress(n, total, t)
	}
	gen.run(ctx, r.ops, rep)
	rep.Duration = r.now().Sub(rep.Started)
	rep.finish()
	return rep, nil
}

func (r *Runner) progress(n, total int, t *TargetResult) {
	if r.cfg.Progress == nil {
		return
	}
	c := t.Counts()
	what := t.Method + " " + t.Path
	if t.Kind == KindFlow {
		what = "flow"
	}
	note := ""
	if t.ExampleAnswered {
		note = " (answered from the spec's examples)"
	}
	fmt.Fprintf(r.cfg.Progress, "[%d/%d] %s %s: %d requests; %d passed, %d failed, %d skipped%s\n",
		n, total, t.Name, what, len(t.Requests), c.Passed, c.Failed, c.Skipped, note)
}

// preflight connects to the base URL's host once, so that an unreachable base is a usage-level error
// and not a table of failures.
func (r *Runner) preflight(ctx context.Context) error {
	host := r.base.Host
	if r.base.Port() == "" {
		port := "80"
		if r.base.Scheme == "https" {
			port = "443"
		}
		host = net.JoinHostPort(r.base.Hostname(), port)
	}
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	var d net.Dialer
	conn, err := d.DialContext(dctx, "tcp", host)
	if err != nil {
		return fmt.Errorf("%w: %s: %w", ErrUnreachable, r.base.String(), err)
	}
	_ = conn.Close()
	return nil
}

// exchangeKind says why a request was sent.
type exchangeKind int

const (
	positive exchangeKind = iota // built from the examples, with valid credentials
	negative                     // invalid in one place, with valid credentials
	noAuth                       // without credentials
	badAuth                      // with wrong credentials
	step                         // a step of a flow
)

// authMode says which credentials a request carries.
type authMode int

const (
	withAuth authMode = iota
	withoutAuth
	withInvalidAuth
)

// exchange is one request sent and what came back.
type exchange struct {
	label    string
	kind     exchangeKind
	op       *operation
	method   string
	relURL   string
	sent     bool  // false: not sent (err says why)
	err      error // not sent, or no answer
	status   int
	header   http.Header
	body     []byte
	duration time.Duration
	// violations of the answer against the spec, by specs.Violation.In.
	violations []specs.Violation
	decoded    any // the JSON body, when it is JSON
}

// send builds, authenticates and sends one request, then validates the answer against the spec.
func (r *Runner) send(ctx context.Context, c *call, label string, kind exchangeKind, mode authMode, req requirement) *exchange {
	x := &exchange{label: label, kind: kind, op: c.op, method: c.op.method, relURL: c.relURL()}
	httpReq, err := c.newRequest(ctx, r.base.String())
	if err != nil {
		x.err = err
		return x
	}
	switch mode {
	case withAuth:
		if err := req.apply(ctx, httpReq); err != nil {
			x.err = fmt.Errorf("credentials: %w", err)
			return x
		}
	case withInvalidAuth:
		req.applyInvalid(httpReq)
	}
	x.sent = true
	start := r.now()
	resp, err := r.client.Do(httpReq)
	if err != nil {
		x.duration = r.now().Sub(start)
		x.err = redactURLError(err)
		r.log.Debug("conform request failed", "operation", c.op.id, "method", x.method, "path", c.op.path, "err", x.err)
		return x
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBodyBytes))
	_ = resp.Body.Close()
	x.duration = r.now().Sub(start)
	if err != nil {
		x.err = fmt.Errorf("read the answer: %w", err)
		return x
	}
	x.status, x.header, x.body = resp.StatusCode, resp.Header, body
	r.log.Debug("conform request", "operation", c.op.id, "method", x.method, "path", c.op.path, "status", x.status)
	x.violations = r.validate(ctx, c, x)
	if x.status >= 200 && x.status < 300 && isJSON(resp.Header.Get("Content-Type")) {
		var v any
		if json.Unmarshal(body, &v) == nil {
			x.decoded = v
			r.captured = append([]any{v}, r.captured...)
		}
	}
	return x
}

// redactURLError drops the URL from a transport error (a query string may carry an API key).
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}

// validate checks the answer of x against the operation of c.
func (r *Runner) validate(ctx context.Context, c *call, x *exchange) []specs.Violation {
	req, err := c.newRequest(ctx, validationBase)
	if err != nil {
		return []specs.Violation{{In: "body", Message: err.Error()}}
	}
	route, err := r.spec.FindRouteRequest(req)
	if err != nil {
		return []specs.Violation{{In: "status", Message: "the request matches no operation of the spec: " + err.Error()}}
	}
	verr := r.spec.ValidateResponse(ctx, req, route, specs.Response{Status: x.status, Header: x.header, Body: x.body})
	if verr == nil {
		return nil
	}
	if vs := specs.Violations(verr); len(vs) > 0 {
		return vs
	}
	return []specs.Violation{{In: "body", Message: verr.Error()}}
}

// baseCall builds the valid request of an operation, without a body.
func (r *Runner) baseCall(op *operation) *call {
	c := &call{op: op, path: map[string]string{}, query: url.Values{}, header: http.Header{}}
	if len(op.accepts) > 0 {
		c.accept = op.accepts[0]
	}
	for _, p := range op.params {
		switch p.In {
		case "path":
			if v, ok := r.capturedValue(p); ok {
				c.path[p.Name] = v
				continue
			}
			if v, ok := exampleOf(p); ok {
				c.path[p.Name] = first(paramStrings(v))
			}
		case "query":
			if !p.Required {
				continue
			}
			if v, ok := exampleOf(p); ok {
				c.query[p.Name] = paramStrings(v)
			}
		case "header":
			if !p.Required {
				continue
			}
			if v, ok := exampleOf(p); ok {
				c.header.Set(p.Name, first(paramStrings(v)))
			}
		}
	}
	return c
}

func first(list []string) string {
	if len(list) == 0 {
		return ""
	}
	return list[0]
}

// capturedValue finds a value for a path parameter in the answers seen so far, newest first: the
// shallowest field of the same name whose value fits the parameter's schema.
func (r *Runner) capturedValue(p *openapi3.Parameter) (string, bool) {
	for _, body := range r.captured {
		v, ok := casegen.FindField(body, p.Name)
		if !ok {
			continue
		}
		if p.Schema != nil && p.Schema.Value != nil && p.Schema.Value.VisitJSON(v) != nil {
			continue
		}
		if s, ok := casegen.ScalarText(v); ok && s != "" {
			return s, true
		}
	}
	return "", false
}

// withBody returns a copy of c carrying v encoded as the operation's request body.
func withBody(c *call, v any) (*call, error) {
	raw, ct, err := encodeBody(c.op.body.contentType, v)
	if err != nil {
		return nil, err
	}
	cp := c.clone()
	cp.body, cp.contentType = raw, ct
	return cp, nil
}

// forToken replaces the client id and secret of a token request's example with the configured ones.
func (r *Runner) forToken(v any) any {
	obj, ok := v.(map[string]any)
	if !ok {
		return v
	}
	out := copyObject(obj)
	if _, ok := out["client_id"]; ok {
		out["client_id"] = r.cfg.Credentials.ClientID
	}
	if _, ok := out["client_secret"]; ok {
		out["client_secret"] = r.cfg.Credentials.ClientSecret
	}
	return out
}

// opRun is what the checks of one operation or flow look at.
type opRun struct {
	op        *operation // nil for a flow
	exchanges []*exchange
	// skipped says why requests of a kind were not sent.
	skipped map[exchangeKind]string
	// flowErr is what a flow found wrong (nil: consistent); flowSkip why it did not run.
	flowErr  error
	isFlow   bool
	flowSkip string
	// noCredentials is why checks were skipped for credentials conform was not given ("": none were).
	noCredentials string
}

func (o *opRun) of(kind exchangeKind) []*exchange {
	var out []*exchange
	for _, x := range o.exchanges {
		if x.kind == kind {
			out = append(out, x)
		}
	}
	return out
}

// runOperation sends the requests of one operation and runs every check on the answers.
func (r *Runner) runOperation(ctx context.Context, op *operation) *TargetResult {
	start := r.now()
	run := &opRun{op: op, skipped: map[exchangeKind]string{}}
	if op.writes && !r.cfg.AllowWrites {
		why := fmt.Sprintf("%s writes: run with --allow-writes to check it", op.method)
		for _, k := range []exchangeKind{positive, negative, noAuth, badAuth} {
			run.skipped[k] = why
		}
	} else {
		r.plan(ctx, op, run)
	}
	t := &TargetResult{Kind: KindOperation, Name: op.id, Method: op.method, Path: op.path}
	r.finishTarget(t, run, start)
	return t
}

// plan sends the positive, negative and authentication requests of op.
func (r *Runner) plan(ctx context.Context, op *operation, run *opRun) {
	req, secured := r.auth.resolve(r.spec.Doc(), op.security)
	base := r.baseCall(op)
	var bodies []namedValue
	if op.body != nil {
		bodies = op.body.examples
	}
	valid := req.missing == "" || !secured
	if op.tokenEndpoint && r.cfg.Credentials.ClientID == "" {
		valid = false
		req.missing, req.noCredentials = noClient, true
	}
	if !valid && req.noCredentials {
		run.noCredentials = req.missing
	}
	if op.tokenEndpoint {
		// A token request may invalidate the tokens issued before it (TimeWave's does): go on with the
		// last one it answered.
		defer func() { r.auth.afterTokenRequest(r.base.String()+op.path, r.lastToken(run)) }()
	}

	// positive: every body example, once per success media type.
	if !valid {
		run.skipped[positive] = req.missing
		run.skipped[negative] = req.missing
	} else {
		variants := []namedValue{{}}
		if len(bodies) > 0 {
			variants = bodies
		}
		accepts := op.accepts
		if len(accepts) == 0 {
			accepts = []string{""}
		}
		for _, v := range variants {
			c := base
			if op.body != nil {
				value := v.value
				if op.tokenEndpoint {
					value = r.forToken(value)
				}
				var err error
				if c, err = withBody(base, value); err != nil {
					run.exchanges = append(run.exchanges, &exchange{label: "example", kind: positive, op: op, method: op.method, err: err})
					continue
				}
			}
			for name, value := range r.vendor.ExamplePaths[op.id+" "+v.name] {
				c = c.clone()
				c.path[name] = value
			}
			for _, accept := range accepts {
				cc := c.clone()
				cc.accept = accept
				label := "example"
				if v.name != "" {
					label += " " + v.name
				}
				if len(accepts) > 1 {
					label += " (" + accept + ")"
				}
				run.exchanges = append(run.exchanges, r.send(ctx, cc, label, positive, withAuth, req))
			}
		}

		// negative: one invalid parameter, and one invalid body.
		bodyBase := base
		var bodyValue any
		if op.body != nil && len(bodies) > 0 {
			bodyValue = bodies[0].value
			if op.tokenEndpoint {
				bodyValue = r.forToken(bodyValue)
			}
			if c, err := withBody(base, bodyValue); err == nil {
				bodyBase = c
			}
		}
		sentNegative := false
		if cand, ok := r.firstInvalid(ctx, paramCandidates(bodyBase)); ok {
			run.exchanges = append(run.exchanges, r.send(ctx, cand.c, cand.label, negative, withAuth, req))
			sentNegative = true
		}
		if cand, ok := r.firstInvalid(ctx, bodyCandidates(bodyBase, bodyValue)); ok {
			run.exchanges = append(run.exchanges, r.send(ctx, cand.c, cand.label, negative, withAuth, req))
			sentNegative = true
		}
		if !sentNegative {
			run.skipped[negative] = "the spec gives no parameter or body that can be made invalid"
		}
	}

	// auth: the valid request without credentials, then with wrong ones.
	if !secured {
		run.skipped[noAuth] = "the operation has no security requirement"
		run.skipped[badAuth] = run.skipped[noAuth]
		return
	}
	c := base
	if op.body != nil && len(bodies) > 0 {
		if wb, err := withBody(base, bodies[0].value); err == nil {
			c = wb
		}
	}
	run.exchanges = append(run.exchanges,
		r.send(ctx, c, "without credentials", noAuth, withoutAuth, req),
		r.send(ctx, c, "with invalid credentials", badAuth, withInvalidAuth, req))
}

// lastToken is the token of the last positive request of a token endpoint answered 2xx (nil: none).
func (r *Runner) lastToken(run *opRun) *oauth2.Token {
	for i := len(run.exchanges) - 1; i >= 0; i-- {
		if x := run.exchanges[i]; x.kind == positive && x.decoded != nil {
			if tok := answeredToken(x.decoded, time.Now()); tok != nil {
				return tok
			}
		}
	}
	return nil
}

// finishTarget runs the checks and fills t.
func (r *Runner) finishTarget(t *TargetResult, run *opRun, start time.Time) {
	for _, x := range run.exchanges {
		if x.kind == positive && x.header.Get(mockkit.AnswerHeader) == mockkit.AnswerExample {
			t.ExampleAnswered = true
		}
		rec := RequestRecord{Label: x.label, Method: x.method, URL: x.relURL, Status: x.status, DurationMS: ms(x.duration)}
		if x.err != nil {
			rec.Error = x.err.Error()
		}
		t.Requests = append(t.Requests, rec)
	}
	if t.Requests == nil {
		t.Requests = []RequestRecord{}
	}
	for _, ch := range r.checks {
		if run.isFlow && !ch.Flow {
			continue
		}
		if !run.isFlow && ch.FlowOnly {
			continue
		}
		res := ch.Run(run)
		res.Name = ch.Name
		t.Checks = append(t.Checks, res)
	}
	t.MissingCredentials = run.noCredentials
	t.Duration = r.now().Sub(start)
	t.DurationMS = ms(t.Duration)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
