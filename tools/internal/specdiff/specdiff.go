// Package specdiff compares two versions of an OpenAPI spec and says which changes break the users of
// the API. It is a thin layer over oasdiff (the diff engine and its backward-compatibility rules): it
// loads both versions, runs every oasdiff check, and turns the result into plain Changes grouped by
// operation, which the vendorctl diff command prints.
//
// A change is breaking when oasdiff rates it an error (it breaks existing clients) or a warning (it may
// break them, such as a removed optional request parameter). Everything else is informational.
package specdiff

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/oasdiff/oasdiff/checker"
	"github.com/oasdiff/oasdiff/diff"
	"github.com/oasdiff/oasdiff/load"
)

// ErrLoad is wrapped by Compare's error when one of the two versions cannot be loaded.
var ErrLoad = errors.New("cannot load spec")

// Level rates a change.
type Level int

// The levels, least severe first.
const (
	Info    Level = iota // a change that breaks no client (an added endpoint or optional field)
	Warning              // a change that may break a client
	Error                // a change that breaks clients
)

func (l Level) String() string {
	switch l {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "info"
	}
}

// Change is one difference between the old and the new version of a spec.
type Change struct {
	// ID is the oasdiff rule that found the change, e.g. "api-path-removed-without-deprecation".
	ID    string
	Level Level
	// Operation is "METHOD /path" (the path as written in the spec), or "" for a change outside the
	// operations (components, security schemes, info).
	Operation string
	// Text says what changed, e.g. "removed the required property 'email' from the response with the
	// '200' status".
	Text string
}

// Breaking reports whether the change is rated a warning or an error.
func (c Change) Breaking() bool { return c.Level >= Warning }

// Version is one side of a comparison: a name for messages (a file path, "REF:path") and the YAML or
// JSON text of the spec.
type Version struct {
	Name string
	Data []byte
}

// Report is the outcome of Compare.
type Report struct {
	// OldVersion and NewVersion are the info.version of each side.
	OldVersion, NewVersion string
	// Identical is true when the two documents do not differ at all (not even in descriptions).
	Identical bool
	// Changes are every change a rule recognises, in Groups order.
	Changes []Change
}

// Breaking returns the breaking changes of the report.
func (r *Report) Breaking() []Change {
	var out []Change
	for _, c := range r.Changes {
		if c.Breaking() {
			out = append(out, c)
		}
	}
	return out
}

// HasBreaking reports whether any change is breaking.
func (r *Report) HasBreaking() bool { return len(r.Breaking()) > 0 }

// Group is the changes of one operation.
type Group struct {
	// Operation is "METHOD /path", or "" for the changes outside the operations.
	Operation string
	Changes   []Change
}

// Groups splits changes by operation, in the order of the slice, which Compare sorts by path, then
// method; the changes outside the operations come last.
func Groups(changes []Change) []Group {
	var groups []Group
	for _, c := range changes {
		if n := len(groups); n > 0 && groups[n-1].Operation == c.Operation {
			groups[n-1].Changes = append(groups[n-1].Changes, c)
			continue
		}
		groups = append(groups, Group{Operation: c.Operation, Changes: []Change{c}})
	}
	return groups
}

// Compare loads both versions and returns every change from oldV to newV. It fails (wrapping ErrLoad)
// when a version is not an OpenAPI document or its references do not resolve.
func Compare(oldV, newV Version) (*Report, error) {
	oldInfo, err := loadVersion(oldV)
	if err != nil {
		return nil, err
	}
	newInfo, err := loadVersion(newV)
	if err != nil {
		return nil, err
	}
	d, sources, err := diff.GetWithOperationsSourcesMap(diff.NewConfig(), oldInfo, newInfo)
	if err != nil {
		return nil, fmt.Errorf("diff %s and %s: %w", oldV.Name, newV.Name, err)
	}
	config := checker.NewConfig(checker.GetAllChecks(), checker.WithSeverityLevels(map[string]checker.Level{
		// A breaking change that leaves info.version alone is worth saying out loud; oasdiff rates it
		// info. It is only ever reported together with a breaking change, so it moves no exit code.
		checker.APIVersionNotBumpedId:      checker.WARN,
		checker.APIVersionDecreasedId:      checker.WARN,
		checker.APIMajorVersionNotBumpedId: checker.WARN,
	}))
	found := checker.CheckBackwardCompatibilityUntilLevel(config, d, sources, checker.INFO)
	localize := checker.NewDefaultLocalizer()
	report := &Report{
		OldVersion: oldInfo.GetVersion(),
		NewVersion: newInfo.GetVersion(),
		Identical:  d.Empty(),
		Changes:    make([]Change, 0, len(found)),
	}
	for _, c := range found {
		report.Changes = append(report.Changes, Change{
			ID:        c.GetId(),
			Level:     level(c.GetLevel()),
			Operation: operation(c),
			Text:      strings.TrimSpace(c.GetUncolorizedText(localize)),
		})
	}
	sortChanges(report.Changes)
	return report, nil
}

func loadVersion(v Version) (*load.SpecInfo, error) {
	// A fresh loader per version: the loader caches documents by path.
	loader := openapi3.NewLoader()
	info, err := load.NewSpecInfoFromData(loader, v.Data, v.Name)
	if err != nil {
		return nil, fmt.Errorf("%w %s: %w", ErrLoad, v.Name, err)
	}
	if info.Spec == nil || info.Spec.OpenAPI == "" {
		return nil, fmt.Errorf("%w %s: not an OpenAPI document (no openapi field)", ErrLoad, v.Name)
	}
	// Examples are not checked: they change nothing a client relies on, and the specs' own tests check them.
	if err := info.Spec.Validate(context.Background(), openapi3.DisableExamplesValidation()); err != nil {
		return nil, fmt.Errorf("%w %s: not a valid OpenAPI document: %w", ErrLoad, v.Name, err)
	}
	return info, nil
}

func level(l checker.Level) Level {
	switch {
	case l >= checker.ERR:
		return Error
	case l >= checker.WARN:
		return Warning
	default:
		return Info
	}
}

func operation(c checker.Change) string {
	if c.GetOperation() == "" || c.GetPath() == "" {
		return ""
	}
	return c.GetOperation() + " " + c.GetPath()
}

// sortChanges orders by path, then method, then level (most severe first), then text; the changes
// outside the operations come last.
func sortChanges(changes []Change) {
	slices.SortStableFunc(changes, func(a, b Change) int {
		if (a.Operation == "") != (b.Operation == "") {
			if a.Operation == "" {
				return 1
			}
			return -1
		}
		ma, pa, _ := strings.Cut(a.Operation, " ")
		mb, pb, _ := strings.Cut(b.Operation, " ")
		return cmp.Or(
			cmp.Compare(pa, pb),
			cmp.Compare(ma, mb),
			-cmp.Compare(a.Level, b.Level),
			cmp.Compare(a.Text, b.Text),
			cmp.Compare(a.ID, b.ID),
		)
	})
}

// WriteText prints the changes of r grouped by operation: only the breaking ones, or every change when
// all is set, followed by a one-line summary.
func (r *Report) WriteText(w io.Writer, all bool) error {
	p := &printer{w: w}
	if len(r.Changes) == 0 {
		if r.Identical {
			p.printf("no changes\n")
		} else {
			p.printf("no changes that a rule recognises (only descriptions, examples or extensions differ)\n")
		}
		return p.err
	}
	shown := r.Changes
	if !all {
		shown = r.Breaking()
	}
	for i, g := range Groups(shown) {
		if i > 0 {
			p.printf("\n")
		}
		name := g.Operation
		if name == "" {
			name = "(whole spec)"
		}
		p.printf("%s\n", name)
		for _, c := range g.Changes {
			p.printf("  %-7s %s [%s]\n", c.Level, c.Text, c.ID)
		}
	}
	if len(shown) > 0 {
		p.printf("\n")
	}
	p.printf("%s\n", r.summary(all))
	return p.err
}

func (r *Report) summary(all bool) string {
	count := map[Level]int{}
	for _, c := range r.Changes {
		count[c.Level]++
	}
	breaking := count[Error] + count[Warning]
	var b strings.Builder
	if breaking == 0 {
		b.WriteString("no breaking changes")
	} else {
		fmt.Fprintf(&b, "%s (%s, %s)", plural(breaking, "breaking change"), plural(count[Error], "error"), plural(count[Warning], "warning"))
	}
	fmt.Fprintf(&b, "; %s in all", plural(len(r.Changes), "change"))
	if !all && count[Info] > 0 {
		fmt.Fprintf(&b, " (--all lists the %s)", plural(count[Info], "other"))
	}
	return b.String()
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	if what == "other" {
		return fmt.Sprintf("%d others", n)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

type printer struct {
	w   io.Writer
	err error
}

func (p *printer) printf(format string, args ...any) {
	if p.err == nil {
		_, p.err = fmt.Fprintf(p.w, format, args...)
	}
}
