package main

import (
	"context"
	"net/http"
	"net/url"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/timewave"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/vitecmaklare"
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

// dashboardVendors describes each vendor for the Vendors view: mounts, credentials and an example.
func dashboardVendors(vendors []mockserver.Vendor, cfg all.Config) []dashboard.Vendor {
	out := make([]dashboard.Vendor, 0, len(vendors))
	for _, v := range vendors {
		creds := cfg.Credentials(v.Name())
		dv := dashboard.Vendor{Name: v.Name(), Title: v.Title(), Credentials: v.Credentials(),
			Secrets: []string{creds.APIKey, creds.Password, creds.ClientSecret}, Example: exampleRequest(v.Name(), creds)}
		for _, m := range v.Mounts() {
			dv.Mounts = append(dv.Mounts, dashboard.Mount{Prefix: m.Prefix, Production: m.Production})
		}
		out = append(out, dv)
	}
	return out
}

// exampleRequest is one request each vendor's mock answers with 200, with the credentials it takes
// (nil for a vendor without one).
func exampleRequest(api string, c all.Credentials) *dashboard.Example {
	clientCredentials := url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}}
	switch api {
	case vitecauto.Name:
		return &dashboard.Example{Title: "read a customer", Path: vitecauto.Prefix + "/api/customer?companyId=998&customerId=500190",
			Header: map[string]string{"x-api-key": c.APIKey}}
	case mediaconnect.Name:
		return &dashboard.Example{Title: "a client token from ConnectID", Path: mediaconnect.ConnectIDPrefix + mediaconnect.TokenPath, Form: clientCredentials}
	case vitecmaklare.Name:
		return &dashboard.Example{Title: "read a contact", Path: vitecmaklare.Prefix + "/CRM/Contact/M30011/P1001", User: c.User, Password: c.Password}
	case timewave.Name:
		return &dashboard.Example{Title: "a client token", Path: timewave.Prefix + "/oauth/token", Form: clientCredentials}
	}
	return nil
}
