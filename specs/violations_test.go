package specs_test

import (
	"context"
	"errors"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
)

func requestViolations(t *testing.T, spec *specs.Spec, method, path, body string) []specs.Violation {
	t.Helper()
	route, err := spec.FindRoute(method, path)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(method, path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	return specs.Violations(spec.ValidateRequest(context.Background(), req, route))
}

func find(vs []specs.Violation, field, keyword string) (specs.Violation, bool) {
	i := slices.IndexFunc(vs, func(v specs.Violation) bool { return v.Field == field && v.Keyword == keyword })
	if i < 0 {
		return specs.Violation{}, false
	}
	return vs[i], true
}

func TestViolationsCarryKeywordAndLimit(t *testing.T) {
	spec, err := specs.Load("timewave")
	if err != nil {
		t.Fatal(err)
	}
	vs := requestViolations(t, spec, "POST", "/clients",
		`{"first_name":"`+strings.Repeat("a", 65)+`","hourpot":-1,"status":"x","email":"nope","first_name2":1,"has_hourpot":"ja","references":[{"description":"d"}]}`)
	for _, want := range []struct {
		field, keyword, limit, typ string
	}{
		{"first_name", "maxLength", "64", "string"},
		{"hourpot", "minimum", "0", "number"},
		{"status", "enum", "", "string"},
		{"email", "format", "email", "string"},
		{"has_hourpot", "type", "boolean", "boolean"},
		{"references.0.name", "required", "", ""},
	} {
		v, ok := find(vs, want.field, want.keyword)
		if !ok {
			t.Errorf("no %s violation of %s in %+v", want.keyword, want.field, vs)
			continue
		}
		if v.LimitText() != want.limit || (want.typ != "" && v.Type != want.typ) {
			t.Errorf("%s %s: limit %q type %q, want %q %q", want.field, want.keyword, v.LimitText(), v.Type, want.limit, want.typ)
		}
	}
	if v, _ := find(vs, "first_name", "maxLength"); v.Limit != int64(64) {
		t.Errorf("maxLength limit %#v, want int64(64)", v.Limit)
	}
	if v, _ := find(vs, "status", "enum"); len(v.Limit.([]any)) == 0 {
		t.Errorf("enum limit %#v, want the allowed values", v.Limit)
	}
	// A query parameter whose text is no integer fails its type.
	qs := requestViolations(t, spec, "GET", "/clients?filter[id][gt]=abc", "")
	if v, ok := find(qs, "filter[id][gt]", "type"); !ok || v.Limit != "integer" {
		t.Errorf("query: %+v", qs)
	}
}

// kin-openapi stops at a failed `not`; the violations go on with the rest of the schema.
func TestFailedNotHidesNoOtherViolation(t *testing.T) {
	spec, err := specs.Load("timewave")
	if err != nil {
		t.Fatal(err)
	}
	vs := requestViolations(t, spec, "POST", "/clients",
		`{"payment_type":2,"first_name":"`+strings.Repeat("a", 65)+`","references":[{"id":4,"name":"`+strings.Repeat("b", 65)+`"}]}`)
	for _, want := range [][2]string{{"", "not"}, {"first_name", "maxLength"}, {"references.0", "not"}, {"references.0.name", "maxLength"}} {
		if _, ok := find(vs, want[0], want[1]); !ok {
			t.Errorf("no %s violation at %q in %+v", want[1], want[0], vs)
		}
	}
}

func TestMethodNotAllowedError(t *testing.T) {
	spec, err := specs.Load("timewave")
	if err != nil {
		t.Fatal(err)
	}
	_, err = spec.FindRoute("DELETE", "/clients")
	var mna *specs.MethodNotAllowedError
	if !errors.Is(err, specs.ErrMethodNotAllowed) || !errors.Is(err, specs.ErrNoRoute) || !errors.As(err, &mna) {
		t.Fatalf("err = %v, want a *MethodNotAllowedError", err)
	}
	if !slices.Equal(mna.Allowed, []string{"GET", "POST"}) {
		t.Errorf("allowed %q, want GET, POST", mna.Allowed)
	}
	if _, err := spec.FindRoute("GET", "/nowhere"); !errors.Is(err, specs.ErrNoRoute) || errors.Is(err, specs.ErrMethodNotAllowed) {
		t.Errorf("unknown path: %v", err)
	}
}
