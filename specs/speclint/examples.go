package speclint

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/vendorctl/vendorctl/specs"
)

// exampleCheck walks the examples of one spec.
type exampleCheck struct {
	doc  *openapi3.T
	spec *specs.Spec
}

// ExampleError is an example of the spec that does not validate against its schema.
type ExampleError struct {
	// Where names the example: "GET /api/customer response 200 application/json example documented".
	Where string
	Err   error
}

func (e *ExampleError) Error() string { return e.Where + ": " + e.Err.Error() }

func (e *ExampleError) Unwrap() error { return e.Err }

// CheckExamples validates every example of every parameter, request body and response of the spec
// against its schema, with the same format checks as live traffic. Examples of non-JSON media types
// given as strings (XML) are decoded with the body decoder of their content type first.
func CheckExamples(spec *specs.Spec) []error {
	s := &exampleCheck{doc: spec.Doc(), spec: spec}
	var errs []error
	paths := s.doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		item := s.doc.Paths.Value(p)
		for method, op := range item.Operations() {
			where := method + " " + p
			for _, pref := range op.Parameters {
				param := pref.Value
				if param == nil || param.Schema == nil {
					continue
				}
				w := fmt.Sprintf("%s parameter %s", where, param.Name)
				if param.Example != nil {
					errs = appendErr(errs, w+" example", s.visit(param.Schema.Value, param.Example))
				}
				for name, ex := range param.Examples {
					if ex.Value != nil {
						errs = appendErr(errs, w+" example "+name, s.visit(param.Schema.Value, ex.Value.Value))
					}
				}
			}
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				errs = append(errs, s.checkContent(where+" request", op.RequestBody.Value.Content)...)
			}
			if op.Responses != nil {
				for code, rref := range op.Responses.Map() {
					if rref.Value == nil {
						continue
					}
					errs = append(errs, s.checkContent(where+" response "+code, rref.Value.Content)...)
				}
			}
		}
	}
	return errs
}

func (s *exampleCheck) checkContent(where string, content openapi3.Content) []error {
	var errs []error
	cts := make([]string, 0, len(content))
	for ct := range content {
		cts = append(cts, ct)
	}
	sort.Strings(cts)
	for _, ct := range cts {
		mt := content[ct]
		if mt.Schema == nil || mt.Schema.Value == nil {
			continue
		}
		w := where + " " + ct
		if mt.Example != nil {
			errs = appendErr(errs, w+" example", s.visitMedia(ct, mt.Schema, mt.Example))
		}
		names := make([]string, 0, len(mt.Examples))
		for name := range mt.Examples {
			names = append(names, name)
		}
		sort.Strings(names)
		for _, name := range names {
			if ex := mt.Examples[name]; ex != nil && ex.Value != nil {
				errs = appendErr(errs, w+" example "+name, s.visitMedia(ct, mt.Schema, ex.Value.Value))
			}
		}
	}
	return errs
}

func (s *exampleCheck) visitMedia(ct string, schema *openapi3.SchemaRef, value any) error {
	if str, ok := value.(string); ok && !specs.IsJSONMediaType(ct) {
		decoder := openapi3filter.RegisteredBodyDecoder(ct)
		if decoder == nil {
			return fmt.Errorf("no body decoder for %s", ct)
		}
		header := http.Header{"Content-Type": []string{ct}}
		decoded, err := decoder(bytes.NewReader([]byte(str)), header, schema, nil)
		if err != nil {
			return fmt.Errorf("decode %s example: %w", ct, err)
		}
		value = decoded
	}
	return s.visit(schema.Value, value)
}

func (s *exampleCheck) visit(schema *openapi3.Schema, value any) error {
	// Round-trip through JSON so that the value has the types a decoded body has (float64, map[string]any).
	raw, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("encode example: %w", err)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		return fmt.Errorf("decode example: %w", err)
	}
	return s.spec.ValidateValue(specs.KindResponse, schema, v)
}

func appendErr(errs []error, where string, err error) []error {
	if err == nil {
		return errs
	}
	return append(errs, &ExampleError{Where: where, Err: err})
}
