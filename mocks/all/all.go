// Package all assembles every vendor mock with its credentials, for `vendorctl serve` and for tests.
package all

import (
	"fmt"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/timewave"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
)

// Config holds the credentials of every mock (empty: the vendor mock's default) and the shared options.
type Config struct {
	VitecAutoAPIKey string
	// TimeWaveClientID and TimeWaveClientSecret are TimeWave's OAuth client credentials.
	TimeWaveClientID     string
	TimeWaveClientSecret string
	// TimeWaveRateLimit is TimeWave's emulated rate limit in requests per second per client (0: off).
	TimeWaveRateLimit float64
	mockkit.Options
}

// Names are the vendors New builds, in order.
func Names() []string { return []string{vitecauto.Name, timewave.Name} }

// New builds every vendor mock.
func New(cfg Config) ([]mockkit.Vendor, error) {
	va, err := vitecauto.New(vitecauto.Config{APIKey: cfg.VitecAutoAPIKey, Options: cfg.Options})
	if err != nil {
		return nil, fmt.Errorf("build %s mock: %w", vitecauto.Name, err)
	}
	tw, err := timewave.New(timewave.Config{
		ClientID:     cfg.TimeWaveClientID,
		ClientSecret: cfg.TimeWaveClientSecret,
		RateLimit:    mockkit.RateLimit{Rate: cfg.TimeWaveRateLimit},
		Options:      cfg.Options,
	})
	if err != nil {
		return nil, fmt.Errorf("build %s mock: %w", timewave.Name, err)
	}
	return []mockkit.Vendor{va, tw}, nil
}
