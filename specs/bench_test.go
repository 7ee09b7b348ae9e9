package specs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"sort"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorctl/vendorctl/specs"
)

// benchCase is one exchange validated by the benchmarks: a request, and the response to it.
type benchCase struct {
	api, name string
	method    string
	target    string // spec-relative path and query
	header    http.Header
	body      []byte // request body
	// respMethod and respTarget are the request the response answers, when not the one above (the
	// largest request and the largest response of an API may belong to different operations).
	respMethod, respTarget string
	status                 int
	respCT                 string
	resp                   []byte
}

// benchCases are, per vendor, a typical exchange (the request of the load test) and the largest one:
// the largest documented request body and the largest response (for TimeWave a full page of every
// fixture client, for Vitec Mäklare a company in XML; its API takes no request body).
func benchCases(b *testing.B) []benchCase {
	b.Helper()
	load := func(api string) *specs.Spec {
		s, err := specs.Load(api)
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	va, mc, tw, vm := load("vitecauto"), load("mediaconnect"), load("timewave"), load("vitecmaklare")
	jsonCT := http.Header{"Content-Type": {"application/json"}}
	clients := fixtureClients(b)
	return []benchCase{
		{
			api: "vitecauto", name: "typical", method: http.MethodGet, target: "/api/customer?companyId=998&customerId=500190",
			status: 200, respCT: "application/json", resp: example(b, va, http.MethodGet, "/api/customer", "200", "application/json", "documented"),
		},
		{
			api: "mediaconnect", name: "typical", method: http.MethodGet, target: "/v1/client/customer/info/563457",
			status: 200, respCT: "application/json", resp: example(b, mc, http.MethodGet, "/v1/client/customer/info/{customerNumber}", "200", "application/json", "documented"),
		},
		{
			api: "mediaconnect", name: "largest", method: http.MethodPost, target: "/v1/customer/info", header: jsonCT,
			body:       requestExample(b, mc, http.MethodPost, "/v1/customer/info", "application/json"),
			respMethod: http.MethodGet, respTarget: "/v1/customer/info",
			status: 200, respCT: "application/json", resp: example(b, mc, http.MethodGet, "/v1/customer/info", "200", "application/json", ""),
		},
		{
			api: "timewave", name: "typical", method: http.MethodGet, target: "/clients",
			status: 200, respCT: "application/json", resp: clientPage(b, clients, 15),
		},
		{
			api: "timewave", name: "largest", method: http.MethodPost, target: "/clients", header: jsonCT,
			body:       requestExample(b, tw, http.MethodPost, "/clients", "application/json"),
			respMethod: http.MethodGet, respTarget: "/clients?page[size]=1000",
			status: 200, respCT: "application/json", resp: clientPage(b, clients, len(clients)),
		},
		{
			api: "vitecmaklare", name: "typical", method: http.MethodGet, target: "/CRM/Contact/M30011/P1001",
			header: http.Header{"Accept": {"application/json"}},
			status: 200, respCT: "application/json", resp: example(b, vm, http.MethodGet, "/CRM/Contact/{customerId}/{contactId}", "200", "application/json", "person"),
		},
		{
			api: "vitecmaklare", name: "largest", method: http.MethodGet, target: "/CRM/Contact/M30011/C1001",
			header: http.Header{"Accept": {"application/xml"}},
			status: 200, respCT: "application/xml; charset=utf-8", resp: example(b, vm, http.MethodGet, "/CRM/Contact/{customerId}/{contactId}", "200", "application/xml", ""),
		},
	}
}

func (c benchCase) responseRequest() (string, string) {
	if c.respMethod != "" {
		return c.respMethod, c.respTarget
	}
	return c.method, c.target
}

func BenchmarkValidateRequest(b *testing.B) {
	ctx := context.Background()
	for _, c := range benchCases(b) {
		spec, err := specs.Load(c.api)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(c.api+"/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				req := httptest.NewRequest(c.method, c.target, bytes.NewReader(c.body))
				for k, v := range c.header {
					req.Header[k] = v
				}
				route, err := spec.FindRouteRequest(req)
				if err != nil {
					b.Fatal(err)
				}
				if err := spec.ValidateRequest(ctx, req, route); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkValidateResponse(b *testing.B) {
	ctx := context.Background()
	for _, c := range benchCases(b) {
		spec, err := specs.Load(c.api)
		if err != nil {
			b.Fatal(err)
		}
		method, target := c.responseRequest()
		req := httptest.NewRequest(method, target, nil)
		route, err := spec.FindRouteRequest(req)
		if err != nil {
			b.Fatal(err)
		}
		header := http.Header{"Content-Type": {c.respCT}}
		b.Run(c.api+"/"+c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.resp)))
			for b.Loop() {
				err := spec.ValidateResponse(ctx, req, route, specs.Response{Status: c.status, Header: header, Body: c.resp})
				if err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkLoad is the start-up cost of one spec: parse, validate, build the router (what Load does
// once per process).
func BenchmarkLoad(b *testing.B) {
	for _, api := range specs.Names() {
		b.Run(api, func(b *testing.B) {
			data, err := specs.Source(api)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if _, err := specs.LoadData(api, data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func operation(b *testing.B, s *specs.Spec, method, path string) *openapi3.Operation {
	b.Helper()
	item := s.Doc().Paths.Value(path)
	if item == nil || item.GetOperation(method) == nil {
		b.Fatalf("%s: no operation %s %s", s.Name(), method, path)
	}
	return item.GetOperation(method)
}

// example returns the named example of a response (the largest one when name is ""), as body bytes.
func example(b *testing.B, s *specs.Spec, method, path, status, ct, name string) []byte {
	b.Helper()
	resp := operation(b, s, method, path).Responses.Value(status)
	if resp == nil || resp.Value.Content.Get(ct) == nil {
		b.Fatalf("%s %s %s: no %s %s response", s.Name(), method, path, status, ct)
	}
	return pickExample(b, resp.Value.Content.Get(ct), name)
}

// requestExample returns the largest example of a request body.
func requestExample(b *testing.B, s *specs.Spec, method, path, ct string) []byte {
	b.Helper()
	rb := operation(b, s, method, path).RequestBody
	if rb == nil || rb.Value.Content.Get(ct) == nil {
		b.Fatalf("%s %s %s: no %s request body", s.Name(), method, path, ct)
	}
	return pickExample(b, rb.Value.Content.Get(ct), "")
}

func pickExample(b *testing.B, media *openapi3.MediaType, name string) []byte {
	b.Helper()
	names := make([]string, 0, len(media.Examples))
	for n := range media.Examples {
		names = append(names, n)
	}
	sort.Strings(names)
	var best []byte
	for _, n := range names {
		if name != "" && n != name {
			continue
		}
		var body []byte
		switch v := media.Examples[n].Value.Value.(type) {
		case string: // XML examples are written as text
			body = []byte(v)
		default:
			var err error
			if body, err = json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
		if len(body) > len(best) {
			best = body
		}
	}
	if best == nil {
		b.Fatalf("no example %q", name)
	}
	return best
}

// fixtureClients are the TimeWave mock's fixture clients.
func fixtureClients(b testing.TB) []json.RawMessage {
	b.Helper()
	data, err := os.ReadFile("../mocks/timewave/fixtures/clients.json")
	if err != nil {
		b.Fatal(err)
	}
	var clients []json.RawMessage
	if err := json.Unmarshal(data, &clients); err != nil {
		b.Fatal(err)
	}
	return clients
}

// clientPage is the first page of n clients, as GET /clients answers it.
func clientPage(b *testing.B, clients []json.RawMessage, n int) []byte {
	b.Helper()
	page := map[string]any{
		"data": clients[:n], "current_page": 1, "last_page": (len(clients) + n - 1) / n, "per_page": n,
		"total": len(clients), "from": 1, "to": n,
	}
	body, err := json.Marshal(page)
	if err != nil {
		b.Fatal(err)
	}
	return body
}

// BenchmarkFreshAnswer is the check of an answer the response memo has not seen: one TimeWave client
// (GET /clients/{id}, ~1.3 KB) and the default page of 15 clients (~18 KB), in which one client's
// mobile number changes on every answer. `whole` checks every answer whole (`--no-response-memo`),
// `records` with a record memo (as serve does): the changed client and the envelope are checked.
func BenchmarkFreshAnswer(b *testing.B) {
	spec, err := specs.Load("timewave")
	if err != nil {
		b.Fatal(err)
	}
	clients := fixtureClients(b)
	ctx := context.Background()
	header := http.Header{"Content-Type": {"application/json"}}
	for _, c := range []struct {
		name, target string
		body         func(changed json.RawMessage) []byte
	}{
		{"client", "/clients/1001", func(changed json.RawMessage) []byte {
			body, _ := json.Marshal(map[string]any{"data": changed})
			return body
		}},
		{"page15", "/clients", func(changed json.RawMessage) []byte {
			return clientPage(b, append([]json.RawMessage{changed}, clients[1:15]...), 15)
		}},
	} {
		req := httptest.NewRequest(http.MethodGet, c.target, nil)
		route, err := spec.FindRouteRequest(req)
		if err != nil {
			b.Fatal(err)
		}
		for _, mode := range []string{"whole", "records"} {
			b.Run(c.name+"/"+mode, func(b *testing.B) {
				// A memo of its own for each run (-count), which has seen every version but the new one.
				var memo *specs.RecordMemo
				if mode == "records" {
					memo = specs.NewRecordMemo()
				}
				b.ReportAllocs()
				i := 0
				for b.Loop() {
					b.StopTimer()
					i++
					changed := bytes.Replace(clients[0], []byte(`"070-482 19 33"`), fmt.Appendf(nil, `"070-%07d"`, i), 1)
					body := c.body(changed)
					b.SetBytes(int64(len(body)))
					b.StartTimer()
					if err := spec.ValidateResponse(ctx, req, route, specs.Response{Status: 200, Header: header, Body: body, Records: memo}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
