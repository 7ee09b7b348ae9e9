package mockkit_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/specs"
)

const exampleSpec = `
openapi: 3.0.3
info: {title: examples, version: 1.0.0}
servers: [{url: "https://example.invalid"}]
security: [{key: []}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters:
        - {name: id, in: path, required: true, schema: {type: integer, minimum: 1}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties: {id: {type: integer}, name: {type: string}}
              examples:
                first: {value: {id: 1, name: one}}
                second: {value: {id: 2, name: two}}
        "400": {$ref: "#/components/responses/Err"}
        "401": {$ref: "#/components/responses/Err"}
        "500": {$ref: "#/components/responses/Err"}
components:
  securitySchemes:
    key: {type: apiKey, in: header, name: x-key}
  responses:
    Err:
      description: error
      content:
        application/json:
          schema: {type: object, required: [problem], properties: {problem: {type: string}}}
`

// noHandler is what a generated StrictExampleFallback method returns (gen/<api>'s *ExampleAnswer).
type noHandler struct{ op string }

func (e *noHandler) Error() string              { return e.op + " has no handler" }
func (e *noHandler) ExampleOperationID() string { return e.op }

// exampleAPI serves exampleSpec with a handler that has no behaviour: it returns the fallback's error.
func exampleAPI(t *testing.T) http.Handler {
	t.Helper()
	spec, err := specs.LoadData("examples", []byte(exampleSpec))
	if err != nil {
		t.Fatal(err)
	}
	h, err := mockkit.NewAPI(mockkit.APIConfig{
		Name: "examples",
		Spec: spec,
		Render: func(c echo.Context, e *mockkit.Error) error {
			return c.JSON(e.Status, map[string]string{"problem": e.Message})
		},
		Authenticate: func(c echo.Context, _ *specs.Route) error {
			if !oauth.SecretEqual(c.Request().Header.Get("x-key"), "k") {
				return &mockkit.Error{Status: 401, Message: "bad key"}
			}
			return nil
		},
		Register: func(e *echo.Echo) {
			e.GET("/things/:id", func(echo.Context) error { return fmt.Errorf("strict handler: %w", &noHandler{"getThing"}) })
		},
		Options: mockkit.TestOptions(t),
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestExampleAnswerForOperationWithoutHandler(t *testing.T) {
	h := exampleAPI(t)
	cases := []struct {
		name    string
		path    string
		header  map[string]string
		status  int
		body    string // a substring of the answer
		example bool   // marked X-Vendorctl-Answer: example
	}{
		{"first example by name", "/things/5", map[string]string{"x-key": "k"}, 200, `{"id":1,"name":"one"}`, true},
		{"the example Prefer names", "/things/5", map[string]string{"x-key": "k", "Prefer": "example=second"}, 200, `{"id":2,"name":"two"}`, true},
		{"auth first", "/things/5", nil, 401, `"problem":"bad key"`, false},
		{"validation first", "/things/0", map[string]string{"x-key": "k"}, 400, `"problem":"id:`, false},
		{"unknown example", "/things/5", map[string]string{"x-key": "k", "Prefer": "example=third"}, 400, `third`, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(h, http.MethodGet, tc.path, "", tc.header)
			if rec.Code != tc.status || !strings.Contains(rec.Body.String(), tc.body) {
				t.Fatalf("%d %s, want %d with %s", rec.Code, rec.Body, tc.status, tc.body)
			}
			if got := rec.Header().Get(mockkit.AnswerHeader) == mockkit.AnswerExample; got != tc.example {
				t.Errorf("%s: %q, want marked=%v", mockkit.AnswerHeader, rec.Header().Get(mockkit.AnswerHeader), tc.example)
			}
		})
	}
}

func TestIsExampleAnswer(t *testing.T) {
	if !mockkit.IsExampleAnswer(fmt.Errorf("wrapped: %w", &noHandler{"x"})) {
		t.Error("a wrapped fallback error is not recognised")
	}
	if mockkit.IsExampleAnswer(errors.New("x has no handler")) {
		t.Error("an error of another type is taken for a fallback error")
	}
}
