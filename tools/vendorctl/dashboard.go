package main

import (
	"context"
	"net/http"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/tools/internal/dashboard"
)

// withDashboard puts the dashboard (/__admin/ui/ and /__admin/vendors) in front of next, and ends the
// journal streams of feed when ctx ends, so that an open page does not hold up the shutdown.
func withDashboard(ctx context.Context, next http.Handler, guard mockserver.AdminGuard, vendors []mockserver.Vendor, cfg all.Config, feed *mockserver.Feed) (http.Handler, error) {
	go func() {
		<-ctx.Done()
		feed.Close()
	}()
	return dashboard.Handler(dashboard.Config{Next: next, Guard: guard, Vendors: dashboardVendors(vendors, cfg)})
}

// dashboardVendors describes each vendor for the Vendors view: mounts, credentials and the example
// request of its descriptor.
func dashboardVendors(vendors []mockserver.Vendor, cfg all.Config) []dashboard.Vendor {
	out := make([]dashboard.Vendor, 0, len(vendors))
	for _, v := range vendors {
		creds := cfg.Credentials(v.Name())
		dv := dashboard.Vendor{Name: v.Name(), Title: v.Title(), Credentials: v.Credentials(),
			Secrets: []string{creds.APIKey, creds.Password, creds.ClientSecret}}
		if d, ok := all.Lookup(v.Name()); ok && d.Example != nil {
			e := d.Example(creds)
			dv.Example = &e
		}
		for _, m := range v.Mounts() {
			dv.Mounts = append(dv.Mounts, dashboard.Mount{Prefix: m.Prefix, Production: m.Production})
		}
		out = append(out, dv)
	}
	return out
}
