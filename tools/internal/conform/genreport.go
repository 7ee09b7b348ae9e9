package conform

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
)

// merge adds the generated cases to the checks of t: each check counts the cases it looked at, and a
// check that a generated case failed fails with the smallest such case.
func (tl *tally) merge(t *TargetResult) {
	for i := range t.Checks {
		ch := &t.Checks[i]
		n := tl.cases[ch.Name]
		if n == 0 {
			continue
		}
		ch.Generated += n
		if ch.Name == "positive_data_acceptance" {
			ch.RejectedByRule += tl.rejected
		}
		var found []Violation
		for key, v := range tl.failures {
			check, label, _ := strings.Cut(key, "\x00")
			if check == ch.Name {
				v.Request = label
				found = append(found, v)
			}
		}
		sort.Slice(found, func(i, j int) bool { return found[i].Request < found[j].Request })
		if len(found) > 0 {
			ch.Status, ch.Reason = Fail, ""
			ch.Violations = append(ch.Violations, found...)
		} else if ch.Status == Skip {
			ch.Status, ch.Reason = Pass, ""
		}
	}
}

// curl is a one-line command that sends c again. Credentials are never written: the places the
// requirement puts them in are found by applying invalid ones, and hold $VENDORCTL_... variables.
func (r *Runner) curl(c *call, req requirement) string {
	plain, err := c.newRequest(context.Background(), r.base.String())
	if err != nil {
		return ""
	}
	marked, _ := c.newRequest(context.Background(), r.base.String())
	req.applyInvalid(marked)
	u := *marked.URL
	q := u.Query()
	for k := range q {
		if !plain.URL.Query().Has(k) {
			q.Set(k, "VENDORCTL_API_KEY_PLACEHOLDER")
		}
	}
	u.RawQuery = q.Encode()
	target := strings.ReplaceAll(shellQuote(u.String()), "VENDORCTL_API_KEY_PLACEHOLDER", "'\"$VENDORCTL_API_KEY\"'")
	parts := []string{"curl", "-sS", "-X", c.op.method, target}
	for _, k := range sortedHeaderKeys(marked.Header) {
		v := marked.Header.Get(k)
		if plain.Header.Get(k) != v {
			parts = append(parts, "-H", secretHeader(k, v))
			continue
		}
		parts = append(parts, "-H", shellQuote(k+": "+v))
	}
	if c.body != nil {
		parts = append(parts, "--data-raw", shellQuote(string(c.body)))
	}
	return strings.Join(parts, " ")
}

// secretHeader is a credentials header with its value as an environment variable.
func secretHeader(name, value string) string {
	switch {
	case strings.EqualFold(name, "Authorization") && strings.HasPrefix(value, "Basic "):
		return `"Authorization: Basic $(printf '%s:%s' "$VENDORCTL_USER" "$VENDORCTL_PASSWORD" | base64)"`
	case strings.EqualFold(name, "Authorization"):
		return `"Authorization: Bearer $VENDORCTL_TOKEN"`
	}
	return `"` + name + `: $VENDORCTL_API_KEY"`
}

func sortedHeaderKeys(h http.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// shellQuote quotes s for a POSIX shell.
func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// progressBar returns the per-case callback that draws op's bar (nil when bars are off).
func (g *generation) progressBar(op *operation, phase string) func(int) {
	w := g.r.cfg.Progress
	if w == nil || !g.cfg.Bar {
		return nil
	}
	return func(n int) {
		const width = 30
		filled := min(width, n*width/max(1, g.cfg.MaxExamples))
		fmt.Fprintf(w, "\r  %-28s %-8s [%s%s] %d/%d", op.id, phase, strings.Repeat("#", filled), strings.Repeat(".", width-filled), n, g.cfg.MaxExamples)
	}
}

// endBar clears op's bar.
func (g *generation) endBar() {
	if g.r.cfg.Progress != nil && g.cfg.Bar {
		fmt.Fprint(g.r.cfg.Progress, "\r\033[K")
	}
}

// progressLine writes the plain line of op's generated cases (when bars are off).
func (g *generation) progressLine(op *operation, tl *tally) {
	if g.r.cfg.Progress == nil || g.cfg.Bar {
		return
	}
	fmt.Fprintf(g.r.cfg.Progress, "  generated %s: %d positive, %d negative cases, %d rejected by a rule, %d failures\n",
		op.id, tl.cases["positive_data_acceptance"], tl.cases["negative_data_rejection"], tl.rejected, len(tl.failures))
}

// generationHeader is the part of a report's title that names the seed ("" without generation).
func generationHeader(rep *Report) string {
	if rep.Generation == nil {
		return ""
	}
	return fmt.Sprintf(" (seed %d, %d generated per operation and phase)", rep.Generation.Seed, rep.Generation.MaxExamples)
}

// generatedDetail is the detail of a passed check that looked at generated cases.
func generatedDetail(ch CheckResult) string {
	switch {
	case ch.Generated == 0:
		return ""
	case ch.RejectedByRule > 0:
		return fmt.Sprintf("%d generated, %d rejected by a rule", ch.Generated, ch.RejectedByRule)
	}
	return fmt.Sprintf("%d generated", ch.Generated)
}

// writeGenerationSummary writes the totals of the generative phase (nothing without it).
func writeGenerationSummary(w io.Writer, rep *Report) error {
	g := rep.Generation
	if g == nil {
		return nil
	}
	stopped := ""
	if g.TimedOut {
		stopped = "; stopped by --max-time"
	}
	_, err := fmt.Fprintf(w, "generated: %d cases (%.1f/s), %d rejected by a rule, %d discarded by the spec check; seed %d (repeat with --seed %d)%s\n",
		g.Cases, g.CasesPerSecond, g.RejectedByRule, g.Discarded, g.Seed, g.Seed, stopped)
	return err
}
