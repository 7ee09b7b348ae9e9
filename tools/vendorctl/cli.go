package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"syscall"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/specs"
)

// The rules every subcommand shares, in one place: flags may come before or after the arguments
// (everything after "--" is an argument); a mistyped flag is named in one line with the closest
// flag and a pointer to -h; -h prints the synopsis, then the flags; usage and config errors exit 2.

// command is one subcommand's flag set with its help text.
type command struct {
	name     string // the subcommand, as typed: "serve"
	synopsis string // the usage line and what the command does; -h prints it before the flags
	fs       *flag.FlagSet
}

// newCommand returns a command whose flag set prints nothing itself: parse says what is wrong.
func newCommand(name, synopsis string) *command {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return &command{name: name, synopsis: synopsis, fs: fs}
}

// parse parses flags anywhere in args and returns the arguments that are not flags. With -h it
// prints the help to w and returns an error that exits 0.
func (c *command) parse(args []string, w io.Writer) ([]string, error) {
	var positional []string
	for {
		if err := c.fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				c.help(w)
				return nil, &exitError{code: 0}
			}
			return nil, c.flagError(err, args)
		}
		rest := c.fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// help prints the synopsis and the flags.
func (c *command) help(w io.Writer) {
	fmt.Fprintln(w, c.synopsis)
	fmt.Fprintln(w, "\nFlags (before or after the arguments):")
	c.fs.SetOutput(w)
	c.fs.PrintDefaults()
	c.fs.SetOutput(io.Discard)
}

// flagError is the one-line message for a flag that Parse refused in args: an unknown flag is named
// with the closest defined one; any other error (a bad value, a missing value) is the flag package's.
func (c *command) flagError(err error, args []string) error {
	if i := len(args) - len(c.fs.Args()) - 1; i >= 0 && i < len(args) {
		dashes, name := splitFlag(args[i])
		if name != "" && c.fs.Lookup(name) == nil {
			msg := "unknown flag " + dashes + name
			if near := closest(name, c.flagNames()); near != "" {
				msg += " (did you mean " + dashes + near + "?)"
			}
			return c.usageErrorf("%s", msg)
		}
	}
	return c.usageErrorf("%v", err)
}

// splitFlag splits "--name=value" into "--" and "name"; name is empty when arg is not a flag.
func splitFlag(arg string) (dashes, name string) {
	switch {
	case strings.HasPrefix(arg, "--"):
		dashes = "--"
	case strings.HasPrefix(arg, "-"):
		dashes = "-"
	default:
		return "", ""
	}
	name, _, _ = strings.Cut(arg[len(dashes):], "=")
	return dashes, name
}

func (c *command) flagNames() []string {
	var names []string
	c.fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}

// usageErrorf is a usage error of this command (exit 2) that points at its -h.
func (c *command) usageErrorf(format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	return &exitError{code: 2, cmd: c.name, msg: fmt.Sprintf("%s; see 'vendorctl %s -h'", msg, c.name)}
}

// apiFlag defines --api, the same for every command that takes one.
func apiFlag(fs *flag.FlagSet) *string {
	return fs.String("api", "", "API name: "+strings.Join(specs.Names(), ", "))
}

// checkAPI is nil for the name of an embedded spec; an unknown name gets the closest known one and the
// list of all (exit 2).
func checkAPI(name string) error {
	known := specs.Names()
	if slices.Contains(known, name) {
		return nil
	}
	hint := ""
	if near := closest(name, known); near != "" {
		hint = fmt.Sprintf(" (did you mean %s?)", near)
	}
	return usageErrorf("%v %q%s; known: %s", specs.ErrUnknownAPI, name, hint, strings.Join(known, ", "))
}

// loadAPI loads the spec that --api names, after checkAPI.
func loadAPI(name string) (*specs.Spec, error) {
	if err := checkAPI(name); err != nil {
		return nil, err
	}
	spec, err := specs.Load(name)
	if err != nil {
		return nil, fmt.Errorf("load %s spec: %w", name, err)
	}
	return spec, nil
}

// findRoute routes req to an operation of api's spec. A --path p that does not route and starts with
// the mock's mount prefix (or /NAME) gets a hint to drop it: p is relative to the spec's server URL.
func findRoute(spec *specs.Spec, api string, req *http.Request, p string) (*specs.Route, error) {
	route, err := spec.FindRouteRequest(req)
	if err == nil {
		return route, nil
	}
	if !errors.Is(err, specs.ErrNoRoute) {
		return nil, usageErrorf("%s: %v", api, err)
	}
	for _, prefix := range []string{all.MountPrefix(api), "/" + api} {
		if rest, ok := strings.CutPrefix(p, prefix); ok && strings.HasPrefix(rest, "/") {
			return nil, usageErrorf("%s: %v; --path is relative to the spec's server URL: drop the mock's mount prefix %s (--path %s)", api, err, prefix, rest)
		}
	}
	return nil, usageErrorf("%s: %v", api, err)
}

// parsePath checks --path: an absolute path with an optional query string.
func parsePath(p string) (*url.URL, error) {
	u, err := url.Parse(p)
	if err != nil || !strings.HasPrefix(u.Path, "/") {
		return nil, usageErrorf("--path %q: want a path such as /api/customer?companyId=1", p)
	}
	return u, nil
}

// logLevels are the names --log-level takes.
var logLevels = []string{"debug", "info", "warn", "error"}

// parseLogLevel reads --log-level; an unknown level gets the list of levels (exit 2).
func parseLogLevel(s string) (slog.Level, error) {
	var level slog.Level
	if err := level.UnmarshalText([]byte(s)); err != nil {
		return 0, usageErrorf("--log-level %q: want one of %s", s, strings.Join(logLevels, ", "))
	}
	return level, nil
}

// listen listens on addr; an address in use is a config error (exit 2) saying how to choose another,
// with how (for instance the make variable) after it.
func listen(addr, how string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if errors.Is(err, syscall.EADDRINUSE) {
		return nil, usageErrorf("%s is in use; choose another with --addr HOST:PORT%s", addr, how)
	}
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	return ln, nil
}

// closest is the candidate nearest to word, or "" when none is near enough to be a likely typo: within
// an edit distance of 1 for words of up to 4 letters, else 2.
func closest(word string, candidates []string) string {
	maxDist := 2
	if len([]rune(word)) <= 4 {
		maxDist = 1
	}
	best, bestDist := "", maxDist+1
	for _, c := range candidates {
		if d := editDistance(word, c); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

// editDistance is the optimal-string-alignment distance between a and b: insertions, deletions,
// substitutions and transpositions of two neighbouring letters each cost 1.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev2 := make([]int, len(rb)+1)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(rb)]
}
