// Package all assembles every vendor mock with its credentials, for `vendorctl serve` and for tests.
package all

import (
	"fmt"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
)

// Config holds the credentials of every mock (empty: the vendor mock's default) and the shared options.
type Config struct {
	VitecAutoAPIKey string

	MediaconnectClientID     string
	MediaconnectClientSecret string
	// MediaconnectTokenTTL is the lifetime of Mediaconnect access tokens (0: 12 hours).
	MediaconnectTokenTTL time.Duration
	// MediaconnectRateLimit is the Mediaconnect API's rate limit in requests per second per client
	// (0: off).
	MediaconnectRateLimit float64

	mockkit.Options
}

// Names are the vendors New builds, in order.
func Names() []string { return []string{vitecauto.Name, mediaconnect.Name} }

// New builds every vendor mock.
func New(cfg Config) ([]mockkit.Vendor, error) {
	va, err := vitecauto.New(vitecauto.Config{APIKey: cfg.VitecAutoAPIKey, Options: cfg.Options})
	if err != nil {
		return nil, fmt.Errorf("build %s mock: %w", vitecauto.Name, err)
	}
	mc, err := mediaconnect.New(mediaconnect.Config{
		ClientID:     cfg.MediaconnectClientID,
		ClientSecret: cfg.MediaconnectClientSecret,
		TokenTTL:     cfg.MediaconnectTokenTTL,
		RateLimit:    mockkit.RateLimit{Rate: cfg.MediaconnectRateLimit},
		Options:      cfg.Options,
	})
	if err != nil {
		return nil, fmt.Errorf("build %s mock: %w", mediaconnect.Name, err)
	}
	return []mockkit.Vendor{va, mc}, nil
}
