package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// runLoad loads a running vendorctl serve with one vendor's request (or every vendor's, round-robin).
func runLoad(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8080", "the address vendorctl serve listens on")
	api := fs.String("api", "", "the vendor to load (default: every vendor the server runs, round-robin)")
	c := fs.Int("c", 32, "connections")
	n := fs.Int("n", 0, "requests in all (0: run for -d)")
	d := fs.Duration("d", 5*time.Second, "duration, when -n is 0")
	mix := fs.Bool("mix", false, "send the mixed scenario (creates, updates, reads and searches across every vendor; resets the server first) for -d instead of one request per vendor")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{code: 2}
	}
	running, err := healthAPIs(ctx, *addr)
	if err != nil {
		return fmt.Errorf("is vendorctl serve running on %s? %w", *addr, err)
	}
	if *api != "" {
		if !strings.Contains(","+strings.Join(running, ",")+",", ","+*api+",") {
			return usageErrorf("--api %s: the server runs %v", *api, running)
		}
		running = []string{*api}
	}
	if *mix {
		res, err := runMix(ctx, vendorctlMix(*addr), *c, *d)
		if err != nil {
			return err
		}
		printLoad(stdout, res)
		return nil
	}
	known, _ := pick(running)
	if len(known) == 0 {
		return usageErrorf("no vendor to load: the server runs %v", running)
	}
	hc := &http.Client{Timeout: 10 * time.Second}
	tokens := map[string]string{}
	var reqs []Request
	for _, sc := range known {
		r, err := sc.vendorctlRequests(ctx, hc, "http://"+*addr, false, tokens)
		if err != nil {
			return err
		}
		reqs = append(reqs, r...)
	}
	res, err := Load(ctx, LoadConfig{Addr: *addr, Requests: reqs, Concurrency: *c, Count: *n, Duration: *d})
	if err != nil {
		return err
	}
	printLoad(stdout, res)
	return nil
}

func printLoad(w io.Writer, res *Result) {
	fmt.Fprintf(w, "%d requests in %s: %s req/s, p50 %s ms, p99 %s ms, max %s ms; %s\n", res.Requests,
		res.Elapsed.Round(time.Millisecond), thousands(res.RPS()), formatMS(res.P50), formatMS(res.P99), formatMS(res.Max), res.StatusSummary())
	if res.FirstError != "" {
		fmt.Fprintf(w, "first error: %s\n", res.FirstError)
	}
}
