package statedir

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"path/filepath"
	"slices"
	"sync"
)

// Flush writes every vendor's state that differs from what Dir holds: a vendor back at its fixtures
// loses its folder. Safe for concurrent use.
func (s *Store) Flush() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.last = s.cfg.Now()
	var errs []error
	for _, v := range s.vendors {
		files, err := v.Snapshot()
		if err != nil {
			errs = append(errs, fmt.Errorf("state of %s: %w", v.Name(), err))
			continue
		}
		if sameFiles(files, s.baseline[v.Name()]) {
			files = nil
		}
		if err := s.put(v.Name(), files); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// put makes Dir/name hold files (none: no folder), writing only what changed.
func (s *Store) put(name string, files map[string][]byte) error {
	old := s.written[name]
	var err error
	switch {
	case sameFiles(files, old):
		return nil
	case len(files) == 0:
		err = s.ops.removeFolder(s.cfg.Dir, name)
	case len(old) == 0:
		err = s.ops.writeFolder(s.cfg.Dir, name, files)
	default:
		for _, f := range slices.Sorted(maps.Keys(files)) {
			if !bytes.Equal(files[f], old[f]) {
				if err = s.ops.writeFile(filepath.Join(s.cfg.Dir, name), f, files[f]); err != nil {
					break
				}
			}
		}
	}
	if err != nil {
		return fmt.Errorf("write state of %s: %w", name, err)
	}
	s.written[name] = files
	return nil
}

func sameFiles(a, b map[string][]byte) bool {
	return maps.EqualFunc(a, b, bytes.Equal)
}

// Start runs the writer: after a change it writes within Interval, and never twice within Interval.
// A failed write is logged and retried an Interval later.
func (s *Store) Start() {
	stop := make(chan struct{})
	s.done = make(chan struct{})
	s.stop = sync.OnceFunc(func() { close(stop) })
	go func() {
		defer close(s.done)
		for {
			select {
			case <-stop:
				return
			case <-s.changed:
			}
			s.mu.Lock()
			wait := s.last.Add(s.cfg.Interval).Sub(s.cfg.Now())
			s.mu.Unlock()
			if wait > 0 {
				select {
				case <-stop:
					return
				case <-s.cfg.After(wait):
				}
			}
			if err := s.Flush(); err != nil {
				s.cfg.Logger.Error("state not written; retrying", "dir", s.cfg.Dir, "err", err)
				s.touch()
			}
		}
	}()
}

// Close stops the writer and writes the last changes.
func (s *Store) Close() error {
	if s.stop != nil {
		s.stop()
		<-s.done
	}
	return s.Flush()
}

// touch tells the writer that the state may have changed.
func (s *Store) touch() {
	select {
	case s.changed <- struct{}{}:
	default:
	}
}
