// Package all assembles every vendor mock with its credentials, for `vendorctl serve` and for tests.
package all

import (
	"fmt"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/vitecmaklare"
)

// Config holds the credentials of every mock (empty: the vendor mock's default) and the shared options.
type Config struct {
	VitecAutoAPIKey string
	// VitecMaklareUser and VitecMaklarePassword replace the Vitec Mäklare mock's default Basic
	// credentials; they read the default customer (vitecmaklare.DefaultCustomer).
	VitecMaklareUser     string
	VitecMaklarePassword string
	mockkit.Options
}

// Names are the vendors New builds, in order.
func Names() []string { return []string{vitecauto.Name, vitecmaklare.Name} }

// New builds every vendor mock.
func New(cfg Config) ([]mockkit.Vendor, error) {
	va, err := vitecauto.New(vitecauto.Config{APIKey: cfg.VitecAutoAPIKey, Options: cfg.Options})
	if err != nil {
		return nil, fmt.Errorf("build %s mock: %w", vitecauto.Name, err)
	}
	vm, err := vitecmaklare.New(vitecmaklare.Config{Users: maklareUsers(cfg), Options: cfg.Options})
	if err != nil {
		return nil, fmt.Errorf("build %s mock: %w", vitecmaklare.Name, err)
	}
	return []mockkit.Vendor{va, vm}, nil
}

func maklareUsers(cfg Config) map[string]vitecmaklare.User {
	if cfg.VitecMaklareUser == "" && cfg.VitecMaklarePassword == "" {
		return nil
	}
	user, password := cfg.VitecMaklareUser, cfg.VitecMaklarePassword
	if user == "" {
		user = vitecmaklare.DefaultUser
	}
	if password == "" {
		password = vitecmaklare.DefaultPassword
	}
	return map[string]vitecmaklare.User{user: {Password: password, Customers: []string{vitecmaklare.DefaultCustomer}}}
}
