package specs_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
)

// FuzzValidateResponse feeds arbitrary bodies, statuses and content types to the validator of every
// embedded spec's first operation: it never panics, and a failure is always a *ValidationError whose
// violations say what is wrong.
func FuzzValidateResponse(f *testing.F) {
	type target struct {
		spec  *specs.Spec
		route *specs.Route
		path  string
	}
	var targets []target
	for _, name := range specs.Names() {
		spec, err := specs.Load(name)
		if err != nil {
			f.Fatal(err)
		}
		for _, p := range spec.Doc().Paths.InMatchingOrder() {
			for method := range spec.Doc().Paths.Value(p).Operations() {
				route, err := spec.FindRoute(method, concrete(p))
				if err == nil {
					targets = append(targets, target{spec, route, concrete(p)})
				}
			}
		}
	}
	if len(targets) == 0 {
		f.Fatal("no operations")
	}
	f.Add(uint8(0), 200, "application/json", []byte(`{"kredLim":"0"}`))
	f.Add(uint8(1), 404, "application/json", []byte(`{"error":"Kunde ikke funnet"}`))
	f.Add(uint8(2), 200, "application/xml", []byte(`<CrmContact><Type>Person</Type></CrmContact>`))
	f.Add(uint8(3), 422, "application/json", []byte(`{"message":"x","errors":{"a":["b"]}}`))
	f.Add(uint8(4), 500, "text/plain", []byte("\xff\xfe"))
	f.Add(uint8(5), 200, "application/json", []byte(`[[[[[[[[[[[[[[[[`))
	f.Fuzz(func(t *testing.T, which uint8, status int, contentType string, body []byte) {
		tg := targets[int(which)%len(targets)]
		req := httptest.NewRequest(http.MethodGet, tg.path, nil)
		err := tg.spec.ValidateResponse(context.Background(), req, tg.route, specs.Response{
			Status: status, Header: http.Header{"Content-Type": {contentType}}, Body: body,
		})
		if err == nil {
			return
		}
		var ve *specs.ValidationError
		if !errors.As(err, &ve) || len(ve.Violations) == 0 {
			t.Fatalf("error %v is not a ValidationError with violations", err)
		}
		for _, v := range ve.Violations {
			if v.Message == "" || v.In == "" {
				t.Fatalf("violation without message or place: %+v", v)
			}
		}
	})
}

// concrete fills path template parameters with a plausible value.
func concrete(template string) string {
	out := []byte{}
	in := false
	for i := 0; i < len(template); i++ {
		switch c := template[i]; {
		case c == '{':
			in = true
			out = append(out, '1')
		case c == '}':
			in = false
		case !in:
			out = append(out, c)
		}
	}
	return string(out)
}
