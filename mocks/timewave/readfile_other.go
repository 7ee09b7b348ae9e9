//go:build !linux

package timewave

import "io/fs"

// mapFrom is unused where files are not mapped.
var mapFrom int64

// readFixture returns the file name of fsys, read whole, and a release that does nothing.
func readFixture(fsys fs.FS, name string) ([]byte, func(), error) {
	data, err := fs.ReadFile(fsys, name)
	return data, func() {}, err
}
