package speclint_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/specs/internal/spectest"
	"github.com/vendorctl/vendorctl/specs/speclint"
)

// TestSpecsLint runs the lint over every embedded spec (part of make spec-check).
func TestSpecsLint(t *testing.T) {
	for _, name := range specs.Names() {
		t.Run(name, func(t *testing.T) {
			spec, err := specs.Load(name)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			for _, issue := range speclint.Lint(spec) {
				t.Errorf("specs/%s/openapi.yaml: %s", name, issue)
			}
		})
	}
}

// TestSpecsChangelog checks that a CHANGELOG.md is beside every spec, its newest heading naming the
// spec's info.version. It reads the files of the repository (the test runs in the specs folder).
func TestSpecsChangelog(t *testing.T) {
	for _, name := range specs.Names() {
		t.Run(name, func(t *testing.T) {
			spec, err := specs.Load(name)
			if err != nil {
				t.Fatalf("Load: %v", err)
			}
			path := filepath.Join("..", name, "CHANGELOG.md")
			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("specs/%s: every spec needs a CHANGELOG.md beside it: %v", name, err)
			}
			for _, issue := range speclint.CheckChangelog(data, spec.Doc().Info.Version) {
				t.Errorf("specs/%s: %s", path, issue)
			}
		})
	}
}

func TestLint(t *testing.T) {
	type found struct{ rule, where string }
	want := []found{
		{"string-max-length", "/strings/{code} parameter code"},
		{"response-2xx", "GET /no-2xx"},
		{"response-4xx", "GET /no-4xx"},
		{"operation-id", "GET /no-id"},
		{"operation-security", "GET /no-security"},
		{"operation-summary", "GET /no-summary"},
		{"operation-security", "GET /optional-auth"},
		{"operation-security", "GET /public-off-topic-note"},
		{"operation-security", "GET /public-unexplained"},
		{"string-max-length", "GET /strings/{code} parameter q"},
		{"response-example", "GET /strings/{code} response 200 application/json"},
		{"string-max-length", "GET /strings/{code} response 200 application/json.properties.name"},
		{"string-max-length", "GET /strings/{code} response 200 application/json.properties.tags.items"},
		{"string-max-length", "GET /strings/{code} response 200 header X-Trace"},
		{"unused-component", "components.examples.UnusedExample"},
		{"unused-component", "components.headers.UnusedHeader"},
		{"unused-component", "components.parameters.UnusedParam"},
		{"unused-component", "components.requestBodies.UnusedBody"},
		{"response-example", "components.responses.NotFound application/json"},
		{"unused-component", "components.responses.UnusedResponse"},
		{"unused-component", "components.schemas.OnlyUsedByUnused"},
		{"string-max-length", "components.schemas.Thing.properties.label"},
		{"unused-component", "components.schemas.Unused"},
		{"unused-component", "components.securitySchemes.unusedScheme"},
	}
	var got []found
	for _, issue := range speclint.Lint(spectest.LoadFile(t, "lint-bad.yaml")) {
		got = append(got, found{issue.Rule, issue.Where})
		if issue.Message == "" || !strings.Contains(issue.String(), "["+issue.Rule+"]") {
			t.Errorf("issue %+v: no message, or String() does not name the rule", issue)
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("Lint() found:\n%v\nwant:\n%v", got, want)
	}
}

func TestLintCleanSpec(t *testing.T) {
	// formats.yaml has no security, examples or 4xx: the rules apply to vendor specs, so it must fail.
	if issues := speclint.Lint(spectest.LoadPath(t, "../testdata/formats.yaml")); len(issues) == 0 {
		t.Fatal("formats.yaml passes the lint; the rules are not applied")
	}
}

func TestLintChangelog(t *testing.T) {
	cases := []struct {
		name, changelog, version string
		ok                       bool
	}{
		{"newest heading names the version", "# Changelog\n\n## 1.1.0 — GET /x added\n\n## 1.0.0 — first\n", "1.1.0", true},
		{"bracketed", "## [2.0.0] - 2025-11-05\n", "2.0.0", true},
		{"v prefix", "## v1.0.0\n", "1.0.0", true},
		{"an older heading only", "# Changelog\n\n## 1.0.0 — first\n", "1.1.0", false},
		{"newer version below an older heading", "## 1.0.0\n\n## 1.1.0\n", "1.1.0", false},
		{"version only as a prefix", "## 1.0.0-rc1\n", "1.0.0", false},
		{"version inside another number", "## 11.0.0\n", "1.0.0", false},
		{"no heading", "# Changelog\n\nnothing yet\n", "1.0.0", false},
		{"no version", "## 1.0.0\n", "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			issues := speclint.CheckChangelog([]byte(tc.changelog), tc.version)
			if (len(issues) == 0) != tc.ok {
				t.Fatalf("issues = %v, want ok=%v", issues, tc.ok)
			}
			for _, i := range issues {
				if i.Rule != speclint.RuleChangelogVersion {
					t.Errorf("rule %q, want %q", i.Rule, speclint.RuleChangelogVersion)
				}
			}
		})
	}
}

// TestLintRefusesYAMLAnchors: every anchor, alias and merge key of the YAML text is an issue, on its line.
func TestLintRefusesYAMLAnchors(t *testing.T) {
	var got []string
	for _, issue := range speclint.Lint(spectest.LoadFile(t, "anchors.yaml")) {
		if issue.Rule == speclint.RuleNoYAMLAnchor {
			got = append(got, issue.Where+" "+strings.Fields(issue.Message)[1])
		}
	}
	want := []string{"line 19 anchor", "line 21 alias", "line 23 anchor", "line 26 merge", "line 26 alias"}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("no-yaml-anchor issues: %q, want %q", got, want)
	}
}
