package timewave

import (
	"io/fs"
	"os"
	"sync/atomic"
	"syscall"
)

// mapFrom is the least file size worth mapping instead of reading (a var for tests).
var mapFrom int64 = 4 << 20

// mapped counts the files readFixture mapped (for tests).
var mapped atomic.Int64

// readFixture returns the file name of fsys and a release to call once nothing refers to its bytes.
// A large file on disk (fsys opens it as an *os.File, as os.DirFS does) is mapped read-only and
// populated at once: no copy into a fresh 100 MB buffer, whose page faults and copy cost a start at
// 100,000 clients a fifth of its time. Anything else is read whole.
func readFixture(fsys fs.FS, name string) (data []byte, release func(), err error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	if osf, ok := f.(*os.File); ok {
		if fi, err := osf.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() >= mapFrom && fi.Size() == int64(int(fi.Size())) {
			data, err := syscall.Mmap(int(osf.Fd()), 0, int(fi.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE|syscall.MAP_POPULATE)
			if err == nil {
				mapped.Add(1)
				return data, func() { _ = syscall.Munmap(data) }, nil
			}
		}
	}
	data, err = fs.ReadFile(fsys, name)
	return data, func() {}, err
}
