package mediaconnect

import (
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
)

// title is the vendor's display name.
const title = "Mediaconnect Connect"

// Descriptor is the Mediaconnect mock, with ConnectID, as the rest of the project sees it (mocks/all
// lists it).
var Descriptor = mockkit.Descriptor{
	Name:   Name,
	Title:  title,
	Mounts: []mockkit.MountSpec{{Prefix: Prefix}, {Prefix: ConnectIDPrefix, API: ConnectIDName}},
	Settings: []mockkit.Setting{
		{Flag: "mediaconnect-client-id", Env: "VENDORCTL_MEDIACONNECT_CLIENT_ID", Default: DefaultClientID,
			Usage: "Mediaconnect (ConnectID) OAuth client_id", Credential: mockkit.ClientID},
		{Flag: "mediaconnect-client-secret", Env: "VENDORCTL_MEDIACONNECT_CLIENT_SECRET", Default: DefaultClientSecret,
			Usage: "Mediaconnect (ConnectID) OAuth client_secret", Credential: mockkit.ClientSecret},
		{Flag: "mediaconnect-token-ttl", Env: "VENDORCTL_MEDIACONNECT_TOKEN_TTL", Default: DefaultTokenTTL.String(),
			Usage: "lifetime of Mediaconnect access tokens", Kind: mockkit.KindDuration},
		{Flag: "mediaconnect-rate-limit", Env: "VENDORCTL_MEDIACONNECT_RATE_LIMIT", Default: "0",
			Usage: "Mediaconnect API rate limit in requests per second per OAuth client, 0 for none", Kind: mockkit.KindRate},
	},
	Fixtures: []string{"customers.json", "addresses.json"},
	Build: func(c mockkit.BuildConfig) (mockserver.Vendor, error) {
		return New(Config{
			ClientID:     c.String("mediaconnect-client-id"),
			ClientSecret: c.String("mediaconnect-client-secret"),
			TokenTTL:     c.Duration("mediaconnect-token-ttl"),
			RateLimit:    oauth.RateLimit{Rate: c.Rate("mediaconnect-rate-limit")},
			Fixtures:     c.Fixtures,
			Options:      c.Options,
		})
	},
	Example: func(c mockkit.Credentials) mockkit.Example {
		return mockkit.Example{Title: "a client token from ConnectID", Path: ConnectIDPrefix + TokenPath, Form: mockkit.ClientCredentialsForm(c)}
	},
}
