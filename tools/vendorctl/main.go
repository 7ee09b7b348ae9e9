// Command vendorctl serves mock vendors and checks traffic against the vendors' specs.
//
//	vendorctl serve [--addr 127.0.0.1:8080]      every vendor mock on one listener
//	vendorctl validate --api NAME ... FILE        validate a request or response body against a spec
//	vendorctl conform --api NAME --base-url URL   check a live API against its spec
//	vendorctl proxy --api NAME --upstream URL     validate live traffic through a reverse proxy
//	vendorctl diff --api NAME (--old FILE | --base GITREF) [--new FILE] [--all]
//	                                              breaking changes between two versions of a spec
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	os.Exit(exitCode(err, os.Stderr))
}

// exitError carries a process exit code; its message, if any, is printed to stderr after
// "vendorctl CMD:" (cmd: the subcommand it came from; zero: "vendorctl:").
type exitError struct {
	code int
	cmd  string
	msg  string
	err  error // the error it stands for, if any (zero: none)
}

func (e *exitError) Error() string { return e.msg }

func (e *exitError) Unwrap() error { return e.err }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

func exitCode(err error, stderr interface{ Write([]byte) (int, error) }) int {
	if err == nil {
		return 0
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			prefix := "vendorctl:"
			if ee.cmd != "" {
				prefix = "vendorctl " + ee.cmd + ":"
			}
			fmt.Fprintln(stderr, prefix, ee.msg)
		}
		return ee.code
	}
	fmt.Fprintln(stderr, "vendorctl:", err)
	return 1
}
