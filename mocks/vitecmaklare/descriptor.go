package vitecmaklare

import (
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// title is the vendor's display name.
const title = "Vitec Mäklare Connect"

// Descriptor is the Vitec Mäklare mock as the rest of the project sees it (mocks/all lists it). Its
// user and password replace the default user, who reads DefaultCustomer.
var Descriptor = mockkit.Descriptor{
	Name:   Name,
	Title:  title,
	Mounts: []mockkit.MountSpec{{Prefix: Prefix}},
	Settings: []mockkit.Setting{
		{Flag: "vitecmaklare-user", Env: "VENDORCTL_VITECMAKLARE_USER", Default: DefaultUser,
			Usage: "Vitec Mäklare Basic user name, reading customer " + DefaultCustomer, Credential: mockkit.User},
		{Flag: "vitecmaklare-password", Env: "VENDORCTL_VITECMAKLARE_PASSWORD", Default: DefaultPassword,
			Usage: "Vitec Mäklare Basic password", Credential: mockkit.Password},
	},
	Fixtures: []string{"contacts.json"},
	Build: func(c mockkit.BuildConfig) (mockserver.Vendor, error) {
		users := map[string]User{c.String("vitecmaklare-user"): {
			Password: c.String("vitecmaklare-password"), Customers: []string{DefaultCustomer}}}
		return New(Config{Users: users, Fixtures: c.Fixtures, Options: c.Options})
	},
	Example: func(c mockkit.Credentials) mockkit.Example {
		return mockkit.Example{Title: "read a contact", Path: Prefix + "/CRM/Contact/M30011/P1001", User: c.User, Password: c.Password}
	},
}
