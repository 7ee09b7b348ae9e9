package specs

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorctl/vendorctl/specs/xmlcodec"
)

// MsgUndocumented is the message of a violation for a response property the spec does not describe.
const MsgUndocumented = "property is not documented in the spec"

// undeclared reports the properties of a decoded response body that the schema does not declare. JSON Schema lets an object
// carry any property unless additionalProperties says otherwise; a contract check wants to know when a
// vendor starts sending fields its documentation does not mention. So in responses an object schema that
// declares properties and says nothing about additionalProperties is treated as closed; one with
// `additionalProperties: true` (or a schema) stays open, as does a schema without declared properties.
func undeclared(route *Route, status int, header http.Header, value any) []Violation {
	media := responseMedia(route, status, header)
	if media == nil || media.Schema == nil || media.Schema.Value == nil {
		return nil
	}
	var out []Violation
	walkUndeclared(media.Schema.Value, value, "", &out, 0)
	return out
}

const maxWalkDepth = 64

func walkUndeclared(schema *openapi3.Schema, value any, path string, out *[]Violation, depth int) {
	if schema == nil || depth > maxWalkDepth {
		return
	}
	switch v := value.(type) {
	case map[string]any:
		lookup, count, open := declaredLookup(schema, v)
		for key, val := range v {
			sub := lookup(key)
			if sub == nil {
				if !open && count > 0 {
					*out = append(*out, Violation{In: "body", Field: xmlcodec.JoinField(path, key), Message: MsgUndocumented})
				}
				continue
			}
			walkUndeclared(sub, val, xmlcodec.JoinField(path, key), out, depth+1)
		}
	case []any:
		items := arrayItems(schema, v)
		if items == nil {
			return
		}
		for i, val := range v {
			walkUndeclared(items, val, xmlcodec.JoinField(path, strconv.Itoa(i)), out, depth+1)
		}
	}
}

// declaredLookup finds the declared properties of an object value: straight from the schema when it
// has no allOf, oneOf or anyOf (the common case, with no map to build per object), else merged over
// its branches. count is the number of declared properties; open says whether others are admitted.
func declaredLookup(schema *openapi3.Schema, v map[string]any) (lookup func(string) *openapi3.Schema, count int, open bool) {
	if len(schema.AllOf) == 0 && len(schema.OneOf) == 0 && len(schema.AnyOf) == 0 {
		ap := schema.AdditionalProperties
		props := schema.Properties
		return func(name string) *openapi3.Schema {
			if ref := props[name]; ref != nil {
				return ref.Value
			}
			return nil
		}, len(props), (ap.Has != nil && *ap.Has) || ap.Schema != nil
	}
	props, open := declared(objectBranches(schema, v))
	return func(name string) *openapi3.Schema { return props[name] }, len(props), open
}

// objectBranches flattens the schemas that apply to an object value: the schema itself, every allOf
// member, the oneOf/anyOf member selected by the discriminator, or, without one, every member the value
// validates against (all members when none does).
func objectBranches(schema *openapi3.Schema, v map[string]any) []*openapi3.Schema {
	out := []*openapi3.Schema{schema}
	for _, ref := range schema.AllOf {
		if ref.Value != nil {
			out = append(out, objectBranches(ref.Value, v)...)
		}
	}
	for _, alts := range []openapi3.SchemaRefs{schema.OneOf, schema.AnyOf} {
		if len(alts) == 0 {
			continue
		}
		if picked := byDiscriminator(schema, alts, v); picked != nil {
			out = append(out, objectBranches(picked, v)...)
			continue
		}
		var matching []*openapi3.Schema
		for _, ref := range alts {
			if ref.Value != nil && ref.Value.VisitJSON(v) == nil {
				matching = append(matching, ref.Value)
			}
		}
		if len(matching) == 0 {
			for _, ref := range alts {
				if ref.Value != nil {
					matching = append(matching, ref.Value)
				}
			}
		}
		for _, m := range matching {
			out = append(out, objectBranches(m, v)...)
		}
	}
	return out
}

func byDiscriminator(schema *openapi3.Schema, alts openapi3.SchemaRefs, v map[string]any) *openapi3.Schema {
	d := schema.Discriminator
	if d == nil {
		return nil
	}
	tag, ok := v[d.PropertyName].(string)
	if !ok {
		return nil
	}
	ref, mapped := d.Mapping[tag]
	for _, alt := range alts {
		if alt.Value == nil {
			continue
		}
		if mapped && alt.Ref == ref.Ref {
			return alt.Value
		}
		if !mapped && strings.HasSuffix(alt.Ref, "/"+tag) {
			return alt.Value
		}
	}
	return nil
}

// declared merges the properties of the branches; open is true when any branch admits other properties.
func declared(branches []*openapi3.Schema) (map[string]*openapi3.Schema, bool) {
	props := map[string]*openapi3.Schema{}
	open := false
	for _, b := range branches {
		for name, ref := range b.Properties {
			if ref.Value != nil {
				if _, seen := props[name]; !seen {
					props[name] = ref.Value
				}
			}
		}
		ap := b.AdditionalProperties
		if (ap.Has != nil && *ap.Has) || ap.Schema != nil {
			open = true
		}
	}
	return props, open
}

func arrayItems(schema *openapi3.Schema, v []any) *openapi3.Schema {
	if schema.Items != nil {
		return schema.Items.Value
	}
	for _, ref := range schema.AllOf {
		if ref.Value != nil && ref.Value.Items != nil {
			return ref.Value.Items.Value
		}
	}
	for _, alts := range []openapi3.SchemaRefs{schema.OneOf, schema.AnyOf} {
		for _, ref := range alts {
			if ref.Value != nil && ref.Value.Items != nil && ref.Value.VisitJSON(v) == nil {
				return ref.Value.Items.Value
			}
		}
	}
	return nil
}

// responseMedia is the media type object the spec documents for an answer of route with status (or the
// default response) and the answer's Content-Type, or nil.
func responseMedia(route *Route, status int, header http.Header) *openapi3.MediaType {
	if route.route.Operation.Responses == nil {
		return nil
	}
	rref := route.route.Operation.Responses.Status(status)
	if rref == nil {
		rref = route.route.Operation.Responses.Default()
	}
	if rref == nil || rref.Value == nil {
		return nil
	}
	return rref.Value.Content.Get(header.Get("Content-Type"))
}
