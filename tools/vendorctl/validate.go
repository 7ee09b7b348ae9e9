package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/vendorctl/vendorctl/specs"
)

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("validate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vendorctl validate --api NAME [--request] --method M --path P [--status N] [--content-type T] FILE")
		fmt.Fprintln(stderr, "Validates FILE (- for stdin) as the response body (or, with --request, the request body) of the")
		fmt.Fprintln(stderr, "operation M P routes to; P is relative to the spec's server URL and may carry a query string.")
		fmt.Fprintln(stderr, "Exit 0: valid; 1: invalid (one violation a line); 2: usage error or unknown route.")
		fs.PrintDefaults()
	}
	api := fs.String("api", "", "API name: "+strings.Join(specs.Names(), ", "))
	isRequest := fs.Bool("request", false, "validate FILE as the request body")
	method := fs.String("method", "GET", "HTTP method")
	path := fs.String("path", "", "path relative to the server URL, with any query string")
	status := fs.Int("status", 200, "response status")
	contentType := fs.String("content-type", "application/json", "content type of FILE")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{code: 2}
	}
	if *api == "" || *path == "" || fs.NArg() != 1 {
		fs.Usage()
		return usageErrorf("validate needs --api, --path and one FILE")
	}
	spec, err := specs.Load(*api)
	if err != nil {
		return usageErrorf("%v", err)
	}
	body, err := readInput(fs.Arg(0))
	if err != nil {
		return usageErrorf("%v", err)
	}
	u, err := url.Parse(*path)
	if err != nil || !strings.HasPrefix(u.Path, "/") {
		return usageErrorf("--path %q: want a path such as /api/customer?companyId=1", *path)
	}
	req, err := http.NewRequestWithContext(ctx, strings.ToUpper(*method), "http://vendorctl.invalid"+u.RequestURI(), nil)
	if err != nil {
		return usageErrorf("%v", err)
	}
	route, err := spec.FindRouteRequest(req)
	if err != nil {
		return usageErrorf("%s: %v", *api, err)
	}
	what := fmt.Sprintf("%s %s response %d", *api, route.OperationID(), *status)
	if *isRequest {
		what = fmt.Sprintf("%s %s request", *api, route.OperationID())
		req.Body = io.NopCloser(bytes.NewReader(body))
		req.ContentLength = int64(len(body))
		req.Header.Set("Content-Type", *contentType)
		err = spec.ValidateRequest(ctx, req, route)
	} else {
		err = spec.ValidateResponse(ctx, req, route, specs.Response{
			Status: *status, Header: http.Header{"Content-Type": {*contentType}}, Body: body,
		})
	}
	if err == nil {
		fmt.Fprintf(stdout, "valid: %s\n", what)
		return nil
	}
	vs := specs.Violations(err)
	if vs == nil {
		return err
	}
	// A request body alone cannot carry required query or header parameters: validate only the body.
	if *isRequest {
		vs = bodyOnly(vs)
		if len(vs) == 0 {
			fmt.Fprintf(stdout, "valid: %s\n", what)
			return nil
		}
	}
	fmt.Fprintf(stdout, "invalid: %s\n", what)
	for _, v := range vs {
		fmt.Fprintln(stdout, v.String())
	}
	return &exitError{code: 1}
}

func bodyOnly(vs []specs.Violation) []specs.Violation {
	var out []specs.Violation
	for _, v := range vs {
		if v.In == "body" || v.In == "content-type" {
			out = append(out, v)
		}
	}
	return out
}

func readInput(name string) ([]byte, error) {
	if name == "-" {
		return io.ReadAll(os.Stdin)
	}
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return data, nil
}
