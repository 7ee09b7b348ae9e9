// Command bench measures vendorctl serve over loopback: `bench compare` runs the load test of
// `make bench` (validated, unvalidated and Prism's mock, side by side in one run) and prints a
// markdown report; `bench soak` is `make soak`; `bench load` sends load to a server that is already
// running.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

const usage = `usage: bench COMMAND [flags]

Commands:
  compare   start vendorctl serve (validated and --no-validation) and Prism's mock, load each with the
            same request per vendor, print a markdown report with the targets
  soak      start vendorctl serve with faults, send many requests across every vendor, check memory
            stays flat and no answer is an unexpected 5xx
  growth    how cost grows: TimeWave with 260, 10 000 and 100 000 generated clients (start-up, RSS,
            p99 per request kind) and the mixed scenario at 1 to 512 connections; a table and a PNG chart
  load      load a running server with one vendor's request and print what was measured

Run 'bench COMMAND -h' for the flags of a command.`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		var ee *exitError
		if errors.As(err, &ee) {
			if ee.msg != "" {
				fmt.Fprintln(os.Stderr, "bench:", ee.msg)
			}
			os.Exit(ee.code)
		}
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// exitError ends the program with a code (2: usage, 1: a check failed).
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

func usageErrorf(format string, args ...any) error {
	return &exitError{code: 2, msg: fmt.Sprintf(format, args...)}
}

// run is the whole program, testable: args without the program name.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return &exitError{code: 2}
	}
	switch args[0] {
	case "compare":
		return runCompare(ctx, args[1:], stdout, stderr)
	case "soak":
		return runSoak(ctx, args[1:], stdout, stderr)
	case "load":
		return runLoad(ctx, args[1:], stdout, stderr)
	case "growth":
		return runGrowth(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprintln(stdout, usage)
		return nil
	}
	fmt.Fprintln(stderr, usage)
	return usageErrorf("unknown command %q", args[0])
}
