package casegen

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// InvalidText is the string put where a number, a boolean, an object or an enum member is expected.
const InvalidText = "vendorctl-invalid"

// Breach is one constraint of a schema broken: the value that breaks it, or the removal of a required
// property.
type Breach struct {
	// Constraint names what is broken: type, null, enum, minimum, maximum, integer, minLength,
	// maxLength, pattern, format, minItems, maxItems, required, additionalProperties.
	Constraint string
	// Value replaces the value (unless Remove).
	Value any
	// Remove leaves the property out (Constraint "required").
	Remove bool
}

// Breaches lists the ways to break s on a value v that s accepts; inBody allows null and non-string
// values (a parameter is always text).
func Breaches(s *openapi3.Schema, v any, inBody bool) []Breach {
	if s == nil {
		return nil
	}
	if len(s.AllOf) > 0 {
		s = mergeAllOf(s)
	}
	var out []Breach
	add := func(c string, val any) { out = append(out, Breach{Constraint: c, Value: val}) }
	out = append(out, typeBreaches(s, inBody)...)
	if inBody && !s.Nullable && s.Type != nil {
		add("null", nil)
	}
	if len(s.Enum) > 0 {
		if s.Type.Is("integer") || s.Type.Is("number") {
			add("enum", enumOutsider(s.Enum))
		} else {
			add("enum", InvalidText)
		}
	}
	out = append(out, numberBreaches(s)...)
	out = append(out, stringBreaches(s)...)
	out = append(out, arrayBreaches(s, v)...)
	return out
}

func typeBreaches(s *openapi3.Schema, inBody bool) []Breach {
	switch {
	case s.Type.Is("string"):
		if inBody {
			return []Breach{{Constraint: "type", Value: 12345}}
		}
	case s.Type.Is("integer"), s.Type.Is("number"), s.Type.Is("boolean"), s.Type.Is("array"), s.Type.Is("object"):
		return []Breach{{Constraint: "type", Value: InvalidText}}
	}
	return nil
}

func enumOutsider(enum []any) any {
	best := 0.0
	for _, e := range enum {
		if f, ok := toFloat(e); ok {
			best = math.Max(best, f)
		}
	}
	return int64(best) + 1000
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

func numberBreaches(s *openapi3.Schema) []Breach {
	if !s.Type.Is("integer") && !s.Type.Is("number") {
		return nil
	}
	var out []Breach
	if s.Min != nil {
		v := *s.Min - 1
		if s.ExclusiveMin.IsTrue() {
			v = *s.Min
		}
		out = append(out, Breach{Constraint: "minimum", Value: numberValue(v)})
	}
	if s.Max != nil {
		v := *s.Max + 1
		if s.ExclusiveMax.IsTrue() {
			v = *s.Max
		}
		out = append(out, Breach{Constraint: "maximum", Value: numberValue(v)})
	}
	if s.Type.Is("integer") {
		lo, hi := intRange(s)
		v := 1.5
		if lo > 1 || hi < 1 {
			v = float64(lo) + 0.5
		}
		out = append(out, Breach{Constraint: "integer", Value: v})
	}
	return out
}

func numberValue(f float64) any {
	if f == math.Trunc(f) && math.Abs(f) < 1<<53 {
		return int64(f)
	}
	return f
}

func stringBreaches(s *openapi3.Schema) []Breach {
	if !s.Type.Is("string") || len(s.Enum) > 0 {
		return nil
	}
	var out []Breach
	if s.MinLength > 0 {
		out = append(out, Breach{Constraint: "minLength", Value: strings.Repeat("ö", int(s.MinLength)-1)})
	}
	if s.MaxLength != nil {
		out = append(out, Breach{Constraint: "maxLength", Value: strings.Repeat("x", int(*s.MaxLength)+1)})
	}
	if s.Pattern != "" {
		out = append(out, Breach{Constraint: "pattern", Value: "!" + InvalidText})
	}
	switch s.Format {
	case "email":
		out = append(out, Breach{Constraint: "format", Value: "not-an-email"})
	case "date":
		out = append(out, Breach{Constraint: "format", Value: "2024-13-45"})
	case "date-time":
		out = append(out, Breach{Constraint: "format", Value: "yesterday at noon"})
	case "uri", "url":
		out = append(out, Breach{Constraint: "format", Value: "not a uri"})
	}
	return out
}

func arrayBreaches(s *openapi3.Schema, v any) []Breach {
	list, ok := v.([]any)
	if !s.Type.Is("array") || !ok {
		return nil
	}
	var out []Breach
	if s.MinItems > 0 {
		out = append(out, Breach{Constraint: "minItems", Value: list[:min(len(list), int(s.MinItems)-1)]})
	}
	if s.MaxItems != nil && len(list) > 0 {
		longer := append([]any(nil), list...)
		for len(longer) <= int(*s.MaxItems) {
			longer = append(longer, list[0])
		}
		out = append(out, Breach{Constraint: "maxItems", Value: longer})
	}
	return out
}

// site is a place in a body value that a breach can be applied to.
type site struct {
	path   []string // property names and array indexes
	schema *openapi3.Schema
	value  any
	// parent is the object schema holding a property, for required and additionalProperties breaches.
	parent *openapi3.Schema
	absent bool // a required property of parent would be removed
}

// sites walks a valid body value with its schema and lists every place that can be broken.
func sites(s *openapi3.Schema, v any, path []string, depth int, out *[]site) {
	if s == nil || depth > maxDepth {
		return
	}
	if len(s.AllOf) > 0 {
		s = mergeAllOf(s)
	}
	*out = append(*out, site{path: path, schema: s, value: v})
	switch x := v.(type) {
	case map[string]any:
		if alts := alternatives(s); len(alts) > 0 {
			return // which branch a value took is the validator's business: break it as a whole
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ref := s.Properties[k]; ref != nil && ref.Value != nil {
				sites(ref.Value, x[k], appendPath(path, k), depth+1, out)
			}
		}
		for _, name := range s.Required {
			if _, ok := x[name]; ok {
				*out = append(*out, site{path: appendPath(path, name), parent: s, absent: true})
			}
		}
		if s.AdditionalProperties.Has != nil && !*s.AdditionalProperties.Has {
			*out = append(*out, site{path: appendPath(path, "vendorctlUndocumented"), parent: s})
		}
	case []any:
		if s.Items != nil && s.Items.Value != nil && len(x) > 0 {
			sites(s.Items.Value, x[0], appendPath(path, "0"), depth+1, out)
		}
	}
}

func appendPath(path []string, k string) []string {
	return append(append([]string(nil), path...), k)
}

// breachesAt are the breaches of one site.
func (st site) breaches() []Breach {
	switch {
	case st.absent:
		return []Breach{{Constraint: "required", Remove: true}}
	case st.parent != nil:
		return []Breach{{Constraint: "additionalProperties", Value: 1}}
	}
	return Breaches(st.schema, st.value, true)
}

// BreakBody draws one breach of a valid body value v and returns the broken copy and where it broke.
func BreakBody(src *Source, s *openapi3.Schema, v any) (any, string, bool) {
	var all []site
	sites(s, v, nil, 0, &all)
	type choice struct {
		st site
		b  Breach
	}
	var choices []choice
	for _, st := range all {
		for _, b := range st.breaches() {
			choices = append(choices, choice{st, b})
		}
	}
	if len(choices) == 0 {
		return nil, "", false
	}
	c := choices[src.Intn(len(choices))]
	where := "body"
	if len(c.st.path) > 0 {
		where = "body " + strings.Join(c.st.path, ".")
	}
	return apply(v, c.st.path, c.b), fmt.Sprintf("%s: %s", where, c.b.Constraint), true
}

// apply returns a copy of v with the breach applied at path.
func apply(v any, path []string, b Breach) any {
	if len(path) == 0 {
		return b.Value
	}
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, val := range x {
			out[k] = val
		}
		if len(path) == 1 && b.Remove {
			delete(out, path[0])
			return out
		}
		out[path[0]] = apply(x[path[0]], path[1:], b)
		return out
	case []any:
		out := append([]any(nil), x...)
		if len(out) > 0 {
			out[0] = apply(out[0], path[1:], b)
		}
		return out
	}
	return v
}
