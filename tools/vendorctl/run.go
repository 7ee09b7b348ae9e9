package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

const usage = `usage: vendorctl COMMAND [flags]

Commands:
  serve      start every vendor mock on one listener (default 127.0.0.1:8080)
  validate   validate a request or response body against a vendor's spec
  conform    check a live API (vendor or mock) against its spec: named checks, JUnit and JSON reports
  proxy      a reverse proxy that validates every request and response against the spec
  diff       list the breaking changes between an older version of a spec and the current one

Run 'vendorctl COMMAND -h' for the flags of a command.`

// run is the whole program, testable: args without the program name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return &exitError{code: 2}
	}
	cmd, rest := args[0], args[1:]
	switch cmd {
	case "serve":
		return runServe(ctx, rest, stdout, stderr)
	case "validate":
		return runValidate(ctx, rest, stdout, stderr)
	case "conform":
		return runConform(ctx, rest, stdout, stderr)
	case "proxy":
		return runProxy(ctx, rest, stdout, stderr)
	case "diff":
		return runDiff(ctx, rest, stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return usageErrorf("unknown command %q", strings.TrimSpace(cmd))
}
