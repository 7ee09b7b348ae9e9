package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
)

const usage = `usage: vendorctl COMMAND [flags]

Commands:
  serve      start every vendor mock on one listener (default 127.0.0.1:8080)
  validate   validate a request or response body against a vendor's spec
  conform    check a live API (vendor or mock) against its spec: named checks, JUnit and JSON reports
  proxy      a reverse proxy that validates every request and response against the spec
  diff       list the breaking changes between an older version of a spec and the current one

Run 'vendorctl COMMAND -h' for the flags of a command; flags may come before or after its arguments.`

// run is the whole program, testable: args without the program name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return &exitError{code: 2}
	}
	cmd, rest := args[0], args[1:]
	if sub, ok := subcommands[cmd]; ok {
		return fromCommand(cmd, sub(ctx, rest, stdout, stderr))
	}
	switch cmd {
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	if near := closest(cmd, slices.Sorted(maps.Keys(subcommands))); near != "" {
		return usageErrorf("unknown command %q (did you mean %s?); see 'vendorctl help'", cmd, near)
	}
	fmt.Fprintln(stderr, usage)
	return usageErrorf("unknown command %q", strings.TrimSpace(cmd))
}

// subcommands are the commands by name.
var subcommands = map[string]func(ctx context.Context, args []string, stdout, stderr io.Writer) error{
	"serve":    runServe,
	"validate": runValidate,
	"conform":  runConform,
	"proxy":    runProxy,
	"diff":     runDiff,
}

// fromCommand names the subcommand in err's message: "vendorctl serve: ...". An error without an
// exit code keeps exit 1.
func fromCommand(cmd string, err error) error {
	if err == nil {
		return nil
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.cmd == "" {
			ee.cmd = cmd
		}
		return err
	}
	return &exitError{code: 1, cmd: cmd, msg: err.Error(), err: err}
}
