package mockkit_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/specs"
)

// faultedKit is the kit API with a journal and faults; GET /items/8 answers off the spec, GET /public
// answers. It returns
// the handler and the operations reported as the mock's own violations.
func faultedKit(t *testing.T) (http.Handler, *mockserver.Journal, *mockserver.Faults, func() []string) {
	t.Helper()
	spec, err := specs.LoadData("kit", []byte(kittest.Spec))
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var reported []string
	var h http.Handler
	// The kit API is built by a server, with the server's journal and faults, and served directly.
	srv, err := mockserver.NewServerWith(mockserver.ServerConfig{Journal: mockserver.JournalConfig{Size: 10}, Seed: 1},
		func(rec *mockserver.Recorder) ([]mockserver.Vendor, error) {
			var err error
			h, err = mockkit.NewAPI(mockkit.APIConfig{
				Name: "kit", Spec: spec,
				Render: func(c echo.Context, e *mockkit.Error) error {
					return c.JSON(e.Status, map[string]string{"problem": e.Message})
				},
				Register: func(e *echo.Echo) {
					e.GET("/items/:id", func(c echo.Context) error {
						if c.Param("id") == "8" {
							return c.JSON(200, map[string]any{"name": "much too long"})
						}
						return c.JSON(200, map[string]any{"id": 7, "name": "seven"})
					})
					e.GET("/public", func(c echo.Context) error { return c.JSON(200, map[string]any{"id": 1, "name": "p"}) })
				},
				Options: mockkit.Options{Recorder: rec, OnResponseViolation: func(_, op string, _ error) {
					mu.Lock()
					defer mu.Unlock()
					reported = append(reported, op)
				}},
			})
			return nil, err
		})
	if err != nil {
		t.Fatal(err)
	}
	journal, faults := srv.Journal(), srv.Faults()
	return h, journal, faults, func() []string {
		mu.Lock()
		defer mu.Unlock()
		return append([]string(nil), reported...)
	}
}

// An injected status the spec does not document (getItem documents no 418 and no 503) is journaled
// with the rule and as injected, and never reported as the mock's own violation.
func TestInjectedUndocumentedStatusIsNoViolationOfTheMock(t *testing.T) {
	for _, status := range []int{418, 503} {
		h, journal, faults, reported := faultedKit(t)
		if _, err := faults.Add(mockserver.Rule{API: "kit", OperationID: "getItem", Status: status}, nil); err != nil {
			t.Fatal(err)
		}
		if rec := serve(h, "GET", "/items/7", "", nil); rec.Code != status {
			t.Fatalf("status %d, want the injected %d", rec.Code, status)
		}
		if r := reported(); len(r) != 0 {
			t.Fatalf("injected %d reported as the mock's violation: %v", status, r)
		}
		entries := journal.Entries(mockserver.Filter{})
		if len(entries) != 1 || entries[0].Fault == "" || entries[0].Status != status {
			t.Fatalf("journal: %+v", entries)
		}
		vs := entries[0].Violations
		if len(vs) == 0 {
			t.Fatalf("the undocumented %d is not journaled at all", status)
		}
		for _, v := range vs {
			if v.Kind != specs.KindResponse || !v.Injected {
				t.Errorf("violation %+v not journaled as injected", v)
			}
		}
		if vs[0].In != "status" {
			t.Errorf("first violation %+v, want the undocumented status", vs[0])
		}
	}
}

// A latency-only rule leaves the answer to the mock, so the mock's own violation is still reported
// and journaled as its own.
func TestLatencyRuleKeepsTheMocksOwnViolation(t *testing.T) {
	h, journal, faults, reported := faultedKit(t)
	if _, err := faults.Add(mockserver.Rule{API: "kit", LatencyMS: 1}, nil); err != nil {
		t.Fatal(err)
	}
	serve(h, "GET", "/items/8", "", nil)
	if r := reported(); len(r) != 1 || r[0] != "getItem" {
		t.Fatalf("reported %v, want the mock's own getItem violation", r)
	}
	entries := journal.Entries(mockserver.Filter{})
	if len(entries) != 1 || len(entries[0].Violations) == 0 {
		t.Fatalf("journal: %+v", entries)
	}
	for _, v := range entries[0].Violations {
		if v.Injected {
			t.Errorf("the mock's own violation %+v journaled as injected", v)
		}
	}
	if !strings.Contains(entries[0].Fault, "kit") {
		t.Errorf("fault %q not named", entries[0].Fault)
	}
}
