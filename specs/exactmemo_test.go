package specs

import (
	"fmt"
	"testing"
)

// A hit is exact and per owner; the memo keeps at most its bounds across both generations; a string
// looked up often stays while many times the bound of strings seen once passes through.
func TestExactMemoBoundedAndKeepsWhatRepeats(t *testing.T) {
	const maxEntries, maxBytes = 64, 1 << 10
	m := newExactMemo[int](maxEntries, maxBytes)
	look := func(owner int, s string) bool {
		h := m.hash([]byte(s))
		if m.has(h, owner, []byte(s)) {
			return true
		}
		m.add(h, owner, []byte(s))
		return false
	}
	if look(1, "hot") || !look(1, "hot") || look(2, "hot") || look(1, "hoT") {
		t.Fatal("a hit is not exact, or not per owner")
	}
	for i := range 20 * maxEntries {
		look(1, fmt.Sprintf("record %d", i))
		n, size := 0, 0
		for _, gen := range []map[uint64][]exactEntry[int]{m.cur, m.old} {
			for _, es := range gen {
				for _, e := range es {
					n, size = n+1, size+len(e.raw)
				}
			}
		}
		if n > maxEntries || size > maxBytes {
			t.Fatalf("%d entries of %d bytes, bounds %d and %d", n, size, maxEntries, maxBytes)
		}
		if i%(maxEntries/4) == 0 && !look(1, "hot") {
			t.Fatalf("after %d other strings the one looked up often is gone", i)
		}
	}
}
