// Package all assembles every vendor mock with its credentials, for `vendorctl serve` and for tests.
package all

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/timewave"
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

	MediaconnectClientID     string
	MediaconnectClientSecret string
	// MediaconnectTokenTTL is the lifetime of Mediaconnect access tokens (0: 12 hours).
	MediaconnectTokenTTL time.Duration
	// MediaconnectRateLimit is the Mediaconnect API's rate limit in requests per second per client
	// (0: off).
	MediaconnectRateLimit float64

	// TimeWaveClientID and TimeWaveClientSecret are TimeWave's OAuth client credentials.
	TimeWaveClientID     string
	TimeWaveClientSecret string
	// TimeWaveRateLimit is TimeWave's emulated rate limit in requests per second per client (0: off).
	TimeWaveRateLimit float64

	// FixturesDir, when set, replaces the embedded fixtures of each vendor that has a sub-folder of
	// that name in it (FixturesDir/vitecauto/customers.json, ...).
	FixturesDir string
	mockkit.Options
}

// Names are the vendors New builds, in order.
func Names() []string {
	return []string{vitecauto.Name, mediaconnect.Name, vitecmaklare.Name, timewave.Name}
}

// fixtures returns the fixture folder of api under cfg.FixturesDir, or nil for the embedded fixtures.
func (cfg Config) fixtures(api string) (fs.FS, error) {
	if cfg.FixturesDir == "" {
		return nil, nil
	}
	dir := filepath.Join(cfg.FixturesDir, api)
	st, err := os.Stat(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("fixtures of %s: %w", api, err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("fixtures of %s: %s is not a folder", api, dir)
	}
	return os.DirFS(dir), nil
}

// New builds every vendor mock. The vendors are built at once, each on its own goroutine: loading its
// spec is most of a vendor's start-up, and they share nothing while they are built.
func New(cfg Config) ([]mockkit.Vendor, error) {
	builders := []struct {
		name  string
		build func(fx fs.FS) (mockkit.Vendor, error)
	}{
		{vitecauto.Name, func(fx fs.FS) (mockkit.Vendor, error) {
			return vitecauto.New(vitecauto.Config{APIKey: cfg.VitecAutoAPIKey, Fixtures: fx, Options: cfg.Options})
		}},
		{mediaconnect.Name, func(fx fs.FS) (mockkit.Vendor, error) {
			return mediaconnect.New(mediaconnect.Config{
				ClientID:     cfg.MediaconnectClientID,
				ClientSecret: cfg.MediaconnectClientSecret,
				TokenTTL:     cfg.MediaconnectTokenTTL,
				RateLimit:    mockkit.RateLimit{Rate: cfg.MediaconnectRateLimit},
				Fixtures:     fx,
				Options:      cfg.Options,
			})
		}},
		{vitecmaklare.Name, func(fx fs.FS) (mockkit.Vendor, error) {
			return vitecmaklare.New(vitecmaklare.Config{Users: cfg.maklareUsers(), Fixtures: fx, Options: cfg.Options})
		}},
		{timewave.Name, func(fx fs.FS) (mockkit.Vendor, error) {
			return timewave.New(timewave.Config{
				ClientID:     cfg.TimeWaveClientID,
				ClientSecret: cfg.TimeWaveClientSecret,
				RateLimit:    mockkit.RateLimit{Rate: cfg.TimeWaveRateLimit},
				Fixtures:     fx,
				Options:      cfg.Options,
			})
		}},
	}
	vendors := make([]mockkit.Vendor, len(builders))
	errs := make([]error, len(builders))
	var wg sync.WaitGroup
	for i, b := range builders {
		fx, err := cfg.fixtures(b.name)
		if err != nil {
			return nil, err
		}
		wg.Go(func() {
			v, err := b.build(fx)
			if err != nil {
				err = fmt.Errorf("build %s mock: %w", b.name, err)
			}
			vendors[i], errs[i] = v, err
		})
	}
	wg.Wait()
	for _, err := range errs { // the first vendor's error, as when they were built one by one
		if err != nil {
			return nil, err
		}
	}
	return vendors, nil
}

// maklareUsers is the one Vitec Mäklare user the config names (nil: the mock's default).
func (cfg Config) maklareUsers() map[string]vitecmaklare.User {
	if cfg.VitecMaklareUser == "" && cfg.VitecMaklarePassword == "" {
		return nil
	}
	user := orDefault(cfg.VitecMaklareUser, vitecmaklare.DefaultUser)
	password := orDefault(cfg.VitecMaklarePassword, vitecmaklare.DefaultPassword)
	return map[string]vitecmaklare.User{user: {Password: password, Customers: []string{vitecmaklare.DefaultCustomer}}}
}

// Credentials are what a client needs to call one vendor's mock.
type Credentials struct {
	APIKey       string `json:"apiKey,omitempty"`
	User         string `json:"user,omitempty"`
	Password     string `json:"password,omitempty"`
	ClientID     string `json:"clientId,omitempty"`
	ClientSecret string `json:"clientSecret,omitempty"`
}

// Credentials returns the credentials the mock of api accepts with this config.
func (cfg Config) Credentials(api string) Credentials {
	switch api {
	case vitecauto.Name:
		return Credentials{APIKey: orDefault(cfg.VitecAutoAPIKey, vitecauto.DefaultAPIKey)}
	case mediaconnect.Name:
		return Credentials{
			ClientID:     orDefault(cfg.MediaconnectClientID, mediaconnect.DefaultClientID),
			ClientSecret: orDefault(cfg.MediaconnectClientSecret, mediaconnect.DefaultClientSecret),
		}
	case vitecmaklare.Name:
		return Credentials{
			User:     orDefault(cfg.VitecMaklareUser, vitecmaklare.DefaultUser),
			Password: orDefault(cfg.VitecMaklarePassword, vitecmaklare.DefaultPassword),
		}
	case timewave.Name:
		return Credentials{
			ClientID:     orDefault(cfg.TimeWaveClientID, timewave.DefaultClientID),
			ClientSecret: orDefault(cfg.TimeWaveClientSecret, timewave.DefaultClientSecret),
		}
	}
	return Credentials{}
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
