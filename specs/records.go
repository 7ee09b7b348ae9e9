package specs

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
)

// Bounds of a RecordMemo (two generations of half of them each, see exactMemo).
const (
	recordMemoMaxEntries = 16 << 10
	recordMemoMaxBytes   = 32 << 20
	fieldMemoMaxEntries  = 32 << 10
	fieldMemoMaxBytes    = 4 << 20
	shapeMemoMaxEntries  = 4 << 10
	shapeMemoMaxBytes    = 2 << 20
)

// RecordMemo lets ValidateResponse check the records of an answer (each element of a list property,
// each object property, and so on inside a record, a few levels deep) once per version of the record:
// a record whose bytes passed the check against the same schema before is not decoded and checked
// again, and the envelope around the records is checked on every answer. The result is the one of
// checking the whole answer: the split is made only where it is exact (an object schema without allOf,
// oneOf, anyOf or not, whose list properties have no uniqueItems), and any answer that fails is
// checked again whole, so that its violations are the usual ones. The other properties of a record
// that holds records (a client's name, number, e-mail) are checked one by one, each value once per
// schema, so that a client of which one field changed checks that field. Safe for concurrent use; a
// nil *RecordMemo checks every answer whole.
type RecordMemo struct {
	seen exactMemo[*openapi3.Schema]
	// fields are the property values that passed (a memo of their own: there are many, and small).
	fields exactMemo[*openapi3.Schema]
	// shapes are the envelopes that passed, by shape (see passesByRecords).
	shapes exactMemo[*openapi3.Schema]
	plans  sync.Map // *openapi3.Schema -> *recordPlan (nil when the schema cannot be split)
}

// NewRecordMemo returns an empty memo.
func NewRecordMemo() *RecordMemo {
	return &RecordMemo{seen: newExactMemo[*openapi3.Schema](recordMemoMaxEntries, recordMemoMaxBytes),
		fields: newExactMemo[*openapi3.Schema](fieldMemoMaxEntries, fieldMemoMaxBytes),
		shapes: newExactMemo[*openapi3.Schema](shapeMemoMaxEntries, shapeMemoMaxBytes)}
}

// recordPlan is how an envelope schema is split: its record properties, its other properties (fields,
// checked one by one), and a copy of it in which each of them accepts a placeholder (a list keeps its
// own keywords, its items accept anything; the others accept null too and keep readOnly and writeOnly
// only).
type recordPlan struct {
	envelope *openapi3.Schema
	records  map[string]recordProp
	fields   map[string]*openapi3.Schema
}

type recordProp struct {
	// schema is what each record is checked against: the items of a list, or the property's schema.
	schema *openapi3.Schema
	list   bool
}

func plain(s *openapi3.Schema) bool {
	return s != nil && len(s.AllOf) == 0 && len(s.OneOf) == 0 && len(s.AnyOf) == 0 && s.Not == nil && s.Discriminator == nil
}

func isObjectSchema(s *openapi3.Schema) bool {
	return s != nil && len(s.Properties) > 0 && (s.Type == nil || s.Type.Is("object"))
}

// plan prepares (once per schema) the split of an envelope schema, or nil when it has none.
func (m *RecordMemo) plan(schema *openapi3.Schema) *recordPlan {
	if p, ok := m.plans.Load(schema); ok {
		return p.(*recordPlan)
	}
	p := newRecordPlan(schema)
	m.plans.Store(schema, p)
	return p
}

func newRecordPlan(schema *openapi3.Schema) *recordPlan {
	if !plain(schema) || !isObjectSchema(schema) {
		return nil
	}
	p := &recordPlan{records: map[string]recordProp{}, fields: map[string]*openapi3.Schema{}}
	env := *schema
	env.Properties = make(openapi3.Schemas, len(schema.Properties))
	for name, ref := range schema.Properties {
		env.Properties[name] = ref
		prop := ref.Value
		switch {
		case prop != nil && plain(prop) && prop.Type.Is("array") && !prop.UniqueItems && prop.Items != nil && isObjectSchema(prop.Items.Value):
			list := *prop
			list.Items = &openapi3.SchemaRef{Value: &openapi3.Schema{}}
			env.Properties[name] = &openapi3.SchemaRef{Value: &list}
			p.records[name] = recordProp{schema: prop.Items.Value, list: true}
		case isObjectSchema(prop):
			env.Properties[name] = &openapi3.SchemaRef{Value: &openapi3.Schema{ReadOnly: prop.ReadOnly, WriteOnly: prop.WriteOnly}}
			p.records[name] = recordProp{schema: prop}
		case prop != nil:
			env.Properties[name] = &openapi3.SchemaRef{Value: &openapi3.Schema{Nullable: true, ReadOnly: prop.ReadOnly, WriteOnly: prop.WriteOnly}}
			p.fields[name] = prop
		}
	}
	if len(p.records) == 0 {
		return nil
	}
	p.envelope = &env
	return p
}

// passesByRecords checks a JSON answer record by record (see RecordMemo). It returns true only when
// the answer passes: the check of the whole answer would pass too. false says nothing: check it whole.
// The body is split in one pass (splitObject) into records and fields, each checked on its own, and
// the shape of the envelope: each key in order with what stands for its value in the envelope's check
// (a placeholder, a list of so many placeholders, or the bytes of a value that is neither). The
// envelope's check decodes its value from the shape (valueOfShape), so an envelope whose shape passed
// before passes, and only a new shape is checked.
func (s *Spec) passesByRecords(memo *RecordMemo, schema *openapi3.Schema, body []byte, depth int) bool {
	p := memo.plan(schema)
	if p == nil {
		return false
	}
	shape := make([]byte, 0, 512)
	ok := splitObject(body, func(name string, rest []byte) int {
		shape = append(binary.AppendUvarint(shape, uint64(len(name))), name...)
		rp, isRecord := p.records[name]
		if isRecord && rp.list && rest[0] == '[' {
			items := 0
			n := splitArray(rest, func(item []byte) bool {
				items++
				return s.recordPasses(memo, rp.schema, item, depth)
			})
			shape = binary.AppendUvarint(append(shape, 'L'), uint64(items))
			return n
		}
		n := valueEnd(rest, 0)
		if n < 0 {
			return -1
		}
		raw := rest[:n]
		switch field := p.fields[name]; {
		case isRecord && !rp.list:
			if !s.recordPasses(memo, rp.schema, raw, depth) {
				return -1
			}
			shape = append(shape, 'R')
		case field != nil:
			if !s.fieldPasses(memo, field, raw) {
				return -1
			}
			shape = append(shape, 'F', raw[0])
		default:
			shape = append(binary.AppendUvarint(append(shape, 'V'), uint64(len(raw))), raw...)
		}
		return n
	})
	if !ok {
		return false
	}
	key := memo.shapes.hash(shape)
	if memo.shapes.has(key, p.envelope, shape) {
		return true
	}
	value, ok := valueOfShape(shape)
	if !ok || p.envelope.VisitJSON(value, s.visitResponse...) != nil {
		return false
	}
	var extra []Violation
	walkUndeclared(p.envelope, value, "", &extra, 0)
	if len(extra) > 0 {
		return false
	}
	memo.shapes.add(key, p.envelope, shape)
	return true
}

// valueOfShape is the value an envelope's check sees for a shape made by passesByRecords: a record is
// an empty object, a list of records a list of as many, a field null or true (placeholderOf), any
// other value decoded. Of a key given twice the last counts, as in a decoded object.
func valueOfShape(shape []byte) (map[string]any, bool) {
	value := map[string]any{}
	for len(shape) > 0 {
		n, k := binary.Uvarint(shape)
		if k <= 0 || uint64(len(shape)-k) < n+1 {
			return nil, false
		}
		name := string(shape[k : k+int(n)])
		kind, rest := shape[k+int(n)], shape[k+int(n)+1:]
		switch kind {
		case 'R':
			value[name], shape = map[string]any{}, rest
		case 'F':
			if len(rest) == 0 {
				return nil, false
			}
			value[name], shape = placeholderOf(rest[:1]), rest[1:]
		case 'L':
			m, j := binary.Uvarint(rest)
			if j <= 0 {
				return nil, false
			}
			items := make([]any, m)
			for i := range items {
				items[i] = map[string]any{}
			}
			value[name], shape = items, rest[j:]
		case 'V':
			m, j := binary.Uvarint(rest)
			if j <= 0 || uint64(len(rest)-j) < m {
				return nil, false
			}
			v, ok := decodeExact(rest[j : j+int(m)])
			if !ok {
				return nil, false
			}
			value[name], shape = v, rest[j+int(m):]
		default:
			return nil, false
		}
	}
	return value, true
}

// placeholderOf stands in the envelope for a field checked on its own: null stays null (a writeOnly
// property may be null in an answer), anything else is a value that is there.
func placeholderOf(raw []byte) any {
	if raw[0] == 'n' { // null: the only JSON value that starts with n
		return nil
	}
	return true
}

// fieldPasses checks one property value against the property's schema (and for undocumented
// properties), unless the same bytes passed against the same schema before.
func (s *Spec) fieldPasses(memo *RecordMemo, schema *openapi3.Schema, raw []byte) bool {
	key := memo.fields.hash(raw)
	if memo.fields.has(key, schema, raw) {
		return true
	}
	v, ok := decodeExact(raw)
	if !ok || schema.VisitJSON(v, s.visitResponse...) != nil {
		return false
	}
	var extra []Violation
	walkUndeclared(schema, v, "", &extra, 0)
	if len(extra) > 0 {
		return false
	}
	memo.fields.add(key, schema, raw)
	return true
}

// maxRecordDepth bounds how deep records are split inside records.
const maxRecordDepth = 4

// recordPasses checks one record against its schema (and for undocumented properties), unless the
// same bytes passed against the same schema before. A new record is itself split into its own records
// where its schema allows (a client's addresses and contacts), so that a changed field of a client
// checks the client's own fields and not the lists it holds.
func (s *Spec) recordPasses(memo *RecordMemo, schema *openapi3.Schema, raw []byte, depth int) bool {
	key := memo.seen.hash(raw)
	if memo.seen.has(key, schema, raw) {
		return true
	}
	if depth < maxRecordDepth && raw[0] == '{' && s.passesByRecords(memo, schema, raw, depth+1) {
		memo.seen.add(key, schema, raw)
		return true
	}
	v, ok := decodeExact(raw)
	if !ok || schema.VisitJSON(v, s.visitResponse...) != nil {
		return false
	}
	var extra []Violation
	walkUndeclared(schema, v, "", &extra, 0)
	if len(extra) > 0 {
		return false
	}
	memo.seen.add(key, schema, raw)
	return true
}

// jsonBodySchema is the schema of a JSON answer's body for the route and status, or nil.
func jsonBodySchema(route *Route, req *http.Request, status int, header http.Header) *openapi3.Schema {
	if req.Method == http.MethodHead {
		return nil
	}
	ct := header.Get("Content-Type")
	media := responseMedia(route, status, header)
	if media == nil || media.Schema == nil {
		return nil
	}
	mt, _, _ := bytes.Cut([]byte(ct), []byte(";"))
	if !IsJSONMediaType(string(bytes.TrimSpace(mt))) {
		return nil
	}
	return media.Schema.Value
}
