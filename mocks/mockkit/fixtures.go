package mockkit

import (
	"fmt"
	"io/fs"
	"sync"
)

// Fixtures decodes a vendor's fixture files into the seed its state is built from. The embedded
// fixtures are decoded once per process, on first use, and every mock built from them shares the one
// result, so a vendor must treat the seed as read-only (its state copies what it changes). Fixtures
// from any other file system (serve --fixtures DIR) are decoded afresh on each Load and never cached,
// so two folders never see each other's data.
type Fixtures[T any] struct {
	decode   func(fs.FS) (T, error)
	embedded func() (T, error)
}

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
	return f.decode(fsys)
}
