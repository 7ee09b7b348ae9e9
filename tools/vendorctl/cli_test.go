package main

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCLIMessages runs each mistake a user makes on the command line and compares what vendorctl
// prints on stderr, and its exit code, with testdata/golden/cli-NAME.txt. Addresses and temporary
// folders that change from run to run are replaced by ADDR and DIR.
func TestCLIMessages(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	addr := busy.Addr().String()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "vitecauto"), 0o755); err != nil {
		t.Fatal(err)
	}
	const doc = "testdata/vitecauto-documented.json"
	cases := []struct {
		name string
		args []string
		code int
	}{
		{"diff-old-not-valid-openapi", []string{"diff", "--api", "vitecauto", "--old", "testdata/openapi-field-only.yaml"}, 2},
		{"diff-unknown-api-base", []string{"diff", "--api", "viteauto", "--base", "HEAD"}, 2},
		{"validate-unknown-api", []string{"validate", "--api", "nope", "--path", "/api/customer", doc}, 2},
		{"conform-unknown-api", []string{"conform", "--api", "mediacon", "--base-url", "http://127.0.0.1:1"}, 2},
		{"proxy-unknown-api", []string{"proxy", "--api", "nope", "--upstream", "http://127.0.0.1:1"}, 2},
		{"validate-mount-prefix", []string{"validate", "--api", "vitecauto", "--path", "/vitecauto/api/customer?companyId=998", doc}, 2},
		{"validate-mount-prefix-mediaconnect", []string{"validate", "--api", "mediaconnect", "--path", "/mediaconnect/capi/v1/client/customer/info/563457", doc}, 2},
		{"validate-no-operation", []string{"validate", "--api", "vitecauto", "--path", "/api/nothing", doc}, 2},
		{"serve-log-level", []string{"serve", "--log-level", "loud"}, 2},
		{"conform-log-level", []string{"conform", "--api", "vitecauto", "--base-url", "http://127.0.0.1:1", "--log-level", "verbose"}, 2},
		{"proxy-log-level", []string{"proxy", "--api", "vitecauto", "--upstream", "http://127.0.0.1:1", "--log-level", "loud"}, 2},
		{"proxy-anonymize-key-without-record", []string{"proxy", "--api", "vitecauto", "--upstream", "http://127.0.0.1:1", "--anonymize-key", "k"}, 2},
		{"proxy-keep-and-anonymize", []string{"proxy", "--api", "vitecauto", "--upstream", "http://127.0.0.1:1", "--record", dir, "--keep-personal-data", "--anonymize-key", "k"}, 2},
		{"proxy-record-interval", []string{"proxy", "--api", "vitecauto", "--upstream", "http://127.0.0.1:1", "--record", dir, "--record-interval", "0s"}, 2},
		{"serve-anonymize-key-without-journal-anonymize", []string{"serve", "--addr", "127.0.0.1:0", "--anonymize-key", "k"}, 2},
		{"serve-addr-in-use", []string{"serve", "--addr", addr}, 2},
		{"proxy-addr-in-use", []string{"proxy", "--api", "vitecauto", "--upstream", "http://127.0.0.1:1", "--addr", addr}, 2},
		{"unknown-command", []string{"sevre"}, 2},
		{"serve-mistyped-flag", []string{"serve", "--adr", "127.0.0.1:0"}, 2},
		{"diff-mistyped-flag", []string{"diff", "--api", "vitecauto", "--al"}, 2},
		{"validate-mistyped-flag-single-dash", []string{"validate", "-methd=POST"}, 2},
		{"conform-unknown-flag", []string{"conform", "--bogus"}, 2},
		{"validate-flag-without-value", []string{"validate", "--api", "vitecauto", doc, "--path"}, 2},
		{"serve-bad-flag-value", []string{"serve", "--journal-size", "many"}, 2},
		{"serve-argument", []string{"serve", "extra"}, 2},
		{"validate-no-file", []string{"validate", "--api", "vitecauto", "--path", "/api/customer"}, 2},
		{"serve-fixtures-missing", []string{"serve", "--addr", "127.0.0.1:0", "--fixtures", filepath.Join(dir, "none")}, 2},
		{"serve-fixtures-missing-file", []string{"serve", "--addr", "127.0.0.1:0", "--fixtures", dir}, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			// A deadline, so that a serve that starts instead of refusing ends the test.
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var stdout, errb bytes.Buffer
			code := exitCode(run(ctx, tc.args, &stdout, &errb), &errb)
			stderr := errb.String()
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr:\n%s", code, tc.code, stderr)
			}
			got := strings.NewReplacer(addr, "ADDR", dir, "DIR").Replace(stderr)
			golden(t, "cli-"+tc.name+".txt", []byte(got))
		})
	}
}

// TestFlagsAfterArguments: a flag after FILE is parsed as if it came before it.
func TestFlagsAfterArguments(t *testing.T) {
	stdout, stderr, code := runCmd(t, "validate", "--api", "vitecauto", "testdata/vitecauto-documented.json", "--path", "/api/customer?companyId=998&customerId=500190")
	if code != 0 {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	golden(t, "validate-documented.txt", []byte(stdout))
	// With --status after FILE, the undocumented status is what is checked.
	if _, _, code := runCmd(t, "validate", "--api", "vitecauto", "--path", "/api/customer", "testdata/vitecauto-error.json", "--status", "418"); code != 1 {
		t.Errorf("--status after FILE: exit %d, want 1 (invalid)", code)
	}
}

func TestCommandParse(t *testing.T) {
	for _, tc := range []struct {
		args       []string
		positional []string
		n          int
	}{
		{[]string{"a", "--n", "1", "b"}, []string{"a", "b"}, 1},
		{[]string{"--n=2", "a"}, []string{"a"}, 2},
		{[]string{"a", "--", "--n", "3"}, []string{"a", "--n", "3"}, 0},
		{[]string{"-", "--n", "4"}, []string{"-"}, 4},
		{nil, nil, 0},
	} {
		c := newCommand("test", "usage: test")
		n := c.fs.Int("n", 0, "a number")
		got, err := c.parse(tc.args, nil)
		if err != nil {
			t.Fatalf("%q: %v", tc.args, err)
		}
		if !slices.Equal(got, tc.positional) || *n != tc.n {
			t.Errorf("%q: positional %q, n %d; want %q, %d", tc.args, got, *n, tc.positional, tc.n)
		}
	}
}

// TestServeHelp: serve -h starts with a synopsis, like every other subcommand, then lists the flags,
// and exits 0. Only the synopsis is a golden file: other changes add flags to serve.
func TestServeHelp(t *testing.T) {
	for _, cmd := range slices.Sorted(func(yield func(string) bool) {
		for name := range subcommands {
			if !yield(name) {
				return
			}
		}
	}) {
		t.Run(cmd, func(t *testing.T) {
			_, stderr, code := runCmd(t, cmd, "-h")
			if code != 0 {
				t.Fatalf("exit %d", code)
			}
			synopsis, flags, ok := strings.Cut(stderr, "\nFlags (before or after the arguments):\n")
			if !ok || !strings.HasPrefix(synopsis, "usage: vendorctl "+cmd+" ") || !strings.Contains(flags, "  -") {
				t.Fatalf("-h does not start with a usage line and end with the flags:\n%s", stderr)
			}
			if cmd == "serve" {
				golden(t, "cli-serve-help-synopsis.txt", []byte(synopsis))
			}
		})
	}
}

func TestClosest(t *testing.T) {
	commands := []string{"conform", "diff", "proxy", "serve", "validate"}
	for _, tc := range []struct {
		word string
		want string
	}{
		{"sevre", "serve"},      // two letters swapped
		{"valdate", "validate"}, // one letter missing
		{"proxi", "proxy"},
		{"dif", "diff"},
		{"conformx", "conform"},
		{"deploy", ""}, // nothing near
		{"sv", ""},     // too short to guess from
		{"", ""},
	} {
		if got := closest(tc.word, commands); got != tc.want {
			t.Errorf("closest(%q) = %q, want %q", tc.word, got, tc.want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"", "", 0}, {"abc", "", 3}, {"addr", "adr", 1}, {"serve", "sevre", 1}, {"kitten", "sitting", 3}, {"mäklare", "maklare", 1},
	} {
		if got := editDistance(tc.a, tc.b); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}
