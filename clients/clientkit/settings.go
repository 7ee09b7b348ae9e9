package clientkit

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/vendorctl/vendorctl/specs"
)

// Settings are the transport options every vendor client offers (WithHTTPClient, WithTimeout,
// WithValidation, WithRetry); each client keeps them in its options and builds its Doer with Build.
type Settings struct {
	HTTPClient *http.Client
	Timeout    time.Duration
	Validate   bool
	Retry      *RetryPolicy
}

// Build assembles the Doer of a client of api at baseURL: the HTTP client (HTTPClient, or a new one
// with Timeout, default DefaultTimeout), then response validation against the spec when Validate is
// set, then retries when Retry is set. It also returns the plain HTTP client, for token requests, and
// the spec when it was loaded.
func (s Settings) Build(api, baseURL string) (Doer, *http.Client, *specs.Spec, error) {
	hc := s.HTTPClient
	if hc == nil {
		timeout := s.Timeout
		if timeout <= 0 {
			timeout = DefaultTimeout
		}
		hc = &http.Client{Timeout: timeout}
	}
	var doer Doer = hc
	var spec *specs.Spec
	if s.Validate {
		var err error
		if spec, err = specs.Load(api); err != nil {
			return nil, nil, nil, err
		}
		doer = WithValidation(doer, spec, baseURL)
	}
	if s.Retry != nil {
		doer = WithRetry(doer, *s.Retry)
	}
	return doer, hc, spec, nil
}

// CheckBaseURL refuses a base URL that is not http(s); prefix names the client in the error.
func CheckBaseURL(prefix, baseURL string) error {
	if !strings.HasPrefix(baseURL, "http://") && !strings.HasPrefix(baseURL, "https://") {
		return fmt.Errorf("%s: base URL %q is not an http(s) URL", prefix, baseURL)
	}
	return nil
}
