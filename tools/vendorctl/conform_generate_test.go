package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/tools/internal/conform"
)

// TestConformSeedRepeatsAndIsReported: --seed is printed in the text, JUnit and JSON reports, and the
// same seed sends the same generated cases against the same state.
func TestConformSeedRepeatsAndIsReported(t *testing.T) {
	var counts []string
	for range 2 {
		base, _, _ := startServe(t)
		dir := t.TempDir()
		junitPath, jsonPath := filepath.Join(dir, "report.xml"), filepath.Join(dir, "report.json")
		args := append([]string{"conform", "--seed", "42", "--max-examples", "15", "--junit", junitPath, "--json", jsonPath},
			conformArgs(t, "timewave", base)...)
		stdout, stderr, code := runCmd(t, args...)
		if code != 0 {
			t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
		}
		if !strings.Contains(stdout, "(seed 42, 15 generated per operation and phase)") || !strings.Contains(stdout, "repeat with --seed 42") {
			t.Errorf("the text report does not name the seed:\n%s", stdout)
		}
		junit, err := os.ReadFile(junitPath)
		if err != nil || !strings.Contains(string(junit), `name="vendorctl conform timewave (seed 42, 15 generated per operation and phase)"`) {
			t.Errorf("the JUnit report does not name the seed: %v\n%.300s", err, junit)
		}
		var rep conform.Report
		data, err := os.ReadFile(jsonPath)
		if err != nil || json.Unmarshal(data, &rep) != nil || rep.Generation == nil || rep.Generation.Seed != 42 {
			t.Fatalf("the JSON report does not name the seed: %v %+v", err, rep.Generation)
		}
		m := regexp.MustCompile(`generated: (\d+) cases .*, (\d+) rejected by a rule, (\d+) discarded`).FindStringSubmatch(stdout)
		if m == nil {
			t.Fatalf("no generation summary:\n%s", stdout)
		}
		counts = append(counts, strings.Join(m[1:], " "))
	}
	if counts[0] == "" || counts[0] != counts[1] {
		t.Errorf("the same seed gave %q, then %q", counts[0], counts[1])
	}
}

// TestConformWithoutSeedPrintsARandomOne: a run without --seed still says which seed it used.
func TestConformWithoutSeedPrintsARandomOne(t *testing.T) {
	base, _, _ := startServe(t)
	stdout, stderr, code := runCmd(t, append([]string{"conform", "--max-examples", "2"}, conformArgs(t, "vitecauto", base)...)...)
	if code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, stdout, stderr)
	}
	if !regexp.MustCompile(`repeat with --seed \d+`).MatchString(stdout) {
		t.Errorf("no seed printed:\n%s", stdout)
	}
}
