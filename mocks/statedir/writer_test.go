package statedir

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

var errInjected = errors.New("injected failure")

// A write that fails at any step leaves the old file whole and no temporary file; one that fails
// only at the folder's fsync has renamed the new file whole into place.
func TestWriteFileFailingStep(t *testing.T) {
	cases := []struct {
		name    string
		ops     func(o *ops)
		want    string
		renamed bool
	}{
		{"fsync of the file", func(o *ops) { o.sync = func(*os.File) error { return errInjected } }, "old", false},
		{"rename", func(o *ops) { o.rename = func(string, string) error { return errInjected } }, "old", false},
		{"fsync of the folder", func(o *ops) { o.syncDir = func(string) error { return errInjected } }, "new", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			if err := os.WriteFile(filepath.Join(dir, "f.json"), []byte("old"), 0o600); err != nil {
				t.Fatal(err)
			}
			o := osOps()
			tc.ops(&o)
			if err := o.writeFile(dir, "f.json", []byte("new")); !errors.Is(err, errInjected) {
				t.Fatalf("writeFile error = %v, want the injected one", err)
			}
			if got, _ := os.ReadFile(filepath.Join(dir, "f.json")); string(got) != tc.want {
				t.Fatalf("f.json = %q, want %q", got, tc.want)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Fatalf("left behind: %v", l)
			}
		})
	}
}

// A new folder whose write fails does not appear, half-filled or at all; nor does a temporary one.
func TestWriteFolderFailingStep(t *testing.T) {
	for name, fail := range map[string]func(o *ops){
		"fsync of a file": func(o *ops) { o.sync = func(*os.File) error { return errInjected } },
		"rename":          func(o *ops) { o.rename = func(string, string) error { return errInjected } },
	} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			o := osOps()
			fail(&o)
			err := o.writeFolder(dir, "api", map[string][]byte{"a.json": []byte("{}"), "b.json": []byte("[]")})
			if !errors.Is(err, errInjected) {
				t.Fatalf("writeFolder error = %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "api")); !errors.Is(err, os.ErrNotExist) {
				t.Fatalf("folder after a failed write: %v", err)
			}
			if l := leftovers(t, dir); len(l) > 0 {
				t.Fatalf("left behind: %v", l)
			}
		})
	}
}

// A failed Flush keeps the old state on disk, and the next one writes the new state.
func TestFlushFailureKeepsOldState(t *testing.T) {
	dir := t.TempDir()
	v := &fake{}
	s := open(t, dir, v)
	v.set(1)
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	s.ops.rename = func(string, string) error { return errInjected }
	v.set(2)
	if err := s.Flush(); !errors.Is(err, errInjected) {
		t.Fatalf("Flush error = %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "fake", "count.json")); string(got) != `{"n": 1}` {
		t.Fatalf("after a failed write count.json = %q, want the old state", got)
	}
	s.ops = osOps()
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "fake", "count.json")); string(got) != `{"n": 2}` {
		t.Fatalf("after a retry count.json = %q", got)
	}
}

// clock is a fake Now and After: After's channel fires when the test advances past it.
type clock struct {
	now   time.Time
	waits chan time.Duration
	fire  chan time.Time
}

func newClock() *clock {
	return &clock{now: time.Unix(1000, 0), waits: make(chan time.Duration, 10), fire: make(chan time.Time)}
}

func (c *clock) Now() time.Time { return c.now }

func (c *clock) After(d time.Duration) <-chan time.Time { c.waits <- d; return c.fire }

// Changes within an Interval of the last write are written together, once the Interval is over; the
// first change after a quiet Interval is written at once.
func TestWriterBatches(t *testing.T) {
	dir := t.TempDir()
	v := &fake{}
	c := newClock()
	s, err := Open(Config{Dir: dir, Now: c.Now, After: c.After}, []mockserver.Vendor{v})
	if err != nil {
		t.Fatal(err)
	}
	var writes atomic.Int32
	// Counted once the rename is done, so a waitFor that returns sees the file it counted.
	s.ops.rename = func(a, b string) error {
		err := os.Rename(a, b)
		writes.Add(1)
		return err
	}
	s.Start()
	defer s.Close()
	waitFor := func(n int32) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); writes.Load() != n; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%d writes, want %d", writes.Load(), n)
			}
		}
	}
	v.set(1)
	s.touch() // no write yet: written at once
	waitFor(1)
	v.set(2)
	s.touch()
	v.set(3)
	s.touch()
	if d := <-c.waits; d != DefaultInterval {
		t.Fatalf("writer waits %s after a write, want %s", d, DefaultInterval)
	}
	time.Sleep(20 * time.Millisecond)
	if writes.Load() != 1 {
		t.Fatalf("written before the interval was over")
	}
	c.now = c.now.Add(DefaultInterval)
	c.fire <- c.now
	waitFor(2)
	if got, _ := os.ReadFile(filepath.Join(dir, "fake", "count.json")); string(got) != `{"n": 3}` {
		t.Fatalf("count.json = %q, want both changes in one write", got)
	}
	v.set(4)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "fake", "count.json")); string(got) != `{"n": 4}` {
		t.Fatalf("Close did not write the last change: %q", got)
	}
}

// Handler marks writes only; a reset is answered once DIR is emptied, or 500 when that fails.
func TestHandlerReset(t *testing.T) {
	dir := t.TempDir()
	v := &fake{}
	s := open(t, dir, v)
	next := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == resetPath {
			_ = v.Reset()
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"reset":["fake"]}`))
			return
		}
		v.set(9)
	})
	h := s.Handler(next)
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil))
	if len(s.changed) != 0 {
		t.Fatal("a GET marked the state changed")
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPut, "/x", nil))
	if len(s.changed) != 1 {
		t.Fatal("a PUT did not mark the state changed")
	}
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, resetPath, nil))
	if rec.Code != 200 || rec.Body.String() != `{"reset":["fake"]}` {
		t.Fatalf("reset answered %d %s", rec.Code, rec.Body)
	}
	if _, err := os.Stat(filepath.Join(dir, "fake")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("state folder after reset: %v, want none", err)
	}
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodPut, "/x", nil))
	if err := s.Flush(); err != nil {
		t.Fatal(err)
	}
	s.ops.rename = func(string, string) error { return errInjected }
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, resetPath, nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), "state folder was not emptied") {
		t.Fatalf("reset with a failing write answered %d %s", rec.Code, rec.Body)
	}
}
