package conform

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorctl/vendorctl/tools/internal/casegen"
)

// invalidValue is the string conform sends where a number, a boolean or an enum member is expected.
const invalidValue = "vendorctl-invalid"

// breakers returns values that violate a schema, the wrong type first, then its constraints.
func breakers(s *openapi3.Schema) []any {
	var out []any
	switch {
	case s.Type.Is("integer"), s.Type.Is("number"):
		out = append(out, invalidValue)
		if s.Min != nil {
			out = append(out, *s.Min-1)
		}
		if s.Max != nil {
			out = append(out, *s.Max+1)
		}
	case s.Type.Is("boolean"), s.Type.Is("array"), s.Type.Is("object"):
		out = append(out, invalidValue)
	case s.Type.Is("string"):
		out = append(out, 12345)
		if len(s.Enum) > 0 {
			out = append(out, invalidValue)
		}
		if s.MinLength > 0 {
			out = append(out, "")
		}
		if s.MaxLength != nil {
			out = append(out, strings.Repeat("x", int(*s.MaxLength)+1))
		}
		if s.Pattern != "" || s.Format != "" {
			out = append(out, "!"+invalidValue)
		}
	default:
		if len(s.Enum) > 0 {
			out = append(out, invalidValue)
		}
	}
	return out
}

// candidate is a request made invalid in one place, with the label the report shows.
type candidate struct {
	label string
	c     *call
}

// paramCandidates make one parameter invalid at a time: path parameters first, then query and headers.
func paramCandidates(base *call) []candidate {
	var out []candidate
	for _, p := range base.op.params {
		if p.Schema == nil || p.Schema.Value == nil || p.In == "cookie" {
			continue
		}
		for _, bad := range breakers(p.Schema.Value) {
			str, ok := casegen.ScalarText(bad)
			if !ok {
				continue
			}
			c := base.clone()
			switch p.In {
			case "path":
				c.path[p.Name] = str
			case "query":
				c.query.Set(p.Name, str)
			case "header":
				c.header.Set(p.Name, str)
			}
			shown := str
			if shown == "" {
				shown = `""`
			}
			if len(shown) > 40 {
				shown = shown[:20] + fmt.Sprintf("… (%d characters)", len(str))
			}
			out = append(out, candidate{label: fmt.Sprintf("negative: %s %s = %s", p.In, p.Name, shown), c: c})
		}
	}
	return out
}

// bodyCandidates make the body invalid: one property of the wrong type or breaking a constraint, then a
// required property left out, then a body that is not an object.
func bodyCandidates(base *call, value any) []candidate {
	b := base.op.body
	if b == nil || b.schema == nil {
		return nil
	}
	obj, ok := value.(map[string]any)
	if !ok {
		return nil
	}
	var out []candidate
	add := func(label string, v any) {
		raw, ct, err := encodeBody(b.contentType, v)
		if err != nil {
			return
		}
		c := base.clone()
		c.body, c.contentType = raw, ct
		out = append(out, candidate{label: "negative: body " + label, c: c})
	}
	props := propertyNames(b.schema)
	// Properties the example sets come first: they are the ones a server surely reads.
	sort.SliceStable(props, func(i, j int) bool {
		_, ii := obj[props[i]]
		_, ij := obj[props[j]]
		return ii && !ij
	})
	for _, name := range props {
		ref := b.schema.Properties[name]
		if ref == nil || ref.Value == nil {
			continue
		}
		for _, bad := range breakers(ref.Value) {
			mutated := copyObject(obj)
			mutated[name] = bad
			raw, _ := json.Marshal(bad)
			shown := string(raw)
			if len(shown) > 40 {
				shown = shown[:20] + "…"
			}
			add(fmt.Sprintf("%s = %s", name, shown), mutated)
		}
	}
	for _, name := range b.schema.Required {
		if _, ok := obj[name]; ok {
			mutated := copyObject(obj)
			delete(mutated, name)
			add(name+" left out", mutated)
		}
	}
	if isJSON(b.contentType) {
		add("that is not an object", []any{})
	}
	return out
}

func propertyNames(s *openapi3.Schema) []string {
	names := make([]string, 0, len(s.Properties))
	for name := range s.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func copyObject(obj map[string]any) map[string]any {
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	return out
}

// firstInvalid returns the first candidate that the spec itself rejects, so that a negative request is
// known to be invalid before it is sent.
func (r *Runner) firstInvalid(ctx context.Context, cands []candidate) (candidate, bool) {
	for _, cand := range cands {
		req, err := cand.c.newRequest(ctx, validationBase)
		if err != nil {
			continue
		}
		route, err := r.spec.FindRouteRequest(req)
		if err != nil || route.OperationID() != cand.c.op.op.OperationID {
			continue
		}
		if err := r.spec.ValidateRequest(ctx, req, route); err != nil {
			return cand, true
		}
	}
	return candidate{}, false
}
