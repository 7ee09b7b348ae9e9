// Package record turns the answers a vendor gives through the validating proxy into fixtures of the
// vendor's mock: DIR/<api>/ in the layout `vendorctl serve --fixtures DIR` reads, with personal data
// replaced (package anonymize) unless told to keep it.
//
// Scope: every answer that conforms to the spec (request and answer validated whole, no violation) and
// carries records is taken apart into records keyed by their identity (a TimeWave client by id whether
// it came in a page, by id or by number; a Vitec Autodata customer by company and customer number), and
// a later answer replaces the earlier copy of a record. The reference data a mock needs beside its
// records (TimeWave's reference tables, Mediaconnect's addresses) is derived from what was seen. Files
// are written whole and atomically (temporary file, fsync, rename, fsync of the folder). Which fields
// are personal is one named list per vendor (vendor_*.go), checked against the spec by the tests.
//
// Non-goals: recording errors, headers or timing; replaying requests (serve answers from the records
// by the mock's own rules); finding personal data in fields the lists do not name.
package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"

	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
)

// ErrUnknownAPI is an API the recorder has no vendor definition for.
var ErrUnknownAPI = errors.New("record: no recording rules for this API")

// Config configures a Recorder.
type Config struct {
	// API is the vendor's name, e.g. "timewave"; the files go to Dir/API/.
	API string
	// Dir is the recording folder. Required.
	Dir string
	// Mapper replaces personal data (nil: kept as the upstream sent it).
	Mapper *anonymize.Mapper
}

// Recorder collects records from exchanges; it is safe for concurrent use.
type Recorder struct {
	cfg    Config
	vendor *vendor
	// writing serialises Flush, so that an older snapshot never overwrites a newer one.
	writing sync.Mutex

	mu      sync.Mutex
	sets    map[string]*collection
	skipped map[string]int
	dirty   bool
}

// collection is one kind of record, by identity, in the order first seen.
type collection struct {
	byID  map[string]map[string]any
	order []string
}

// entry is one record taken from an answer.
type entry struct {
	collection string
	id         string
	value      map[string]any
	// merge adds the value's keys to the stored record instead of replacing it.
	merge bool
}

// New returns a Recorder for cfg.API, or ErrUnknownAPI.
func New(cfg Config) (*Recorder, error) {
	v, ok := vendors[cfg.API]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownAPI, cfg.API)
	}
	if cfg.Dir == "" {
		return nil, errors.New("record: no folder")
	}
	return &Recorder{cfg: cfg, vendor: v, sets: map[string]*collection{}, skipped: map[string]int{}}, nil
}

// Country is the country the vendor's addresses are drawn from when a value does not tell.
func Country(api string) anonymize.Country {
	if v, ok := vendors[api]; ok {
		return v.country
	}
	return anonymize.Sweden
}

// Observe takes the records of one exchange (proxy.Config.Observe). An answer that does not conform
// is counted by operation and not recorded.
func (r *Recorder) Observe(x proxy.Exchange) {
	if x.Route == nil {
		return
	}
	op := x.Route.OperationID()
	if !x.Conforms {
		r.mu.Lock()
		r.skipped[op]++
		r.mu.Unlock()
		return
	}
	entries, err := r.vendor.take(op, x)
	if err != nil {
		r.mu.Lock()
		r.skipped[op]++
		r.mu.Unlock()
		return
	}
	for i := range entries {
		if r.cfg.Mapper != nil {
			entries[i].value = replaceFields(entries[i].value, "", r.vendor.personal[entries[i].collection], r.cfg.Mapper).(map[string]any)
		}
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, e := range entries {
		c := r.sets[e.collection]
		if c == nil {
			c = &collection{byID: map[string]map[string]any{}}
			r.sets[e.collection] = c
		}
		old, seen := c.byID[e.id]
		if !seen {
			c.order = append(c.order, e.id)
		}
		if e.merge && seen {
			merged := maps.Clone(old)
			maps.Copy(merged, e.value)
			e.value = merged
		}
		c.byID[e.id] = e.value
		r.dirty = true
	}
}

// Skipped is the number of answers not recorded, by operation: they did not conform to the spec, or
// held a record without the properties of its identity.
func (r *Recorder) Skipped() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return maps.Clone(r.skipped)
}

// Count is the number of records of each collection.
func (r *Recorder) Count() map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for name, c := range r.sets {
		out[name] = len(c.order)
	}
	return out
}

// records returns a collection's records in the order first seen (the caller holds mu).
func (r *Recorder) records(name string) []map[string]any {
	c := r.sets[name]
	if c == nil {
		return nil
	}
	out := make([]map[string]any, 0, len(c.order))
	for _, id := range c.order {
		out = append(out, c.byID[id])
	}
	return out
}

// Flush writes the fixture files when something was recorded since the last Flush. Each file is
// written atomically; a file that fails leaves the one before it in place.
func (r *Recorder) Flush() error {
	r.writing.Lock()
	defer r.writing.Unlock()
	r.mu.Lock()
	if !r.dirty {
		r.mu.Unlock()
		return nil
	}
	files, err := r.vendor.files(r)
	r.dirty = false
	r.mu.Unlock()
	if err != nil {
		return err
	}
	dir := filepath.Join(r.cfg.Dir, r.cfg.API)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("record: %w", err)
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		data, err := encode(files[name])
		if err == nil {
			err = WriteFileAtomic(filepath.Join(dir, name), data)
		}
		if err != nil {
			r.mu.Lock()
			r.dirty = true
			r.mu.Unlock()
			return fmt.Errorf("record %s/%s: %w", r.cfg.API, name, err)
		}
	}
	return nil
}

func encode(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// WriteFileAtomic writes data to path so that path holds either its old content or all of data: a
// temporary file in the same folder, fsync, rename, fsync of the folder.
func WriteFileAtomic(path string, data []byte) (err error) {
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = os.Remove(f.Name())
		}
	}()
	if _, err = f.Write(data); err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if err = os.Rename(f.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// replaceFields returns v with the string values at the paths of fields replaced (paths are property
// names joined by "."; arrays do not add to a path).
func replaceFields(v any, path string, fields map[string]anonymize.Kind, m *anonymize.Mapper) any {
	switch t := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(t))
		for k, val := range t {
			p := k
			if path != "" {
				p = path + "." + k
			}
			out[k] = replaceFields(val, p, fields, m)
		}
		return out
	case []any:
		out := make([]any, len(t))
		for i, val := range t {
			out[i] = replaceFields(val, path, fields, m)
		}
		return out
	case string:
		if k, ok := fields[path]; ok {
			return m.Replace(k, t)
		}
	}
	return v
}

// decodeJSON decodes a JSON body keeping numbers exact.
func decodeJSON(body []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	return v, nil
}

// idOf renders an identity part (a string or a JSON number) as text; ok is false for anything else.
func idOf(v any) (string, bool) {
	switch t := v.(type) {
	case string:
		return t, t != ""
	case json.Number:
		return t.String(), true
	case float64:
		return fmt.Sprint(t), true
	}
	return "", false
}

// sortedByNumber orders records by a numeric identity property.
func sortedByNumber(recs []map[string]any, prop string) []map[string]any {
	out := slices.Clone(recs)
	sort.SliceStable(out, func(i, j int) bool {
		a, _ := out[i][prop].(json.Number)
		b, _ := out[j][prop].(json.Number)
		x, _ := a.Int64()
		y, _ := b.Int64()
		return x < y
	})
	return out
}
