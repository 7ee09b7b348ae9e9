package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The pairs of small specs are shared with the specdiff package's own tests.
const pairs = "../internal/specdiff/testdata/"

const vitecautoSpec = "../../specs/vitecauto/openapi.yaml"

// withExtraEndpoint returns the current vitecauto spec with one more endpoint (GET /api/customers) and
// info.version 0.0.1, as an older version that had an endpoint the current spec lacks. It is built from
// the spec itself, so that the test does not go stale when the spec is edited; the low version keeps the
// version-not-bumped warning (which names the current version) out of the golden file.
func withExtraEndpoint(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile(vitecautoSpec)
	if err != nil {
		t.Fatal(err)
	}
	const extra = `paths:
  /api/customers:
    get:
      operationId: listCustomers
      summary: A list endpoint that the vendor has since withdrawn
      responses:
        "200":
          description: The customers
          content:
            application/json:
              schema:
                type: array
                items:
                  $ref: "#/components/schemas/Customer"
`
	text := string(data)
	if strings.Count(text, "\npaths:\n") != 1 || strings.Count(text, "\n  version: ") != 1 {
		t.Fatal("the vitecauto spec has no single top-level paths: line or info.version")
	}
	text = strings.Replace(text, "\npaths:\n", "\n"+extra, 1)
	text = regexp.MustCompile(`\n  version: .*\n`).ReplaceAllString(text, "\n  version: 0.0.1\n")
	file := filepath.Join(t.TempDir(), "vitecauto-old.yaml")
	if err := os.WriteFile(file, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestDiff(t *testing.T) {
	oldWithExtra := withExtraEndpoint(t)
	cases := []struct {
		name   string
		args   []string
		code   int
		golden string // compared with stdout when set
		stdout string // substring of stdout when set
		stderr string // substring of stderr when set
	}{
		{"vitecauto same spec", []string{"--api", "vitecauto", "--old", vitecautoSpec}, 0, "diff-vitecauto-same.txt", "no changes", "new embedded vitecauto spec"},
		{"vitecauto endpoint removed since old", []string{"--api", "vitecauto", "--old", oldWithExtra}, 1, "diff-vitecauto-removed-endpoint.txt", "GET /api/customers\n  error", ""},
		{"vitecauto endpoint added since old is not breaking", []string{"--api", "vitecauto", "--old", vitecautoSpec, "--new", oldWithExtra, "--all"}, 0, "", "endpoint added", ""},
		{"removed endpoint", []string{"--api", "items", "--old", pairs + "base.yaml", "--new", pairs + "removed-endpoint.yaml"}, 1, "diff-removed-endpoint.txt", "GET /items/{id}", ""},
		{"removed required response property", []string{"--api", "items", "--old", pairs + "base.yaml", "--new", pairs + "removed-required-response-property.yaml"}, 1, "diff-removed-required-response-property.txt", "", ""},
		{"added required request parameter", []string{"--api", "items", "--old", pairs + "base.yaml", "--new", pairs + "added-required-request-param.yaml"}, 1, "diff-added-required-request-param.txt", "", ""},
		{"narrowed enums", []string{"--api", "items", "--old", pairs + "base.yaml", "--new", pairs + "narrowed-enum.yaml"}, 1, "diff-narrowed-enum.txt", "", ""},
		{"added optional field hidden", []string{"--api", "items", "--old", pairs + "base.yaml", "--new", pairs + "added-optional-field.yaml"}, 0, "diff-added-optional-field.txt", "", ""},
		{"added optional field with all", []string{"--api", "items", "--old", pairs + "base.yaml", "--new", pairs + "added-optional-field.yaml", "--all"}, 0, "diff-added-optional-field-all.txt", "", ""},
		{"breaking with all lists info too", []string{"--api", "items", "--old", pairs + "added-optional-field.yaml", "--new", pairs + "removed-endpoint.yaml", "--all"}, 1, "", "info", ""},
		{"no api", []string{"--old", vitecautoSpec}, 2, "", "", "needs --api"},
		{"neither old nor base", []string{"--api", "vitecauto"}, 2, "", "", "exactly one of --old FILE and --base GITREF"},
		{"both old and base", []string{"--api", "vitecauto", "--old", vitecautoSpec, "--base", "HEAD"}, 2, "", "", "exactly one"},
		{"unknown api", []string{"--api", "nosuchvendor", "--old", vitecautoSpec}, 2, "", "", "unknown api"},
		{"api that is not a name", []string{"--api", "../x", "--old", vitecautoSpec}, 2, "", "", "short API name"},
		{"missing old file", []string{"--api", "vitecauto", "--old", "testdata/none.yaml"}, 2, "", "", "none.yaml"},
		{"missing new file", []string{"--api", "vitecauto", "--old", vitecautoSpec, "--new", "testdata/none.yaml"}, 2, "", "", "none.yaml"},
		{"old is not a spec", []string{"--api", "vitecauto", "--old", "testdata/vitecauto-error.json"}, 2, "", "", "not an OpenAPI document"},
		{"stray argument", []string{"--api", "vitecauto", "--old", vitecautoSpec, "extra"}, 2, "", "", "no arguments"},
		{"bad flag", []string{"--bogus"}, 2, "", "", "bogus"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, append([]string{"diff"}, tc.args...)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if tc.golden != "" {
				golden(t, tc.golden, []byte(stdout))
			}
			if tc.stdout != "" && !strings.Contains(stdout, tc.stdout) {
				t.Errorf("stdout %q does not contain %q", stdout, tc.stdout)
			}
			if tc.stderr != "" && !strings.Contains(stderr, tc.stderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.stderr)
			}
		})
	}
}

// gitRepo makes a git repository in a temporary directory, makes it the current directory, and returns
// a function that runs git in it. The test is skipped when git is not installed.
func gitRepo(t *testing.T) func(args ...string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	// Never let git find a repository above the temporary directory.
	t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
	t.Chdir(dir)
	git := func(args ...string) {
		t.Helper()
		base := []string{"-c", "user.name=vendorctl test", "-c", "user.email=test@example.invalid", "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main"}
		out, err := exec.Command("git", append(base, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("git %v: %v\n%s", args, err, out)
		}
	}
	git("init", "-q")
	return git
}

func writeFile(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestDiffBase(t *testing.T) {
	current, err := os.ReadFile(vitecautoSpec)
	if err != nil {
		t.Fatal(err)
	}
	older, err := os.ReadFile(withExtraEndpoint(t))
	if err != nil {
		t.Fatal(err)
	}

	t.Run("endpoint removed since the ref", func(t *testing.T) {
		git := gitRepo(t)
		writeFile(t, "specs/vitecauto/openapi.yaml", older)
		git("add", ".")
		git("commit", "-q", "-m", "older spec")
		git("tag", "v1")
		writeFile(t, "specs/vitecauto/openapi.yaml", current) // the working tree is the current spec
		stdout, stderr, code := runCmd(t, "diff", "--api", "vitecauto", "--base", "v1")
		if code != 1 || !strings.Contains(stdout, "GET /api/customers\n  error") {
			t.Fatalf("exit %d, stdout %q, stderr %q; want 1 naming GET /api/customers", code, stdout, stderr)
		}
		if !strings.Contains(stderr, "old v1:specs/vitecauto/openapi.yaml") || !strings.Contains(stderr, "new specs/vitecauto/openapi.yaml") {
			t.Errorf("stderr %q does not say what was compared", stderr)
		}
		// Once the edit is committed, HEAD and the working tree agree.
		git("add", ".")
		git("commit", "-q", "-m", "current spec")
		stdout, _, code = runCmd(t, "diff", "--api", "vitecauto", "--base", "HEAD")
		if code != 0 || stdout != "no changes\n" {
			t.Fatalf("HEAD against the clean working tree: exit %d, stdout %q", code, stdout)
		}
	})

	t.Run("spec absent at the ref", func(t *testing.T) {
		git := gitRepo(t)
		writeFile(t, "README", []byte("x\n"))
		git("add", ".")
		git("commit", "-q", "-m", "no spec yet")
		_, stderr, code := runCmd(t, "diff", "--api", "vitecauto", "--base", "HEAD")
		if code != 2 || !strings.Contains(stderr, "specs/vitecauto/openapi.yaml does not exist at HEAD") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})

	t.Run("unknown ref", func(t *testing.T) {
		git := gitRepo(t)
		writeFile(t, "specs/vitecauto/openapi.yaml", current)
		git("add", ".")
		git("commit", "-q", "-m", "spec")
		_, stderr, code := runCmd(t, "diff", "--api", "vitecauto", "--base", "nosuchbranch")
		if code != 2 || !strings.Contains(stderr, `unknown git ref "nosuchbranch"`) {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
		_, stderr, code = runCmd(t, "diff", "--api", "vitecauto", "--base", "--output=x")
		if code != 2 || !strings.Contains(stderr, "not a git ref") {
			t.Fatalf("option as ref: exit %d, stderr %q", code, stderr)
		}
	})

	t.Run("not a git checkout", func(t *testing.T) {
		if _, err := exec.LookPath("git"); err != nil {
			t.Skip("git is not installed")
		}
		dir := t.TempDir()
		t.Setenv("GIT_CEILING_DIRECTORIES", filepath.Dir(dir))
		t.Chdir(dir)
		_, stderr, code := runCmd(t, "diff", "--api", "vitecauto", "--base", "HEAD")
		if code != 2 || !strings.Contains(stderr, "not in a git checkout") {
			t.Fatalf("exit %d, stderr %q", code, stderr)
		}
	})
}
