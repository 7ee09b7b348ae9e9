package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path"
	"regexp"
	"strings"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/specdiff"
)

var apiName = regexp.MustCompile(`^[a-z][a-z0-9]*$`)

func runDiff(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("diff", `usage: vendorctl diff --api NAME (--old FILE | --base GITREF) [--new FILE] [--all]
Compares an older version of a spec (a file, or specs/NAME/openapi.yaml at a git ref) with the
current one and prints the breaking changes grouped by operation (with --all, every change).
The current spec is --new, else specs/NAME/openapi.yaml under the current directory, else the
spec embedded in this binary. NAME is one of the embedded specs, unless both --old and --new are
files (then it is only a label).
Exit 0: nothing breaking; 1: breaking changes (errors or warnings); 2: usage error or a version
that cannot be read or is not a valid OpenAPI document.`)
	fs := cmd.fs
	api := apiFlag(fs)
	oldFile := fs.String("old", "", "the older version of the spec, a file")
	base := fs.String("base", "", "the older version of the spec: specs/NAME/openapi.yaml at this git ref (a commit, branch or tag)")
	newFile := fs.String("new", "", "the current version of the spec, a file (default: see above)")
	all := fs.Bool("all", false, "print every change, not only the breaking ones")
	rest, err := cmd.parse(args, stderr)
	if err != nil {
		return err
	}
	switch {
	case *api == "" || len(rest) != 0:
		return cmd.usageErrorf("needs --api and no arguments")
	case !apiName.MatchString(*api):
		return usageErrorf("--api %q: want a short API name such as %s", *api, strings.Join(specs.Names(), ", "))
	case (*oldFile == "") == (*base == ""):
		return cmd.usageErrorf("needs exactly one of --old FILE and --base GITREF")
	}
	if *oldFile == "" || *newFile == "" { // the spec comes from the repository or the binary
		if err := checkAPI(*api); err != nil {
			return err
		}
	}
	specPath := path.Join("specs", *api, "openapi.yaml")

	var oldV specdiff.Version
	if *oldFile != "" {
		data, err := os.ReadFile(*oldFile)
		if err != nil {
			return usageErrorf("--old: %v", err)
		}
		oldV = specdiff.Version{Name: *oldFile, Data: data}
	} else {
		data, err := gitShow(ctx, *base, specPath)
		if err != nil {
			return usageErrorf("--base: %v", err)
		}
		oldV = specdiff.Version{Name: *base + ":" + specPath, Data: data}
	}
	newV, err := currentSpec(*api, *newFile, specPath)
	if err != nil {
		return usageErrorf("%v", err)
	}

	report, err := specdiff.Compare(oldV, newV)
	if err != nil {
		return usageErrorf("%v", err)
	}
	// What was compared goes to stderr, so that stdout is the report alone.
	fmt.Fprintf(stderr, "vendorctl diff: %s: old %s (version %s), new %s (version %s)\n",
		*api, oldV.Name, report.OldVersion, newV.Name, report.NewVersion)
	if err := report.WriteText(stdout, *all); err != nil {
		return err
	}
	if report.HasBreaking() {
		return &exitError{code: 1}
	}
	return nil
}

// currentSpec is --new, else the working-tree spec under the current directory (so that a binary built
// before the spec was edited still compares the edited spec), else the embedded spec.
func currentSpec(api, newFile, specPath string) (specdiff.Version, error) {
	if newFile != "" {
		data, err := os.ReadFile(newFile)
		if err != nil {
			return specdiff.Version{}, fmt.Errorf("--new: %w", err)
		}
		return specdiff.Version{Name: newFile, Data: data}, nil
	}
	if data, err := os.ReadFile(specPath); err == nil {
		return specdiff.Version{Name: specPath, Data: data}, nil
	}
	data, err := specs.Source(api)
	if err != nil {
		return specdiff.Version{}, err
	}
	return specdiff.Version{Name: "embedded " + api + " spec", Data: data}, nil
}

// gitShow returns the text of file (relative to the repository root) at ref, with `git show REF:FILE`
// run in the current directory.
func gitShow(ctx context.Context, ref, file string) ([]byte, error) {
	if strings.HasPrefix(ref, "-") || strings.ContainsAny(ref, " \t\n") {
		return nil, fmt.Errorf("%q is not a git ref", ref)
	}
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, "git", "show", ref+":"+file)
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if err == nil {
		return out.Bytes(), nil
	}
	if errors.Is(err, exec.ErrNotFound) {
		return nil, errors.New("git is not installed; use --old FILE")
	}
	msg := strings.TrimSpace(errb.String())
	switch {
	case strings.Contains(msg, "not a git repository"):
		return nil, errors.New("the current directory is not in a git checkout; run vendorctl diff from the repository or use --old FILE")
	case strings.Contains(msg, "does not exist in"), strings.Contains(msg, "exists on disk, but not in"):
		return nil, fmt.Errorf("%s does not exist at %s", file, ref)
	case strings.Contains(msg, "invalid object name"), strings.Contains(msg, "unknown revision"), strings.Contains(msg, "bad revision"):
		return nil, fmt.Errorf("unknown git ref %q", ref)
	case msg == "":
		return nil, fmt.Errorf("git show %s:%s: %w", ref, file, err)
	}
	return nil, fmt.Errorf("git show %s:%s: %s", ref, file, msg)
}
