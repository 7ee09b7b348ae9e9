package specs

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// exactMemo is a bounded set of byte strings, each under an owner (the schema or operation it passed
// for), found by hash and compared in full, so that a hit is exact. It keeps two generations of at
// most half the bounds each: when the newer one is full it becomes the older one and the older one
// is dropped, and a hit in the older one is copied into the newer one. So what is looked up often
// stays while a stream of strings seen once (new records of a busy mock) passes through. Safe for
// concurrent use.
type exactMemo[O comparable] struct {
	seed                 maphash.Seed
	maxEntries, maxBytes int // of one generation
	mu                   sync.RWMutex
	cur, old             map[uint64][]exactEntry[O]
	n, size              int // of cur
}

type exactEntry[O comparable] struct {
	owner O
	raw   []byte
}

// newExactMemo holds at most maxEntries strings of maxBytes bytes in all.
func newExactMemo[O comparable](maxEntries, maxBytes int) exactMemo[O] {
	return exactMemo[O]{seed: maphash.MakeSeed(), maxEntries: max(maxEntries/2, 1), maxBytes: max(maxBytes/2, 1),
		cur: map[uint64][]exactEntry[O]{}}
}

func (m *exactMemo[O]) hash(raw []byte) uint64 { return maphash.Bytes(m.seed, raw) }

// has reports whether raw was added under owner (h is its hash).
func (m *exactMemo[O]) has(h uint64, owner O, raw []byte) bool {
	m.mu.RLock()
	if find(m.cur[h], owner, raw) != nil {
		m.mu.RUnlock()
		return true
	}
	kept := find(m.old[h], owner, raw)
	m.mu.RUnlock()
	if kept == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if find(m.cur[h], owner, raw) == nil {
		m.put(h, owner, kept)
	}
	return true
}

func find[O comparable](entries []exactEntry[O], owner O, raw []byte) []byte {
	for _, e := range entries {
		if e.owner == owner && bytes.Equal(e.raw, raw) {
			return e.raw
		}
	}
	return nil
}

// add remembers a copy of raw under owner.
func (m *exactMemo[O]) add(h uint64, owner O, raw []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if find(m.cur[h], owner, raw) == nil {
		m.put(h, owner, bytes.Clone(raw))
	}
}

// put adds owned to cur, turning cur into old first when it is full. m.mu is held.
func (m *exactMemo[O]) put(h uint64, owner O, owned []byte) {
	if m.n >= m.maxEntries || m.size+len(owned) > m.maxBytes {
		m.old, m.cur = m.cur, make(map[uint64][]exactEntry[O], len(m.cur))
		m.n, m.size = 0, 0
	}
	m.cur[h] = append(m.cur[h], exactEntry[O]{owner: owner, raw: owned})
	m.n++
	m.size += len(owned)
}
