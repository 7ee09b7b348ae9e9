package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// gitModule makes a git repository holding a tiny module with clients/c (type T with field Name),
// committed, and returns its folder.
func gitModule(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, dir, "go.mod", "module example.com/m\n\ngo 1.26\n")
	write(t, dir, "clients/c/c.go", "package c\n\n// T is a record.\ntype T struct{ Name string }\n")
	write(t, dir, "gen/g/g.go", "package g\n\n// F does nothing.\nfunc F() {}\n")
	for _, args := range [][]string{
		{"init", "-q"}, {"add", "-A"},
		{"-c", "user.email=t@example.invalid", "-c", "user.name=t", "commit", "-q", "-m", "base"},
	} {
		cmd := exec.Command("git", args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	return dir
}

func write(t *testing.T, dir, name, text string) {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestRenamedFieldIsIncompatible(t *testing.T) {
	dir := gitModule(t)
	write(t, dir, "clients/c/c.go", "package c\n\n// T is a record.\ntype T struct{ FullName string }\n")
	var stdout, stderr bytes.Buffer
	code := run([]string{"-base", "HEAD", "-dir", dir}, &stdout, &stderr)
	want := "example.com/m/clients/c\n  - T.Name: removed\n1 incompatible change in 1 package\n"
	if code != 1 || stdout.String() != want {
		t.Errorf("exit %d, stdout:\n%s\nwant exit 1 and:\n%s\nstderr: %s", code, stdout.String(), want, stderr.String())
	}
}

func TestCompatibleChangesPass(t *testing.T) {
	dir := gitModule(t)
	write(t, dir, "clients/c/c.go", "package c\n\n// T is a record.\ntype T struct{ Name, Extra string }\n")
	write(t, dir, "gen/g/h.go", "package g\n\n// H is new.\nfunc H() {}\n")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"-base", "HEAD", "-dir", dir}, &stdout, &stderr); code != 0 || stdout.String() != "no incompatible change\n" {
		t.Errorf("exit %d, stdout %q, stderr %s; want 0 and no change", code, stdout.String(), stderr.String())
	}
}

func TestRemovedPackageAndSignatureChange(t *testing.T) {
	dir := gitModule(t)
	if err := os.RemoveAll(filepath.Join(dir, "gen")); err != nil {
		t.Fatal(err)
	}
	write(t, dir, "clients/c/c.go", "package c\n\n// T is a record.\ntype T struct{ Name *string }\n")
	var stdout, stderr bytes.Buffer
	code := run([]string{"-base", "HEAD", "-dir", dir}, &stdout, &stderr)
	out := stdout.String()
	if code != 1 || !strings.Contains(out, "example.com/m/gen/g\n  - package removed\n") ||
		!strings.Contains(out, "example.com/m/clients/c\n  - T.Name: changed from string to *string\n") {
		t.Errorf("exit %d, stdout:\n%s\nstderr: %s", code, out, stderr.String())
	}
}

func TestUsageErrors(t *testing.T) {
	dir := gitModule(t)
	for _, args := range [][]string{{}, {"-base", "no-such-ref", "-dir", dir}} {
		var stdout, stderr bytes.Buffer
		if code := run(args, &stdout, &stderr); code != 2 || stderr.Len() == 0 {
			t.Errorf("%v: exit %d, stderr %q; want 2 with a message", args, code, stderr.String())
		}
	}
}
