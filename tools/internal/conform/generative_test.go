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

// TestMaxTimeBoundsTheGenerativePhase: the clock advances a millisecond per reading, so a budget of
// 300 ms stops generation long before 100 cases per operation and phase.
func TestMaxTimeBoundsTheGenerativePhase(t *testing.T) {
	base, vendors := startMocks(t)
	cfg := mockConfig(t, base, vendors, "timewave")
	cfg.Now = fakeClock()
	cfg.Generate = conform.Generation{MaxExamples: 100, Seed: 3, MaxTime: 300 * time.Millisecond}
	rep := run(t, cfg)
	g := rep.Generation
	if !g.TimedOut || g.Cases == 0 || g.Cases >= 300 {
		t.Fatalf("generation %+v, want stopped by the budget after some cases", g)
	}
	if out := text(t, rep); !strings.Contains(out, "stopped by --max-time") {
		t.Errorf("the report does not say the budget stopped it:\n%s", out)
	}
}
