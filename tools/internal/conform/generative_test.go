package conform_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/tools/internal/conform"
)

// TestGenerativePassesAgainstEveryMock is the generative run of make test: every mock, writes allowed,
// a fixed seed and a small budget.
func TestGenerativePassesAgainstEveryMock(t *testing.T) {
	base, vendors := startMocks(t)
	for _, api := range all.Names() {
		t.Run(api, func(t *testing.T) {
			cfg := mockConfig(t, base, vendors, api)
			cfg.Generate = conform.Generation{MaxExamples: 40, Seed: 1, MaxTime: 20 * time.Second}
			var progress bytes.Buffer
			cfg.Progress = &progress
			rep := run(t, cfg)
			if !rep.Passed() {
				t.Fatalf("generative conform failed against the %s mock:\n%s%s", api, progress.String(), text(t, rep))
			}
			if rep.Generation == nil || rep.Generation.Cases == 0 {
				t.Fatalf("no generated cases: %+v", rep.Generation)
			}
			if !strings.Contains(text(t, rep), "seed 1") {
				t.Errorf("the text report does not name the seed")
			}
		})
	}
}
