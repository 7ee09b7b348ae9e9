// Package all is the list of vendor descriptors (mockkit.Descriptor) and builds the mocks from it,
// with their settings and credentials, for `vendorctl serve`, mocktest and the tools' tests.
package all

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/timewave"
	"github.com/vendorctl/vendorctl/mocks/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/vitecmaklare"
)

// descriptors are the vendors, in the order New builds them and serve lists them. A new vendor is
// its package and one line here.
var descriptors = []mockkit.Descriptor{
	vitecauto.Descriptor,
	mediaconnect.Descriptor,
	vitecmaklare.Descriptor,
	timewave.Descriptor,
}

// Descriptors returns every vendor's descriptor, in order.
func Descriptors() []mockkit.Descriptor { return slices.Clone(descriptors) }

// Lookup returns the descriptor of api (ok false for an unknown api).
func Lookup(api string) (d mockkit.Descriptor, ok bool) { return lookup(descriptors, api) }

func lookup(descs []mockkit.Descriptor, api string) (mockkit.Descriptor, bool) {
	for _, d := range descs {
		if d.Name == api {
			return d, true
		}
	}
	return mockkit.Descriptor{}, false
}

// Config holds the vendors' settings, the vendors to build and the shared options.
type Config struct {
	// Settings are vendor settings by flag name, e.g. {"vitecauto-api-key": "k"} (zero: every
	// setting's Default). A value that does not check, or a flag no vendor declares, is a
	// *mockkit.SettingError.
	Settings map[string]string
	// Only names the vendors to build (zero: every vendor); an unknown name is an error.
	Only []string
	// FixturesDir, when set, replaces the embedded fixtures of each vendor that has a sub-folder of
	// that name in it (FixturesDir/vitecauto/customers.json, ...).
	FixturesDir string
	mockkit.Options
}

// Names are the vendors New builds, in order.
func Names() []string { return names(descriptors) }

func names(descs []mockkit.Descriptor) []string {
	out := make([]string, len(descs))
	for i, d := range descs {
		out[i] = d.Name
	}
	return out
}

// MountPrefix is the path under which New's mock of api serves the API's spec (its server URL), as
// "/vitecauto"; "" for an unknown api.
func MountPrefix(api string) string {
	if d, ok := Lookup(api); ok && len(d.Mounts) > 0 {
		return d.Mounts[0].Prefix
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

// fixtures returns the fixture folder of d under cfg.FixturesDir and its path, or nil for the
// embedded fixtures. A folder without one of d's fixture files is a *FixturesError naming it.
func (cfg Config) fixtures(d mockkit.Descriptor) (fs.FS, string, error) {
	if cfg.FixturesDir == "" {
		return nil, "", nil
	}
	dir := filepath.Join(cfg.FixturesDir, d.Name)
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
	fsys := os.DirFS(dir)
	for _, name := range d.Fixtures {
		if _, err := fs.Stat(fsys, name); err != nil {
			return nil, "", &FixturesError{Dir: dir, File: name, Err: err}
		}
	}
	return fsys, dir, nil
}

// New builds every vendor mock (or those cfg.Only names) from the descriptors. See Build.
func New(cfg Config) ([]mockserver.Vendor, error) { return Build(descriptors, cfg) }

// Vendors is New as a server's build step (a mockserver.BuildFunc): the vendors get the server's
// journal and fault rules, e.g. mockserver.NewServerWith(serverCfg, cfg.Vendors).
func (cfg Config) Vendors(rec *mockserver.Recorder) ([]mockserver.Vendor, error) {
	cfg.Options.Recorder = rec
	return New(cfg)
}

// Build builds the vendor mocks of descs that cfg selects. Every setting is checked before any vendor
// is built. The vendors are built at once, each on its own goroutine: they share nothing while they
// are built. A FixturesDir that is missing, or whose fixtures do not load, is a *FixturesError.
func Build(descs []mockkit.Descriptor, cfg Config) ([]mockserver.Vendor, error) {
	if err := cfg.checkFixturesDir(); err != nil {
		return nil, err
	}
	selected, err := cfg.selected(descs)
	if err != nil {
		return nil, err
	}
	if err := checkSettingsKnown(descs, cfg.Settings); err != nil {
		return nil, err
	}
	builds := make([]mockkit.BuildConfig, len(selected))
	dirs := make([]string, len(selected))
	for i, d := range selected {
		if builds[i], err = d.Configure(cfg.Settings); err != nil {
			return nil, err
		}
		if builds[i].Fixtures, dirs[i], err = cfg.fixtures(d); err != nil {
			return nil, err
		}
		builds[i].Options = cfg.Options
	}
	return buildAll(selected, builds, dirs)
}

// buildAll builds each descriptor with its config, at once; the error is the first vendor's.
func buildAll(descs []mockkit.Descriptor, builds []mockkit.BuildConfig, dirs []string) ([]mockserver.Vendor, error) {
	vendors := make([]mockserver.Vendor, len(descs))
	errs := make([]error, len(descs))
	var wg sync.WaitGroup
	for i, d := range descs {
		wg.Go(func() {
			v, err := d.Build(builds[i])
			switch {
			case err != nil && builds[i].Fixtures != nil:
				err = fmt.Errorf("build %s mock: %w", d.Name, fixturesError(dirs[i], err))
			case err != nil:
				err = fmt.Errorf("build %s mock: %w", d.Name, err)
			}
			vendors[i], errs[i] = v, err
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return vendors, nil
}

// selected are the descriptors cfg.Only names (every one when it names none), in descs' order.
func (cfg Config) selected(descs []mockkit.Descriptor) ([]mockkit.Descriptor, error) {
	if len(cfg.Only) == 0 {
		return descs, nil
	}
	for _, name := range cfg.Only {
		if _, ok := lookup(descs, name); !ok {
			return nil, fmt.Errorf("unknown api %q (known: %v)", name, names(descs))
		}
	}
	return slices.DeleteFunc(slices.Clone(descs), func(d mockkit.Descriptor) bool { return !slices.Contains(cfg.Only, d.Name) }), nil
}

// checkSettingsKnown fails on a setting that no descriptor declares (a mistyped flag name).
func checkSettingsKnown(descs []mockkit.Descriptor, settings map[string]string) error {
	for _, flag := range slices.Sorted(maps.Keys(settings)) {
		known := slices.ContainsFunc(descs, func(d mockkit.Descriptor) bool { _, ok := d.Value(nil, flag); return ok })
		if !known {
			return &mockkit.SettingError{Flag: flag, Value: settings[flag], Err: mockkit.ErrUnknownSetting}
		}
	}
	return nil
}

// Credentials are what a client needs to call one vendor's mock.
type Credentials = mockkit.Credentials

// Credentials returns the credentials the mock of api accepts with this config (zero for an unknown
// api).
func (cfg Config) Credentials(api string) Credentials {
	d, _ := Lookup(api)
	return CredentialsOf(d, cfg.Settings)
}

// CredentialsOf returns the credentials d's mock accepts with these settings: each setting marked as
// a credential, or its default.
func CredentialsOf(d mockkit.Descriptor, settings map[string]string) Credentials {
	var c Credentials
	fields := map[mockkit.CredentialField]*string{mockkit.APIKey: &c.APIKey, mockkit.User: &c.User,
		mockkit.Password: &c.Password, mockkit.ClientID: &c.ClientID, mockkit.ClientSecret: &c.ClientSecret}
	for _, s := range d.Settings {
		if f := fields[s.Credential]; f != nil {
			*f, _ = d.Value(settings, s.Flag)
		}
	}
	return c
}

// NewVendor builds the mock of one vendor (one of Names) as New would; an unknown name is an error.
func NewVendor(cfg Config, api string) (mockserver.Vendor, error) {
	if !slices.Contains(Names(), api) {
		return nil, fmt.Errorf("unknown api %q (known: %v)", api, Names())
	}
	cfg.Only = []string{api}
	vendors, err := New(cfg)
	if err != nil {
		return nil, err
	}
	return vendors[0], nil
}
