package timewave

import (
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
)

// title is the vendor's display name.
const title = "TimeWave"

// Descriptor is the TimeWave mock as the rest of the project sees it (mocks/all lists it).
var Descriptor = mockkit.Descriptor{
	Name:   Name,
	Title:  title,
	Mounts: []mockkit.MountSpec{{Prefix: Prefix}},
	Settings: []mockkit.Setting{
		{Flag: "timewave-client-id", Env: "VENDORCTL_TIMEWAVE_CLIENT_ID", Default: DefaultClientID,
			Usage: "TimeWave OAuth client_id", Credential: mockkit.ClientID},
		{Flag: "timewave-client-secret", Env: "VENDORCTL_TIMEWAVE_CLIENT_SECRET", Default: DefaultClientSecret,
			Usage: "TimeWave OAuth client_secret", Credential: mockkit.ClientSecret},
		{Flag: "timewave-rate-limit", Env: "VENDORCTL_TIMEWAVE_RATE_LIMIT", Default: "0", Kind: mockkit.KindRate,
			Usage: "TimeWave rate limit emulation in requests per second per OAuth client, 429 with Retry-After beyond it; 0 for none"},
	},
	Fixtures: []string{"clients.json", "reference.json"},
	Build: func(c mockkit.BuildConfig) (mockserver.Vendor, error) {
		return New(Config{
			ClientID:     c.String("timewave-client-id"),
			ClientSecret: c.String("timewave-client-secret"),
			RateLimit:    oauth.RateLimit{Rate: c.Rate("timewave-rate-limit")},
			Fixtures:     c.Fixtures,
			Options:      c.Options,
		})
	},
	Example: func(c mockkit.Credentials) mockkit.Example {
		return mockkit.Example{Title: "a client token", Path: Prefix + "/oauth/token", Form: mockkit.ClientCredentialsForm(c)}
	},
}
