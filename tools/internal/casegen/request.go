package casegen

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
)

// Param is one parameter of an operation.
type Param struct {
	Name, In string
	Required bool
	Schema   *openapi3.Schema
	// Known are values seen in earlier answers (ids a list gave); a path parameter takes one of them
	// more often than a generated one, so that generated requests reach existing resources.
	Known []string
}

// Operation is what a request is generated for.
type Operation struct {
	Params []Param
	// Body is the schema of the request body (nil: no body).
	Body *openapi3.Schema
	// Fixed are parameter values that are kept as they are ("in name" → value; the client id of a token
	// request, for example).
	Fixed map[string]string
	// FixedBody are body properties kept as they are (credentials of a token request).
	FixedBody map[string]any
	// Hints are values for the body's top-level properties, taken from the spec's examples: ids that
	// exist, values that go together. A property takes one of them or a generated value.
	Hints map[string][]any
}

// Case is one generated request.
type Case struct {
	Path   map[string]string
	Query  map[string][]string
	Header map[string]string
	// Body is the body value (nil with HasBody false: none).
	Body    any
	HasBody bool
	// Breach says what a negative case breaks ("query page[size]: maximum"); "" for a positive one.
	Breach string
}

// Positive draws a request valid under op (as the generator knows it; the caller validates).
func Positive(src *Source, op *Operation) Case {
	c := Case{Path: map[string]string{}, Query: map[string][]string{}, Header: map[string]string{}}
	for _, p := range op.Params {
		if v, ok := op.Fixed[p.In+" "+p.Name]; ok {
			c.set(p, []string{v})
			continue
		}
		// The value is drawn whether the parameter is sent or not, so that shrinking can leave it out
		// (a choice set to 0) without shifting the choices of the parameters after it.
		present := p.Required || p.In == "path" || src.Intn(2) == 1
		if v := drawParam(src, p); present {
			c.set(p, v)
		}
	}
	if op.Body != nil {
		c.Body, c.HasBody = HintedValue(src, op.Body, op.Hints), true
		if obj, ok := c.Body.(map[string]any); ok {
			for k, v := range op.FixedBody {
				obj[k] = v
			}
		}
	}
	return c
}

func drawParam(src *Source, p Param) []string {
	if p.In == "path" && len(p.Known) > 0 {
		if i := src.Intn(len(p.Known) + 1); i < len(p.Known) {
			return []string{p.Known[i]}
		}
	}
	var v any
	if p.In == "query" {
		v = Value(src, p.Schema)
	} else {
		v = PlainValue(src, p.Schema)
	}
	return ParamStrings(v)
}

func (c *Case) set(p Param, values []string) {
	switch p.In {
	case "path":
		if len(values) > 0 {
			c.Path[p.Name] = values[0]
		}
	case "query":
		c.Query[p.Name] = values
	case "header":
		if len(values) > 0 {
			c.Header[p.Name] = values[0]
		}
	}
}

func (c *Case) unset(p Param) {
	switch p.In {
	case "query":
		delete(c.Query, p.Name)
	case "header":
		delete(c.Header, p.Name)
	}
}

// Negative draws a valid request and breaks exactly one constraint in it: one parameter, or one place
// in the body. It returns false when op has nothing that can be broken.
func Negative(src *Source, op *Operation) (Case, bool) {
	c := Positive(src, op)
	type target struct {
		param *Param
		b     Breach
	}
	var targets []target
	for i := range op.Params {
		p := &op.Params[i]
		if _, fixed := op.Fixed[p.In+" "+p.Name]; fixed || p.In == "cookie" {
			continue
		}
		if p.Required && p.In != "path" {
			targets = append(targets, target{param: p, b: Breach{Constraint: "required", Remove: true}})
		}
		for _, b := range Breaches(p.Schema, nil, false) {
			if _, ok := ScalarText(b.Value); ok {
				targets = append(targets, target{param: p, b: b})
			}
		}
	}
	nBody := 0
	if c.HasBody {
		nBody = 1
	}
	if len(targets)+nBody == 0 {
		return c, false
	}
	i := src.Intn(len(targets) + nBody)
	if i == len(targets) {
		broken, where, ok := BreakBody(src, op.Body, c.Body)
		if !ok {
			return c, false
		}
		c.Body, c.Breach = broken, where
		return c, true
	}
	t := targets[i]
	if t.b.Remove {
		c.unset(*t.param)
	} else {
		s, _ := ScalarText(t.b.Value)
		c.set(*t.param, []string{s})
	}
	c.Breach = fmt.Sprintf("%s %s: %s", t.param.In, t.param.Name, t.b.Constraint)
	return c, true
}

// ScalarText is the text of a decoded JSON scalar (string, number, boolean) as a parameter or a link
// sends it; ok is false for anything else (null, objects, arrays).
func ScalarText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64), true
	case float32:
		return strconv.FormatFloat(float64(x), 'f', -1, 32), true
	case int:
		return strconv.Itoa(x), true
	case int64:
		return strconv.FormatInt(x, 10), true
	case bool:
		return strconv.FormatBool(x), true
	case json.Number:
		return x.String(), true
	}
	return "", false
}

// ParamStrings formats a parameter value: one string per value (arrays are exploded, objects JSON).
func ParamStrings(v any) []string {
	if list, ok := v.([]any); ok {
		out := []string{}
		for _, item := range list {
			if s, ok := ScalarText(item); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if s, ok := ScalarText(v); ok {
		return []string{s}
	}
	raw, _ := json.Marshal(v)
	return []string{string(raw)}
}

// SortedKeys lists the keys of a query in order.
func SortedKeys(m map[string][]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
