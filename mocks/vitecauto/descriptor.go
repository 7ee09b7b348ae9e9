package vitecauto

import (
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// title is the vendor's display name.
const title = "Vitec Autodata"

// Descriptor is the Vitec Autodata mock as the rest of the project sees it (mocks/all lists it).
var Descriptor = mockkit.Descriptor{
	Name:   Name,
	Title:  title,
	Mounts: []mockkit.MountSpec{{Prefix: Prefix}},
	Settings: []mockkit.Setting{{
		Flag: "vitecauto-api-key", Env: "VENDORCTL_VITECAUTO_API_KEY", Default: DefaultAPIKey,
		Usage: "Vitec Autodata x-api-key", Credential: mockkit.APIKey,
	}},
	Fixtures: []string{"customers.json"},
	Build: func(c mockkit.BuildConfig) (mockserver.Vendor, error) {
		return New(Config{APIKey: c.String("vitecauto-api-key"), Fixtures: c.Fixtures, Options: c.Options})
	},
	Example: func(c mockkit.Credentials) mockkit.Example {
		return mockkit.Example{Title: "read a customer", Path: Prefix + "/api/customer?companyId=998&customerId=500190",
			Header: map[string]string{"x-api-key": c.APIKey}}
	},
}
