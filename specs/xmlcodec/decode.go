package xmlcodec

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
)

// XSINamespace is the XML Schema instance namespace of the i:type and i:nil attributes.
const XSINamespace = "http://www.w3.org/2001/XMLSchema-instance"

// Problem is one way in which an XML body cannot be read as the schema describes it (a wrong
// namespace or root element, an i:type naming no variant, a repeated element).
type Problem struct {
	// Field is the dotted path of the property in the JSON shape ("email.emailAddress"), "" for the root.
	Field   string
	Message string
}

// Error lists the problems Decode found. Malformed XML is reported as one problem at the root.
type Error struct {
	Problems []Problem
}

func (e *Error) Error() string {
	parts := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		if p.Field == "" {
			parts[i] = p.Message
		} else {
			parts[i] = p.Field + ": " + p.Message
		}
	}
	return "xml: " + strings.Join(parts, "; ")
}

// BodyDecoder is the kin-openapi body decoder of application/xml and text/xml. It reads the body
// with Decode, so that an XML body is validated against the same schema as its JSON form. A body
// that cannot be read is a *openapi3filter.ParseError whose Cause is an *Error.
func BodyDecoder(body io.Reader, _ http.Header, schema *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Reason: "read XML body", Cause: err}
	}
	value, err := Decode(data, schema)
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: err}
	}
	return value, nil
}

// Decode reads an XML document into the shape its JSON form has under schema (map[string]any,
// []any, string, float64, bool, nil), so that it can be validated against that schema or unmarshalled
// into the types generated from it. The mapping is driven by the schema and the OpenAPI xml objects:
//
//   - A property's element is named by its schema's xml.name, else by the property name with its first
//     letter in upper case (PascalCase element, camelCase property). Elements are matched by local name
//     and namespace URI, never by prefix. An element is expected in its schema's xml.namespace, else in
//     its parent's namespace (the DataContract convention); the root in its schema's xml.namespace, else
//     in none. A wrong namespace, or a root element not named by the schema's xml.name, is a problem.
//   - Properties with xml.attribute are read from attributes.
//   - i:nil="true" (XML Schema instance) is null. An empty element is "" for a string.
//   - Booleans (true, false, 1, 0), integers and numbers are converted as the schema types them; text
//     that does not convert stays a string, so validation names it.
//   - An array is a wrapper element holding one element per item (xml.wrapped), or repeated elements
//     (not wrapped). A wrapper that holds text instead of elements is a one-item array (ASP.NET writes a
//     model-state list as its messages joined by spaces).
//   - oneOf/anyOf: the variant is the one whose component name the element's i:type names, else the
//     one the discriminator selects from the discriminator property's element. When neither selects
//     one, the properties of every variant are read, and validation reports what is wrong.
//   - allOf members are merged.
//   - An object with an additionalProperties schema keeps each unknown element's local name as the key
//     (a map). Otherwise an unknown element becomes an extra property, named by camel-casing its local
//     name as Newtonsoft.Json does (GDPRApprovalDate → gdprApprovalDate); its content is read untyped.
//
// Malformed XML, and the problems above, are returned as an *Error.
func Decode(data []byte, schema *openapi3.SchemaRef) (any, error) {
	root, err := parseXML(data)
	if err != nil {
		return nil, &Error{Problems: []Problem{{Message: err.Error()}}}
	}
	d := &xmlDecoder{}
	value := d.root(root, schema)
	if len(d.problems) > 0 {
		return nil, &Error{Problems: d.problems}
	}
	return value, nil
}

// xmlNode is one element of a parsed document.
type xmlNode struct {
	name     xml.Name
	attrs    []xml.Attr
	children []*xmlNode
	text     strings.Builder
}

func (n *xmlNode) attr(space, local string) (string, bool) {
	for _, a := range n.attrs {
		if a.Name.Space == space && a.Name.Local == local {
			return a.Value, true
		}
	}
	return "", false
}

func (n *xmlNode) isNil() bool {
	v, ok := n.attr(XSINamespace, "nil")
	v = strings.TrimSpace(v)
	return ok && (v == "true" || v == "1")
}

// content is the element's text; whitespace between child elements does not count.
func (n *xmlNode) content() string {
	if len(n.children) > 0 {
		return ""
	}
	return n.text.String()
}

// parseXML reads a document into a tree. It wants exactly one root element.
func parseXML(data []byte) (*xmlNode, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	dec.Strict = true
	var root *xmlNode
	var stack []*xmlNode
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			n := &xmlNode{name: t.Name, attrs: t.Attr}
			if len(stack) == 0 {
				if root != nil {
					return nil, errors.New("more than one root element")
				}
				root = n
			} else {
				parent := stack[len(stack)-1]
				parent.children = append(parent.children, n)
			}
			stack = append(stack, n)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].text.Write(t)
			} else if len(bytes.TrimSpace(t)) > 0 {
				return nil, errors.New("text outside the root element")
			}
		}
	}
	if root == nil {
		return nil, errors.New("no root element")
	}
	return root, nil
}

type xmlDecoder struct {
	problems []Problem
}

func (d *xmlDecoder) problem(field, format string, args ...any) {
	d.problems = append(d.problems, Problem{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (d *xmlDecoder) root(n *xmlNode, ref *openapi3.SchemaRef) any {
	meta := xmlOf(ref)
	if meta.Name != "" && n.name.Local != meta.Name {
		d.problem("", "root element is <%s>, want <%s>", n.name.Local, meta.Name)
	}
	if n.name.Space != meta.Namespace {
		d.problem("", "root element <%s> is in namespace %q, want %q", n.name.Local, n.name.Space, meta.Namespace)
	}
	return d.value(n, ref, "")
}

// value reads element n as described by ref; its own name and namespace were checked by the caller.
func (d *xmlDecoder) value(n *xmlNode, ref *openapi3.SchemaRef, path string) any {
	if n.isNil() {
		return nil
	}
	v := d.view(n, ref, path)
	switch {
	case v.typ == "array" || (v.typ == "" && v.items != nil):
		return d.array(n, v, path)
	case v.typ == "object" || (v.typ == "" && (len(v.props) > 0 || v.addl != nil)):
		if len(n.children) == 0 && strings.TrimSpace(n.text.String()) != "" {
			return n.text.String() // validation says it must be an object
		}
		return d.object(n, v, path)
	case len(n.children) > 0:
		return untyped(n) // a scalar with elements inside: validation names the type
	default:
		return scalar(n.content(), v.typ)
	}
}

func (d *xmlDecoder) array(n *xmlNode, v schemaView, path string) any {
	items := []any{}
	if len(n.children) == 0 {
		if text := n.text.String(); strings.TrimSpace(text) != "" {
			items = append(items, scalar(text, itemType(v.items)))
		}
		return items
	}
	meta := xmlOf(v.items)
	ns := n.name.Space
	if meta.Namespace != "" {
		ns = meta.Namespace
	}
	for i, child := range n.children {
		p := JoinField(path, strconv.Itoa(i))
		if meta.Name != "" && child.name.Local != meta.Name {
			d.problem(p, "item element is <%s>, want <%s>", child.name.Local, meta.Name)
			continue
		}
		d.checkNamespace(child, ns, p)
		items = append(items, d.value(child, v.items, p))
	}
	return items
}

func (d *xmlDecoder) object(n *xmlNode, v schemaView, path string) any {
	out := map[string]any{}
	index := newPropIndex(v)
	for _, name := range index.attrProps {
		// An attribute is named by xml.name, else by the property name (or its PascalCase form).
		prop := v.props[name]
		meta := xmlOf(prop)
		for _, attr := range []string{meta.Name, name, upperFirst(name)} {
			if value, ok := n.attr(meta.Namespace, attr); ok && attr != "" {
				out[name] = scalar(value, itemType(prop))
				break
			}
		}
	}
	seen := map[string]int{}
	for _, child := range n.children {
		name, ok := index.lookup(child.name.Local)
		if !ok {
			d.extra(out, child, v, path)
			continue
		}
		prop := v.props[name]
		p := JoinField(path, name)
		d.checkNamespace(child, namespaceOf(prop, n.name.Space), p)
		if pv := resolved(prop); pv != nil && isArray(pv) && !xmlOf(prop).Wrapped {
			// Not wrapped: every element is one item.
			list, _ := out[name].([]any)
			out[name] = append(list, d.value(child, pv.Items, JoinField(p, strconv.Itoa(len(list)))))
			continue
		}
		seen[name]++
		if seen[name] == 2 {
			d.problem(p, "element <%s> appears more than once", child.name.Local)
		}
		out[name] = d.value(child, prop, p)
	}
	return out
}

// extra reads an element the schema does not describe.
func (d *xmlDecoder) extra(out map[string]any, child *xmlNode, v schemaView, path string) {
	if v.addl != nil {
		key := child.name.Local
		out[key] = d.value(child, v.addl, JoinField(path, key))
		return
	}
	key := CamelCase(child.name.Local)
	value := untyped(child)
	if prev, ok := out[key]; ok {
		if list, isList := prev.([]any); isList {
			out[key] = append(list, value)
		} else {
			out[key] = []any{prev, value}
		}
		return
	}
	out[key] = value
}

func (d *xmlDecoder) checkNamespace(n *xmlNode, want, path string) {
	if n.name.Space != want {
		d.problem(path, "element <%s> is in namespace %q, want %q", n.name.Local, n.name.Space, want)
	}
}

// untyped reads an element without a schema: null, text, or an object of its children (repeated names
// become arrays).
func untyped(n *xmlNode) any {
	if n.isNil() {
		return nil
	}
	if len(n.children) == 0 {
		return n.text.String()
	}
	out := map[string]any{}
	for _, c := range n.children {
		key := CamelCase(c.name.Local)
		value := untyped(c)
		if prev, ok := out[key]; ok {
			if list, isList := prev.([]any); isList {
				out[key] = append(list, value)
			} else {
				out[key] = []any{prev, value}
			}
			continue
		}
		out[key] = value
	}
	return out
}

// scalar converts text as the schema type says; text that does not convert stays a string.
func scalar(text, typ string) any {
	t := strings.TrimSpace(text)
	switch typ {
	case "boolean":
		switch t {
		case "true", "1":
			return true
		case "false", "0":
			return false
		}
	case "integer", "number":
		f, err := strconv.ParseFloat(t, 64)
		if err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) && t != "" && !strings.ContainsAny(t, "xXpP_") {
			return f
		}
	}
	return text
}

// schemaView is a schema with allOf merged and oneOf/anyOf resolved for one element.
type schemaView struct {
	typ   string
	props map[string]*openapi3.SchemaRef
	addl  *openapi3.SchemaRef
	items *openapi3.SchemaRef
}

func (d *xmlDecoder) view(n *xmlNode, ref *openapi3.SchemaRef, path string) schemaView {
	v := schemaView{props: map[string]*openapi3.SchemaRef{}}
	d.merge(&v, n, ref, path, 0)
	return v
}

const maxSchemaDepth = 32

func (d *xmlDecoder) merge(v *schemaView, n *xmlNode, ref *openapi3.SchemaRef, path string, depth int) {
	s := resolved(ref)
	if s == nil || depth > maxSchemaDepth {
		return
	}
	if v.typ == "" && s.Type != nil && len(s.Type.Slice()) > 0 {
		for _, t := range s.Type.Slice() {
			if t != "null" {
				v.typ = t
				break
			}
		}
	}
	for name, p := range s.Properties {
		if _, ok := v.props[name]; !ok {
			v.props[name] = p
		}
	}
	if v.addl == nil && s.AdditionalProperties.Schema != nil {
		v.addl = s.AdditionalProperties.Schema
	}
	if v.items == nil && s.Items != nil {
		v.items = s.Items
	}
	for _, member := range s.AllOf {
		d.merge(v, n, member, path, depth+1)
	}
	variants := s.OneOf
	if len(variants) == 0 {
		variants = s.AnyOf
	}
	if len(variants) == 0 {
		return
	}
	if chosen := d.variant(n, s, variants, path); chosen != nil {
		d.merge(v, n, chosen, path, depth+1)
		return
	}
	for _, variant := range variants {
		d.merge(v, n, variant, path, depth+1)
	}
}

// variant picks the variant of a oneOf/anyOf for element n: by i:type, else by the discriminator.
func (d *xmlDecoder) variant(n *xmlNode, s *openapi3.Schema, variants openapi3.SchemaRefs, path string) *openapi3.SchemaRef {
	if typ, ok := n.attr(XSINamespace, "type"); ok {
		if _, local, found := strings.Cut(typ, ":"); found {
			typ = local
		}
		typ = strings.TrimSpace(typ)
		for _, variant := range variants {
			if refName(variant.Ref) == typ {
				return variant
			}
		}
		names := make([]string, 0, len(variants))
		for _, variant := range variants {
			names = append(names, refName(variant.Ref))
		}
		d.problem(path, "i:type %q names none of the variants (%s)", typ, strings.Join(names, ", "))
		return nil
	}
	if s.Discriminator == nil || s.Discriminator.PropertyName == "" {
		return nil
	}
	prop := s.Discriminator.PropertyName
	for _, child := range n.children {
		if !namesProperty(child.name.Local, prop, variants) {
			continue
		}
		value := strings.TrimSpace(child.content())
		target := ""
		if m, ok := s.Discriminator.Mapping[value]; ok {
			target = m.Ref
		}
		for _, variant := range variants {
			if (target != "" && variant.Ref == target) || (target == "" && refName(variant.Ref) == value) {
				return variant
			}
		}
		return nil // an unknown value: validation reports it
	}
	return nil
}

// namesProperty reports whether an element named local stands for property prop of any variant.
func namesProperty(local, prop string, variants openapi3.SchemaRefs) bool {
	if strings.EqualFold(local, prop) || local == upperFirst(prop) {
		return true
	}
	for _, variant := range variants {
		var found bool
		walkAllOf(variant, 0, func(s *openapi3.Schema) {
			if p, ok := s.Properties[prop]; ok && xmlOf(p).Name == local {
				found = true
			}
		})
		if found {
			return true
		}
	}
	return false
}

func walkAllOf(ref *openapi3.SchemaRef, depth int, f func(*openapi3.Schema)) {
	s := resolved(ref)
	if s == nil || depth > maxSchemaDepth {
		return
	}
	f(s)
	for _, m := range s.AllOf {
		walkAllOf(m, depth+1, f)
	}
}

// propIndex finds the property an element name stands for.
type propIndex struct {
	byElement map[string]string
	byFold    map[string]string
	attrProps []string
}

func newPropIndex(v schemaView) propIndex {
	ix := propIndex{byElement: map[string]string{}, byFold: map[string]string{}}
	props := make([]string, 0, len(v.props))
	for name := range v.props {
		props = append(props, name)
	}
	sort.Strings(props)
	for _, name := range props {
		ref := v.props[name]
		meta := xmlOf(ref)
		el := meta.Name
		if el == "" {
			el = upperFirst(name)
		}
		if s := resolved(ref); s != nil && isArray(s) && !meta.Wrapped {
			// Repeated elements are named by the items (OpenAPI's rule for unwrapped arrays).
			if item := xmlOf(s.Items).Name; item != "" {
				el = item
			}
		}
		if meta.Attribute {
			ix.attrProps = append(ix.attrProps, name)
			continue
		}
		if _, dup := ix.byElement[el]; !dup {
			ix.byElement[el] = name
		}
		for _, key := range []string{strings.ToLower(el), strings.ToLower(name)} {
			if _, dup := ix.byFold[key]; !dup {
				ix.byFold[key] = name
			}
		}
	}
	return ix
}

func (ix propIndex) lookup(local string) (string, bool) {
	if name, ok := ix.byElement[local]; ok {
		return name, true
	}
	name, ok := ix.byFold[strings.ToLower(local)]
	return name, ok
}

func resolved(ref *openapi3.SchemaRef) *openapi3.Schema {
	if ref == nil {
		return nil
	}
	return ref.Value
}

func isArray(s *openapi3.Schema) bool {
	return s.Type != nil && s.Type.Is("array") || (s.Type == nil && s.Items != nil)
}

func itemType(ref *openapi3.SchemaRef) string {
	s := resolved(ref)
	if s == nil || s.Type == nil {
		return ""
	}
	for _, t := range s.Type.Slice() {
		if t != "null" {
			return t
		}
	}
	return ""
}

// xmlOf returns the xml object of a schema (of its first allOf member that has one, if it has none).
func xmlOf(ref *openapi3.SchemaRef) openapi3.XML {
	var found *openapi3.XML
	walkAllOf(ref, 0, func(s *openapi3.Schema) {
		if found == nil && s.XML != nil {
			found = s.XML
		}
	})
	if found == nil {
		return openapi3.XML{}
	}
	return *found
}

// namespaceOf is the namespace of a property's element: its own xml.namespace, else its parent's.
func namespaceOf(ref *openapi3.SchemaRef, parent string) string {
	if ns := xmlOf(ref).Namespace; ns != "" {
		return ns
	}
	return parent
}

func refName(ref string) string {
	if i := strings.LastIndexByte(ref, '/'); i >= 0 {
		return ref[i+1:]
	}
	return ref
}

func upperFirst(s string) string {
	for i, r := range s {
		return string(unicode.ToUpper(r)) + s[i+len(string(r)):]
	}
	return s
}

// CamelCase turns a PascalCase name into the camelCase name Newtonsoft.Json's camel-case resolver
// gives it: the leading run of capitals is lowered, except for the last one when a lower-case letter
// follows (GDPRApprovalDate → gdprApprovalDate, Id → id, URLValue → urlValue).
func CamelCase(s string) string {
	r := []rune(s)
	for i := range r {
		if i == 1 && !unicode.IsUpper(r[i]) {
			break
		}
		if i > 0 && i+1 < len(r) && !unicode.IsUpper(r[i+1]) {
			if unicode.IsSpace(r[i+1]) {
				r[i] = unicode.ToLower(r[i])
			}
			break
		}
		r[i] = unicode.ToLower(r[i])
	}
	return string(r)
}
