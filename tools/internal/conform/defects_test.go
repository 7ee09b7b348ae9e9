package conform_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/tools/internal/conform"
	"github.com/vendorctl/vendorctl/tools/internal/defectmock"
)

// startDefective serves every mock with the defects planted in front of TimeWave's.
func startDefective(t *testing.T, d defectmock.Defects) (string, []mockserver.Vendor) {
	t.Helper()
	return startMocksWith(t, func(h http.Handler) http.Handler { return defectmock.Handler(h, d) })
}

// failures lists "target check" of every failed check, with its violations and reproduce lines.
func failures(rep *conform.Report) map[string]string {
	out := map[string]string{}
	for _, tr := range rep.Targets() {
		for _, ch := range tr.Checks {
			if ch.Status != conform.Fail {
				continue
			}
			var lines []string
			for _, v := range ch.Violations {
				lines = append(lines, v.String(), "reproduce: "+v.Reproduce)
			}
			out[tr.Name+" "+ch.Name] = strings.Join(lines, "\n")
		}
	}
	return out
}

func TestGenerationFindsThePlantedDefectsThatExamplesMiss(t *testing.T) {
	for _, tc := range []struct {
		name    string
		defects defectmock.Defects
		failed  string // target and check that must fail
		want    []string
	}{
		{"crash on a valid page size above 500", defectmock.Defects{CrashOnLargePage: true},
			"listClients not_a_server_error", []string{"→ 500: server error", "page%5Bsize%5D=501"}},
		{"schema violation behind filter[status]=deleted", defectmock.Defects{BadPageForDeletedFilter: true},
			"listClients response_schema_conformance", []string{"current_page", "filter%5Bstatus%5D=deleted"}},
		{"invalid body accepted with status inactive", defectmock.Defects{InactiveSkipsValidation: true},
			"createClient negative_data_rejection", []string{"invalid input was accepted", `"status":"inactive"`}},
		{"client created with has_hourpot lost", defectmock.Defects{LoseHourpotClients: true},
			"links from createClient ensure_resource_availability", []string{"is not found", "→ 404"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			base, vendors := startDefective(t, tc.defects)
			cfg := mockConfig(t, base, vendors, "timewave")
			if rep := run(t, cfg); !rep.Passed() {
				t.Fatalf("the examples alone found the defect (it is meant to be away from them):\n%s", text(t, rep))
			}
			cfg.Generate = conform.Generation{MaxExamples: 100, Seed: 7}
			rep := run(t, cfg)
			got := failures(rep)
			detail, ok := got[tc.failed]
			if !ok {
				t.Fatalf("generation did not fail %s; failures %v\n%s", tc.failed, got, text(t, rep))
			}
			t.Logf("%s:\n%s", tc.failed, detail)
			if !strings.Contains(detail, "$VENDORCTL_TOKEN") || strings.Contains(detail, cfg.Credentials.ClientSecret) {
				t.Errorf("the curl line does not hold the token as $VENDORCTL_TOKEN, or shows the secret:\n%s", detail)
			}
			for _, w := range tc.want {
				if !strings.Contains(detail, w) {
					t.Errorf("%s does not say %q:\n%s", tc.failed, w, detail)
				}
			}
			target := tc.failed[:strings.LastIndex(tc.failed, " ")]
			for name := range got {
				if !strings.HasPrefix(name, target+" ") {
					t.Errorf("a failure on another operation: %s: %s", name, got[name])
				}
			}
		})
	}
}

// TestGenerationHasNoFalseAlarmAgainstAFaithfulServer runs the generative phase against the faithful
// mocks with ten seeds: not one failure.
func TestGenerationHasNoFalseAlarmAgainstAFaithfulServer(t *testing.T) {
	base, vendors := startMocks(t)
	for seed := uint64(100); seed < 110; seed++ {
		for _, api := range all.Names() {
			cfg := mockConfig(t, base, vendors, api)
			cfg.Generate = conform.Generation{MaxExamples: 12, Seed: seed}
			if rep := run(t, cfg); !rep.Passed() {
				t.Errorf("seed %d, %s:\n%s", seed, api, text(t, rep))
			}
		}
	}
}
