// Command apidiff reports what a change breaks for Go callers: the incompatible changes to the exported
// API of the packages they import (clients/... and gen/... by default) between a git ref and the work
// tree, grouped by package. It is `make apidiff BASE=REF`.
//
// Scope: the comparison rules of golang.org/x/exp/apidiff (pinned in go.mod with the tool directive), run
// on the packages type-checked from the ref's tree (git archive into a temporary folder) and from the
// work tree, uncommitted edits included. A package that the ref has and the work tree lacks is an
// incompatible change too. Exit 0 when nothing is incompatible, 1 when something is, 2 on a usage error
// or when a tree cannot be read or type-checked.
//
// Non-goals: compatible changes (an added field or method) are not listed; behaviour changes are out of
// reach of any API diff (`vendorctl diff` covers the HTTP contract).
package main

import (
	"archive/tar"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	"golang.org/x/exp/apidiff"
	"golang.org/x/tools/go/packages"
)

// defaultPatterns are the packages other code imports: the client wrappers and the generated code.
var defaultPatterns = []string{"./clients/...", "./gen/..."}

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("apidiff", flag.ContinueOnError)
	fs.SetOutput(stderr)
	base := fs.String("base", "", "the git ref to compare the work tree with (a commit, branch or tag); required")
	dir := fs.String("dir", ".", "the root of the checkout (the folder holding go.mod)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: apidiff -base REF [-dir DIR] [PATTERN...]\n\n"+
			"Reports the incompatible changes to the exported Go API of PATTERN (default %s)\n"+
			"between REF and the work tree, by package. Exit 0: none; 1: some; 2: usage or load error.\n\n",
			strings.Join(defaultPatterns, " "))
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *base == "" {
		fmt.Fprintln(stderr, "apidiff: -base REF is required (make apidiff BASE=REF)")
		return 2
	}
	patterns := fs.Args()
	if len(patterns) == 0 {
		patterns = defaultPatterns
	}
	changes, err := compare(*dir, *base, patterns)
	if err != nil {
		fmt.Fprintln(stderr, "apidiff:", err)
		return 2
	}
	fmt.Fprintf(stderr, "apidiff: %s against the work tree: %s\n", *base, strings.Join(patterns, " "))
	writeReport(stdout, changes)
	if len(changes) > 0 {
		return 1
	}
	return 0
}

// compare type-checks patterns in the tree of base and in the work tree under dir and returns the
// incompatible changes of each package path (packages without any are left out).
func compare(dir, base string, patterns []string) (map[string][]string, error) {
	oldDir, err := os.MkdirTemp("", "apidiff-base-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(oldDir)
	if err := extractTree(dir, base, oldDir); err != nil {
		return nil, err
	}
	oldPkgs, err := load(oldDir, patterns)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", base, err)
	}
	newPkgs, err := load(dir, patterns)
	if err != nil {
		return nil, fmt.Errorf("work tree: %w", err)
	}
	changes := map[string][]string{}
	for path, oldPkg := range oldPkgs {
		newPkg, ok := newPkgs[path]
		if !ok {
			changes[path] = []string{"package removed"}
			continue
		}
		for _, c := range apidiff.Changes(oldPkg.Types, newPkg.Types).Changes {
			if !c.Compatible {
				changes[path] = append(changes[path], c.Message)
			}
		}
	}
	return changes, nil
}

// extractTree writes the files of ref (git archive, run in dir) under dst.
func extractTree(dir, ref, dst string) error {
	cmd := exec.Command("git", "archive", "--format=tar", ref)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("git archive %s: %w", ref, err)
	}
	untarErr := untar(out, dst)
	_, _ = io.Copy(io.Discard, out)
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("git archive %s: %v: %s", ref, err, strings.TrimSpace(stderr.String()))
	}
	return untarErr
}

func untar(r io.Reader, dst string) error {
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read the archive: %w", err)
		}
		target := filepath.Join(dst, filepath.FromSlash(h.Name))
		if !strings.HasPrefix(target, filepath.Clean(dst)+string(os.PathSeparator)) {
			return fmt.Errorf("archive entry %q lies outside the tree", h.Name)
		}
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(target, 0o755); err != nil {
				return err
			}
		case tar.TypeReg:
			if err := writeFile(target, tr); err != nil {
				return err
			}
		}
	}
}

func writeFile(path string, r io.Reader) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// load type-checks the packages of patterns in the module at dir, by import path. A relative pattern
// whose folder the tree does not have matches nothing (the packages were removed, or not there yet).
func load(dir string, patterns []string) (map[string]*packages.Package, error) {
	byPath := map[string]*packages.Package{}
	var present []string
	for _, p := range patterns {
		root := strings.TrimSuffix(strings.TrimSuffix(p, "..."), "/")
		if !strings.HasPrefix(p, ".") {
			present = append(present, p)
		} else if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(root))); err == nil {
			present = append(present, p)
		}
	}
	if len(present) == 0 {
		return byPath, nil
	}
	cfg := &packages.Config{Dir: dir, Mode: packages.NeedName | packages.NeedTypes}
	pkgs, err := packages.Load(cfg, present...)
	if err != nil {
		return nil, err
	}
	for _, p := range pkgs {
		if len(p.Errors) > 0 {
			return nil, fmt.Errorf("%s: %v", p.PkgPath, p.Errors[0])
		}
		byPath[p.PkgPath] = p
	}
	return byPath, nil
}

// writeReport prints the changes by package, then a total.
func writeReport(w io.Writer, changes map[string][]string) {
	paths := make([]string, 0, len(changes))
	n := 0
	for p, cs := range changes {
		paths = append(paths, p)
		sort.Strings(cs)
		n += len(cs)
	}
	sort.Strings(paths)
	for _, p := range paths {
		fmt.Fprintln(w, p)
		for _, c := range changes[p] {
			fmt.Fprintln(w, "  - "+c)
		}
	}
	if n == 0 {
		fmt.Fprintln(w, "no incompatible change")
		return
	}
	fmt.Fprintf(w, "%d incompatible %s in %d %s\n", n, plural(n, "change", "changes"), len(paths), plural(len(paths), "package", "packages"))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
