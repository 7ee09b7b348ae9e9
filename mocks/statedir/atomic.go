package statedir

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"
)

// ops are the file-system steps of a durable write; tests replace them to fail one.
type ops struct {
	rename  func(oldpath, newpath string) error
	sync    func(f *os.File) error
	syncDir func(dir string) error
}

func osOps() ops {
	return ops{rename: os.Rename, sync: (*os.File).Sync, syncDir: syncDir}
}

// syncDir makes the entries of dir (a rename into it) durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeFile replaces dir/name by data atomically: a temporary file in dir, written and synced, renamed
// over name, then dir synced. On an error the old file (or none) is left, and no temporary file.
func (o ops) writeFile(dir, name string, data []byte) error {
	f, err := os.CreateTemp(dir, tmpPrefix+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	if err := o.fill(f, data); err != nil {
		_ = os.Remove(tmp)
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	return o.commit(tmp, dir, name)
}

// commit renames tmp, a finished file or folder in dir, to name and syncs dir; when the rename fails
// tmp is removed.
func (o ops) commit(tmp, dir, name string) error {
	target := filepath.Join(dir, name)
	if err := o.rename(tmp, target); err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("write %s: %w", target, err)
	}
	if err := o.syncDir(dir); err != nil {
		return fmt.Errorf("write %s: sync folder: %w", target, err)
	}
	return nil
}

// fill writes data to f, syncs and closes it.
func (o ops) fill(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = o.sync(f)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeFolder makes dir/name, which does not exist, hold files, all at once: they are written and
// synced in a temporary folder that is renamed to name. On an error no folder name is left.
func (o ops) writeFolder(dir, name string, files map[string][]byte) error {
	tmp, err := os.MkdirTemp(dir, tmpPrefix+"*")
	if err != nil {
		return err
	}
	if err := o.fillFolder(tmp, files); err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("write %s: %w", filepath.Join(dir, name), err)
	}
	return o.commit(tmp, dir, name)
}

func (o ops) fillFolder(dir string, files map[string][]byte) error {
	for _, name := range slices.Sorted(maps.Keys(files)) {
		if name != filepath.Base(name) || name == "." || name == ".." {
			return fmt.Errorf("file name %q is not a plain name", name)
		}
		f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err != nil {
			return err
		}
		if err := o.fill(f, files[name]); err != nil {
			return err
		}
	}
	return o.syncDir(dir)
}

// removeFolder removes dir/name at once: renamed to a temporary name, dir synced, then deleted.
func (o ops) removeFolder(dir, name string) error {
	gone := filepath.Join(dir, tmpPrefix+"gone-"+name+"-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	if err := o.rename(filepath.Join(dir, name), gone); err != nil {
		return fmt.Errorf("remove %s: %w", filepath.Join(dir, name), err)
	}
	if err := o.syncDir(dir); err != nil {
		return fmt.Errorf("remove %s: sync folder: %w", filepath.Join(dir, name), err)
	}
	return os.RemoveAll(gone)
}
