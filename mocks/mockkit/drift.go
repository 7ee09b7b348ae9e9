package mockkit

import (
	"encoding/json"
	"mime"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/specs"
)

// driftBody rewrites a response body so that it violates the spec in the way kind says. It works on
// JSON bodies; any other body is cut in half, which no decoder accepts.
func driftBody(kind string, route *specs.Route, status int, contentType string, body []byte) []byte {
	mt, _, _ := mime.ParseMediaType(contentType)
	var v any
	if err := json.Unmarshal(body, &v); err != nil || !specs.IsJSONMediaType(mt) {
		return body[:len(body)/2]
	}
	obj, ok := v.(map[string]any)
	if !ok {
		if kind == mockserver.DriftWrongType {
			out, _ := json.Marshal("drifted")
			return out
		}
		out, _ := json.Marshal(map[string]any{"drifted": true})
		return out
	}
	schema := responseSchema(route, status, mt)
	switch kind {
	case mockserver.DriftMissingRequired:
		if name := firstRequired(schema, obj); name != "" {
			delete(obj, name)
		} else {
			for k := range obj { // no required property: remove everything and add nothing
				delete(obj, k)
			}
			obj["drifted"] = true
		}
	case mockserver.DriftWrongType:
		keys := sortedKeys(obj)
		if len(keys) == 0 {
			obj["drifted"] = true
			break
		}
		k := keys[0]
		if name := firstRequired(schema, obj); name != "" {
			k = name
		}
		obj[k] = wrongTypeFor(obj[k])
	case mockserver.DriftExtraField:
		obj["x_undocumented_drift"] = "this field is not in the spec"
	}
	out, err := json.Marshal(obj)
	if err != nil {
		return body[:len(body)/2]
	}
	return out
}

func responseSchema(route *specs.Route, status int, mt string) *openapi3.Schema {
	if route == nil || route.Operation().Responses == nil {
		return nil
	}
	r := route.Operation().Responses.Status(status)
	if r == nil || r.Value == nil {
		return nil
	}
	media := r.Value.Content.Get(mt)
	if media == nil || media.Schema == nil {
		return nil
	}
	return media.Schema.Value
}

// firstRequired returns the first required property (sorted) present in obj, looking through allOf.
func firstRequired(schema *openapi3.Schema, obj map[string]any) string {
	if schema == nil {
		return ""
	}
	req := append([]string(nil), schema.Required...)
	for _, ref := range schema.AllOf {
		if ref.Value != nil {
			req = append(req, ref.Value.Required...)
		}
	}
	sort.Strings(req)
	for _, name := range req {
		if _, ok := obj[name]; ok {
			return name
		}
	}
	return ""
}

// wrongTypeFor returns a value of another JSON type than v (never null, which a nullable field takes).
func wrongTypeFor(v any) any {
	switch v.(type) {
	case string:
		return 12345
	case float64, bool:
		return "drifted"
	default:
		return true
	}
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
