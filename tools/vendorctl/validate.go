package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/vendorctl/vendorctl/specs"
)

func runValidate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("validate", `usage: vendorctl validate --api NAME [--request] --method M --path P [--status N] [--content-type T] FILE
Validates FILE (- for stdin) as the response body (or, with --request, the request body) of the
operation M P routes to; P is relative to the spec's server URL (not the mock's: /api/customer, not
/vitecauto/api/customer) and may carry a query string.
Exit 0: valid; 1: invalid (one violation a line); 2: usage error or unknown route.`)
	fs := cmd.fs
	api := apiFlag(fs)
	isRequest := fs.Bool("request", false, "validate FILE as the request body")
	method := fs.String("method", "GET", "HTTP method")
	path := fs.String("path", "", "path relative to the spec's server URL, with any query string")
	status := fs.Int("status", 200, "response status")
	contentType := fs.String("content-type", "application/json", "content type of FILE")
	files, err := cmd.parse(args, stderr)
	if err != nil {
		return err
	}
	if *api == "" || *path == "" || len(files) != 1 {
		return cmd.usageErrorf("needs --api, --path and one FILE")
	}
	spec, err := loadAPI(*api)
	if err != nil {
		return err
	}
	body, err := readInput(files[0])
	if err != nil {
		return usageErrorf("%v", err)
	}
	u, err := parsePath(*path)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, strings.ToUpper(*method), "http://vendorctl.invalid"+u.RequestURI(), nil)
	if err != nil {
		return usageErrorf("%v", err)
	}
	route, err := findRoute(spec, *api, req, *path)
	if err != nil {
		return err
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
