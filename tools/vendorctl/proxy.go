package main

import (
	"context"
	"fmt"
	"io"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/tools/internal/httpserve"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
)

// proxySynopsis is proxy's -h text before the flags.
const proxySynopsis = "usage: vendorctl proxy --api NAME --upstream URL [--addr 127.0.0.1:8090] [--strict] [--admin-token T] [--public-host H]\n" +
	"                      [--record DIR [--anonymize-key K | --keep-personal-data]]\n" +
	"A reverse proxy to URL (which stands for the spec's server URL) that validates every request and\n" +
	"response, names violations in the " + proxy.HeaderViolations + " header and counts them at GET /__admin/violations.\n" +
	"With --strict a response that violates the spec becomes a 502 application/problem+json.\n" +
	"With --record DIR every answer that conforms becomes fixtures under DIR/<api>/ (serve --fixtures DIR),\n" +
	"personal data replaced by synthetic values; the rest are reported at shutdown.\n" +
	"Exit 0: stopped by a signal; 2: usage or config error (a flag, an address in use)."

func runProxy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	cmd := newCommand("proxy", proxySynopsis)
	fs := cmd.fs
	api := apiFlag(fs)
	upstream := fs.String("upstream", envOr("VENDORCTL_UPSTREAM", ""), "upstream base URL, e.g. http://127.0.0.1:8080/vitecauto (env VENDORCTL_UPSTREAM)")
	addr := fs.String("addr", envOr("VENDORCTL_PROXY_ADDR", "127.0.0.1:8090"), "listen address (env VENDORCTL_PROXY_ADDR)")
	strict := fs.Bool("strict", false, "answer 502 problem+json instead of a response that violates the spec")
	logLevel := fs.String("log-level", envOr("VENDORCTL_LOG_LEVEL", "info"), "log level: debug, info, warn, error (env VENDORCTL_LOG_LEVEL)")
	adminToken := adminTokenFlag(fs, "GET and DELETE /__admin/violations")
	hosts := publicHostFlag(fs)
	recFlags := defineRecordFlags(fs)
	rest, err := cmd.parse(args, stderr)
	if err != nil {
		return err
	}
	if *api == "" || *upstream == "" || len(rest) > 0 {
		return cmd.usageErrorf("needs --api and --upstream, and takes no arguments")
	}
	if err := recFlags.check(cmd); err != nil {
		return err
	}
	logger, err := serverLogger(*logLevel, *addr, *adminToken, stderr)
	if err != nil {
		return err
	}
	spec, err := loadAPI(*api)
	if err != nil {
		return err
	}
	rec, err := recFlags.recorder(*api, stderr)
	if err != nil {
		return err
	}
	p, err := proxy.New(proxy.Config{Spec: spec, Upstream: *upstream, Strict: *strict, Logger: logger,
		Admin: mockserver.AdminGuard{Token: *adminToken, AllowedHosts: *hosts}, Observe: observer(rec)})
	if err != nil {
		return usageErrorf("%v", err)
	}
	ln, err := listen(*addr, " (env VENDORCTL_PROXY_ADDR)")
	if err != nil {
		return err
	}
	base := "http://" + ln.Addr().String()
	mode := ""
	if *strict {
		mode = ", strict"
	}
	fmt.Fprintf(stdout, "vendorctl proxy: %s on %s → %s%s (violations: %s%sviolations)\n", *api, base, p.Upstream(), mode, base, proxy.AdminPath)
	logger.Info("proxying", "api", *api, "addr", ln.Addr().String(), "strict", *strict, "record", *recFlags.dir)
	return recFlags.around(ctx, rec, *api, logger, stderr, func() error {
		if err := httpserve.Serve(ctx, ln, p, logger); err != nil {
			return err
		}
		logger.Info("stopped")
		return nil
	})
}
