// Package dashboard serves the browser page of `vendorctl serve` at /__admin/ui/ (Requests, State,
// Faults and Vendors over the admin API) and the one admin endpoint the page needs that the mock
// server cannot answer alone: GET /__admin/vendors, the vendors' base URLs, credentials and an example
// request each.
//
// Scope: the page's files, embedded (plain HTML, CSS and JavaScript: no build step, nothing loaded from
// outside the binary), and the vendors endpoint, behind the admin guard. Everything else the page
// shows it reads from the admin API of mockserver and sessions.
//
// Non-goals: the admin API itself, logins beyond the admin token, serving anything but loopback's
// developer (the guard's Host check applies to the page too).
package dashboard

import (
	"embed"
	"errors"
	"io/fs"
	"net/http"
	"strings"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// Paths the dashboard answers; every other request goes to Config.Next.
const (
	UIPath      = "/__admin/ui/"
	VendorsPath = "/__admin/vendors"
)

//go:embed ui
var files embed.FS

// ErrNoNext is a Config without the handler that serves everything else.
var ErrNoNext = errors.New("dashboard: Config.Next is required")

// Config configures Handler. Next is required.
type Config struct {
	// Next serves every request that is not the page's or the vendors endpoint's: the mocks and the
	// rest of the admin API.
	Next http.Handler
	// Guard protects the vendors endpoint like every admin endpoint, and checks the Host of the page's
	// files (which hold no data, so they need no token: the page asks for it). Zero: loopback, no token.
	Guard mockserver.AdminGuard
	// Vendors are what GET /__admin/vendors lists, in order (zero: none).
	Vendors []Vendor
}

// Handler serves the page and the vendors endpoint, and hands everything else to cfg.Next.
func Handler(cfg Config) (http.Handler, error) {
	if cfg.Next == nil {
		return nil, ErrNoNext
	}
	sub, err := fs.Sub(files, "ui")
	if err != nil {
		return nil, err
	}
	page := cfg.Guard.ProtectOpen(withPageHeaders(http.StripPrefix(UIPath, http.FileServerFS(sub))))
	vendors := cfg.Guard.Protect(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		serveVendors(w, r, cfg.Vendors)
	}))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch p := r.URL.Path; {
		case p == strings.TrimSuffix(UIPath, "/"):
			cfg.Guard.ProtectOpen(http.RedirectHandler(UIPath, http.StatusFound)).ServeHTTP(w, r)
		case strings.HasPrefix(p, UIPath):
			page.ServeHTTP(w, r)
		case p == VendorsPath:
			vendors.ServeHTTP(w, r)
		default:
			cfg.Next.ServeHTTP(w, r)
		}
	}), nil
}

// withPageHeaders answers GET and HEAD only, and keeps the page to its own origin: no script, style,
// font or frame from elsewhere, and no framing by another site.
func withPageHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "the dashboard's files answer GET only")
			return
		}
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'")
		hdr.Set("X-Content-Type-Options", "nosniff")
		hdr.Set("Referrer-Policy", "no-referrer")
		hdr.Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}
