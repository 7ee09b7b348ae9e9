package statedir

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// Format is the version of the folder's layout this package reads and writes.
const Format = 1

// ManifestName is the file in DIR that marks it as a state folder and names its format.
const ManifestName = "vendorctl-state.json"

// tmpPrefix starts the name of every temporary file or folder in DIR.
const tmpPrefix = ".vendorctl-tmp-"

// Snapshotter is a vendor whose state can be kept: it exports its state as fixture files and takes
// it back. Vendors implement it without importing this package.
type Snapshotter interface {
	// Name is the API's short name, the folder of its files in DIR.
	Name() string
	// Snapshot returns the current state as fixture files by name, e.g. {"clients.json": ...}.
	Snapshot() (map[string][]byte, error)
	// Restore replaces the current state by the one in fsys (fixture files, checked as fixtures
	// are); Reset still brings back the fixtures. An error changes nothing.
	Restore(fsys fs.FS) error
}

// Errors of Open, wrapped in a *LoadError.
var (
	// ErrFormat is a manifest of a format this vendorctl does not read.
	ErrFormat = errors.New("unknown state format")
	// ErrNotState is a non-empty folder without a manifest.
	ErrNotState = errors.New("not a vendorctl state folder: no " + ManifestName)
	// ErrUnknownEntry is an entry of DIR that is no vendor's state folder.
	ErrUnknownEntry = errors.New("no vendor keeps its state here")
)

// LoadError is a state file or folder that does not load; File names it.
type LoadError struct {
	File string
	Err  error
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("state %s does not load: %v (fix it, or remove it to start from the fixtures)", e.File, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// Config configures Open.
type Config struct {
	// Dir is the state folder; created when missing. Required.
	Dir string
	// Version is the vendorctl version written to the manifest (zero: "unknown").
	Version string
	// Interval is the least time between two writes (zero: DefaultInterval).
	Interval time.Duration
	// Now and After are the clock of the batching (zero: time.Now and time.After); tests move them.
	Now   func() time.Time
	After func(time.Duration) <-chan time.Time
	// Logger gets the writes that fail (zero: discard).
	Logger *slog.Logger
}

type manifest struct {
	Format    int    `json:"format"`
	Vendorctl string `json:"vendorctl"`
}

// Store keeps the state of its vendors in Dir. Its Handler marks changes; a goroutine (Start) writes
// them; Close writes the last ones.
type Store struct {
	cfg     Config
	ops     ops
	vendors []Snapshotter
	changed chan struct{}
	stop    func()
	done    chan struct{}

	mu       sync.Mutex
	last     time.Time
	baseline map[string]map[string][]byte // by api: the fixtures' state
	written  map[string]map[string][]byte // by api: what Dir holds (nil: no folder)
}

// DefaultInterval is the least time between two writes when Config leaves it zero: half the second a
// kill -9 may lose, leaving the other half for the write itself on a busy machine.
const DefaultInterval = 500 * time.Millisecond

// Open checks Dir (creating it when missing), restores each vendor that has a folder in it, and
// returns the Store that keeps their state. A file or folder that does not load is a *LoadError
// naming it; nothing is written then.
func Open(cfg Config, vendors []mockserver.Vendor) (*Store, error) {
	if cfg.Interval <= 0 {
		cfg.Interval = DefaultInterval
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.After == nil {
		cfg.After = time.After
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Version == "" {
		cfg.Version = "unknown"
	}
	s := &Store{cfg: cfg, ops: osOps(), changed: make(chan struct{}, 1),
		baseline: map[string]map[string][]byte{}, written: map[string]map[string][]byte{}}
	for _, v := range vendors {
		if sn, ok := v.(Snapshotter); ok {
			s.vendors = append(s.vendors, sn)
		}
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, &LoadError{File: cfg.Dir, Err: err}
	}
	if err := s.load(); err != nil {
		return nil, err
	}
	return s, s.writeManifest()
}

// load reads the manifest and restores every vendor folder in Dir.
func (s *Store) load() error {
	entries, err := os.ReadDir(s.cfg.Dir)
	if err != nil {
		return &LoadError{File: s.cfg.Dir, Err: err}
	}
	var folders []string
	hasManifest := false
	for _, e := range entries {
		switch name := e.Name(); {
		case strings.HasPrefix(name, tmpPrefix):
			_ = os.RemoveAll(filepath.Join(s.cfg.Dir, name)) // an unfinished write
		case name == ManifestName:
			hasManifest = true
		case e.IsDir() && s.vendor(name) != nil:
			folders = append(folders, name)
		default:
			return &LoadError{File: filepath.Join(s.cfg.Dir, name), Err: ErrUnknownEntry}
		}
	}
	if err := s.checkManifest(hasManifest, len(folders) > 0); err != nil {
		return err
	}
	for _, v := range s.vendors {
		files, err := v.Snapshot()
		if err != nil {
			return fmt.Errorf("state of %s: %w", v.Name(), err)
		}
		s.baseline[v.Name()] = files
		if slices.Contains(folders, v.Name()) {
			if err := s.restore(v); err != nil {
				return err
			}
		}
	}
	return nil
}

func (s *Store) vendor(name string) Snapshotter {
	for _, v := range s.vendors {
		if v.Name() == name {
			return v
		}
	}
	return nil
}

// checkManifest reads the manifest; without one, Dir must hold no vendor folder.
func (s *Store) checkManifest(present, folders bool) error {
	path := filepath.Join(s.cfg.Dir, ManifestName)
	if !present {
		if folders {
			return &LoadError{File: path, Err: ErrNotState}
		}
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return &LoadError{File: path, Err: err}
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return &LoadError{File: path, Err: err}
	}
	if m.Format != Format {
		return &LoadError{File: path, Err: fmt.Errorf("%w %d (written by vendorctl %s); this vendorctl reads format %d", ErrFormat, m.Format, m.Vendorctl, Format)}
	}
	return nil
}

// restore gives v the state of its folder: each JSON file must parse, then the vendor checks it.
func (s *Store) restore(v Snapshotter) error {
	dir := filepath.Join(s.cfg.Dir, v.Name())
	entries, err := os.ReadDir(dir)
	if err != nil {
		return &LoadError{File: dir, Err: err}
	}
	files := map[string][]byte{}
	for _, e := range entries {
		path := filepath.Join(dir, e.Name())
		if strings.HasPrefix(e.Name(), tmpPrefix) {
			_ = os.RemoveAll(path) // an unfinished write
			continue
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return &LoadError{File: path, Err: err}
		}
		if strings.HasSuffix(e.Name(), ".json") {
			if err := json.Unmarshal(data, new(json.RawMessage)); err != nil {
				return &LoadError{File: path, Err: err}
			}
		}
		files[e.Name()] = data
	}
	if err := v.Restore(os.DirFS(dir)); err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && errors.Is(err, fs.ErrNotExist) {
			return &LoadError{File: filepath.Join(dir, pe.Path), Err: fs.ErrNotExist}
		}
		return &LoadError{File: dir, Err: err}
	}
	s.written[v.Name()] = files
	return nil
}

// writeManifest writes the manifest unless it already says this format and version.
func (s *Store) writeManifest() error {
	data, err := json.Marshal(manifest{Format: Format, Vendorctl: s.cfg.Version})
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if old, err := os.ReadFile(filepath.Join(s.cfg.Dir, ManifestName)); err == nil && bytes.Equal(old, data) {
		return nil
	}
	return s.ops.writeFile(s.cfg.Dir, ManifestName, data)
}
