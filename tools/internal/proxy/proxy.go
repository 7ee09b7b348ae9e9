// Package proxy is a reverse proxy that validates live traffic against a vendor's spec: every request
// and every response is checked, each violation is logged (never a secret: no header, query string or
// body), named in an X-Contract-Violations response header and counted per operation for
// GET /__admin/violations. In strict mode a response that violates the spec is replaced by a 502 with an
// application/problem+json body listing the violations; a conformant response, errors included, passes
// byte for byte.
//
// Paths are relative to the upstream's base path, which stands for the spec's server URL: with the
// upstream http://127.0.0.1:8080/vitecauto, a request for /api/customer goes to
// http://127.0.0.1:8080/vitecauto/api/customer and is validated as the spec's /api/customer.
package proxy

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/specs"
)

// HeaderViolations names the violations of one exchange, on one line:
// "response: kredLim: value must be an integer; kundenummer: required property is missing". Request and
// response violations are two groups separated by " | ".
const HeaderViolations = "X-Contract-Violations"

// AdminPath is where the proxy answers its own requests.
const AdminPath = "/__admin/"

// DefaultMaxBodyBytes is the largest body the proxy buffers to validate; a larger one passes unvalidated.
const DefaultMaxBodyBytes = 32 << 20

// maxHeaderBytes caps the X-Contract-Violations header.
const maxHeaderBytes = 4 << 10

// noOperation is the operation name violations are counted under when no operation matches.
const noOperation = "(no operation)"

// ProblemType is the type of the problem+json body of a strict 502.
const ProblemType = "urn:vendorctl:problem:contract-violation"

// Config configures a Proxy.
type Config struct {
	// Spec is the API's spec.
	Spec *specs.Spec
	// Upstream is the base URL that stands for the spec's server URL.
	Upstream string
	// Strict turns a response that violates the spec into a 502 problem.
	Strict bool
	// Logger receives one line per exchange with violations. Nil discards.
	Logger *slog.Logger
	// Transport sends the requests upstream (default: a clone of http.DefaultTransport that never
	// asks for compression on its own, so the answer reaches the client as the upstream wrote it).
	Transport http.RoundTripper
	// MaxBodyBytes caps the bodies buffered for validation (default DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// Admin guards /__admin/violations as it guards the mocks' admin API (Host, cross-site requests,
	// content type, token); its refusals are problem+json. Zero: loopback Hosts only, no token.
	Admin mockserver.AdminGuard
	// Observe gets every exchange once its answer is validated, before the answer goes to the client
	// (zero: none). It must not keep the Exchange's request past the call.
	Observe func(Exchange)
}

// Exchange is one request and its answer, as Config.Observe sees them.
type Exchange struct {
	// Route is the operation the request matched (nil: none).
	Route *specs.Route
	// Request is the request as validated (path relative to the server URL); RequestBody its body.
	Request     *http.Request
	RequestBody []byte
	// Status, Header and Body are the upstream's answer, Body decoded from any gzip.
	Status int
	Header http.Header
	Body   []byte
	// Conforms is true when request and answer were validated whole and neither violates the spec.
	Conforms bool
}

// Proxy is the validating reverse proxy. It is an http.Handler.
type Proxy struct {
	cfg      Config
	spec     *specs.Spec
	upstream *url.URL
	rp       *httputil.ReverseProxy
	adminH   http.Handler
	log      *slog.Logger
	stats    *stats
}

// New builds the proxy.
func New(cfg Config) (*Proxy, error) {
	if cfg.Spec == nil {
		return nil, errors.New("proxy: no spec")
	}
	u, err := url.Parse(cfg.Upstream)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("proxy: upstream %q: want http(s)://host[:port][/path]", cfg.Upstream)
	}
	u.Path = strings.TrimSuffix(u.Path, "/")
	u.RawPath, u.RawQuery, u.Fragment = "", "", ""
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Transport == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.DisableCompression = true
		cfg.Transport = t
	}
	p := &Proxy{cfg: cfg, spec: cfg.Spec, upstream: u, log: cfg.Logger, stats: newStats()}
	if p.log == nil {
		p.log = slog.New(slog.DiscardHandler)
	}
	p.log = p.log.With("api", cfg.Spec.Name())
	guard := cfg.Admin
	guard.Refuse = func(w http.ResponseWriter, status int, message string) {
		p.problem(w, status, http.StatusText(status), message)
	}
	p.adminH = guard.Protect(http.HandlerFunc(p.admin))
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(pr *httputil.ProxyRequest) {
			pr.SetURL(u)
			pr.SetXForwarded()
		},
		Transport:      cfg.Transport,
		ModifyResponse: p.checkResponse,
		ErrorHandler:   p.upstreamError,
	}
	return p, nil
}

// exchange is what the proxy knows of one request while it is in flight.
type exchange struct {
	route   *specs.Route
	noRoute error
	// validationReq is the request as validated (path relative to the server URL, body buffered).
	validationReq *http.Request
	requestBody   []byte
	// validated is false when a body was too large to validate.
	validated bool
	requestVs []specs.Violation
}

type ctxKey struct{}

// ServeHTTP validates the request, forwards it, and validates the answer.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, AdminPath) {
		p.adminH.ServeHTTP(w, r)
		return
	}
	x := &exchange{}
	body, complete, err := p.bufferBody(r)
	if err != nil {
		p.problem(w, http.StatusBadRequest, "Request body could not be read", err.Error())
		return
	}
	vreq := r.Clone(r.Context())
	vreq.Body = io.NopCloser(bytes.NewReader(body))
	vreq.ContentLength = int64(len(body))
	x.validationReq, x.requestBody, x.validated = vreq, body, complete
	route, err := p.spec.FindRouteRequest(vreq)
	if err != nil {
		x.noRoute = err
	} else {
		x.route = route
		if complete {
			if verr := p.spec.ValidateRequest(r.Context(), vreq, route); verr != nil {
				x.requestVs = violationsOf(verr)
			}
		} else {
			p.log.Info("request body too large to validate", "operation", route.OperationID(), "limit", p.cfg.MaxBodyBytes)
		}
	}
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), ctxKey{}, x)))
}

// bufferBody reads the request body up to the limit and puts it back; complete is false when the body
// was larger (it is then forwarded whole, unvalidated).
func (p *Proxy) bufferBody(r *http.Request) (body []byte, complete bool, err error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, true, nil
	}
	body, err = io.ReadAll(io.LimitReader(r.Body, p.cfg.MaxBodyBytes+1))
	if err != nil {
		return nil, false, fmt.Errorf("read request body: %w", err)
	}
	if int64(len(body)) > p.cfg.MaxBodyBytes {
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), r.Body), r.Body}
		return body, false, nil
	}
	_ = r.Body.Close()
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return body, true, nil
}

// checkResponse validates the upstream's answer (ModifyResponse).
func (p *Proxy) checkResponse(resp *http.Response) error {
	x, _ := resp.Request.Context().Value(ctxKey{}).(*exchange)
	if x == nil {
		return nil
	}
	method, path := resp.Request.Method, resp.Request.URL.Path
	operation := noOperation
	var responseVs []specs.Violation
	var plain []byte
	if x.route != nil {
		operation = x.route.OperationID()
		path = x.route.Template()
		vs, body, err := p.validateResponse(resp, x)
		if err != nil {
			return err
		}
		responseVs, plain = vs, body
	}
	requestVs := x.requestVs
	if x.noRoute != nil {
		requestVs = []specs.Violation{{In: "path", Message: "no operation of the spec matches " + method + " " + x.validationReq.URL.Path}}
	}
	p.stats.record(operation, method, path, requestVs, responseVs)
	if p.cfg.Observe != nil {
		p.cfg.Observe(Exchange{Route: x.route, Request: x.validationReq, RequestBody: x.requestBody,
			Status: resp.StatusCode, Header: resp.Header.Clone(), Body: plain,
			Conforms: x.route != nil && x.validated && plain != nil && len(requestVs)+len(responseVs) == 0})
	}
	if len(requestVs) == 0 && len(responseVs) == 0 {
		return nil
	}
	line := headerLine(requestVs, responseVs)
	p.log.Warn("contract violation", "operation", operation, "method", method, "path", path,
		"status", resp.StatusCode, "violations", line)
	if p.cfg.Strict && len(responseVs) > 0 {
		p.replaceWithProblem(resp, operation, line, responseVs)
		return nil
	}
	resp.Header.Set(HeaderViolations, line)
	return nil
}

// validateResponse buffers the body (restoring it untouched) and validates the answer. plain is the
// body as validated, nil when it was not (too large, or an unsupported encoding).
func (p *Proxy) validateResponse(resp *http.Response, x *exchange) (vs []specs.Violation, plain []byte, err error) {
	body, err := io.ReadAll(io.LimitReader(resp.Body, p.cfg.MaxBodyBytes+1))
	if err != nil {
		_ = resp.Body.Close()
		return nil, nil, fmt.Errorf("read upstream response: %w", err)
	}
	if int64(len(body)) > p.cfg.MaxBodyBytes {
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(body), resp.Body), resp.Body}
		p.log.Info("response body too large to validate", "operation", x.route.OperationID(), "limit", p.cfg.MaxBodyBytes)
		return nil, nil, nil
	}
	_ = resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))

	plain = body
	switch enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err == nil {
			plain, err = io.ReadAll(io.LimitReader(zr, p.cfg.MaxBodyBytes))
		}
		if err != nil {
			return []specs.Violation{{In: "body", Message: "gzip body could not be decoded: " + err.Error()}}, nil, nil
		}
	default:
		p.log.Info("response not validated: unsupported content encoding", "operation", x.route.OperationID(), "encoding", enc)
		return nil, nil, nil
	}
	verr := p.spec.ValidateResponse(resp.Request.Context(), x.validationReq, x.route, specs.Response{
		Status: resp.StatusCode, Header: resp.Header, Body: plain,
	})
	if plain == nil {
		plain = []byte{}
	}
	return violationsOf(verr), plain, nil
}

func violationsOf(err error) []specs.Violation {
	if err == nil {
		return nil
	}
	if vs := specs.Violations(err); len(vs) > 0 {
		return vs
	}
	return []specs.Violation{{In: "body", Message: err.Error()}}
}

// headerLine renders violations for the X-Contract-Violations header: one line, field names included.
func headerLine(requestVs, responseVs []specs.Violation) string {
	var groups []string
	for _, g := range []struct {
		kind string
		vs   []specs.Violation
	}{{"request", requestVs}, {"response", responseVs}} {
		if len(g.vs) == 0 {
			continue
		}
		items := make([]string, len(g.vs))
		for i, v := range g.vs {
			items[i] = v.String()
		}
		groups = append(groups, g.kind+": "+strings.Join(items, "; "))
	}
	line := sanitize(strings.Join(groups, " | "))
	if len(line) > maxHeaderBytes {
		cut := maxHeaderBytes
		for cut > 0 && !utf8Start(line[cut]) {
			cut--
		}
		line = line[:cut] + " …"
	}
	return line
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }

// sanitize keeps a header value on one line.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
}

// Problem is the application/problem+json body (RFC 9457) of the proxy's own errors.
type Problem struct {
	Type           string            `json:"type"`
	Title          string            `json:"title"`
	Status         int               `json:"status"`
	Detail         string            `json:"detail,omitempty"`
	API            string            `json:"api,omitempty"`
	Operation      string            `json:"operation,omitempty"`
	UpstreamStatus int               `json:"upstream_status,omitempty"`
	Violations     []specs.Violation `json:"violations,omitempty"`
}

// replaceWithProblem turns a violating answer into a 502 problem (strict mode).
func (p *Proxy) replaceWithProblem(resp *http.Response, operation, line string, vs []specs.Violation) {
	prob := Problem{
		Type: ProblemType, Title: "Upstream response violates the spec", Status: http.StatusBadGateway,
		Detail:    fmt.Sprintf("the upstream's %d answer to %s does not conform to the %s spec", resp.StatusCode, operation, p.spec.Name()),
		API:       p.spec.Name(),
		Operation: operation, UpstreamStatus: resp.StatusCode, Violations: vs,
	}
	body, _ := json.Marshal(prob)
	_ = resp.Body.Close()
	resp.StatusCode = http.StatusBadGateway
	resp.Status = strconv.Itoa(http.StatusBadGateway) + " " + http.StatusText(http.StatusBadGateway)
	resp.Header = http.Header{}
	resp.Header.Set("Content-Type", "application/problem+json")
	resp.Header.Set(HeaderViolations, line)
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.TransferEncoding = nil
	resp.Uncompressed = false
}

// upstreamError answers 502 problem+json when the upstream cannot be reached.
func (p *Proxy) upstreamError(w http.ResponseWriter, r *http.Request, err error) {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL may carry a query string with a key
	}
	p.log.Error("upstream request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	p.problem(w, http.StatusBadGateway, "Upstream unreachable", err.Error())
}

func (p *Proxy) problem(w http.ResponseWriter, status int, title, detail string) {
	body, _ := json.Marshal(Problem{Type: "about:blank", Title: title, Status: status, Detail: detail, API: p.spec.Name()})
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

// admin serves GET /__admin/violations (the counts) and DELETE /__admin/violations (reset).
func (p *Proxy) admin(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != AdminPath+"violations" {
		p.problem(w, http.StatusNotFound, "No such admin endpoint", r.Method+" "+r.URL.Path+"; see GET /__admin/violations")
		return
	}
	switch r.Method {
	case http.MethodGet:
		w.Header().Set("Content-Type", "application/json")
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		_ = enc.Encode(p.Violations())
	case http.MethodDelete:
		p.stats.reset()
		w.WriteHeader(http.StatusNoContent)
	default:
		w.Header().Set("Allow", "GET, DELETE")
		p.problem(w, http.StatusMethodNotAllowed, "Method not allowed", "GET or DELETE /__admin/violations")
	}
}

// Violations returns the counts GET /__admin/violations serves.
func (p *Proxy) Violations() Summary {
	return p.stats.snapshot(p.spec.Name(), p.upstream.Redacted(), p.cfg.Strict)
}

// Upstream is the upstream base URL, with any password redacted.
func (p *Proxy) Upstream() string { return p.upstream.Redacted() }

// OperationCount is what the proxy counted for one operation.
type OperationCount struct {
	Operation string `json:"operation"`
	Method    string `json:"method"`
	Path      string `json:"path"`
	Requests  int    `json:"requests"`
	// Violating counts the exchanges with at least one violation.
	Violating int `json:"violating"`
	// Violations counts every violation; ByViolation by its text ("response: kredLim: value must be an
	// integer").
	Violations  int            `json:"violations"`
	ByViolation map[string]int `json:"by_violation"`
}

// Summary is the body of GET /__admin/violations.
type Summary struct {
	API        string           `json:"api"`
	Upstream   string           `json:"upstream"`
	Strict     bool             `json:"strict"`
	Requests   int              `json:"requests"`
	Violations int              `json:"violations"`
	Operations []OperationCount `json:"operations"`
}

type stats struct {
	mu  sync.Mutex
	ops map[string]*OperationCount
}

func newStats() *stats { return &stats{ops: map[string]*OperationCount{}} }

func (s *stats) record(operation, method, path string, requestVs, responseVs []specs.Violation) {
	s.mu.Lock()
	defer s.mu.Unlock()
	key := operation
	if operation == noOperation {
		path = ""
		method = ""
	}
	c := s.ops[key]
	if c == nil {
		c = &OperationCount{Operation: operation, Method: method, Path: path, ByViolation: map[string]int{}}
		s.ops[key] = c
	}
	c.Requests++
	if len(requestVs)+len(responseVs) > 0 {
		c.Violating++
	}
	for _, v := range requestVs {
		c.Violations++
		c.ByViolation["request: "+v.String()]++
	}
	for _, v := range responseVs {
		c.Violations++
		c.ByViolation["response: "+v.String()]++
	}
}

func (s *stats) reset() {
	s.mu.Lock()
	s.ops = map[string]*OperationCount{}
	s.mu.Unlock()
}

func (s *stats) snapshot(api, upstream string, strict bool) Summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := Summary{API: api, Upstream: upstream, Strict: strict, Operations: []OperationCount{}}
	for _, c := range s.ops {
		cp := *c
		cp.ByViolation = make(map[string]int, len(c.ByViolation))
		for k, v := range c.ByViolation {
			cp.ByViolation[k] = v
		}
		out.Operations = append(out.Operations, cp)
		out.Requests += c.Requests
		out.Violations += c.Violations
	}
	sort.Slice(out.Operations, func(i, j int) bool { return out.Operations[i].Operation < out.Operations[j].Operation })
	return out
}
