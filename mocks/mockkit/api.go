package mockkit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/specs"
)

// DefaultMaxBodyBytes is the largest request body a mock reads; a larger one is answered 413.
const DefaultMaxBodyBytes = 1 << 20

// MaxURIBytes is the longest request target (path and query) a mock takes; a longer one is answered 414,
// as Kestrel does past its 8 KiB request line.
const MaxURIBytes = 8 << 10

// Options are what every vendor mock takes from whoever assembles it (serve, tests).
type Options struct {
	// Logger receives request errors and contract violations. Nil discards.
	Logger *slog.Logger
	// NoValidation turns off request validation and the response self-check (for benchmarks).
	NoValidation bool
	// NoResponseMemo checks every answer afresh, even one that is byte for byte an answer that passed
	// the check before (for benchmarks: it measures the check itself).
	NoResponseMemo bool
	// OnResponseViolation is called when a response the mock wrote does not conform to the spec.
	// Tests set it to fail the test.
	OnResponseViolation func(api, operationID string, err error)
	// MaxBodyBytes caps request bodies (default DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// Recorder is the journal and the fault rules of the server that builds the vendor, handed over
	// by mockserver.NewServerWith (nil: no journal, no faults).
	Recorder *mockserver.Recorder
	// ResponseMemo, when set, is shared with other APIs built with it (package sessions: every
	// session's copy of a vendor sends the same fixtures, checked once). Zero: a memo of the API's own.
	ResponseMemo *ResponseMemo
}

func (o Options) logger() *slog.Logger {
	if o.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return o.Logger
}

// Authenticator checks the credentials of a request to an operation that the spec secures. It returns
// nil to let the request through, or an error (usually an *Error with 401 or 403) that is rendered in
// the vendor's shape.
type Authenticator func(c echo.Context, route *specs.Route) error

// APIConfig describes one vendor API to NewAPI.
type APIConfig struct {
	// Name is the API's short name (vitecauto, ...).
	Name string
	// Spec is the API's loaded spec; request paths seen by the handler are relative to its server URL.
	Spec *specs.Spec
	// Render writes errors in the vendor's shape.
	Render RenderFunc
	// Authenticate checks credentials on operations that have a security requirement. Nil lets all in.
	Authenticate Authenticator
	// Register adds the generated handlers (RegisterHandlers(e, NewStrictHandler(...))).
	Register func(e *echo.Echo)
	// BodyViolationsToHandler are the operationIds whose handler answers a body that breaks the schema
	// itself (TimeWave's 422 with its own rules beside the schema's): when every violation of such a
	// request concerns a field of its body, request validation lets the request through with the
	// violations in its context (RequestViolations) instead of answering 400. Violations of
	// parameters, or of the body as a whole, are answered 400 as for any operation. Each id must be
	// an operation of Spec. Zero: off.
	BodyViolationsToHandler []string
	Options
}

// Keys of the values the middleware keeps in the Echo context.
const (
	routeKey             = "mockkit.route"
	bodyKey              = "mockkit.body"
	requestViolationsKey = "mockkit.requestViolations"
	faultKey             = "mockkit.fault"
	headKey              = "mockkit.head"
)

// RouteOf returns the spec route matched for the request, or nil.
func RouteOf(c echo.Context) *specs.Route {
	r, _ := c.Get(routeKey).(*specs.Route)
	return r
}

// NewAPI builds the Echo server of one vendor API. Before routing, a HEAD on a GET operation becomes
// that GET (headAsGet). Middleware, outermost first: observation (the
// response self-check against the spec, the journal, drifted and truncated answers), panic recovery,
// body limit, routing against the spec (unknown paths get the vendor's 404, other methods its 405 with
// Allow), fault injection, authentication, request validation (once; body violations of the
// operations of BodyViolationsToHandler go on to the handler), answers from the spec's examples for
// operations without a handler (example.go), forced responses (Prefer); then the generated handlers.
func NewAPI(cfg APIConfig) (*echo.Echo, error) {
	if cfg.Name == "" || cfg.Spec == nil || cfg.Render == nil || cfg.Register == nil {
		return nil, errors.New("mockkit: APIConfig needs Name, Spec, Render and Register")
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	toHandler, err := operationSet(cfg.Spec, cfg.BodyViolationsToHandler)
	if err != nil {
		return nil, err
	}
	a := &api{cfg: cfg, log: cfg.logger().With("api", cfg.Name), bodyToHandler: toHandler,
		journal: cfg.Recorder.Journal(), faults: cfg.Recorder.Faults()}
	if a.faults != nil {
		a.faults.AddTarget(cfg.Name, operationIDs(cfg.Spec))
	}
	if !cfg.NoValidation && !cfg.NoResponseMemo {
		a.memo = cfg.ResponseMemo
		if a.memo == nil {
			a.memo = newResponseMemo()
		}
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.Logger.SetOutput(io.Discard)
	e.HTTPErrorHandler = a.handleError
	e.Pre(a.headAsGet)
	e.Use(a.observe, a.recover, a.limitBody, a.route, a.injectFaults, a.authenticate)
	if !cfg.NoValidation {
		e.Use(a.validateRequest)
	}
	e.Use(a.answerExamples, a.prefer)
	cfg.Register(e)
	return e, nil
}

type api struct {
	cfg APIConfig
	log *slog.Logger
	// memo remembers answers that passed the response self-check and requests that passed validation
	// (nil: off).
	memo *responseMemo
	// bufs are response buffers of the observe middleware, reused across requests.
	bufs sync.Pool
	// bodyToHandler are the operations of cfg.BodyViolationsToHandler.
	bodyToHandler map[string]bool
	// journal and faults are cfg.Recorder's (nil: none).
	journal *mockserver.Journal
	faults  *mockserver.Faults
}

// operationSet checks that every id names an operation of spec and returns them as a set.
func operationSet(spec *specs.Spec, ids []string) (map[string]bool, error) {
	known := map[string]bool{}
	for _, id := range operationIDs(spec) {
		known[id] = true
	}
	set := map[string]bool{}
	for _, id := range ids {
		if !known[id] {
			return nil, fmt.Errorf("mockkit: BodyViolationsToHandler: %q is no operation of the %s spec", id, spec.Name())
		}
		set[id] = true
	}
	return set, nil
}

func (a *api) handleError(err error, c echo.Context) {
	if c.Response().Committed {
		return
	}
	e := asError(err)
	if e.Status >= 500 {
		a.log.Error("request failed", "method", c.Request().Method, "path", c.Request().URL.Path, "err", err)
	}
	for k, vs := range e.Header {
		for _, v := range vs {
			c.Response().Header().Add(k, v)
		}
	}
	if rerr := a.cfg.Render(c, e); rerr != nil {
		a.log.Error("render error", "err", rerr)
	}
}

func (a *api) recover(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler { // a deliberate abort (fault injection): let net/http drop the connection
					panic(r)
				}
				a.log.Error("panic in handler", "panic", fmt.Sprint(r), "path", c.Request().URL.Path)
				err = Errorf(http.StatusInternalServerError, "internal error")
			}
		}()
		return next(c)
	}
}

// limitBody refuses an overlong request target with 414, reads the request body once, refusing one over the limit with 413, and replaces it with an
// in-memory reader that validation and the handler can both read.
func (a *api) limitBody(next echo.HandlerFunc) echo.HandlerFunc {
	limit := a.cfg.MaxBodyBytes
	return func(c echo.Context) error {
		req := c.Request()
		lowerMediaType(req.Header)
		if len(req.RequestURI) > MaxURIBytes {
			return Errorf(http.StatusRequestURITooLong, "the request target is longer than %d bytes", MaxURIBytes)
		}
		if req.ContentLength > limit {
			return Errorf(http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", limit)
		}
		if req.Body == nil || req.Body == http.NoBody {
			return next(c)
		}
		body, err := io.ReadAll(io.LimitReader(req.Body, limit+1))
		_ = req.Body.Close()
		if err != nil {
			return Errorf(http.StatusBadRequest, "could not read the request body")
		}
		if int64(len(body)) > limit {
			return Errorf(http.StatusRequestEntityTooLarge, "request body is larger than %d bytes", limit)
		}
		if !utf8.Valid(body) && isTextual(req.Header.Get("Content-Type")) {
			return Errorf(http.StatusBadRequest, "request body is not valid UTF-8")
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(body)), nil }
		c.Set(bodyKey, body)
		return next(c)
	}
}

func (a *api) route(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if e, ok := refusalOf(c.Request()); ok { // WithRefusal
			return e
		}
		route, err := a.cfg.Spec.FindRouteRequest(c.Request())
		if err != nil {
			return noRoute(err)
		}
		c.Set(routeKey, route)
		return next(c)
	}
}

// noRoute is the error of a request no operation matches: 405 with Allow when the path has other
// methods (the route lookup names them), else 404.
func noRoute(err error) *Error {
	var mna *specs.MethodNotAllowedError
	if !errors.As(err, &mna) {
		return &Error{Status: http.StatusNotFound, Message: err.Error()}
	}
	allowed := withHead(mna.Allowed)
	return &Error{Status: http.StatusMethodNotAllowed, Message: err.Error(), Header: http.Header{"Allow": {strings.Join(allowed, ", ")}}}
}

// withHead adds HEAD after GET to sorted methods, since a HEAD is answered as its GET (headAsGet).
func withHead(methods []string) []string {
	out := make([]string, 0, len(methods)+1)
	for _, m := range methods {
		out = append(out, m)
		if m == http.MethodGet && !slices.Contains(methods, http.MethodHead) {
			out = append(out, http.MethodHead)
		}
	}
	return out
}

// headAsGet answers a HEAD on a path the spec has a GET for (and no HEAD) as that GET (RFC 9110
// section 9.3.2): routed, authenticated, validated and self-checked as the GET, journaled as HEAD and
// sent with the GET's status and headers, Content-Length included, without the body (see observe).
// It runs before Echo's router, so that the router finds the GET handler.
func (a *api) headAsGet(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		req := c.Request()
		if req.Method != http.MethodHead {
			return next(c)
		}
		var mna *specs.MethodNotAllowedError
		if _, err := a.cfg.Spec.FindRouteRequest(req); errors.As(err, &mna) && slices.Contains(mna.Allowed, http.MethodGet) {
			req.Method = http.MethodGet // in place: the router reads this very request
			c.Set(headKey, true)
		}
		return next(c)
	}
}

// isHead reports whether the client sent HEAD (also when headAsGet answers it as GET).
func isHead(c echo.Context) bool {
	asGet, _ := c.Get(headKey).(bool)
	return asGet || c.Request().Method == http.MethodHead
}

func (a *api) authenticate(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := RouteOf(c)
		if a.cfg.Authenticate != nil && route != nil && Secured(a.cfg.Spec, route) {
			if err := a.cfg.Authenticate(c, route); err != nil {
				return err
			}
		}
		return next(c)
	}
}

// Secured reports whether the operation of route has a non-empty security requirement (its own, or the
// document's when it has none).
func Secured(spec *specs.Spec, route *specs.Route) bool {
	sec := route.Operation().Security
	if sec == nil {
		sec = &spec.Doc().Security
	}
	return len(*sec) > 0
}

func (a *api) validateRequest(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		route := RouteOf(c)
		if route == nil {
			return next(c)
		}
		var requests *specs.RequestMemo
		if a.memo != nil {
			requests = a.memo.requests
		}
		if err := a.cfg.Spec.ValidateRequestMemo(c.Request().Context(), c.Request(), route, requests); err != nil {
			vs := specs.Violations(err)
			c.Set(requestViolationsKey, vs)
			if a.bodyToHandler[route.OperationID()] && bodyFieldsOnly(vs) {
				req := c.Request()
				body, _ := c.Get(bodyKey).([]byte)
				c.SetRequest(req.WithContext(context.WithValue(req.Context(), handoverKey{}, handover{vs, body})))
				return next(c)
			}
			return &Error{Status: http.StatusBadRequest, Message: ViolationsMessage(vs), Violations: vs}
		}
		return next(c)
	}
}

// bodyFieldsOnly reports whether every violation concerns a field of the body, or a `not` rule of the
// body (which names no field), rather than a parameter or the body as a whole.
func bodyFieldsOnly(vs []specs.Violation) bool {
	for _, v := range vs {
		if v.In != "body" || (v.Field == "" && v.Keyword != "not") {
			return false
		}
	}
	return len(vs) > 0
}

type handoverKey struct{}

// handover is what request validation hands to the handler of a body that breaks the schema.
type handover struct {
	violations []specs.Violation
	body       []byte
}

// RequestViolations returns the body violations that request validation handed to the handler of an
// operation of APIConfig.BodyViolationsToHandler, from the request's context; nil when the request
// conforms (or its operation is not one of them). The generated strict handlers receive this context.
func RequestViolations(ctx context.Context) []specs.Violation {
	h, _ := ctx.Value(handoverKey{}).(handover)
	return h.violations
}

// RequestBody returns the body whose violations RequestViolations returns, as the client sent it (the
// generated type may not hold it: a value of the wrong type has no place there); nil when there are
// none.
func RequestBody(ctx context.Context) []byte {
	h, _ := ctx.Value(handoverKey{}).(handover)
	return h.body
}

// TB is the part of testing.TB that TestOptions needs.
type TB interface {
	Helper()
	Errorf(format string, args ...any)
}

// TestOptions returns Options for a mock under test: every response that violates the spec fails t.
func TestOptions(t TB) Options {
	return Options{OnResponseViolation: func(api, op string, err error) {
		t.Helper()
		t.Errorf("%s %s: mock response violates the spec: %v", api, op, err)
	}}
}

// isTextual reports whether a content type carries text that must be valid UTF-8 (JSON, XML, forms,
// text/*); an absent type counts as text, since the mocks only take textual bodies.
func isTextual(contentType string) bool {
	ct := strings.ToLower(contentType)
	return ct == "" || strings.Contains(ct, "json") || strings.Contains(ct, "xml") ||
		strings.HasPrefix(ct, "text/") || strings.HasPrefix(ct, "application/x-www-form-urlencoded")
}

// lowerMediaType lower-cases the media type of the request's Content-Type (RFC 9110: it is
// case-insensitive), so that the generated handlers' binder takes "Application/JSON" as JSON, as
// request validation already does.
func lowerMediaType(h http.Header) {
	ct := h.Get(echo.HeaderContentType)
	if ct == "" {
		return
	}
	mt, params, hasParams := strings.Cut(ct, ";")
	lower := strings.ToLower(strings.TrimSpace(mt))
	if lower == mt {
		return
	}
	if hasParams {
		lower += ";" + params
	}
	h.Set(echo.HeaderContentType, lower)
}

// operationIDs are the operationIds of the spec's operations.
func operationIDs(spec *specs.Spec) []string {
	var ids []string
	for _, item := range spec.Doc().Paths.Map() {
		for _, op := range item.Operations() {
			if op.OperationID != "" {
				ids = append(ids, op.OperationID)
			}
		}
	}
	return ids
}
