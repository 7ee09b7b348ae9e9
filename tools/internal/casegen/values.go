package casegen

import (
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxDepth bounds the nesting of generated values (a recursive schema ends in its simplest value).
const maxDepth = 6

// maxItems caps generated arrays whose schema sets no maxItems.
const maxItems = 4

// longString is the length of a "long" string when the schema sets no maxLength.
const longString = 300

// alphabet are the characters strings are made of, the plainest first: ASCII, a space, Nordic letters,
// punctuation, a combining mark, emoji.
var alphabet = []string{
	"a", "b", "z", "A", "Z", "0", "9", " ", "å", "ä", "ö", "æ", "ø", "Å", "Ä", "Ö", "Æ", "Ø", "é",
	"-", "_", ".", "'", "&", "/", "+", "@", "#", "%", "?", "\u0301", "😀", "🚀", "ß", "\t",
}

// headerAlphabet are the characters of a header or path value: visible ASCII that no server trims or
// splits on.
var headerAlphabet = []string{"a", "b", "z", "A", "Z", "0", "9", "-", "_", "."}

// Gen draws values for schemas.
type Gen struct {
	src *Source
	// plain restricts strings to headerAlphabet (header and path parameters).
	plain bool
	// hints are values for the top-level properties of an object (from the spec's examples).
	hints map[string][]any
}

// Value draws a value valid under s (as far as the generator knows: the caller validates).
func Value(src *Source, s *openapi3.Schema) any { return (&Gen{src: src}).value(s, 0) }

// HintedValue draws like Value; a top-level property with hints takes one of them (choice 0: the first)
// or, with the last choice, a generated value.
func HintedValue(src *Source, s *openapi3.Schema, hints map[string][]any) any {
	return (&Gen{src: src, hints: hints}).value(s, 0)
}

// PlainValue draws like Value, with strings of plain ASCII only.
func PlainValue(src *Source, s *openapi3.Schema) any {
	return (&Gen{src: src, plain: true}).value(s, 0)
}

func (g *Gen) value(s *openapi3.Schema, depth int) any {
	if s == nil {
		return "x"
	}
	if s.Nullable && g.src.Bool(8) {
		return nil
	}
	if len(s.Enum) > 0 {
		return s.Enum[g.src.Intn(len(s.Enum))]
	}
	if len(s.AllOf) > 0 {
		return g.value(mergeAllOf(s), depth+1)
	}
	if alts := alternatives(s); len(alts) > 0 && depth < maxDepth {
		i := g.src.Intn(len(alts))
		v := g.value(withParent(alts[i].Value, s), depth+1)
		return withDiscriminator(s, alts[i], v)
	}
	switch {
	case s.Type.Is("integer"):
		return g.integer(s)
	case s.Type.Is("number"):
		return g.number(s)
	case s.Type.Is("boolean"):
		return g.src.Intn(2) == 1
	case s.Type.Is("array"):
		return g.array(s, depth)
	case s.Type.Is("object"), len(s.Properties) > 0:
		return g.object(s, depth)
	}
	return g.string(s)
}

// alternatives are the branches of oneOf, else of anyOf.
func alternatives(s *openapi3.Schema) openapi3.SchemaRefs {
	if len(s.OneOf) > 0 {
		return s.OneOf
	}
	return s.AnyOf
}

// withParent is a branch of oneOf/anyOf with the parent's own properties and type added.
func withParent(branch, parent *openapi3.Schema) *openapi3.Schema {
	if branch == nil {
		return parent
	}
	if len(parent.Properties) == 0 && parent.Type == nil {
		return branch
	}
	cp := *branch
	if cp.Type == nil {
		cp.Type = parent.Type
	}
	if len(parent.Properties) > 0 {
		cp.Properties = openapi3.Schemas{}
		for k, v := range parent.Properties {
			cp.Properties[k] = v
		}
		for k, v := range branch.Properties {
			cp.Properties[k] = v
		}
		cp.Required = append(append([]string(nil), parent.Required...), branch.Required...)
	}
	return &cp
}

// withDiscriminator sets the discriminator property of an object drawn for a branch to the value that
// selects the branch.
func withDiscriminator(s *openapi3.Schema, branch *openapi3.SchemaRef, v any) any {
	obj, ok := v.(map[string]any)
	if !ok || s.Discriminator == nil || s.Discriminator.PropertyName == "" {
		return v
	}
	name := ""
	for key, ref := range s.Discriminator.Mapping {
		if ref.Ref == branch.Ref {
			name = key
		}
	}
	if name == "" && branch.Ref != "" {
		name = branch.Ref[strings.LastIndex(branch.Ref, "/")+1:]
	}
	if name != "" {
		obj[s.Discriminator.PropertyName] = name
	}
	return obj
}

// mergeAllOf folds allOf into one schema: properties and required lists are joined, the first type,
// format and bounds win.
func mergeAllOf(s *openapi3.Schema) *openapi3.Schema {
	out := *s
	out.AllOf = nil
	out.Properties = openapi3.Schemas{}
	for k, v := range s.Properties {
		out.Properties[k] = v
	}
	for _, ref := range s.AllOf {
		if ref == nil || ref.Value == nil {
			continue
		}
		part := ref.Value
		if len(part.AllOf) > 0 {
			part = mergeAllOf(part)
		}
		for k, v := range part.Properties {
			out.Properties[k] = v
		}
		out.Required = append(out.Required, part.Required...)
		if out.Type == nil {
			out.Type = part.Type
		}
		if len(out.Enum) == 0 {
			out.Enum = part.Enum
		}
		if out.Format == "" {
			out.Format = part.Format
		}
		if out.OneOf == nil {
			out.OneOf = part.OneOf
		}
		if out.Discriminator == nil {
			out.Discriminator = part.Discriminator
		}
	}
	return &out
}

// intRange is the range an integer schema allows.
func intRange(s *openapi3.Schema) (lo, hi int64) {
	lo, hi = -(1<<53 - 1), 1<<53-1
	if s.Format == "int32" {
		lo, hi = math.MinInt32, math.MaxInt32
	}
	if s.Min != nil {
		lo = int64(math.Ceil(*s.Min))
		if s.ExclusiveMin.IsTrue() {
			lo = int64(math.Floor(*s.Min)) + 1
		}
	}
	if s.Max != nil {
		hi = int64(math.Floor(*s.Max))
		if s.ExclusiveMax.IsTrue() {
			hi = int64(math.Ceil(*s.Max)) - 1
		}
	}
	return lo, hi
}

// integer draws two choices: a kind, then the value as its offset from the simplest value (0, or the
// bound nearest it). The kind only biases the offset: toward the simplest value, or onto a bound or a
// neighbour of one, where off-by-one bugs live. Since the value depends on the offset alone, shrinking
// lowers it whatever kind drew it.
func (g *Gen) integer(s *openapi3.Schema) any {
	lo, hi := intRange(s)
	if lo > hi {
		return lo
	}
	simplest := clamp(0, lo, hi)
	n := offsets(simplest, lo, hi)
	var d uint64
	switch kind := g.src.Intn(8); kind {
	case 0, 1:
		d = g.src.Draw(n)
	case 2, 3:
		d = g.src.DrawNear(n, 100)
	default:
		edge := []int64{lo, hi, clamp(lo+1, lo, hi), clamp(hi-1, lo, hi)}[kind-4]
		d = g.src.DrawAs(n, offsetOf(simplest, lo, hi, edge))
	}
	v := offset(simplest, lo, hi, d)
	if s.MultipleOf != nil && *s.MultipleOf >= 1 {
		m := int64(*s.MultipleOf)
		v -= v % m
	}
	return v
}

// offsets is the number of offsets of [lo, hi] from simplest.
func offsets(simplest, lo, hi int64) uint64 {
	if simplest == lo || simplest == hi {
		return uint64(hi-lo) + 1
	}
	return 2*uint64(max(hi-simplest, simplest-lo)) + 1
}

// offset is the d-th value of [lo, hi] counted from simplest: upward from lo, downward from hi, and
// alternating (+1, -1, +2, ...) around a simplest inside the range.
func offset(simplest, lo, hi int64, d uint64) int64 {
	switch simplest {
	case lo:
		return clamp(lo+int64(d), lo, hi)
	case hi:
		return clamp(hi-int64(d), lo, hi)
	}
	step := int64(d+1) / 2
	if d%2 == 0 {
		return clamp(simplest-step, lo, hi)
	}
	return clamp(simplest+step, lo, hi)
}

// offsetOf is the offset of v from simplest (the inverse of offset).
func offsetOf(simplest, lo, hi, v int64) uint64 {
	switch {
	case simplest == lo:
		return uint64(v - lo)
	case simplest == hi:
		return uint64(hi - v)
	case v > simplest:
		return 2*uint64(v-simplest) - 1
	}
	return 2 * uint64(simplest-v)
}

func clamp(v, lo, hi int64) int64 { return min(max(v, lo), hi) }

func (g *Gen) number(s *openapi3.Schema) any {
	lo, hi := -1e15, 1e15
	if s.Min != nil {
		lo = *s.Min
	}
	if s.Max != nil {
		hi = *s.Max
	}
	switch g.src.Intn(6) {
	case 0:
		return math.Min(math.Max(0, lo), hi)
	case 1:
		return lo
	case 2:
		return hi
	case 3:
		return math.Min(math.Max(0.5, lo), hi)
	}
	return lo + (hi-lo)*float64(g.src.Draw(1<<20))/float64(1<<20)
}

func (g *Gen) array(s *openapi3.Schema, depth int) any {
	lo, hi := int(s.MinItems), maxItems
	if s.MaxItems != nil {
		hi = int(*s.MaxItems)
	}
	hi = max(min(hi, lo+maxItems), lo)
	if depth >= maxDepth {
		hi = lo
	}
	n := lo + g.src.Intn(hi-lo+1)
	out := make([]any, 0, n)
	for range n {
		var item *openapi3.Schema
		if s.Items != nil {
			item = s.Items.Value
		}
		out = append(out, g.value(item, depth+1))
	}
	return out
}

// object sets every required property and each optional one with a choice (choice 0 leaves it out).
func (g *Gen) object(s *openapi3.Schema, depth int) any {
	required := map[string]bool{}
	for _, name := range s.Required {
		required[name] = true
	}
	out := map[string]any{}
	for _, name := range sortedNames(s.Properties) {
		ref := s.Properties[name]
		if ref == nil || ref.Value == nil || ref.Value.ReadOnly {
			continue
		}
		draw := func() any { return g.value(ref.Value, depth+1) }
		if hints := g.hints[name]; depth == 0 && len(hints) > 0 {
			draw = func() any {
				if i := g.src.Intn(len(hints) + 1); i < len(hints) {
					return hints[i]
				}
				return g.value(ref.Value, depth+1)
			}
		}
		if required[name] {
			out[name] = draw()
			continue
		}
		if depth >= maxDepth {
			continue
		}
		// As with parameters, an optional property's value is drawn even when it is left out.
		present := g.src.Intn(2) == 1
		if v := draw(); present {
			out[name] = v
		}
	}
	return out
}

func sortedNames(m openapi3.Schemas) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// lengthRange is the range of a string's length in characters.
func lengthRange(s *openapi3.Schema) (lo, hi int) {
	lo, hi = int(s.MinLength), lo+longString
	if s.MaxLength != nil {
		hi = int(*s.MaxLength)
	}
	return lo, max(hi, lo)
}

func (g *Gen) string(s *openapi3.Schema) any {
	if v, ok := g.formatted(s.Format); ok {
		return v
	}
	if s.Pattern != "" {
		if v, err := fromPattern(g.src, s.Pattern); err == nil {
			return v
		}
	}
	lo, hi := lengthRange(s)
	span := uint64(hi-lo) + 1
	var d uint64
	switch g.src.Intn(6) {
	case 4:
		d = g.src.DrawAs(span, span-1) // the longest
	case 5:
		d = g.src.DrawAs(span, 1)
	default:
		d = g.src.DrawNear(span, 25)
	}
	n := lo + int(d)
	chars := alphabet
	if g.plain {
		chars = headerAlphabet
	}
	var b strings.Builder
	for range n {
		b.WriteString(chars[g.src.Intn(len(chars))])
	}
	return b.String()
}

// formatted draws a string of a format the specs package checks.
func (g *Gen) formatted(format string) (string, bool) {
	switch format {
	case "date":
		return fmt.Sprintf("%04d-%02d-%02d", 1970+g.src.Intn(130), 1+g.src.Intn(12), 1+g.src.Intn(28)), true
	case "date-time":
		zones := []string{"Z", "+01:00", "+02:00", "-05:00"}
		return fmt.Sprintf("%04d-%02d-%02dT%02d:%02d:%02d%s", 1970+g.src.Intn(130), 1+g.src.Intn(12), 1+g.src.Intn(28),
			g.src.Intn(24), g.src.Intn(60), g.src.Intn(60), zones[g.src.Intn(len(zones))]), true
	case "email":
		locals := []string{"a", "ola.nordmann", "märta", "x+tag", "o'brien"}
		domains := []string{"example.se", "example.no", "sub.example.com"}
		return locals[g.src.Intn(len(locals))] + "@" + domains[g.src.Intn(len(domains))], true
	case "uri", "url":
		paths := []string{"", "/", "/a/b", "/söder?x=1"}
		return "https://example.se" + paths[g.src.Intn(len(paths))], true
	case "uuid":
		return fmt.Sprintf("%08x-%04x-4%03x-8%03x-%012x", g.src.Draw(1<<32), g.src.Draw(1<<16), g.src.Draw(1<<12), g.src.Draw(1<<12), g.src.Draw(1<<48)), true
	}
	return "", false
}
