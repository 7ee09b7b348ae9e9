package mockkit

import (
	"fmt"
	"io/fs"
	"reflect"
	"strings"
	"sync"
)

// Fixtures decodes a vendor's fixture files into the seed its state is built from. The embedded
// fixtures are decoded once per process, on first use, and every mock built from them shares the one
// result, so a vendor must treat the seed as read-only (its state copies what it changes). Fixtures
// from another file system (serve --fixtures DIR) are decoded once per folder and state of its files:
// a file system that is a comparable value (os.DirFS) is remembered with the names, sizes and
// modification times of its files, so the default server and every session share one decoded seed,
// and a changed file is decoded afresh. Other file systems (fstest.MapFS) are decoded on each Load.
// Two folders never see each other's data.
type Fixtures[T any] struct {
	decode   func(fs.FS) (T, error)
	embedded func() (T, error)

	mu   sync.Mutex
	byFS map[fixtureKey]func() (T, error)
}

// fixtureKey is a file system and the state of its files when they were decoded.
type fixtureKey struct {
	fsys  fs.FS
	stamp string
}

// maxFixtureFolders bounds the decoded folders kept; beyond it the oldest are forgotten at once.
const maxFixtureFolders = 8

// NewFixtures decodes with decode the fixtures in the folder dir of embedded (the vendor's embed.FS).
func NewFixtures[T any](embedded fs.FS, dir string, decode func(fs.FS) (T, error)) *Fixtures[T] {
	return &Fixtures[T]{decode: decode, embedded: sync.OnceValues(func() (T, error) {
		sub, err := fs.Sub(embedded, dir)
		if err != nil {
			var zero T
			return zero, fmt.Errorf("embedded fixtures: %w", err)
		}
		return decode(sub)
	})}
}

// Load returns the seed decoded from fsys, or the shared seed of the embedded fixtures when fsys is nil.
func (f *Fixtures[T]) Load(fsys fs.FS) (T, error) {
	if fsys == nil {
		return f.embedded()
	}
	stamp, ok := folderStamp(fsys)
	if !ok {
		return f.decode(fsys)
	}
	key := fixtureKey{fsys: fsys, stamp: stamp}
	f.mu.Lock()
	load, ok := f.byFS[key]
	if !ok {
		if len(f.byFS) >= maxFixtureFolders || f.byFS == nil {
			f.byFS = map[fixtureKey]func() (T, error){}
		}
		load = sync.OnceValues(func() (T, error) { return f.decode(fsys) })
		f.byFS[key] = load
	}
	f.mu.Unlock()
	return load()
}

// folderStamp names the files of fsys's root with their sizes and modification times; false when fsys
// is not a comparable value or cannot be listed (then it is not cached).
func folderStamp(fsys fs.FS) (string, bool) {
	if !hashable(fsys) {
		return "", false
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return "", false
	}
	var b strings.Builder
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			return "", false
		}
		fmt.Fprintf(&b, "%s %d %d\n", e.Name(), info.Size(), info.ModTime().UnixNano())
	}
	return b.String(), true
}

// hashable reports whether v can be a map key: a comparable type may still hold a map or slice in an
// interface field, which panics when hashed.
func hashable(v any) (ok bool) {
	if !reflect.TypeOf(v).Comparable() {
		return false
	}
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	_ = map[any]bool{v: true}
	return true
}
