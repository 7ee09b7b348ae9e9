package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/statedir"
	"github.com/vendorctl/vendorctl/tools/internal/httpserve"
)

// openState loads the state kept in dir (serve --state-dir) into the default session's vendors and
// returns the store that keeps it (serveKeeping runs it); nil when dir is "". A state that does not load
// is a usage error (exit 2) naming the file.
func openState(dir string, vendors []mockserver.Vendor, logger *slog.Logger) (*statedir.Store, error) {
	if dir == "" {
		return nil, nil
	}
	store, err := statedir.Open(statedir.Config{Dir: dir, Version: vendorctlVersion(), Logger: logger}, vendors)
	if le := (*statedir.LoadError)(nil); errors.As(err, &le) {
		return nil, usageErrorf("%v", le)
	}
	if err != nil {
		return nil, err
	}
	logger.Info("keeping state", "dir", dir)
	return store, nil
}

// keepState is h with its state changes written by store (h itself when store is nil).
func keepState(store *statedir.Store, h http.Handler) http.Handler {
	if store == nil {
		return h
	}
	return store.Handler(h)
}

// serveKeeping serves handler on ln until ctx is done (httpserve.Serve) while store, when not nil,
// writes the state; after the last request it writes the last changes.
func serveKeeping(ctx context.Context, ln net.Listener, handler http.Handler, logger *slog.Logger, store *statedir.Store) error {
	if store == nil {
		return httpserve.Serve(ctx, ln, handler, logger)
	}
	store.Start()
	err := httpserve.Serve(ctx, ln, handler, logger)
	if cerr := store.Close(); cerr != nil {
		return errors.Join(err, fmt.Errorf("state not written: %w", cerr))
	}
	return err
}

// vendorctlVersion is the module version the binary was built from ("(devel)" for a local build).
func vendorctlVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		return info.Main.Version
	}
	return "unknown"
}
