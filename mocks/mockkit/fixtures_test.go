package mockkit_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
)

// countingDecode reads seed.txt of a fixture folder and counts its calls.
func countingDecode(calls *int, mu *sync.Mutex) func(fs.FS) (string, error) {
	return func(fsys fs.FS) (string, error) {
		mu.Lock()
		*calls++
		mu.Unlock()
		b, err := fs.ReadFile(fsys, "seed.txt")
		return string(b), err
	}
}

// The embedded fixtures are decoded once, however many mocks (on however many goroutines) load them.
func TestFixturesDecodesEmbeddedOnce(t *testing.T) {
	var calls int
	var mu sync.Mutex
	embedded := fstest.MapFS{"fixtures/seed.txt": {Data: []byte("embedded")}}
	fx := mockkit.NewFixtures(embedded, "fixtures", countingDecode(&calls, &mu))
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			got, err := fx.Load(nil)
			if err != nil || got != "embedded" {
				t.Errorf("Load(nil) = %q, %v; want the embedded seed", got, err)
			}
		})
	}
	wg.Wait()
	if calls != 1 {
		t.Fatalf("decode ran %d times for the embedded fixtures, want 1", calls)
	}
}

// A fixture folder that is not a comparable value (fstest.MapFS) is decoded on every Load: two folders
// never share a result.
func TestFixturesNeverCachesAnotherFolder(t *testing.T) {
	var calls int
	var mu sync.Mutex
	fx := mockkit.NewFixtures(fstest.MapFS{"fixtures/seed.txt": {Data: []byte("embedded")}}, "fixtures", countingDecode(&calls, &mu))
	for _, want := range []string{"one", "two"} {
		got, err := fx.Load(fstest.MapFS{"seed.txt": {Data: []byte(want)}})
		if err != nil || got != want {
			t.Fatalf("Load(folder %s) = %q, %v", want, got, err)
		}
	}
	if _, err := fx.Load(fstest.MapFS{}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("Load(empty folder) error = %v, want fs.ErrNotExist", err)
	}
	if calls != 3 {
		t.Fatalf("decode ran %d times for 3 folders, want 3", calls)
	}
}

// A folder on disk is decoded once for the state of its files: the mocks built from it (the default
// server and every session) share the seed, and a changed file is decoded afresh.
func TestFixturesDecodesAFolderOncePerState(t *testing.T) {
	var calls int
	var mu sync.Mutex
	fx := mockkit.NewFixtures(fstest.MapFS{"fixtures/seed.txt": {Data: []byte("embedded")}}, "fixtures", countingDecode(&calls, &mu))
	dir := t.TempDir()
	write := func(s string) {
		if err := os.WriteFile(filepath.Join(dir, "seed.txt"), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("one")
	for range 3 {
		if got, err := fx.Load(os.DirFS(dir)); err != nil || got != "one" {
			t.Fatalf("Load(dir) = %q, %v; want one", got, err)
		}
	}
	if calls != 1 {
		t.Fatalf("decode ran %d times for one folder loaded 3 times, want 1", calls)
	}
	write("changed") // another size
	if got, err := fx.Load(os.DirFS(dir)); err != nil || got != "changed" {
		t.Fatalf("Load(dir) after a change = %q, %v; want changed", got, err)
	}
	other := t.TempDir()
	if err := os.WriteFile(filepath.Join(other, "seed.txt"), []byte("other"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got, err := fx.Load(os.DirFS(other)); err != nil || got != "other" {
		t.Fatalf("Load(other folder) = %q, %v; want other", got, err)
	}
	if calls != 3 {
		t.Fatalf("decode ran %d times, want 3 (one per folder state)", calls)
	}
}
