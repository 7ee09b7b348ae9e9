package mockkit_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/specs"
)

// handoverAPI builds the test API with postItem's body violations handed to its handler, which
// answers 400 with the keywords it was given (or 200 when there were none).
func handoverAPI(t *testing.T) http.Handler {
	t.Helper()
	spec, err := specs.LoadData("kit", []byte(kittest.Spec))
	if err != nil {
		t.Fatal(err)
	}
	h, err := mockkit.NewAPI(mockkit.APIConfig{
		Name: "kit", Spec: spec,
		Render: func(c echo.Context, e *mockkit.Error) error {
			return c.JSON(e.Status, map[string]string{"problem": "rendered: " + e.Message})
		},
		Register: func(e *echo.Echo) {
			e.POST("/items", func(c echo.Context) error {
				vs := mockkit.RequestViolations(c.Request().Context())
				if len(vs) == 0 {
					return c.JSON(http.StatusOK, map[string]any{"id": 1, "name": "ok"})
				}
				kws := make([]string, len(vs))
				for i, v := range vs {
					kws[i] = v.Field + ":" + v.Keyword
				}
				return c.JSON(http.StatusBadRequest, map[string]string{"problem": "handler: " + strings.Join(kws, ",") + " body " + string(mockkit.RequestBody(c.Request().Context()))})
			})
			e.GET("/items/:id", func(c echo.Context) error { return c.JSON(http.StatusOK, map[string]any{"id": 1, "name": "x"}) })
		},
		BodyViolationsToHandler: []string{"postItem"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestBodyViolationsReachTheHandler(t *testing.T) {
	h := handoverAPI(t)
	rec := serve(h, http.MethodPost, "/items", `{"id":1,"name":"toolong"}`, nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), `handler: name:maxLength body {\"id\":1,\"name\":\"toolong\"}`) {
		t.Errorf("field violation: %d %s", rec.Code, rec.Body)
	}
	rec = serve(h, http.MethodPost, "/items", `{"id":1}`, nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "handler: name:required") {
		t.Errorf("missing field: %d %s", rec.Code, rec.Body)
	}
	// The body as a whole is refused by the renderer, as for any operation.
	rec = serve(h, http.MethodPost, "/items", `[]`, nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "rendered: ") {
		t.Errorf("whole body: %d %s", rec.Code, rec.Body)
	}
	// A conforming body reaches the handler without violations.
	rec = serve(h, http.MethodPost, "/items", `{"id":1,"name":"ok"}`, nil)
	if rec.Code != 200 {
		t.Errorf("conforming body: %d %s", rec.Code, rec.Body)
	}
	// Parameters of other operations are refused as before.
	rec = serve(h, http.MethodGet, "/items/0", "", nil)
	if rec.Code != 400 || !strings.Contains(rec.Body.String(), "rendered: ") {
		t.Errorf("parameter: %d %s", rec.Code, rec.Body)
	}
}

func TestBodyViolationsToHandlerNamesOperations(t *testing.T) {
	spec, err := specs.LoadData("kit", []byte(kittest.Spec))
	if err != nil {
		t.Fatal(err)
	}
	_, err = mockkit.NewAPI(mockkit.APIConfig{
		Name: "kit", Spec: spec, Register: func(*echo.Echo) {},
		Render:                  func(echo.Context, *mockkit.Error) error { return nil },
		BodyViolationsToHandler: []string{"postItem", "noSuchOperation"},
	})
	if err == nil || !strings.Contains(err.Error(), `"noSuchOperation"`) {
		t.Fatalf("err = %v, want one naming the unknown operation", err)
	}
}

func TestMethodNotAllowedListsAllowedMethods(t *testing.T) {
	h := handoverAPI(t)
	rec := serve(h, http.MethodDelete, "/items/3", "", nil)
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "GET, HEAD" {
		t.Errorf("DELETE /items/3: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	rec = serve(h, http.MethodGet, "/items", "", nil)
	if rec.Code != http.StatusMethodNotAllowed || rec.Header().Get("Allow") != "POST" {
		t.Errorf("GET /items: %d Allow %q", rec.Code, rec.Header().Get("Allow"))
	}
	if rec := serve(h, http.MethodGet, "/nowhere", "", nil); rec.Code != http.StatusNotFound {
		t.Errorf("GET /nowhere: %d", rec.Code)
	}
}
