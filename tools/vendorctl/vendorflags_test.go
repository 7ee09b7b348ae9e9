package main

import (
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
)

// A vendor's settings become serve flags of their kind, with their variable in the help text and the
// variable read, from the descriptor alone.
func TestVendorFlagsComeFromDescriptors(t *testing.T) {
	d := mockkit.Descriptor{Name: "acme", Settings: []mockkit.Setting{
		{Flag: "acme-api-key", Env: "VENDORCTL_ACME_API_KEY", Default: "acme-key", Usage: "Acme x-api-key", Credential: mockkit.APIKey},
		{Flag: "acme-ttl", Env: "VENDORCTL_ACME_TTL", Default: "1h", Usage: "Acme token lifetime", Kind: mockkit.KindDuration},
		{Flag: "acme-rate-limit", Default: "0", Usage: "Acme rate limit", Kind: mockkit.KindRate},
	}}
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	settings := vendorFlags(fs, []mockkit.Descriptor{d})
	t.Setenv("VENDORCTL_ACME_TTL", "90m")
	if err := setFromEnv(fs, settingEnvs([]mockkit.Descriptor{d})); err != nil {
		t.Fatal(err)
	}
	if err := fs.Parse([]string{"--acme-rate-limit", "2.5"}); err != nil {
		t.Fatal(err)
	}
	got := settings()
	for flag, want := range map[string]string{"acme-api-key": "acme-key", "acme-ttl": "1h30m0s", "acme-rate-limit": "2.5"} {
		if got[flag] != want {
			t.Errorf("setting %s = %q, want %q", flag, got[flag], want)
		}
	}
	var help strings.Builder
	fs.SetOutput(&help)
	fs.PrintDefaults()
	for _, want := range []string{"-acme-api-key string", "Acme x-api-key (env VENDORCTL_ACME_API_KEY)", "-acme-ttl duration", "-acme-rate-limit float"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("help lacks %q:\n%s", want, help.String())
		}
	}
	t.Setenv("VENDORCTL_ACME_TTL", "soon")
	if err := setFromEnv(fs, settingEnvs([]mockkit.Descriptor{d})); err == nil || !strings.Contains(err.Error(), "VENDORCTL_ACME_TTL") {
		t.Errorf("bad variable: err %v, want it named", err)
	}
}
