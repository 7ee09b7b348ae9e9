package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
)

func runProxy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, "usage: vendorctl proxy --api NAME --upstream URL [--addr 127.0.0.1:8090] [--strict]")
		fmt.Fprintln(stderr, "A reverse proxy to URL (which stands for the spec's server URL) that validates every request and")
		fmt.Fprintln(stderr, "response, names violations in the "+proxy.HeaderViolations+" header and counts them at GET /__admin/violations.")
		fmt.Fprintln(stderr, "With --strict a response that violates the spec becomes a 502 application/problem+json.")
		fs.PrintDefaults()
	}
	api := fs.String("api", "", "API name: "+strings.Join(specs.Names(), ", "))
	upstream := fs.String("upstream", envOr("VENDORCTL_UPSTREAM", ""), "upstream base URL, e.g. http://127.0.0.1:8080/vitecauto (env VENDORCTL_UPSTREAM)")
	addr := fs.String("addr", envOr("VENDORCTL_PROXY_ADDR", "127.0.0.1:8090"), "listen address (env VENDORCTL_PROXY_ADDR)")
	strict := fs.Bool("strict", false, "answer 502 problem+json instead of a response that violates the spec")
	logLevel := fs.String("log-level", envOr("VENDORCTL_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env VENDORCTL_LOG_LEVEL)")
	adminToken := fs.String("admin-token", os.Getenv("VENDORCTL_ADMIN_TOKEN"), "token required by GET and DELETE /__admin/violations (env VENDORCTL_ADMIN_TOKEN); required when --addr is not a loopback address")
	hosts := publicHostFlag(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil
		}
		return &exitError{code: 2}
	}
	if *api == "" || *upstream == "" || fs.NArg() > 0 {
		fs.Usage()
		return usageErrorf("proxy needs --api and --upstream, and takes no arguments")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return usageErrorf("--log-level %q: %v", *logLevel, err)
	}
	if err := checkAdminExposure(*addr, *adminToken); err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	spec, err := specs.Load(*api)
	if err != nil {
		return usageErrorf("%v", err)
	}
	p, err := proxy.New(proxy.Config{Spec: spec, Upstream: *upstream, Strict: *strict, Logger: logger,
		Admin: mockkit.AdminGuard{Token: *adminToken, AllowedHosts: *hosts}})
	if err != nil {
		return usageErrorf("%v", err)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	base := "http://" + ln.Addr().String()
	mode := ""
	if *strict {
		mode = ", strict"
	}
	fmt.Fprintf(stdout, "vendorctl proxy: %s on %s → %s%s (violations: %s%sviolations)\n", *api, base, p.Upstream(), mode, base, proxy.AdminPath)
	logger.Info("proxying", "api", *api, "addr", ln.Addr().String(), "strict", *strict)
	if err := mockkit.Serve(ctx, ln, p, logger); err != nil {
		return err
	}
	logger.Info("stopped")
	return nil
}
