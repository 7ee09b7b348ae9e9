package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/NAME, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// runCmd runs the CLI and returns its output and exit code.
func runCmd(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	code = exitCode(err, &errb)
	return out.String(), errb.String(), code
}

func TestRunUsage(t *testing.T) {
	for _, args := range [][]string{nil, {"nosuchcommand"}} {
		_, stderr, code := runCmd(t, args...)
		if code != 2 || !bytes.Contains([]byte(stderr), []byte("usage: vendorctl")) {
			t.Errorf("%v: code %d, stderr %q", args, code, stderr)
		}
	}
}

// buildVendorctl builds the binary into the test's temporary folder and returns its path.
func buildVendorctl(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "vendorctl")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}
