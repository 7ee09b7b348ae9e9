package specs_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
)

const requestMemoSpec = `openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /items/{id}:
    parameters:
      - {name: id, in: path, required: true, schema: {type: integer, maximum: 100}}
    get:
      operationId: getItem
      parameters:
        - {name: q, in: query, schema: {type: string, maxLength: 3}}
        - {name: X-Mode, in: header, schema: {type: string, enum: [a, b]}}
        - {name: sid, in: cookie, schema: {type: string, pattern: "^[0-9]+$"}}
      responses: {"200": {description: ok}}
    put:
      operationId: putItem
      requestBody:
        required: true
        content:
          application/json:
            schema: {type: object, required: [n], properties: {n: {type: integer}}, additionalProperties: false}
      responses: {"200": {description: ok}}
`

// A request that passed is remembered with everything its check reads: the same request passes from
// the memo, and a change to any part of it (path, query, a header or cookie parameter, Content-Type,
// body, a body sent where none is documented) is checked again, with the result of the check.
func TestRequestMemoRemembersOnlyWhatPassed(t *testing.T) {
	spec, err := specs.LoadData("memo", []byte(requestMemoSpec))
	if err != nil {
		t.Fatal(err)
	}
	memo := specs.NewRequestMemo()
	type req struct {
		method, target, body string
		header               http.Header
		pass                 bool
	}
	good := req{http.MethodGet, "/items/7?q=ab", "", http.Header{"X-Mode": {"a"}, "Cookie": {"sid=12"}}, true}
	goodPut := req{http.MethodPut, "/items/7", `{"n":1}`, http.Header{"Content-Type": {"application/json"}}, true}
	with := func(r req, f func(*req)) req {
		r.header = r.header.Clone()
		f(&r)
		return r
	}
	cases := []req{
		good, good, goodPut, goodPut,
		with(good, func(r *req) { r.target = "/items/700?q=ab"; r.pass = false }),
		with(good, func(r *req) { r.target = "/items/7?q=abcd"; r.pass = false }),
		with(good, func(r *req) { r.header.Set("X-Mode", "c"); r.pass = false }),
		with(good, func(r *req) { r.header.Add("X-Mode", "c"); r.pass = true }), // kin-openapi reads the first value
		with(good, func(r *req) { r.header.Set("Cookie", "sid=x"); r.pass = false }),
		with(good, func(r *req) { r.body = "x"; r.pass = false }),
		with(goodPut, func(r *req) { r.body = `{"n":"1"}`; r.pass = false }),
		with(goodPut, func(r *req) { r.body = `{"n":1,"m":2}`; r.pass = false }),
		with(goodPut, func(r *req) { r.header.Set("Content-Type", "text/plain"); r.pass = false }),
		good, goodPut,
	}
	for i, c := range cases {
		newReq := func() (*http.Request, *specs.Route) {
			var r *http.Request
			if c.body != "" {
				r = httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
			} else {
				r = httptest.NewRequest(c.method, c.target, nil)
			}
			r.Header = c.header.Clone()
			route, err := spec.FindRouteRequest(r)
			if err != nil {
				t.Fatal(err)
			}
			return r, route
		}
		r1, route1 := newReq()
		whole := spec.ValidateRequest(context.Background(), r1, route1)
		r2, route2 := newReq()
		memoised := spec.ValidateRequestMemo(context.Background(), r2, route2, memo)
		if got, _ := io.ReadAll(r2.Body); string(got) != c.body {
			t.Errorf("case %d: the handler reads %q after the check, want %q", i, got, c.body)
		}
		if (whole == nil) != c.pass {
			t.Errorf("case %d %s %s: check says %v, want pass %v", i, c.method, c.target, whole, c.pass)
		}
		if (memoised == nil) != (whole == nil) || !reflect.DeepEqual(specs.Violations(memoised), specs.Violations(whole)) {
			t.Errorf("case %d %s %s: with the memo %v, without %v", i, c.method, c.target, memoised, whole)
		}
	}
}
