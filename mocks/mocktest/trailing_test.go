package mocktest_test

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/specs"
)

// trailingForm says how a case's body goes on after its first JSON value: "text" (` trailing`),
// "value" (a second JSON value) or "" (nothing, or not JSON at all).
func trailingForm(body string) string {
	dec := json.NewDecoder(strings.NewReader(body))
	var first json.RawMessage
	if err := dec.Decode(&first); err != nil {
		return ""
	}
	rest := bytes.TrimSpace([]byte(body[dec.InputOffset():]))
	switch {
	case len(rest) == 0:
		return ""
	case json.Valid(rest):
		return "value"
	default:
		return "text"
	}
}

// Every vendor's bad-input table sends both trailing-data forms (`{...} trailing` and `{...}{...}`) to
// every operation whose spec takes a JSON body, and expects a 4xx; a vendor whose API takes no body
// gets them on a GET. So a new operation with a JSON body cannot go without the rows.
func TestBadInputTablesCoverTrailingJSON(t *testing.T) {
	for _, api := range all.Names() {
		t.Run(api, func(t *testing.T) {
			spec, err := specs.Load(api)
			if err != nil {
				t.Fatal(err)
			}
			cases, err := mockharness.LoadBadInputs(filepath.Join("..", api, "testdata", "bad-input.json"))
			if err != nil {
				t.Fatal(err)
			}
			covered := map[string]map[string]bool{} // operationId -> forms
			for _, c := range cases {
				form := trailingForm(c.Body)
				if form == "" || (c.Status != 0 && c.Status < 400) || c.Status > 499 {
					continue
				}
				route, err := spec.FindRoute(c.Method, c.Path)
				if err != nil {
					continue
				}
				if covered[route.OperationID()] == nil {
					covered[route.OperationID()] = map[string]bool{}
				}
				covered[route.OperationID()][form] = true
			}
			want := jsonBodyOperations(spec)
			if len(want) == 0 { // the API takes no body: its operations must refuse one all the same
				for op := range covered {
					want = append(want, op)
				}
				if len(want) == 0 {
					t.Fatal("the API takes no JSON body, and no case sends trailing data to any operation")
				}
			}
			for _, op := range want {
				if !covered[op]["text"] || !covered[op]["value"] {
					t.Errorf("%s: the table lacks a trailing-data case (have %v, want text and value)", op, covered[op])
				}
			}
		})
	}
}

// jsonBodyOperations are the operationIds whose request body may be JSON.
func jsonBodyOperations(spec *specs.Spec) []string {
	var ops []string
	for _, item := range spec.Doc().Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil || op.RequestBody.Value == nil {
				continue
			}
			for ct := range op.RequestBody.Value.Content {
				if strings.Contains(ct, "json") {
					ops = append(ops, op.OperationID)
					break
				}
			}
		}
	}
	return ops
}
