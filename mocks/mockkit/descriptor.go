package mockkit

import (
	"errors"
	"fmt"
	"io/fs"
	"math"
	"strconv"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// Descriptor says everything the project needs to know about one vendor mock: its name and title,
// where it is served, its settings (credentials among them) with their serve flags and environment
// variables, the fixture files it reads and how to build it. Each vendor package exports one; the
// list of them (mocks/all) drives serve's flags, mocktest, the start table, the health answer and the
// README's vendor table.
type Descriptor struct {
	// Name is the API's short name, the spec's name and the fixtures sub-folder, e.g. "vitecauto".
	Name string
	// Title is the vendor's display name, e.g. "Vitec Autodata".
	Title string
	// Mounts are the prefixes the vendor is served under, its base URL first (at least one).
	Mounts []MountSpec
	// Settings are the vendor's configurable values, credentials included (zero: none).
	Settings []Setting
	// Fixtures are the files the mock reads from a fixtures folder, e.g. "customers.json" (zero: none).
	Fixtures []string
	// Build makes the mock from checked settings. Required.
	Build func(BuildConfig) (mockserver.Vendor, error)
	// Example is one request the mock answers with 200, given the credentials it accepts (zero: none).
	Example func(Credentials) Example
}

// MountSpec is one prefix a vendor is served under (Mount, without the handler).
type MountSpec struct {
	// Prefix is where the vendor's production base URL is mapped, e.g. "/mediaconnect/capi".
	Prefix string
	// API is the name the mount is journaled under when it is not the vendor's (zero: the vendor's).
	API string
}

// SettingKind is how a setting's text is read and checked.
type SettingKind int

const (
	// KindString is any text (the zero kind).
	KindString SettingKind = iota
	// KindDuration is a positive Go duration, e.g. "12h".
	KindDuration
	// KindRate is a rate in requests per second: 0 (off) or a positive finite number (CheckRate).
	KindRate
)

// CredentialField is the field of a client's credentials a setting fills.
type CredentialField int

const (
	// NotCredential marks a setting that is no credential (the zero value).
	NotCredential CredentialField = iota
	APIKey
	User
	Password
	ClientID
	ClientSecret
)

// Setting is one configurable value of a vendor mock: a serve flag, its environment variable and
// its default.
type Setting struct {
	// Flag is serve's flag name without dashes, e.g. "vitecauto-api-key"; it is also the setting's key
	// in BuildConfig and all.Config.Settings. Required, unique across vendors.
	Flag string
	// Env is the environment variable that sets it, e.g. "VENDORCTL_VITECAUTO_API_KEY" (zero: none).
	Env string
	// Usage is the flag's help text, without the environment variable (serve adds it).
	Usage string
	// Default is the value when none is given, as typed on the command line (zero: "" or 0).
	Default string
	// Kind is how the value is read and checked (zero: KindString).
	Kind SettingKind
	// Credential is the credentials field the value is (zero: NotCredential).
	Credential CredentialField
}

// SettingError is a setting whose value does not read or check; its text names the flag.
type SettingError struct {
	Flag  string // the setting's flag, e.g. "mediaconnect-rate-limit"
	Value string // the value as given
	Err   error  // what is wrong with it; ErrUnknownSetting for a flag no vendor declares
}

// ErrUnknownSetting is a setting given that no descriptor declares.
var ErrUnknownSetting = errors.New("no vendor has this setting")

func (e *SettingError) Error() string { return fmt.Sprintf("--%s %s: %v", e.Flag, e.Value, e.Err) }

func (e *SettingError) Unwrap() error { return e.Err }

// ErrRate is a rate limit that is negative, NaN or infinite.
var ErrRate = errors.New("want 0 (off) or a positive rate")

// CheckRate is the one rule for a rate limit in requests per second: 0 (off) or positive and finite.
// Its error wraps ErrRate.
func CheckRate(rate float64) error {
	if rate < 0 || math.IsNaN(rate) || math.IsInf(rate, 0) {
		return fmt.Errorf("%g: %w", rate, ErrRate)
	}
	return nil
}

// BuildConfig is what a Descriptor's Build gets: the checked settings, the fixtures and the options.
type BuildConfig struct {
	values map[string]any // by flag: string, time.Duration or float64, as the setting's kind
	// Fixtures replaces the embedded fixtures (nil: the embedded ones).
	Fixtures fs.FS
	Options
}

// String is a KindString setting's value ("" for a flag the descriptor does not declare).
func (c BuildConfig) String(flag string) string { s, _ := c.values[flag].(string); return s }

// Duration is a KindDuration setting's value (0 for a flag the descriptor does not declare).
func (c BuildConfig) Duration(flag string) time.Duration {
	d, _ := c.values[flag].(time.Duration)
	return d
}

// Rate is a KindRate setting's value (0 for a flag the descriptor does not declare).
func (c BuildConfig) Rate(flag string) float64 { r, _ := c.values[flag].(float64); return r }

// Configure reads and checks the values given for d's settings (by flag; a missing one is its
// Default) into a BuildConfig. A value that does not read or check is a *SettingError.
func (d Descriptor) Configure(given map[string]string) (BuildConfig, error) {
	c := BuildConfig{values: make(map[string]any, len(d.Settings))}
	for _, s := range d.Settings {
		text, ok := given[s.Flag]
		if !ok {
			text = s.Default
		}
		v, err := s.read(text)
		if err != nil {
			return BuildConfig{}, &SettingError{Flag: s.Flag, Value: text, Err: err}
		}
		c.values[s.Flag] = v
	}
	return c, nil
}

// Value is the text of the setting in given, or its Default when absent; ok is false when d has no
// setting of that flag.
func (d Descriptor) Value(given map[string]string, flag string) (text string, ok bool) {
	for _, s := range d.Settings {
		if s.Flag == flag {
			if v, set := given[flag]; set {
				return v, true
			}
			return s.Default, true
		}
	}
	return "", false
}

// read parses and checks one value of the setting's kind.
func (s Setting) read(text string) (any, error) {
	switch s.Kind {
	case KindDuration:
		d, err := time.ParseDuration(text)
		if err != nil {
			return nil, errors.New("want a duration such as 12h")
		}
		if d <= 0 {
			return nil, errors.New("want a positive duration")
		}
		return d, nil
	case KindRate:
		r, err := strconv.ParseFloat(text, 64)
		if err != nil {
			return nil, errors.New("want a number of requests per second")
		}
		if err := CheckRate(r); err != nil {
			return nil, ErrRate
		}
		return r, nil
	}
	return text, nil
}
