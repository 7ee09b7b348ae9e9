package mockkit_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/specs"
)

type violation struct{ api, op string }

// kitAPI builds an API on the test spec whose handlers are given by the test.
func kitAPI(t *testing.T, register func(e *echo.Echo)) (http.Handler, *[]violation) {
	t.Helper()
	spec, err := specs.LoadData("kit", []byte(kittest.Spec))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var seen []violation
	h, err := mockkit.NewAPI(mockkit.APIConfig{
		Name: "kit",
		Spec: spec,
		Render: func(c echo.Context, e *mockkit.Error) error {
			return c.JSON(e.Status, map[string]string{"problem": e.Message})
		},
		Authenticate: func(c echo.Context, _ *specs.Route) error {
			if !oauth.SecretEqual(c.Request().Header.Get("x-key"), "k") {
				return &mockkit.Error{Status: 401, Message: "bad key", Header: http.Header{"Www-Authenticate": {"Key"}}}
			}
			return nil
		},
		Register: register,
		Options: mockkit.Options{OnResponseViolation: func(api, op string, err error) {
			mu.Lock()
			defer mu.Unlock()
			seen = append(seen, violation{api, op})
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, &seen
}

func serve(h http.Handler, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

func TestNewAPIPipeline(t *testing.T) {
	h, seen := kitAPI(t, func(e *echo.Echo) {
		e.GET("/items/:id", func(c echo.Context) error {
			switch c.Param("id") {
			case "7":
				return c.JSON(200, map[string]any{"id": 7, "name": "seven"})
			case "8": // off-spec: name too long, id missing
				return c.JSON(200, map[string]any{"name": "much too long"})
			case "9":
				panic("boom")
			case "10":
				return errors.New("plain error")
			}
			return &mockkit.Error{Status: 404, Message: "no item"}
		})
		e.POST("/items", func(c echo.Context) error { return c.JSON(200, map[string]any{"id": 1, "name": "a"}) })
		e.GET("/public", func(c echo.Context) error { return c.JSON(200, map[string]any{"id": 1, "name": "p"}) })
	})
	key := map[string]string{"x-key": "k"}
	cases := []struct {
		name, method, path, body string
		header                   map[string]string
		status                   int
		problem                  string
	}{
		{"ok", "GET", "/items/7", "", key, 200, ""},
		{"handler error in vendor shape", "GET", "/items/6", "", key, 404, "no item"},
		{"unknown path", "GET", "/nothing", "", key, 404, "no operation matches"},
		{"wrong method", "DELETE", "/items/7", "", key, 405, "method not allowed"},
		{"no key", "GET", "/items/7", "", nil, 401, "bad key"},
		{"public needs no key", "GET", "/public", "", nil, 200, ""},
		{"auth before validation", "GET", "/items/abc", "", nil, 401, "bad key"},
		{"invalid path param", "GET", "/items/abc", "", key, 400, "id"},
		{"invalid body", "POST", "/items", `{"id":"x","name":"waytoolong"}`, key, 400, "name"},
		{"malformed body", "POST", "/items", `{"id":`, key, 400, ""},
		{"body over the limit", "POST", "/items", `{"id":1,"name":"` + strings.Repeat("a", mockkit.DefaultMaxBodyBytes) + `"}`, key, 413, "larger"},
		{"panic becomes vendor 500", "GET", "/items/9", "", key, 500, "internal error"},
		{"plain error becomes vendor 500", "GET", "/items/10", "", key, 500, "internal error"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			rec := serve(h, tc.method, tc.path, tc.body, tc.header)
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.problem == "" && rec.Code != 200 {
				return
			}
			if rec.Code == 200 {
				return
			}
			var body map[string]string
			if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body) != 1 {
				t.Fatalf("body %s is not the vendor shape", rec.Body)
			}
			if !strings.Contains(body["problem"], tc.problem) {
				t.Errorf("problem %q does not mention %q", body["problem"], tc.problem)
			}
		})
	}
	if rec := serve(h, "GET", "/items/7", "", nil); rec.Header().Get("Www-Authenticate") != "Key" {
		t.Errorf("error header not passed through: %v", rec.Header())
	}
	// Only the off-spec answer was reported.
	*seen = nil
	serve(h, "GET", "/items/7", "", key)
	if len(*seen) != 0 {
		t.Fatalf("conforming answer reported: %v", *seen)
	}
	rec := serve(h, "GET", "/items/8", "", key)
	if rec.Code != 200 {
		t.Fatalf("the self-check must not change the answer: %d", rec.Code)
	}
	if len(*seen) != 1 || (*seen)[0] != (violation{"kit", "getItem"}) {
		t.Fatalf("violations reported = %v, want one for getItem", *seen)
	}
}

func TestNewAPINeedsConfig(t *testing.T) {
	if _, err := mockkit.NewAPI(mockkit.APIConfig{Name: "x"}); err == nil {
		t.Fatal("NewAPI accepted a config without spec, render and register")
	}
}

func TestNoValidation(t *testing.T) {
	spec, _ := specs.LoadData("kit", []byte(kittest.Spec))
	h, err := mockkit.NewAPI(mockkit.APIConfig{
		Name: "kit", Spec: spec,
		Render: func(c echo.Context, e *mockkit.Error) error {
			return c.JSON(e.Status, map[string]string{"problem": e.Message})
		},
		Register: func(e *echo.Echo) {
			e.POST("/items", func(c echo.Context) error { return c.JSON(200, map[string]any{"id": 1, "name": "a"}) })
		},
		Options: mockkit.Options{NoValidation: true},
	})
	if err != nil {
		t.Fatal(err)
	}
	if rec := serve(h, "POST", "/items", `{"id":"x"}`, nil); rec.Code != 200 {
		t.Fatalf("with NoValidation an invalid body reached the handler? status %d", rec.Code)
	}
}

// An answer that passed the self-check is not checked again when it comes back byte for byte, but an
// off-spec answer is reported every time it is sent, before and after a good one.
func TestResponseSelfCheckRemembersOnlyPasses(t *testing.T) {
	name := "seven"
	h, seen := kitAPI(t, func(e *echo.Echo) {
		e.GET("/items/:id", func(c echo.Context) error {
			return c.JSON(200, map[string]any{"id": 7, "name": name})
		})
	})
	get := func() {
		t.Helper()
		if rec := serve(h, "GET", "/items/7", "", map[string]string{"x-key": "k"}); rec.Code != 200 {
			t.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
	}
	get()
	get()
	if len(*seen) != 0 {
		t.Fatalf("a good answer was reported: %v", *seen)
	}
	name = "much too long" // the same operation now answers off-spec
	get()
	get()
	if len(*seen) != 2 {
		t.Fatalf("off-spec answers reported %d times, want 2", len(*seen))
	}
}
