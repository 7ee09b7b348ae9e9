package specs

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Bounds of a RequestMemo (two generations of half of them each, see exactMemo).
const (
	requestMemoMaxEntries = 4 << 10
	requestMemoMaxBytes   = 8 << 20
	requestMemoMaxBody    = 64 << 10
)

// RequestMemo lets ValidateRequestMemo skip the check of a request that passed before: the same
// operation with the same path parameters, query string, declared header parameters, Cookie and
// Content-Type headers and body, all compared in full. These are everything the check reads (security
// is not checked, and defaults are not set), so the result cannot differ. Safe for concurrent use; a
// nil *RequestMemo checks every request.
type RequestMemo struct {
	seen    exactMemo[*openapi3.Operation]
	headers sync.Map // *openapi3.Operation -> []string: the header parameters of the operation and its path
}

// NewRequestMemo returns an empty memo.
func NewRequestMemo() *RequestMemo {
	return &RequestMemo{seen: newExactMemo[*openapi3.Operation](requestMemoMaxEntries, requestMemoMaxBytes)}
}

// ValidateRequestMemo is ValidateRequest, skipped for a request that passed before (see RequestMemo).
func (s *Spec) ValidateRequestMemo(ctx context.Context, req *http.Request, route *Route, memo *RequestMemo) error {
	if memo == nil {
		return s.ValidateRequest(ctx, req, route)
	}
	key, ok := memo.requestKey(req, route)
	if !ok {
		return s.ValidateRequest(ctx, req, route)
	}
	op := route.Operation()
	h := memo.seen.hash(key)
	if memo.seen.has(h, op, key) {
		return nil
	}
	if err := s.ValidateRequest(ctx, req, route); err != nil {
		return err
	}
	memo.seen.add(h, op, key)
	return nil
}

// requestKey is what the check of req reads, in one byte string (each part ends with a 0 byte, or is
// prefixed by its length where it may hold one). The body is read and put back. false: not memoised
// (a body too large, or one that cannot be read).
func (m *RequestMemo) requestKey(req *http.Request, route *Route) ([]byte, bool) {
	var body []byte
	hasBody := req.Body != nil && req.Body != http.NoBody
	if hasBody {
		data, err := io.ReadAll(req.Body)
		_ = req.Body.Close()
		req.Body = io.NopCloser(bytes.NewReader(data))
		if err != nil || len(data) > requestMemoMaxBody {
			return nil, false
		}
		body = data
	}
	key := make([]byte, 0, 128+len(body))
	key = append(key, req.Method...)
	key = append(key, 0)
	names := make([]string, 0, len(route.pathParams))
	for k := range route.pathParams {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		key = appendPart(key, k)
		key = appendPart(key, route.pathParams[k])
	}
	key = append(key, 1)
	key = appendPart(key, req.URL.RawQuery)
	for _, name := range m.headerParams(route) {
		key = appendValues(key, req.Header.Values(name))
	}
	key = appendValues(key, req.Header.Values("Cookie"))
	key = appendValues(key, req.Header.Values("Content-Type"))
	// Whether there is a body, and whether it declares a length (an operation without a body rejects one).
	key = append(key, flag(hasBody), flag(req.ContentLength > 0))
	return append(key, body...), true
}

func flag(b bool) byte {
	if b {
		return 1
	}
	return 0
}

// appendPart appends s with its length, so that no two lists of parts give the same bytes.
func appendPart(key []byte, s string) []byte {
	n := len(s)
	key = append(key, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	return append(key, s...)
}

func appendValues(key []byte, vs []string) []byte {
	n := len(vs)
	key = append(key, byte(n>>24), byte(n>>16), byte(n>>8), byte(n))
	for _, v := range vs {
		key = appendPart(key, v)
	}
	return key
}

// headerParams are the names of the header parameters of the operation of route and of its path.
func (m *RequestMemo) headerParams(route *Route) []string {
	op := route.Operation()
	if v, ok := m.headers.Load(op); ok {
		return v.([]string)
	}
	var names []string
	var pathParams openapi3.Parameters
	if route.route.PathItem != nil {
		pathParams = route.route.PathItem.Parameters
	}
	for _, params := range []openapi3.Parameters{pathParams, op.Parameters} {
		for _, p := range params {
			if p.Value != nil && p.Value.In == openapi3.ParameterInHeader {
				names = append(names, strings.ToLower(p.Value.Name))
			}
		}
	}
	slices.Sort(names)
	names = slices.Compact(names)
	m.headers.Store(op, names)
	return names
}
