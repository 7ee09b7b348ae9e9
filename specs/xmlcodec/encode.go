package xmlcodec

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
)

// Encode writes value, the JSON form of a body, in the XML form that the vendor's ASP.NET Web API
// writes with DataContractSerializer, driven by schema and its xml objects (the mapping of
// mocks/vitecmaklare/fixtures/README.md):
//
//   - The root element is named by the schema's xml.name and declares xmlns:i (XML Schema instance),
//     then i:type naming the variant's data contract (its component name) when the schema is a oneOf,
//     then its xml.namespace as the default namespace.
//   - An element is in its schema's xml.namespace, else in its parent's. An element whose children are
//     in another namespace declares it, with the children's xml.prefix (d2p1), whether or not the
//     element has children (an empty collection keeps the declaration; null does not).
//   - Members come in DataContract order: the members of each allOf member in turn (the base class
//     first), each group in ordinal order of the element names; members already written are skipped.
//   - null is an empty element with i:nil="true"; booleans are true/false; numbers keep their JSON
//     text (decode with json.Decoder.UseNumber); strings are written as they are, so datetimes keep
//     their seven fractional digits and offset.
//   - An array is a wrapper element holding one element per item, named by the items' xml.name.
//
// No XML declaration and no indentation are written. A member that the schema does not describe, a
// value of the wrong kind or a character XML cannot hold is an error.
func Encode(schema *openapi3.SchemaRef, value any) ([]byte, error) {
	w := &dcWriter{}
	if err := w.root(schema, value); err != nil {
		return nil, err
	}
	return w.buf.Bytes(), nil
}

// DecodeJSON decodes a JSON body for Encode, keeping numbers as json.Number.
func DecodeJSON(data []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if dec.More() {
		return nil, errors.New("more than one JSON value")
	}
	return v, nil
}

type dcWriter struct {
	buf bytes.Buffer
}

// nsScope is what is declared where an element is written.
type nsScope struct {
	defaultNS string
	prefixes  map[string]string // namespace URI → prefix
}

func (sc nsScope) with(ns, prefix string) nsScope {
	m := make(map[string]string, len(sc.prefixes)+1)
	for k, v := range sc.prefixes {
		m[k] = v
	}
	m[ns] = prefix
	return nsScope{defaultNS: sc.defaultNS, prefixes: m}
}

func (w *dcWriter) root(ref *openapi3.SchemaRef, value any) error {
	variant, err := chooseVariant(ref, value)
	if err != nil {
		return err
	}
	meta := xmlMeta(ref)
	name := meta.Name
	if name == "" && variant != nil {
		name = xmlMeta(variant).Name
	}
	if name == "" {
		name = refName(ref.Ref)
	}
	if name == "" {
		return errors.New("xml: the root schema has no xml.name")
	}
	ns := meta.Namespace
	if ns == "" && variant != nil {
		ns = xmlMeta(variant).Namespace
	}
	attrs := []string{`xmlns:i="` + XSINamespace + `"`}
	if variant != nil {
		attrs = append(attrs, `i:type="`+refName(variant.Ref)+`"`)
	}
	if ns != "" {
		attrs = append(attrs, `xmlns="`+ns+`"`)
	}
	sc := nsScope{defaultNS: ns, prefixes: map[string]string{XSINamespace: "i"}}
	return w.element(name, ns, ref, value, sc, 1, attrs, "")
}

// element writes one element whose prefix and namespace declarations are worked out here; attrs are
// written first (the root's), path names the value in errors.
func (w *dcWriter) element(name, ns string, ref *openapi3.SchemaRef, value any, sc nsScope, depth int, attrs []string, path string) error {
	qname := name
	if ns != sc.defaultNS {
		prefix, ok := sc.prefixes[ns]
		if !ok { // nobody above declared it: declare it here
			prefix = prefixFor(ref, depth, 1)
			attrs = append(attrs, `xmlns:`+prefix+`="`+escapeAttr(ns)+`"`)
			sc = sc.with(ns, prefix)
		}
		qname = prefix + ":" + name
	}
	if value == nil {
		w.open(qname, append(attrs, `i:nil="true"`), true)
		return nil
	}
	variant, err := chooseVariant(ref, value)
	if err != nil {
		return fmt.Errorf("%s: %w", orRoot(path), err)
	}
	if variant != nil && depth > 1 {
		attrs = append(attrs, `i:type="`+refName(variant.Ref)+`"`)
		ref = variant
	} else if variant != nil {
		ref = variant
	}
	s := ref.Value
	switch v := value.(type) {
	case map[string]any:
		if !isObject(s) {
			return fmt.Errorf("%s: an object where the schema wants %s", orRoot(path), typeName(s))
		}
		members, err := orderedMembers(ref, v, path)
		if err != nil {
			return err
		}
		attrs, sc = declareChildNamespaces(attrs, sc, ns, depth, members)
		if len(members) == 0 {
			w.open(qname, attrs, true)
			return nil
		}
		w.open(qname, attrs, false)
		for _, m := range members {
			if err := w.element(m.element, m.ns, m.ref, v[m.prop], sc, depth+1, nil, JoinField(path, m.prop)); err != nil {
				return err
			}
		}
		w.close(qname)
		return nil
	case []any:
		if !isArrayType(s) || s.Items == nil {
			return fmt.Errorf("%s: an array where the schema wants %s", orRoot(path), typeName(s))
		}
		item := xmlMeta(s.Items)
		itemName := item.Name
		if itemName == "" {
			itemName = refName(s.Items.Ref)
		}
		if itemName == "" {
			return fmt.Errorf("%s: the items schema has no xml.name", orRoot(path))
		}
		itemNS := ns
		if item.Namespace != "" {
			itemNS = item.Namespace
		}
		attrs, sc = declareChildNamespaces(attrs, sc, ns, depth, []member{{ns: itemNS, ref: s.Items}})
		if len(v) == 0 {
			w.open(qname, attrs, true)
			return nil
		}
		w.open(qname, attrs, false)
		for i, it := range v {
			if err := w.element(itemName, itemNS, s.Items, it, sc, depth+1, nil, JoinField(path, strconv.Itoa(i))); err != nil {
				return err
			}
		}
		w.close(qname)
		return nil
	default:
		text, err := scalarText(v)
		if err != nil {
			return fmt.Errorf("%s: %w", orRoot(path), err)
		}
		escaped, err := EscapeText(text)
		if err != nil {
			return fmt.Errorf("%s: %w", orRoot(path), err)
		}
		w.open(qname, attrs, false)
		w.buf.WriteString(escaped)
		w.close(qname)
		return nil
	}
}

func (w *dcWriter) open(qname string, attrs []string, empty bool) {
	w.buf.WriteByte('<')
	w.buf.WriteString(qname)
	for _, a := range attrs {
		w.buf.WriteByte(' ')
		w.buf.WriteString(a)
	}
	if empty {
		w.buf.WriteString(" />")
		return
	}
	w.buf.WriteByte('>')
}

func (w *dcWriter) close(qname string) {
	w.buf.WriteString("</")
	w.buf.WriteString(qname)
	w.buf.WriteByte('>')
}

// member is one property of an object as it is written.
type member struct {
	prop    string
	element string
	ns      string
	ref     *openapi3.SchemaRef
}

// orderedMembers lists the members of an object value in DataContract order. Namespaces are resolved
// against the parent's namespace later (ns "" means the parent's).
func orderedMembers(ref *openapi3.SchemaRef, value map[string]any, path string) ([]member, error) {
	var out []member
	done := map[string]bool{}
	for _, group := range memberGroups(ref, 0) {
		for _, m := range group {
			if done[m.prop] {
				continue
			}
			done[m.prop] = true
			if _, present := value[m.prop]; present {
				out = append(out, m)
			}
		}
	}
	var unknown []string
	for k := range value {
		if !done[k] {
			unknown = append(unknown, k)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return nil, fmt.Errorf("%s: members %s are not described by the schema", orRoot(path), strings.Join(unknown, ", "))
	}
	return out, nil
}

// memberGroups returns the properties of a schema grouped as DataContract orders them: each allOf
// member's properties first (recursively), then the schema's own, each group sorted by element name.
func memberGroups(ref *openapi3.SchemaRef, depth int) [][]member {
	if ref == nil || ref.Value == nil || depth > 32 {
		return nil
	}
	s := ref.Value
	var groups [][]member
	for _, m := range s.AllOf {
		groups = append(groups, memberGroups(m, depth+1)...)
	}
	if len(s.Properties) > 0 {
		group := make([]member, 0, len(s.Properties))
		for prop, pref := range s.Properties {
			meta := xmlMeta(pref)
			el := meta.Name
			if el == "" {
				el = upperFirst(prop)
			}
			group = append(group, member{prop: prop, element: el, ns: meta.Namespace, ref: pref})
		}
		sort.Slice(group, func(i, j int) bool { return group[i].element < group[j].element })
		groups = append(groups, group)
	}
	return groups
}

// declareChildNamespaces resolves the namespaces of the children (their own, else the parent's) and
// declares on the parent those that are neither the default nor declared above.
func declareChildNamespaces(attrs []string, sc nsScope, parentNS string, depth int, members []member) ([]string, nsScope) {
	n := 0
	for i := range members {
		if members[i].ns == "" {
			members[i].ns = parentNS
		}
		ns := members[i].ns
		if ns == sc.defaultNS {
			continue
		}
		if _, ok := sc.prefixes[ns]; ok {
			continue
		}
		n++
		prefix := prefixFor(members[i].ref, depth, n)
		attrs = append(attrs, `xmlns:`+prefix+`="`+escapeAttr(ns)+`"`)
		sc = sc.with(ns, prefix)
	}
	return attrs, sc
}

// prefixFor is the schema's xml.prefix, else DataContractSerializer's own d{depth}p{n}.
func prefixFor(ref *openapi3.SchemaRef, depth, n int) string {
	if p := xmlMeta(ref).Prefix; p != "" {
		return p
	}
	return fmt.Sprintf("d%dp%d", depth, n)
}

// chooseVariant returns the variant of a oneOf/anyOf schema that the discriminator selects for value,
// or nil when the schema has no variants.
func chooseVariant(ref *openapi3.SchemaRef, value any) (*openapi3.SchemaRef, error) {
	if ref == nil || ref.Value == nil {
		return nil, errors.New("no schema")
	}
	s := ref.Value
	variants := s.OneOf
	if len(variants) == 0 {
		variants = s.AnyOf
	}
	if len(variants) == 0 {
		return nil, nil
	}
	obj, ok := value.(map[string]any)
	if !ok {
		return nil, errors.New("a oneOf value must be an object")
	}
	if s.Discriminator == nil || s.Discriminator.PropertyName == "" {
		return nil, errors.New("a oneOf schema needs a discriminator to choose i:type")
	}
	disc, _ := obj[s.Discriminator.PropertyName].(string)
	target := ""
	if m, ok := s.Discriminator.Mapping[disc]; ok {
		target = m.Ref
	}
	for _, v := range variants {
		if (target != "" && v.Ref == target) || (target == "" && refName(v.Ref) == disc) {
			return v, nil
		}
	}
	return nil, fmt.Errorf("%s %q selects no variant", s.Discriminator.PropertyName, disc)
}

// xmlMeta is the xml object of a schema, or of its first allOf member (recursively) that has one.
func xmlMeta(ref *openapi3.SchemaRef) openapi3.XML {
	if x := findXML(ref, 0); x != nil {
		return *x
	}
	return openapi3.XML{}
}

func findXML(ref *openapi3.SchemaRef, depth int) *openapi3.XML {
	if ref == nil || ref.Value == nil || depth > 32 {
		return nil
	}
	if ref.Value.XML != nil {
		return ref.Value.XML
	}
	for _, m := range ref.Value.AllOf {
		if x := findXML(m, depth+1); x != nil {
			return x
		}
	}
	return nil
}

func isObject(s *openapi3.Schema) bool {
	if s.Type != nil && s.Type.Is("object") {
		return true
	}
	if len(s.Properties) > 0 {
		return true
	}
	for _, m := range s.AllOf {
		if m.Value != nil && isObject(m.Value) {
			return true
		}
	}
	return false
}

func isArrayType(s *openapi3.Schema) bool {
	return (s.Type != nil && s.Type.Is("array")) || (s.Type == nil && s.Items != nil)
}

func typeName(s *openapi3.Schema) string {
	if s.Type == nil || len(s.Type.Slice()) == 0 {
		return "no type"
	}
	return strings.Join(s.Type.Slice(), " or ")
}

func scalarText(v any) (string, error) {
	switch v := v.(type) {
	case string:
		return v, nil
	case bool:
		return strconv.FormatBool(v), nil
	case json.Number:
		return v.String(), nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	}
	return "", fmt.Errorf("cannot write a %T as XML text", v)
}

// EscapeText escapes text as .NET's XmlWriter does (&, <, >, and CR as a character reference) and
// refuses characters XML 1.0 cannot hold.
func EscapeText(s string) (string, error) {
	var b strings.Builder
	for i, r := range s {
		if r == utf8.RuneError && !strings.HasPrefix(s[i:], "\uFFFD") {
			return "", errors.New("text is not valid UTF-8")
		}
		switch {
		case r == '&':
			b.WriteString("&amp;")
		case r == '<':
			b.WriteString("&lt;")
		case r == '>':
			b.WriteString("&gt;")
		case r == '\r':
			b.WriteString("&#xD;")
		case r == '\t' || r == '\n':
			b.WriteRune(r)
		case r < 0x20 || r == 0xFFFE || r == 0xFFFF || (r >= 0xD800 && r <= 0xDFFF):
			return "", fmt.Errorf("character %U cannot be written in XML", r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String(), nil
}

func escapeAttr(s string) string {
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", `"`, "&quot;")
	return r.Replace(s)
}

// JoinField is the dotted path of part under path, as Problem.Field and specs.Violation.Field spell it
// ("phoneNumbers.0.phoneNumberType"); path "" is the root.
func JoinField(path, part string) string {
	if path == "" {
		return part
	}
	return path + "." + part
}

func orRoot(path string) string {
	if path == "" {
		return "root"
	}
	return path
}
