package casegen

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Link is an OpenAPI link: after a Status answer of From, To can be called with parameters taken from
// that request and answer.
type Link struct {
	Name     string
	From, To string // operationIds
	Status   string // the response code the link is declared on ("201")
	// Params maps parameters of To (by name, or "in.name") to runtime expressions or constants.
	Params map[string]any
}

// Links lists the links of a spec's operations, in order (by From, Status, Name). Links given by
// operationRef are not supported and are left out.
func Links(doc *openapi3.T) []Link {
	var out []Link
	for _, path := range doc.Paths.InMatchingOrder() {
		for _, op := range doc.Paths.Value(path).Operations() {
			if op.Responses == nil {
				continue
			}
			for code, resp := range op.Responses.Map() {
				if resp == nil || resp.Value == nil {
					continue
				}
				for name, ref := range resp.Value.Links {
					if ref == nil || ref.Value == nil || ref.Value.OperationID == "" {
						continue
					}
					out = append(out, Link{Name: name, From: op.OperationID, To: ref.Value.OperationID, Status: code, Params: ref.Value.Parameters})
				}
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.From != b.From {
			return a.From < b.From
		}
		if a.Status != b.Status {
			return a.Status < b.Status
		}
		return a.Name < b.Name
	})
	return out
}

// Exchange is a request sent and its answer, as runtime expressions read them.
type Exchange struct {
	Path         map[string]string
	Query        map[string][]string
	Header       http.Header
	RequestBody  any
	Status       int
	ResponseBody any
	// ResponseHeader of the answer.
	ResponseHeader http.Header
}

// ErrNoValue is returned by Resolve when the expression points at nothing in the exchange.
var ErrNoValue = errors.New("the link's expression points at nothing")

// Resolve evaluates a link parameter against an exchange: a runtime expression ($response.body#/a/0/b,
// $request.path.id, $request.query.q, $request.header.h, $request.body#/x, $response.header.h,
// $statusCode) or a constant.
func Resolve(expr any, x Exchange) (any, error) {
	s, ok := expr.(string)
	if !ok || !strings.HasPrefix(s, "$") {
		return expr, nil
	}
	switch {
	case s == "$statusCode":
		return int64(x.Status), nil
	case strings.HasPrefix(s, "$response.body"):
		return pointer(x.ResponseBody, strings.TrimPrefix(s, "$response.body"))
	case strings.HasPrefix(s, "$request.body"):
		return pointer(x.RequestBody, strings.TrimPrefix(s, "$request.body"))
	case strings.HasPrefix(s, "$request.path."):
		return nonEmpty(x.Path[strings.TrimPrefix(s, "$request.path.")])
	case strings.HasPrefix(s, "$request.query."):
		vs := x.Query[strings.TrimPrefix(s, "$request.query.")]
		if len(vs) == 0 {
			return nil, ErrNoValue
		}
		return vs[0], nil
	case strings.HasPrefix(s, "$request.header."):
		return nonEmpty(x.Header.Get(strings.TrimPrefix(s, "$request.header.")))
	case strings.HasPrefix(s, "$response.header."):
		return nonEmpty(x.ResponseHeader.Get(strings.TrimPrefix(s, "$response.header.")))
	}
	return nil, fmt.Errorf("unsupported runtime expression %q", s)
}

func nonEmpty(s string) (any, error) {
	if s == "" {
		return nil, ErrNoValue
	}
	return s, nil
}

// pointer reads a JSON pointer ("#/data/id", or "" for the whole value) from a decoded JSON value.
func pointer(v any, frag string) (any, error) {
	frag = strings.TrimPrefix(frag, "#")
	if frag == "" {
		if v == nil {
			return nil, ErrNoValue
		}
		return v, nil
	}
	cur := v
	for _, part := range strings.Split(strings.TrimPrefix(frag, "/"), "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		switch x := cur.(type) {
		case map[string]any:
			next, ok := x[part]
			if !ok {
				return nil, ErrNoValue
			}
			cur = next
		case []any:
			i, err := strconv.Atoi(part)
			if err != nil || i < 0 || i >= len(x) {
				return nil, ErrNoValue
			}
			cur = x[i]
		default:
			return nil, ErrNoValue
		}
	}
	if cur == nil {
		return nil, ErrNoValue
	}
	return cur, nil
}

// Echoed lists the scalar fields of a request body that the answer gave back with the same value
// (found anywhere in the answer by name): what a later step may be expected to find again. Names are
// sorted.
func Echoed(requestBody, answer any) map[string]string {
	out := map[string]string{}
	obj, ok := requestBody.(map[string]any)
	if !ok {
		return out
	}
	for k, v := range obj {
		sent, ok := ScalarText(v)
		if !ok {
			continue
		}
		if got, ok := FindScalar(answer, k); ok && got == sent {
			out[k] = sent
		}
	}
	return out
}

// FindScalar is the text of the field FindField finds.
func FindScalar(v any, name string) (string, bool) {
	val, ok := FindField(v, name)
	if !ok {
		return "", false
	}
	return ScalarText(val)
}

// FindField searches a decoded JSON value breadth first (an object's keys in order) for a scalar
// field called name and returns its value.
func FindField(v any, name string) (any, bool) {
	queue := []any{v}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		switch x := cur.(type) {
		case map[string]any:
			if val, ok := x[name]; ok {
				if _, scalar := ScalarText(val); scalar {
					return val, true
				}
			}
			keys := make([]string, 0, len(x))
			for k := range x {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				queue = append(queue, x[k])
			}
		case []any:
			queue = append(queue, x...)
		}
	}
	return nil, false
}
