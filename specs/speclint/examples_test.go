package speclint_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/specs/internal/spectest"
	"github.com/vendorctl/vendorctl/specs/speclint"
)

func TestSpecsExamplesValidate(t *testing.T) {
	for _, name := range specs.Names() {
		t.Run(name, func(t *testing.T) {
			spec, err := specs.Load(name)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			for _, err := range speclint.CheckExamples(spec) {
				t.Error(err)
			}
		})
	}
}

func TestCheckExamplesReportsBadExample(t *testing.T) {
	spec := spectest.LoadFile(t, "bad-example.yaml")
	errs := speclint.CheckExamples(spec)
	if len(errs) != 1 {
		t.Fatalf("got %d example errors (%v), want 1", len(errs), errs)
	}
	var ee *speclint.ExampleError
	if !errors.As(errs[0], &ee) || !strings.Contains(ee.Where, "example wrong") {
		t.Fatalf("error %v does not name the example", errs[0])
	}
	if vs := specs.Violations(errs[0]); len(vs) != 1 || vs[0].Field != "count" {
		t.Fatalf("violations = %v, want one naming count", vs)
	}
}
