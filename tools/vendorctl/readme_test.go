package main

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// repoRoot is where README.md is, from this package's folder.
const repoRoot = "../.."

// fencedBlocks returns the text of every fenced block of the markdown whose info string is lang.
func fencedBlocks(t *testing.T, lang string) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(repoRoot, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	var cur []string
	in := false
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case !in && strings.TrimSpace(line) == "```"+lang:
			in, cur = true, nil
		case in && strings.TrimSpace(line) == "```":
			in = false
			blocks = append(blocks, strings.Join(cur, "\n"))
		case in:
			cur = append(cur, line)
		}
	}
	return blocks
}

// isFaultRule reports whether a JSON block is a fault rule: an object with an "api" key, or an array
// of them.
func isFaultRule(block string) bool {
	var one map[string]json.RawMessage
	if json.Unmarshal([]byte(block), &one) == nil {
		_, ok := one["api"]
		return ok
	}
	var many []map[string]json.RawMessage
	if json.Unmarshal([]byte(block), &many) != nil || len(many) == 0 {
		return false
	}
	for _, r := range many {
		if _, ok := r["api"]; !ok {
			return false
		}
	}
	return true
}

// Every fault rule of the README, pasted as it is into POST /__admin/faults of a running serve, is
// accepted.
func TestReadmeFaultRulesAreAccepted(t *testing.T) {
	var rules []string
	for _, b := range fencedBlocks(t, "json") {
		if isFaultRule(b) {
			rules = append(rules, b)
		}
	}
	if len(rules) == 0 {
		t.Fatal("the README shows no fault rule")
	}
	base, _, _ := startServe(t)
	for _, rule := range rules {
		if st, body := post(t, base+"/__admin/faults", rule); st != 201 {
			t.Errorf("README rule refused: %d %s\n%s", st, body, rule)
		}
	}
}

// normalise joins the words of Go source with single spaces, so that indentation does not matter.
func normalise(src string) string { return strings.Join(strings.Fields(src), " ") }

// exampleSources returns the source of every Example function in the repository's test files.
func exampleSources(t *testing.T) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(repoRoot, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != repoRoot && (strings.HasPrefix(d.Name(), ".") || d.Name() == "gen" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		fset := token.NewFileSet()
		file, err := parser.ParseFile(fset, path, src, 0)
		if err != nil {
			return err
		}
		for _, decl := range file.Decls {
			if fn, ok := decl.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Example") {
				out = append(out, normalise(string(src[fset.Position(fn.Pos()).Offset:fset.Position(fn.End()).Offset])))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Every Go snippet of the README appears, whitespace aside, in an Example function, so that it
// compiles with the package's tests.
func TestReadmeGoSnippetsAreExamples(t *testing.T) {
	snippets := fencedBlocks(t, "go")
	if len(snippets) == 0 {
		t.Fatal("the README shows no Go snippet")
	}
	examples := exampleSources(t)
	for _, s := range snippets {
		want := normalise(s)
		found := false
		for _, ex := range examples {
			if strings.Contains(ex, want) {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("README Go snippet in no Example function (of %d):\n%s", len(examples), s)
		}
	}
}
