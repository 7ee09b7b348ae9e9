package statedir

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// fake is a vendor whose state is one counter, kept as count.json {"n": N}; its fixtures say 0.
type fake struct {
	mu sync.Mutex
	n  int
}

func (f *fake) Name() string               { return "fake" }
func (f *fake) Title() string              { return "Fake" }
func (f *fake) Mounts() []mockserver.Mount { return nil }
func (f *fake) Credentials() string        { return "" }
func (f *fake) Reset() error               { f.set(0); return nil }
func (f *fake) set(n int)                  { f.mu.Lock(); f.n = n; f.mu.Unlock() }
func (f *fake) get() int                   { f.mu.Lock(); defer f.mu.Unlock(); return f.n }
func (f *fake) Snapshot() (map[string][]byte, error) {
	return map[string][]byte{"count.json": fmt.Appendf(nil, `{"n": %d}`, f.get())}, nil
}

// Restore refuses a negative count, as a fixture check would.
func (f *fake) Restore(fsys fs.FS) error {
	data, err := fs.ReadFile(fsys, "count.json")
	if err != nil {
		return err
	}
	var v struct{ N int }
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	if v.N < 0 {
		return errors.New("count.json: n is negative")
	}
	f.set(v.N)
	return nil
}

func open(t *testing.T, dir string, v *fake) *Store {
	t.Helper()
	s, err := Open(Config{Dir: dir}, []mockserver.Vendor{v})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return s
}

func leftovers(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	_ = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasPrefix(d.Name(), tmpPrefix) {
			out = append(out, path)
		}
		return nil
	})
	return out
}

// A change survives a new Open: Flush writes it, Open restores it; the manifest names the format.
func TestFlushThenOpenRestores(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	v := &fake{}
	s := open(t, dir, v)
	manifest, err := os.ReadFile(filepath.Join(dir, ManifestName))
	if err != nil || string(manifest) != `{"format":1,"vendorctl":"unknown"}`+"\n" {
		t.Fatalf("manifest %q, %v", manifest, err)
	}
	v.set(7)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "fake", "count.json")); string(got) != `{"n": 7}` {
		t.Fatalf("count.json = %q", got)
	}
	again := &fake{}
	open(t, dir, again)
	if again.get() != 7 {
		t.Fatalf("restored n = %d, want 7", again.get())
	}
}

// A vendor back at its fixtures has no folder: Flush after a reset removes it, at once.
func TestFlushAtFixturesRemovesFolder(t *testing.T) {
	dir := t.TempDir()
	v := &fake{}
	s := open(t, dir, v)
	v.set(3)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	_ = v.Reset()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "fake")); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("folder of a vendor at its fixtures: %v, want none", err)
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Fatalf("left behind: %v", l)
	}
}

// Every state that does not load stops Open with a *LoadError naming the file, and the vendor keeps
// its fixtures.
func TestOpenRefuses(t *testing.T) {
	const good = `{"format":1,"vendorctl":"v1"}`
	cases := []struct {
		name     string
		files    map[string]string // relative to DIR
		file     string            // the LoadError's File, relative to DIR
		sentinel error
	}{
		{"corrupt manifest", map[string]string{ManifestName: `{"format":`}, ManifestName, nil},
		{"newer format", map[string]string{ManifestName: `{"format":2,"vendorctl":"v9"}`}, ManifestName, ErrFormat},
		{"no manifest", map[string]string{"fake/count.json": `{"n": 1}`}, ManifestName, ErrNotState},
		{"unknown folder", map[string]string{ManifestName: good, "other/x.json": `{}`}, "other", ErrUnknownEntry},
		{"corrupt file", map[string]string{ManifestName: good, "fake/count.json": `{"n": 1`}, "fake/count.json", nil},
		{"file missing", map[string]string{ManifestName: good, "fake/else.json": `{}`}, "fake/count.json", fs.ErrNotExist},
		{"record fails the check", map[string]string{ManifestName: good, "fake/count.json": `{"n": -1}`}, "fake", nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for name, data := range tc.files {
				path := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			v := &fake{n: 42}
			_, err := Open(Config{Dir: dir}, []mockserver.Vendor{v})
			var le *LoadError
			if !errors.As(err, &le) || le.File != filepath.Join(dir, tc.file) {
				t.Fatalf("Open error = %v, want a LoadError naming %s", err, tc.file)
			}
			if tc.sentinel != nil && !errors.Is(err, tc.sentinel) {
				t.Fatalf("Open error = %v, want %v", err, tc.sentinel)
			}
			if !strings.Contains(err.Error(), filepath.Join(dir, tc.file)) {
				t.Fatalf("message %q does not name the file", err)
			}
			if v.get() != 42 {
				t.Fatalf("vendor state changed to %d by a state that does not load", v.get())
			}
		})
	}
}

// Unfinished writes of a killed process are removed by Open; the state of the last write loads.
func TestOpenRemovesUnfinishedWrites(t *testing.T) {
	dir := t.TempDir()
	v := &fake{}
	s := open(t, dir, v)
	v.set(5)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{tmpPrefix + "123", filepath.Join("fake", tmpPrefix+"456")} {
		if err := os.WriteFile(filepath.Join(dir, p), []byte(`{"n": 9`), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Mkdir(filepath.Join(dir, tmpPrefix+"789"), 0o700); err != nil {
		t.Fatal(err)
	}
	again := &fake{}
	if _, err := Open(Config{Dir: dir}, []mockserver.Vendor{again}); err != nil {
		t.Fatalf("Open after a kill: %v", err)
	}
	if again.get() != 5 {
		t.Fatalf("restored %d, want 5", again.get())
	}
	if l := leftovers(t, dir); len(l) > 0 {
		t.Fatalf("left behind: %v", l)
	}
}
