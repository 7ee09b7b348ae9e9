package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/vendorctl/vendorctl/tools/internal/conform"
)

func runConform(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("conform", "usage: vendorctl conform --api NAME --base-url URL [credentials] [--allow-writes] [--allow-skips] [--max-examples N] [--seed S] [--max-time D] [--strict-acceptance] [--junit FILE] [--json FILE]\n"+
		"Checks every operation of the API's spec against the server at URL (the vendor, or a mock such as\n"+
		"http://127.0.0.1:8080/vitecauto), then the vendor's stateful flows. Read-only unless --allow-writes.\n"+
		"Then it generates --max-examples valid (positive) and single-constraint-broken (negative) requests per\n"+
		"operation from the schemas, and sequences along the spec's links; a failure is shrunk and printed with\n"+
		"a curl line that reproduces it. --seed repeats a run.\n"+
		"Checks: "+strings.Join(conform.CheckNames(), ", ")+"\n"+
		"Credentials go only to hosts you name: a token URL from the spec on another host than --base-url\n"+
		"(Mediaconnect's ConnectID) is refused, exit 2, until --token-url names it.\n"+
		"TimeWave: the run fetches one token and reuses it, but TimeWave's token endpoint invalidates the\n"+
		"previous token, so a run with the live integration's credentials logs that integration out.\n"+
		"Exit 0: every check passed; 1: a check failed, or checks were skipped for missing credentials\n"+
		"(unless --allow-skips); 2: usage error, unnamed token host, or base URL unreachable.")
	fs := cmd.fs
	api := apiFlag(fs)
	baseURL := fs.String("base-url", envOr("VENDORCTL_BASE_URL", ""), "base URL standing for the spec's server URL (env VENDORCTL_BASE_URL)")
	var creds conform.Credentials
	fs.StringVar(&creds.APIKey, "api-key", envOr("VENDORCTL_API_KEY", ""), "API key for apiKey schemes (env VENDORCTL_API_KEY)")
	fs.StringVar(&creds.User, "user", envOr("VENDORCTL_USER", ""), "user for http basic (env VENDORCTL_USER)")
	fs.StringVar(&creds.Password, "password", envOr("VENDORCTL_PASSWORD", ""), "password for http basic (env VENDORCTL_PASSWORD)")
	fs.StringVar(&creds.ClientID, "client-id", envOr("VENDORCTL_CLIENT_ID", ""), "OAuth 2.0 client id (env VENDORCTL_CLIENT_ID)")
	fs.StringVar(&creds.ClientSecret, "client-secret", envOr("VENDORCTL_CLIENT_SECRET", ""), "OAuth 2.0 client secret (env VENDORCTL_CLIENT_SECRET)")
	fs.StringVar(&creds.TokenURL, "token-url", envOr("VENDORCTL_TOKEN_URL", ""), "OAuth 2.0 token URL (env VENDORCTL_TOKEN_URL; default: the spec's, rebased onto --base-url when it lies under the spec's server URL; a default on another host than --base-url is refused)")
	fs.StringVar(&creds.AuthorizeURL, "authorize-url", envOr("VENDORCTL_AUTHORIZE_URL", ""), "OAuth 2.0 authorize URL for user-token operations; it must redirect with a code at once, as the mock's does (env VENDORCTL_AUTHORIZE_URL; default: none, those checks are skipped and the run exits 1 unless --allow-skips)")
	fs.StringVar(&creds.RedirectURL, "redirect-url", envOr("VENDORCTL_REDIRECT_URL", conform.DefaultRedirectURL), "redirect_uri of the authorization code flow; never requested (env VENDORCTL_REDIRECT_URL)")
	allowWrites := fs.Bool("allow-writes", false, "also check operations and flows that write (POST, PUT, PATCH, DELETE)")
	allowSkips := fs.Bool("allow-skips", false, "pass although checks were skipped for missing credentials (default: such a run exits 1)")
	exclude := fs.String("exclude-checks", "", "comma-separated checks not to run")
	junitFile := fs.String("junit", "", "write a JUnit XML report to FILE (a testcase per check per operation)")
	jsonFile := fs.String("json", "", "write a JSON report to FILE")
	timeout := fs.Duration("timeout", conform.DefaultTimeout, "timeout of one request")
	var gen conform.Generation
	fs.IntVar(&gen.MaxExamples, "max-examples", conform.DefaultMaxExamples, "generated requests per operation and phase (positive, negative), besides the examples; 0: examples only")
	seed := fs.Uint64("seed", 0, "seed of the generated requests: the same seed repeats a run exactly (default: a random one, printed in the reports)")
	fs.DurationVar(&gen.MaxTime, "max-time", 0, "bound of the generative phase (e.g. 2m; default: none)")
	fs.BoolVar(&gen.StrictAcceptance, "strict-acceptance", false, "fail a valid generated request that the vendor refuses for a business rule (a documented 4xx such as 404)")
	logLevel := fs.String("log-level", envOr("VENDORCTL_LOG_LEVEL", "warn"), "log level on stderr: debug (one line per request), info, warn, error")
	rest, err := cmd.parse(args, stderr)
	if err != nil {
		return err
	}
	if *api == "" || *baseURL == "" || len(rest) > 0 {
		return cmd.usageErrorf("needs --api and --base-url, and takes no arguments")
	}
	level, err := parseLogLevel(*logLevel)
	if err != nil {
		return err
	}
	gen.Seed = *seed
	if !flagGiven(fs, "seed") {
		gen.Seed = randomSeed()
	}
	gen.Bar = isTerminal(stdout)
	spec, err := loadAPI(*api)
	if err != nil {
		return err
	}
	runner, err := conform.New(conform.Config{
		Spec:        spec,
		BaseURL:     *baseURL,
		Credentials: creds,
		AllowWrites: *allowWrites,
		AllowSkips:  *allowSkips,
		Exclude:     splitList(*exclude),
		HTTPClient:  &http.Client{Timeout: *timeout},
		Progress:    stdout,
		Logger:      slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
		Generate:    gen,
	})
	if err != nil {
		return usageErrorf("%v", err)
	}
	rep, err := runner.Run(ctx)
	if err != nil {
		if errors.Is(err, conform.ErrUnreachable) {
			return usageErrorf("%v", err)
		}
		return &exitError{code: 2, msg: err.Error()}
	}
	if err := conform.WriteText(stdout, rep); err != nil {
		return err
	}
	if err := writeReport(*junitFile, rep, conform.WriteJUnit); err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	if err := writeReport(*jsonFile, rep, conform.WriteJSON); err != nil {
		return &exitError{code: 2, msg: err.Error()}
	}
	if !rep.Passed() {
		return &exitError{code: 1}
	}
	return nil
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func writeReport(path string, rep *conform.Report, write func(io.Writer, *conform.Report) error) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("write report: %w", err)
	}
	if err := write(f, rep); err != nil {
		_ = f.Close()
		return fmt.Errorf("write report %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write report %s: %w", path, err)
	}
	return nil
}
