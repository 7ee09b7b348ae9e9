package casegen_test

import (
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"pgregory.net/rapid"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/casegen"
)

func schema(t *testing.T, src string) *openapi3.Schema {
	t.Helper()
	var s openapi3.Schema
	if err := s.UnmarshalJSON([]byte(src)); err != nil {
		t.Fatal(err)
	}
	return &s
}

// bodySchemas are the JSON request body schemas of every spec, by "api operationId".
func bodySchemas(t *testing.T) map[string]*openapi3.Schema {
	t.Helper()
	out := map[string]*openapi3.Schema{}
	for _, api := range specs.Names() {
		spec, err := specs.Load(api)
		if err != nil {
			t.Fatal(err)
		}
		for _, path := range spec.Doc().Paths.InMatchingOrder() {
			for _, op := range spec.Doc().Paths.Value(path).Operations() {
				if op.RequestBody == nil || op.RequestBody.Value == nil {
					continue
				}
				if mt := op.RequestBody.Value.Content.Get("application/json"); mt != nil && mt.Schema != nil {
					out[api+" "+op.OperationID] = mt.Schema.Value
				}
			}
		}
	}
	if len(out) < 4 {
		t.Fatalf("only %d JSON bodies in the specs", len(out))
	}
	return out
}

func TestPositiveBodiesValidateUnderTheirSchemas(t *testing.T) {
	for name, s := range bodySchemas(t) {
		t.Run(name, func(t *testing.T) {
			valid := 0
			const n = 200
			for seed := range uint64(n) {
				v := casegen.Value(casegen.NewSource(seed), s)
				if err := s.VisitJSON(v, openapi3.MultiErrors()); err == nil {
					valid++
				}
			}
			// The caller discards what does not fit (a oneOf that two branches match, say), but the
			// generator must hit most of the time or generation wastes the budget.
			if valid < n*8/10 {
				t.Errorf("%d of %d generated bodies are valid", valid, n)
			}
		})
	}
}

func TestNegativeBodiesBreakTheirSchemas(t *testing.T) {
	for name, s := range bodySchemas(t) {
		t.Run(name, func(t *testing.T) {
			invalid, tried := 0, 0
			constraints := map[string]bool{}
			for seed := range uint64(200) {
				src := casegen.NewSource(seed)
				v := casegen.Value(src, s)
				if s.VisitJSON(v) != nil {
					continue
				}
				broken, where, ok := casegen.BreakBody(src, s, v)
				if !ok {
					t.Fatal("a body with a schema has nothing to break")
				}
				tried++
				if s.VisitJSON(broken) != nil {
					invalid++
					constraints[where[strings.LastIndex(where, ": ")+2:]] = true
				}
			}
			if invalid < tried*7/10 {
				t.Errorf("%d of %d broken bodies are invalid", invalid, tried)
			}
			if len(constraints) < 2 {
				t.Errorf("only %v constraints broken", constraints)
			}
		})
	}
}

func TestValuesReachTheEdges(t *testing.T) {
	num := schema(t, `{"type":"integer","minimum":1,"maximum":1000}`)
	str := schema(t, `{"type":"string","minLength":2,"maxLength":40}`)
	enum := schema(t, `{"type":"string","enum":["active","inactive","prospect"]}`)
	obj := schema(t, `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}`)
	seen := map[string]bool{}
	for seed := range uint64(300) {
		src := casegen.NewSource(seed)
		switch v := casegen.Value(src, num).(int64); v {
		case 1, 1000, 2, 999:
			seen["int "+string(rune('0'+v%10))] = true
		}
		s := casegen.Value(src, str).(string)
		n := utf8.RuneCountInString(s)
		seen["len min"] = seen["len min"] || n == 2
		seen["len max"] = seen["len max"] || n == 40
		seen["nordic"] = seen["nordic"] || strings.ContainsAny(s, "åäöæøÅÄÖÆØ")
		seen["emoji"] = seen["emoji"] || strings.ContainsAny(s, "😀🚀")
		seen["combining"] = seen["combining"] || strings.Contains(s, "\u0301")
		seen["space"] = seen["space"] || strings.Contains(s, " ")
		seen["enum "+casegen.Value(src, enum).(string)] = true
		o := casegen.Value(src, obj).(map[string]any)
		seen["object with "+strings.Join(sortedKeys(o), ",")] = true
	}
	for _, want := range []string{"int 1", "int 0", "int 2", "int 9", "len min", "len max", "nordic", "emoji", "combining", "space",
		"enum active", "enum inactive", "enum prospect", "object with ", "object with a", "object with b", "object with a,b"} {
		if !seen[want] {
			t.Errorf("300 values never gave %q", want)
		}
	}
}

func sortedKeys(m map[string]any) []string {
	var keys []string
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func TestPatternsGenerateMatchingStrings(t *testing.T) {
	for _, p := range []string{`^\+[1-9][0-9]{1,14}$`, `^-?\d+,-?\d+$`,
		`^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,7})?(Z|[+-][0-9]{2}:[0-9]{2})$`} {
		re := regexp.MustCompile(p)
		s := schema(t, `{"type":"string","pattern":`+quote(p)+`}`)
		rapid.Check(t, func(rt *rapid.T) {
			seed := rapid.Uint64().Draw(rt, "seed")
			v := casegen.Value(casegen.NewSource(seed), s).(string)
			if !re.MatchString(v) {
				rt.Fatalf("%q does not match %s", v, p)
			}
		})
	}
}

func quote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

func TestSameSeedSameCases(t *testing.T) {
	s := bodySchemas(t)["timewave createClient"]
	rapid.Check(t, func(rt *rapid.T) {
		seed := rapid.Uint64().Draw(rt, "seed")
		a, b := casegen.Value(casegen.NewSource(seed), s), casegen.Value(casegen.NewSource(seed), s)
		if !equalJSON(a, b) {
			rt.Fatalf("seed %d gave %v, then %v", seed, a, b)
		}
	})
}

func TestReplayMakesTheSameCase(t *testing.T) {
	s := bodySchemas(t)["timewave createClient"]
	rapid.Check(t, func(rt *rapid.T) {
		src := casegen.NewSource(rapid.Uint64().Draw(rt, "seed"))
		a := casegen.Value(src, s)
		b := casegen.Value(casegen.Replay(src.Choices()), s)
		if !equalJSON(a, b) {
			rt.Fatalf("replay gave %v, the first draw %v", b, a)
		}
	})
}

func equalJSON(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k := range x {
			if !equalJSON(x[k], y[k]) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equalJSON(x[i], y[i]) {
				return false
			}
		}
		return true
	}
	return a == b
}

func TestShrinkReportsTheSmallestFailure(t *testing.T) {
	s := schema(t, `{"type":"object","required":["size"],"properties":{"size":{"type":"integer","minimum":1,"maximum":1000000},"name":{"type":"string"}}}`)
	e := &casegen.Engine{Seed: 7, MaxExamples: 500, MaxShrinks: 2000}
	res := casegen.Run(e, func(src *casegen.Source) (map[string]any, error) {
		return casegen.Value(src, s).(map[string]any), nil
	}, func(v map[string]any) casegen.Outcome {
		if v["size"].(int64) > 500 {
			return casegen.Outcome{Key: "crash"}
		}
		return casegen.Outcome{}
	})
	if res.Failure == nil {
		t.Fatalf("no failure in %d cases", res.Cases)
	}
	got := res.Failure.Case
	if got["size"].(int64) != 501 || len(got) != 1 {
		t.Errorf("shrunk to %v, want exactly {size: 501}", got)
	}
}

func TestDiscardsDoNotCountAsCases(t *testing.T) {
	e := &casegen.Engine{Seed: 1, MaxExamples: 10}
	n := 0
	res := casegen.Run(e, func(src *casegen.Source) (int, error) {
		n++
		if src.Intn(2) == 0 {
			return 0, casegen.ErrDiscard
		}
		return 1, nil
	}, func(int) casegen.Outcome { return casegen.Outcome{} })
	if res.Cases != 10 || res.Discarded == 0 || res.Cases+res.Discarded != n {
		t.Errorf("cases %d, discarded %d, built %d", res.Cases, res.Discarded, n)
	}
}

func TestNegativeRequestBreaksOneParameter(t *testing.T) {
	op := &casegen.Operation{Params: []casegen.Param{
		{Name: "page[size]", In: "query", Schema: schema(t, `{"type":"integer","minimum":1,"maximum":1000}`)},
		{Name: "id", In: "path", Required: true, Schema: schema(t, `{"type":"integer","minimum":1}`)},
	}}
	seen := map[string]bool{}
	for seed := range uint64(200) {
		c, ok := casegen.Negative(casegen.NewSource(seed), op)
		if !ok {
			t.Fatal("nothing to break")
		}
		seen[c.Breach] = true
	}
	for _, want := range []string{"query page[size]: type", "query page[size]: minimum", "query page[size]: maximum",
		"query page[size]: integer", "path id: type", "path id: minimum"} {
		if !seen[want] {
			t.Errorf("never broke %q (broke %v)", want, seen)
		}
	}
}

func TestLinksAndRuntimeExpressions(t *testing.T) {
	spec, err := specs.Load("timewave")
	if err != nil {
		t.Fatal(err)
	}
	links := casegen.Links(spec.Doc())
	var names []string
	for _, l := range links {
		names = append(names, l.From+" → "+l.To)
	}
	for _, want := range []string{"createClient → getClient", "createClient → updateClient", "createClient → findClientByNumber"} {
		if !slices.Contains(names, want) {
			t.Errorf("links %v lack %s", names, want)
		}
	}
	x := casegen.Exchange{Path: map[string]string{"id": "7"}, ResponseBody: map[string]any{"data": map[string]any{"id": 1001.0, "list": []any{"a", "b"}}}}
	for expr, want := range map[string]any{"$response.body#/data/id": 1001.0, "$response.body#/data/list/1": "b", "$request.path.id": "7", "constant": "constant"} {
		got, err := casegen.Resolve(expr, x)
		if err != nil || got != want {
			t.Errorf("Resolve(%s) = %v, %v; want %v", expr, got, err, want)
		}
	}
	if _, err := casegen.Resolve("$response.body#/data/missing", x); !errors.Is(err, casegen.ErrNoValue) {
		t.Errorf("missing pointer: err = %v, want ErrNoValue", err)
	}
}
