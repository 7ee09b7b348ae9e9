package specs

import (
	"bytes"
	"hash/maphash"
	"sync"
)

// exactMemo is a bounded set of byte strings, each under an owner (the schema or operation it passed
// for), found by hash and compared in full, so that a hit is exact. When full it starts afresh. Safe
// for concurrent use.
type exactMemo[O comparable] struct {
	seed                 maphash.Seed
	maxEntries, maxBytes int
	mu                   sync.RWMutex
	entries              map[uint64][]exactEntry[O]
	n, size              int
}

type exactEntry[O comparable] struct {
	owner O
	raw   []byte
}

func newExactMemo[O comparable](maxEntries, maxBytes int) exactMemo[O] {
	return exactMemo[O]{seed: maphash.MakeSeed(), maxEntries: maxEntries, maxBytes: maxBytes, entries: map[uint64][]exactEntry[O]{}}
}

func (m *exactMemo[O]) hash(raw []byte) uint64 { return maphash.Bytes(m.seed, raw) }

// has reports whether raw was added under owner (h is its hash).
func (m *exactMemo[O]) has(h uint64, owner O, raw []byte) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, e := range m.entries[h] {
		if e.owner == owner && bytes.Equal(e.raw, raw) {
			return true
		}
	}
	return false
}

// add remembers a copy of raw under owner.
func (m *exactMemo[O]) add(h uint64, owner O, raw []byte) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n >= m.maxEntries || m.size+len(raw) > m.maxBytes {
		clear(m.entries)
		m.n, m.size = 0, 0
	}
	m.entries[h] = append(m.entries[h], exactEntry[O]{owner: owner, raw: bytes.Clone(raw)})
	m.n++
	m.size += len(raw)
}
