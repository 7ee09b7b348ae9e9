// Package specs embeds the hand-authored OpenAPI documents of every vendor and is the one place that
// knows how a request or a response is validated against them: load, route, validate.
//
// Non-goals: authoring-time checks (specs/speclint) and the XML codec (specs/xmlcodec, whose body
// decoder specs registers).
//
// A Spec is built once (Load, LoadAll) and is safe for concurrent use: the document, the router and the
// validation options are read-only after construction.
package specs

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

//go:embed */openapi.yaml
var embedded embed.FS

// ErrUnknownAPI is returned for an API name that has no embedded spec.
var ErrUnknownAPI = errors.New("unknown api")

// ErrNoRoute is returned when no operation of the spec matches a method and path.
var ErrNoRoute = errors.New("no operation matches")

// Names returns the names of the embedded specs, sorted.
func Names() []string {
	entries, err := fs.Glob(embedded, "*/openapi.yaml")
	if err != nil { // the pattern is constant and valid
		return nil
	}
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, path.Dir(e))
	}
	sort.Strings(names)
	return names
}

// Source returns the YAML text of the embedded spec of api.
func Source(api string) ([]byte, error) {
	data, err := embedded.ReadFile(api + "/openapi.yaml")
	if err != nil {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownAPI, api, strings.Join(Names(), ", "))
	}
	return data, nil
}

// Spec is one loaded, validated OpenAPI document with its router, built once.
type Spec struct {
	name string
	doc  *openapi3.T
	// source is the text the spec was loaded from (see Source).
	source []byte
	router routers.Router
	opts   *openapi3filter.Options
	// respOpts are opts without the response body, which ValidateResponse checks itself.
	respOpts *openapi3filter.Options
	// visitResponse are the schema options of a response body, as kin-openapi builds them from opts.
	visitResponse []openapi3.SchemaValidationOption
	// requestNot completes a failed `not` of a request body (see newValidationError).
	requestNot *notCompleter
	// methods are the methods of the document's operations, GET first.
	methods []string
}

// Load returns the embedded spec of api, validated and with its router. It is parsed once per process,
// on first use, and the same *Spec is returned to every caller after that (a Spec is read-only).
func Load(api string) (*Spec, error) {
	load, ok := embeddedSpecs[api]
	if !ok {
		_, err := Source(api)
		return nil, err
	}
	return load()
}

// embeddedSpecs loads each embedded spec once, on first use: every vendor mock, client and tool of a
// process shares it.
var embeddedSpecs = func() map[string]func() (*Spec, error) {
	loads := map[string]func() (*Spec, error){}
	for _, api := range Names() {
		loads[api] = sync.OnceValues(func() (*Spec, error) {
			data, err := Source(api)
			if err != nil {
				return nil, err
			}
			return LoadData(api, data)
		})
	}
	return loads
}()

// LoadData loads a spec from YAML or JSON text; name is used in messages.
func LoadData(name string, data []byte) (*Spec, error) {
	registerDecoders()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("load %s spec: %w", name, err)
	}
	if err := doc.Validate(loader.Context, openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("validate %s spec: %w", name, err)
	}
	// Route on paths relative to the server URL, whatever host or prefix serves them: the mock mounts
	// the spec under a prefix, and conform points at any base URL.
	relative := *doc
	relative.Servers = nil
	router, err := gorillamux.NewRouter(&relative)
	if err != nil {
		return nil, fmt.Errorf("build %s router: %w", name, err)
	}
	opts := &openapi3filter.Options{
		MultiError:            true,
		IncludeResponseStatus: true,
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		SkipSettingDefaults:   true,
		// A body sent to an operation that documents none is a client error worth reporting.
		RejectWhenRequestBodyNotSpecified: true,
		SchemaValidationOptions: []openapi3.SchemaValidationOption{
			openapi3.WithStringFormatValidators(formatValidators()),
			openapi3.EnableFormatValidation(),
		},
	}
	respOpts := *opts
	respOpts.ExcludeResponseBody = true
	visit := []openapi3.SchemaValidationOption{openapi3.MultiErrors()}
	visit = append(visit, opts.SchemaValidationOptions...)
	if doc.IsOpenAPI31OrLater() {
		visit = append(visit, openapi3.EnableJSONSchema2020())
	}
	requestVisit := append(slices.Clip(visit), openapi3.VisitAsRequest())
	visit = append(visit, openapi3.VisitAsResponse())
	return &Spec{
		name: name, doc: doc, source: data, router: router, opts: opts, respOpts: &respOpts, visitResponse: visit,
		requestNot: &notCompleter{opts: requestVisit}, methods: specMethods(doc),
	}, nil
}

// Name is the API name the spec was loaded under.
func (s *Spec) Name() string { return s.name }

// Doc is the loaded document. Callers must not modify it.
func (s *Spec) Doc() *openapi3.T { return s.doc }

// Source is the text the spec was loaded from (speclint reads YAML-level rules from it). Read-only.
func (s *Spec) Source() []byte { return s.source }

// ValidateValue validates value, as decoded from JSON, against schema with the spec's format checks,
// and returns every violation in a *ValidationError of kind (nil when it validates).
func (s *Spec) ValidateValue(kind Kind, schema *openapi3.Schema, value any) error {
	opts := append([]openapi3.SchemaValidationOption{openapi3.MultiErrors()}, s.opts.SchemaValidationOptions...)
	if err := schema.VisitJSON(value, opts...); err != nil {
		return newValidationError(kind, err, nil)
	}
	return nil
}

// ServerURL is the vendor's production base URL (servers[0].url), or "" when the spec has none.
func (s *Spec) ServerURL() string {
	if len(s.doc.Servers) == 0 {
		return ""
	}
	return s.doc.Servers[0].URL
}

// Route is an operation matched by FindRoute.
type Route struct {
	route      *routers.Route
	pathParams map[string]string
}

// OperationID of the matched operation.
func (r *Route) OperationID() string { return r.route.Operation.OperationID }

// Operation is the matched operation of the document.
func (r *Route) Operation() *openapi3.Operation { return r.route.Operation }

// Template is the path template of the operation, as written in the spec.
func (r *Route) Template() string { return r.route.Path }

// PathParams are the path parameters taken from the matched path.
func (r *Route) PathParams() map[string]string { return r.pathParams }

// FindRoute matches a method and a path relative to the spec's server URL (it may carry a query string).
func (s *Spec) FindRoute(method, relPath string) (*Route, error) {
	u, err := url.Parse(relPath)
	if err != nil {
		return nil, fmt.Errorf("parse path %q: %w", relPath, err)
	}
	req := &http.Request{Method: strings.ToUpper(method), URL: &url.URL{Path: u.Path, RawPath: u.RawPath}, Host: "mock"}
	return s.FindRouteRequest(req)
}

// FindRouteRequest matches a request whose URL path is relative to the spec's server URL.
func (s *Spec) FindRouteRequest(req *http.Request) (*Route, error) {
	route, params, err := s.router.FindRoute(req)
	if err != nil {
		if errors.Is(err, routers.ErrMethodNotAllowed) {
			return nil, &MethodNotAllowedError{Method: req.Method, Path: req.URL.Path, Allowed: s.allowedMethods(req)}
		}
		return nil, fmt.Errorf("%w: %s %s", ErrNoRoute, req.Method, req.URL.Path)
	}
	// The router matches the escaped path (so that an escaped "/" stays inside one parameter) and gives
	// the parameters escaped: validate them as the server reads them, unescaped.
	for k, v := range params {
		if u, err := url.PathUnescape(v); err == nil {
			params[k] = u
		}
	}
	return &Route{route: route, pathParams: params}, nil
}

// allowedMethods are the methods of the path item that the path of req matched: the router reports
// only that the method is missing, so the path is matched with one of the spec's methods until one
// finds the path item.
func (s *Spec) allowedMethods(req *http.Request) []string {
	probe := *req // shallow: the router reads only the method, URL and host
	for _, m := range s.methods {
		if m == req.Method {
			continue
		}
		probe.Method = m
		route, _, err := s.router.FindRoute(&probe)
		if err != nil {
			continue
		}
		var allowed []string
		for method := range route.PathItem.Operations() {
			allowed = append(allowed, strings.ToUpper(method))
		}
		sort.Strings(allowed)
		return allowed
	}
	return nil
}

// specMethods are the methods of the document's operations, GET first (most paths have one).
func specMethods(doc *openapi3.T) []string {
	seen := map[string]bool{}
	for _, item := range doc.Paths.Map() {
		for m := range item.Operations() {
			seen[strings.ToUpper(m)] = true
		}
	}
	methods := make([]string, 0, len(seen))
	for m := range seen {
		methods = append(methods, m)
	}
	sort.Slice(methods, func(i, j int) bool {
		if (methods[i] == http.MethodGet) != (methods[j] == http.MethodGet) {
			return methods[i] == http.MethodGet
		}
		return methods[i] < methods[j]
	})
	return methods
}

// ValidateRequest checks the parameters and body of req against the operation of route. req's URL path
// must be relative to the server URL. Security requirements are not checked here: authentication is the
// caller's business. The body of req is read and replaced, so it can be read again.
// A failed validation returns a *ValidationError listing every violation.
func (s *Spec) ValidateRequest(ctx context.Context, req *http.Request, route *Route) error {
	input := &openapi3filter.RequestValidationInput{
		Request:    req,
		PathParams: route.pathParams,
		Route:      route.route,
		Options:    s.opts,
	}
	if err := openapi3filter.ValidateRequest(ctx, input); err != nil {
		return newValidationError(KindRequest, err, s.requestNot)
	}
	return nil
}

// Response is what ValidateResponse checks.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
	// Records, when set, checks a JSON body record by record, each record once per version (see
	// RecordMemo); the result is the same. Zero: the body is checked whole.
	Records *RecordMemo
}

// ValidateResponse checks a response to req (routed by route): its status must be documented, its
// content type declared, its headers and body valid, and its objects may carry only the properties the
// spec documents (unless a schema says additionalProperties). A failed validation returns a
// *ValidationError.
//
// The body is decoded once: the same value is checked against the schema and walked for undocumented
// properties.
func (s *Spec) ValidateResponse(ctx context.Context, req *http.Request, route *Route, resp Response) error {
	header := resp.Header
	if header == nil {
		header = http.Header{}
	}
	input := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: route.pathParams,
			Route:      route.route,
			Options:    s.opts,
		},
		Status:  resp.Status,
		Header:  header,
		Options: s.respOpts, // status and headers only: the body is checked below
	}
	var ve *ValidationError
	headErr := openapi3filter.ValidateResponse(ctx, input)
	if headErr == nil && resp.Records != nil {
		if schema := jsonBodySchema(route, req, resp.Status, header); schema != nil && s.passesByRecords(resp.Records, schema, resp.Body, 0) {
			return nil
		}
	}
	if headErr != nil {
		ve = newValidationError(KindResponse, headErr, nil)
	}
	// After a status or header error kin-openapi stops; the body is then only decoded, to be walked.
	value, decoded, err := s.validateResponseBody(input, resp.Body, headErr == nil)
	if err != nil && headErr == nil {
		ve = newValidationError(KindResponse, err, nil)
	}
	if decoded {
		if extra := undeclared(route, resp.Status, header, value); len(extra) > 0 {
			if ve == nil {
				ve = &ValidationError{Kind: KindResponse}
			}
			ve.Violations = append(ve.Violations, extra...)
		}
	}
	if ve != nil {
		return ve
	}
	return nil
}

// validateResponseBody is the body half of openapi3filter.ValidateResponse (the spec's options turn
// it off there), done here so that the decoded value can be walked for undocumented properties
// without decoding the body a second time. It returns the decoded value, whether there was one, and
// the error kin-openapi would have returned.
func (s *Spec) validateResponseBody(input *openapi3filter.ResponseValidationInput, body []byte, check bool) (any, bool, error) {
	if input.RequestValidationInput.Request.Method == http.MethodHead {
		return nil, false, nil
	}
	switch input.Status {
	case http.StatusNotModified, http.StatusPermanentRedirect, http.StatusTemporaryRedirect, http.StatusMovedPermanently:
		return nil, false, nil
	}
	responses := input.RequestValidationInput.Route.Operation.Responses
	if responses.Len() == 0 {
		return nil, false, nil
	}
	rref := responses.Status(input.Status)
	if rref == nil {
		rref = responses.Default()
	}
	if rref == nil || rref.Value == nil || len(rref.Value.Content) == 0 {
		return nil, false, nil // an undocumented status was reported with the headers
	}
	ct := input.Header.Get("Content-Type")
	media := rref.Value.Content.Get(ct)
	if media == nil {
		return nil, false, &openapi3filter.ResponseError{Input: input, Reason: fmt.Sprintf("response header Content-Type has unexpected value: %q", ct)}
	}
	if media.Schema == nil || media.Schema.Value == nil {
		return nil, false, nil
	}
	schema := media.Schema
	if schema.Value.Type.Is("string") && schema.Value.Format == "binary" {
		return nil, false, nil // raw bytes: nothing to validate
	}
	mt, _, _ := strings.Cut(ct, ";")
	mt = strings.ToLower(strings.TrimSpace(mt))
	var value any
	var err error
	if IsJSONMediaType(mt) {
		value, err = decodeJSON(body)
	} else {
		decoder := openapi3filter.RegisteredBodyDecoder(mt)
		if decoder == nil {
			decoder = openapi3filter.RegisteredBodyDecoder("*/*")
		}
		if decoder == nil {
			err = &openapi3filter.ParseError{Kind: openapi3filter.KindUnsupportedFormat, Reason: fmt.Sprintf("unsupported content type %q", mt)}
		} else {
			encFn := func(name string) *openapi3.Encoding { return media.Encoding[name] }
			value, err = decoder(bytes.NewReader(body), input.Header, schema, encFn)
		}
	}
	if err != nil {
		return nil, false, &openapi3filter.ResponseError{Input: input, Reason: "failed to decode response body", Err: err}
	}
	if !check {
		return value, true, nil
	}
	if err := schema.Value.VisitJSON(value, s.visitResponse...); err != nil {
		reason := "response body doesn't match schema"
		if id := schemaID(schema); id != "" {
			reason += " " + id
		}
		return value, true, &openapi3filter.ResponseError{Input: input, Reason: reason, Err: err}
	}
	return value, true, nil
}

// decodeJSON decodes a JSON body as kin-openapi's JSON body decoder does (numbers kept as json.Number).
func decodeJSON(body []byte) (any, error) {
	var value any
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&value); err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	return value, nil
}

func schemaID(schema *openapi3.SchemaRef) string {
	if id := strings.TrimSpace(schema.Ref); id != "" {
		return id
	}
	return strings.TrimSpace(schema.Value.Title)
}

// Set is every embedded spec, loaded once.
type Set struct {
	specs map[string]*Spec
}

// LoadAll loads every embedded spec.
func LoadAll() (*Set, error) {
	set := &Set{specs: map[string]*Spec{}}
	for _, name := range Names() {
		spec, err := Load(name)
		if err != nil {
			return nil, err
		}
		set.specs[name] = spec
	}
	return set, nil
}

// Get returns the spec of api.
func (s *Set) Get(api string) (*Spec, error) {
	spec, ok := s.specs[api]
	if !ok {
		return nil, fmt.Errorf("%w %q (known: %s)", ErrUnknownAPI, api, strings.Join(Names(), ", "))
	}
	return spec, nil
}

// IsJSONMediaType reports whether ct (any case) is a JSON media type: .../json or ...+json.
func IsJSONMediaType(ct string) bool {
	ct = strings.ToLower(ct)
	return strings.HasSuffix(ct, "/json") || strings.HasSuffix(ct, "+json")
}
