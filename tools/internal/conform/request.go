package conform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorctl/vendorctl/tools/internal/casegen"
)

// operation is one operation of the spec, with what conform derives from it once.
type operation struct {
	id, method, path string
	op               *openapi3.Operation
	params           []*openapi3.Parameter // path-level and operation-level, operation-level winning
	security         openapi3.SecurityRequirements
	writes           bool
	tokenEndpoint    bool
	accepts          []string // media types of the success responses, JSON first
	body             *bodySpec
}

// bodySpec is the request body conform sends: one media type and its examples.
type bodySpec struct {
	contentType string
	schema      *openapi3.Schema
	examples    []namedValue
}

type namedValue struct {
	name  string
	value any
}

var methodOrder = map[string]int{
	http.MethodGet: 0, http.MethodHead: 1, http.MethodPost: 2, http.MethodPut: 3,
	http.MethodPatch: 4, http.MethodDelete: 5, http.MethodOptions: 6, http.MethodTrace: 7,
}

// operations lists the operations of the spec in the order conform runs them: token endpoints first
// (the token they answer is the one the run goes on with), then operations without path parameters
// (lists and searches give the values that the others take), then by path and method.
func operations(doc *openapi3.T, safe map[string]bool, tokenPaths map[string]bool) []*operation {
	var ops []*operation
	for _, p := range doc.Paths.InMatchingOrder() {
		item := doc.Paths.Value(p)
		for method, o := range item.Operations() {
			op := &operation{id: o.OperationID, method: method, path: p, op: o}
			if op.id == "" {
				op.id = method + " " + p
			}
			op.params = mergeParams(item.Parameters, o.Parameters)
			op.security = doc.Security
			if o.Security != nil {
				op.security = *o.Security
			}
			op.tokenEndpoint = method == http.MethodPost && tokenPaths[p]
			switch method {
			case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
				op.writes = !op.tokenEndpoint && !safe[op.id]
			}
			op.accepts = successTypes(o)
			op.body = requestBody(o)
			ops = append(ops, op)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		a, b := ops[i], ops[j]
		if a.tokenEndpoint != b.tokenEndpoint {
			return a.tokenEndpoint
		}
		if pa, pb := hasPathParams(a), hasPathParams(b); pa != pb {
			return !pa
		}
		if a.path != b.path {
			return a.path < b.path
		}
		return methodOrder[a.method] < methodOrder[b.method]
	})
	return ops
}

func hasPathParams(op *operation) bool { return strings.Contains(op.path, "{") }

func mergeParams(pathLevel, opLevel openapi3.Parameters) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	seen := map[string]bool{}
	for _, list := range []openapi3.Parameters{opLevel, pathLevel} {
		for _, ref := range list {
			if ref == nil || ref.Value == nil {
				continue
			}
			key := ref.Value.In + " " + ref.Value.Name
			if !seen[key] {
				seen[key] = true
				out = append(out, ref.Value)
			}
		}
	}
	order := map[string]int{"path": 0, "query": 1, "header": 2, "cookie": 3}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].In != out[j].In {
			return order[out[i].In] < order[out[j].In]
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// successTypes are the media types of the operation's 2xx responses, JSON ones first.
func successTypes(o *openapi3.Operation) []string {
	seen := map[string]bool{}
	var types []string
	if o.Responses == nil {
		return nil
	}
	for code, ref := range o.Responses.Map() {
		if !strings.HasPrefix(code, "2") || ref.Value == nil {
			continue
		}
		for ct := range ref.Value.Content {
			if !seen[ct] {
				seen[ct] = true
				types = append(types, ct)
			}
		}
	}
	sortMediaTypes(types)
	return types
}

func sortMediaTypes(types []string) {
	sort.Slice(types, func(i, j int) bool {
		ji, jj := isJSON(types[i]), isJSON(types[j])
		if ji != jj {
			return ji
		}
		return types[i] < types[j]
	})
}

func isJSON(ct string) bool {
	mt, _, _ := mime.ParseMediaType(ct)
	if mt == "" {
		mt = strings.ToLower(ct)
	}
	return strings.HasSuffix(mt, "/json") || strings.HasSuffix(mt, "+json")
}

// requestBody picks the media type conform sends (JSON, then a form, then the first) and its examples.
func requestBody(o *openapi3.Operation) *bodySpec {
	if o.RequestBody == nil || o.RequestBody.Value == nil || len(o.RequestBody.Value.Content) == 0 {
		return nil
	}
	content := o.RequestBody.Value.Content
	types := make([]string, 0, len(content))
	for ct := range content {
		types = append(types, ct)
	}
	sort.Slice(types, func(i, j int) bool {
		ri, rj := bodyRank(types[i]), bodyRank(types[j])
		if ri != rj {
			return ri < rj
		}
		return types[i] < types[j]
	})
	ct := types[0]
	mt := content[ct]
	b := &bodySpec{contentType: ct}
	if mt.Schema != nil {
		b.schema = mt.Schema.Value
	}
	names := make([]string, 0, len(mt.Examples))
	for name := range mt.Examples {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if ex := mt.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			b.examples = append(b.examples, namedValue{name: name, value: ex.Value.Value})
		}
	}
	if len(b.examples) == 0 && mt.Example != nil {
		b.examples = append(b.examples, namedValue{value: mt.Example})
	}
	if len(b.examples) == 0 && b.schema != nil {
		b.examples = append(b.examples, namedValue{value: synthesize(b.schema, 0)})
	}
	return b
}

func bodyRank(ct string) int {
	switch {
	case isJSON(ct):
		return 0
	case strings.HasPrefix(ct, "application/x-www-form-urlencoded"):
		return 1
	case strings.HasPrefix(ct, "multipart/form-data"):
		return 2
	}
	return 3
}

// exampleOf returns the example value of a parameter: its example, its first named example, or one
// taken from its schema.
func exampleOf(p *openapi3.Parameter) (any, bool) {
	if p.Example != nil {
		return p.Example, true
	}
	names := make([]string, 0, len(p.Examples))
	for name := range p.Examples {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if ex := p.Examples[name]; ex != nil && ex.Value != nil && ex.Value.Value != nil {
			return ex.Value.Value, true
		}
	}
	if p.Schema != nil && p.Schema.Value != nil {
		return synthesize(p.Schema.Value, 0), true
	}
	return nil, false
}

// synthesize makes a value that fits a schema from its example, default, enum or type.
func synthesize(s *openapi3.Schema, depth int) any {
	switch {
	case s.Example != nil:
		return s.Example
	case s.Default != nil:
		return s.Default
	case len(s.Enum) > 0:
		return s.Enum[0]
	}
	if depth > 8 {
		return nil
	}
	for _, list := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		if len(list) > 0 && list[0].Value != nil && s.Type == nil {
			return synthesize(list[0].Value, depth+1)
		}
	}
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil {
			return *s.Min
		}
		return 1
	case s.Type.Is("boolean"):
		return true
	case s.Type.Is("array"):
		if s.Items != nil && s.Items.Value != nil {
			return []any{synthesize(s.Items.Value, depth+1)}
		}
		return []any{}
	case s.Type.Is("object"), len(s.Properties) > 0:
		obj := map[string]any{}
		for _, name := range s.Required {
			if p := s.Properties[name]; p != nil && p.Value != nil {
				obj[name] = synthesize(p.Value, depth+1)
			}
		}
		return obj
	}
	if s.MinLength > 0 {
		return strings.Repeat("x", int(s.MinLength))
	}
	return "vendorctl"
}

// paramStrings formats a parameter value: one string per value (arrays are exploded).
func paramStrings(v any) []string {
	if list, ok := v.([]any); ok {
		var out []string
		for _, item := range list {
			if s, ok := casegen.ScalarText(item); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if s, ok := casegen.ScalarText(v); ok {
		return []string{s}
	}
	raw, _ := json.Marshal(v)
	return []string{string(raw)}
}

// call is one request to build: values for the parameters, a body, and what to accept.
type call struct {
	op          *operation
	path        map[string]string
	query       url.Values
	header      http.Header
	body        []byte
	contentType string
	accept      string
}

// relURL is the request's URL relative to the base URL.
func (c *call) relURL() string {
	p := c.op.path
	for name, v := range c.path {
		p = strings.ReplaceAll(p, "{"+name+"}", url.PathEscape(v))
	}
	if q := c.query.Encode(); q != "" {
		p += "?" + q
	}
	return p
}

func (c *call) clone() *call {
	cp := *c
	cp.path = make(map[string]string, len(c.path))
	for k, v := range c.path {
		cp.path[k] = v
	}
	cp.query = url.Values{}
	for k, v := range c.query {
		cp.query[k] = append([]string(nil), v...)
	}
	cp.header = c.header.Clone()
	return &cp
}

// newRequest builds the request against base (the base URL, or a placeholder host for validation).
func (c *call) newRequest(ctx context.Context, base string) (*http.Request, error) {
	var body io.Reader = http.NoBody
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequestWithContext(ctx, c.op.method, strings.TrimSuffix(base, "/")+c.relURL(), body)
	if err != nil {
		return nil, fmt.Errorf("build %s request: %w", c.op.id, err)
	}
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if c.body != nil {
		req.Header.Set("Content-Type", c.contentType)
	}
	if c.accept != "" {
		req.Header.Set("Accept", c.accept)
	}
	return req, nil
}

// formBoundary makes multipart bodies reproducible.
const formBoundary = "vendorctl-conform-boundary"

// encodeBody encodes a body value in a media type; it returns the body and the Content-Type to send.
func encodeBody(contentType string, v any) ([]byte, string, error) {
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case isJSON(contentType):
		raw, err := json.Marshal(v)
		if err != nil {
			return nil, "", fmt.Errorf("encode %s body: %w", contentType, err)
		}
		return raw, contentType, nil
	case mt == "application/x-www-form-urlencoded":
		values, err := formValues(v)
		if err != nil {
			return nil, "", err
		}
		return []byte(values.Encode()), contentType, nil
	case mt == "multipart/form-data":
		values, err := formValues(v)
		if err != nil {
			return nil, "", err
		}
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		if err := w.SetBoundary(formBoundary); err != nil {
			return nil, "", err
		}
		keys := make([]string, 0, len(values))
		for k := range values {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			for _, val := range values[k] {
				if err := w.WriteField(k, val); err != nil {
					return nil, "", err
				}
			}
		}
		if err := w.Close(); err != nil {
			return nil, "", err
		}
		return buf.Bytes(), w.FormDataContentType(), nil
	}
	if s, ok := v.(string); ok {
		return []byte(s), contentType, nil
	}
	return nil, "", fmt.Errorf("cannot encode a %T body as %s", v, contentType)
}

func formValues(v any) (url.Values, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("a form body must be an object, not %T", v)
	}
	values := url.Values{}
	for k, val := range obj {
		values[k] = paramStrings(val)
	}
	return values, nil
}
