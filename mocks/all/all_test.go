package all_test

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/all"
)

func TestFixturesErrors(t *testing.T) {
	root := t.TempDir()
	if err := os.Mkdir(filepath.Join(root, "vitecauto"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		dir      string // FixturesDir
		wantDir  string
		wantFile string
		notExist bool
	}{
		{"folder missing", filepath.Join(root, "none"), filepath.Join(root, "none"), "", true},
		{"vendor folder missing a file", root, filepath.Join(root, "vitecauto"), "customers.json", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := all.New(all.Config{FixturesDir: tc.dir})
			var fe *all.FixturesError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v, want a *FixturesError", err)
			}
			if fe.Dir != tc.wantDir || fe.File != tc.wantFile || errors.Is(err, fs.ErrNotExist) != tc.notExist {
				t.Errorf("FixturesError{Dir: %q, File: %q, Err: %v}, want Dir %q, File %q", fe.Dir, fe.File, fe.Err, tc.wantDir, tc.wantFile)
			}
		})
	}
	t.Run("vendor entry that is a file", func(t *testing.T) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "timewave"), nil, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := all.New(all.Config{FixturesDir: dir})
		var fe *all.FixturesError
		if !errors.As(err, &fe) || fe.Dir != filepath.Join(dir, "timewave") {
			t.Fatalf("err = %v, want a *FixturesError for %s", err, filepath.Join(dir, "timewave"))
		}
	})
}

func TestMountPrefix(t *testing.T) {
	for _, api := range all.Names() {
		if p := all.MountPrefix(api); len(p) < 2 || p[0] != '/' {
			t.Errorf("MountPrefix(%q) = %q", api, p)
		}
	}
	if p := all.MountPrefix("nope"); p != "" {
		t.Errorf("MountPrefix(nope) = %q, want empty", p)
	}
}
