// Package all assembles every vendor mock with its credentials, for `vendorctl serve` and for tests.
package all

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
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

// MountPrefix is the path under which New's mock of api serves the API's spec (its server URL), as
// "/vitecauto"; "" for an unknown api.
func MountPrefix(api string) string {
	switch api {
	case vitecauto.Name:
		return vitecauto.Prefix
	case mediaconnect.Name:
		return mediaconnect.Prefix
	case vitecmaklare.Name:
		return vitecmaklare.Prefix
	case timewave.Name:
		return timewave.Prefix
	}
	return ""
}

// FixturesError is a fixture folder (Config.FixturesDir, or its sub-folder of one vendor) that does
// not exist, is not a folder, lacks a file the vendor's mock reads, or does not load.
type FixturesError struct {
	Dir  string // the folder
	File string // the file missing from Dir (zero: none is)
	Err  error  // what went wrong; the folder or file missing is an fs.ErrNotExist
}

func (e *FixturesError) Error() string {
	switch {
	case e.File != "":
		return fmt.Sprintf("fixtures folder %s has no %s", e.Dir, e.File)
	case errors.Is(e.Err, fs.ErrNotExist):
		return fmt.Sprintf("fixtures folder %s does not exist", e.Dir)
	}
	return fmt.Sprintf("fixtures folder %s: %v", e.Dir, e.Err)
}

func (e *FixturesError) Unwrap() error { return e.Err }

// fixturesError is the FixturesError for a mock that failed to build from the fixtures in dir; a file
// it could not open is named.
func fixturesError(dir string, err error) *FixturesError {
	var pe *fs.PathError
	if errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist) {
		return &FixturesError{Dir: dir, File: pe.Path, Err: err}
	}
	return &FixturesError{Dir: dir, Err: err}
}

// checkFixturesDir fails when cfg.FixturesDir is set and is not a folder.
func (cfg Config) checkFixturesDir() error {
	if cfg.FixturesDir == "" {
		return nil
	}
	st, err := os.Stat(cfg.FixturesDir)
	if err != nil {
		return &FixturesError{Dir: cfg.FixturesDir, Err: err}
	}
	if !st.IsDir() {
		return &FixturesError{Dir: cfg.FixturesDir, Err: errors.New("not a folder")}
	}
	return nil
}

// fixtures returns the fixture folder of api under cfg.FixturesDir and its path, or nil for the
// embedded fixtures.
func (cfg Config) fixtures(api string) (fs.FS, string, error) {
	if cfg.FixturesDir == "" {
		return nil, "", nil
	}
	dir := filepath.Join(cfg.FixturesDir, api)
	st, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", &FixturesError{Dir: dir, Err: err}
	}
	if !st.IsDir() {
		return nil, "", &FixturesError{Dir: dir, Err: errors.New("not a folder")}
	}
	return os.DirFS(dir), dir, nil
}

// New builds every vendor mock. The vendors are built at once, each on its own goroutine: loading its
// spec is most of a vendor's start-up, and they share nothing while they are built. A FixturesDir
// that is missing, or whose fixtures do not load, is a *FixturesError.
func New(cfg Config) ([]mockserver.Vendor, error) {
	if err := cfg.checkFixturesDir(); err != nil {
		return nil, err
	}
	builders := []struct {
		name  string
		build func(fx fs.FS) (mockserver.Vendor, error)
	}{
		{vitecauto.Name, func(fx fs.FS) (mockserver.Vendor, error) {
			return vitecauto.New(vitecauto.Config{APIKey: cfg.VitecAutoAPIKey, Fixtures: fx, Options: cfg.Options})
		}},
		{mediaconnect.Name, func(fx fs.FS) (mockserver.Vendor, error) {
			return mediaconnect.New(mediaconnect.Config{
				ClientID:     cfg.MediaconnectClientID,
				ClientSecret: cfg.MediaconnectClientSecret,
				TokenTTL:     cfg.MediaconnectTokenTTL,
				RateLimit:    oauth.RateLimit{Rate: cfg.MediaconnectRateLimit},
				Fixtures:     fx,
				Options:      cfg.Options,
			})
		}},
		{vitecmaklare.Name, func(fx fs.FS) (mockserver.Vendor, error) {
			return vitecmaklare.New(vitecmaklare.Config{Users: cfg.maklareUsers(), Fixtures: fx, Options: cfg.Options})
		}},
		{timewave.Name, func(fx fs.FS) (mockserver.Vendor, error) {
			return timewave.New(timewave.Config{
				ClientID:     cfg.TimeWaveClientID,
				ClientSecret: cfg.TimeWaveClientSecret,
				RateLimit:    oauth.RateLimit{Rate: cfg.TimeWaveRateLimit},
				Fixtures:     fx,
				Options:      cfg.Options,
			})
		}},
	}
	vendors := make([]mockserver.Vendor, len(builders))
	errs := make([]error, len(builders))
	var wg sync.WaitGroup
	for i, b := range builders {
		fx, dir, err := cfg.fixtures(b.name)
		if err != nil {
			return nil, err
		}
		wg.Go(func() {
			v, err := b.build(fx)
			switch {
			case err != nil && fx != nil:
				err = fmt.Errorf("build %s mock: %w", b.name, fixturesError(dir, err))
			case err != nil:
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
