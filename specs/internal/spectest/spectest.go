// Package spectest holds the test helpers of specs and its sub-packages: loading a spec from a test's
// testdata and checking which fields a validation error names.
package spectest

import (
	"os"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
)

// LoadFile loads testdata/NAME of the calling test's package as a spec named NAME.
func LoadFile(t *testing.T, name string) *specs.Spec {
	t.Helper()
	return load(t, name, "testdata/"+name)
}

// LoadPath loads the spec at path, relative to the calling test's package (a testdata file another
// package shares), named by the path.
func LoadPath(t *testing.T, path string) *specs.Spec {
	t.Helper()
	return load(t, path, path)
}

func load(t *testing.T, name, path string) *specs.Spec {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	spec, err := specs.LoadData(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// AssertFields checks that err lists exactly one violation per wanted field (any order).
// A wanted field "" accepts any violation.
func AssertFields(t *testing.T, err error, want []string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	vs := specs.Violations(err)
	if len(vs) == 0 {
		t.Fatalf("err = %v, want violations of %v", err, want)
	}
	got := map[string]bool{}
	for _, v := range vs {
		got[v.Field] = true
		if v.Message == "" {
			t.Errorf("violation %+v has no message", v)
		}
	}
	for _, f := range want {
		if f != "" && !got[f] {
			t.Errorf("no violation names %q; got %v", f, vs)
		}
	}
}
