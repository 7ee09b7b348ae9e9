package timewave

import (
	"cmp"
	"slices"
	"sort"
	"sync"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
)

// indexes are a store's lists of record positions, built on the first list that needs one and then
// kept up to date by every write: per sort field, every position ordered by the field's value (ties
// by position, which is id order); per equality filter, the positions of each value in id order. A
// write finds its place in each list by binary search and moves the tail (a copy of up to 4 bytes per
// client). The store's lock guards writes; mu guards building, since readers build under the read
// lock, and the fixtures' indexes are shared by every store that has not written yet.
type indexes struct {
	mu    sync.Mutex
	sorts map[string][]int32
	eqs   map[string]map[string][]int32
}

func newIndexes() *indexes {
	return &indexes{sorts: map[string][]int32{}, eqs: map[string]map[string][]int32{}}
}

// eqFields are the filters answered from an index (exact match on one field).
var eqFields = []string{"status", "deleted", "number", "email", "personal_number"}

// eqKey is a client's value of an equality filter field; false for null (never matched).
func eqKey(c *timewaveapi.Client, field string) (string, bool) {
	switch field {
	case "status":
		return string(c.Status), true
	case "deleted":
		return boolText(c.Deleted), true
	case "number":
		return deref(c.Number, ""), c.Number != nil
	case "email":
		if c.Email == nil {
			return "", false
		}
		return string(*c.Email), true
	case "personal_number":
		return deref(c.PersonalNumber, ""), c.PersonalNumber != nil
	}
	return "", false
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// compareAt orders positions a and b by field, then by position.
func compareAt(recs *records, field string, a, b int32) int {
	if c := compareKeys(keyOf(&recs.at(int(a)).client, field), keyOf(&recs.at(int(b)).client, field)); c != 0 {
		return c
	}
	return cmp.Compare(a, b)
}

// sorted returns every position ordered by field (ascending, ties by position). Read-only.
func (ix *indexes) sorted(recs *records, field string) []int32 {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if s, ok := ix.sorts[field]; ok {
		return s
	}
	keys := make([]sortKey, recs.n)
	s := make([]int32, recs.n)
	for i := range recs.n {
		keys[i], s[i] = keyOf(&recs.at(i).client, field), int32(i)
	}
	slices.SortFunc(s, func(a, b int32) int {
		if c := compareKeys(keys[a], keys[b]); c != 0 {
			return c
		}
		return cmp.Compare(a, b)
	})
	ix.sorts[field] = s
	return s
}

// equal returns the positions whose field is value, ascending. Read-only.
func (ix *indexes) equal(recs *records, field, value string) []int32 {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	m, ok := ix.eqs[field]
	if !ok {
		m = map[string][]int32{}
		for i := range recs.n {
			if k, ok := eqKey(&recs.at(i).client, field); ok {
				m[k] = append(m[k], int32(i))
			}
		}
		ix.eqs[field] = m
	}
	return m[value]
}

// added puts position p (a new or replaced record) into every index built so far.
func (ix *indexes) added(recs *records, p int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	pos := int32(p)
	for field, s := range ix.sorts {
		at, _ := slices.BinarySearchFunc(s, pos, func(e, t int32) int { return compareAt(recs, field, e, t) })
		ix.sorts[field] = slices.Insert(s, at, pos)
	}
	for field, m := range ix.eqs {
		if k, ok := eqKey(&recs.at(p).client, field); ok {
			at, _ := slices.BinarySearch(m[k], pos)
			m[k] = slices.Insert(m[k], at, pos)
		}
	}
}

// removing takes position p out of every index built so far, before its record is replaced.
func (ix *indexes) removing(recs *records, p int) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	pos := int32(p)
	for field, s := range ix.sorts {
		if at, ok := slices.BinarySearchFunc(s, pos, func(e, t int32) int { return compareAt(recs, field, e, t) }); ok {
			ix.sorts[field] = slices.Delete(s, at, at+1)
		}
	}
	for field, m := range ix.eqs {
		if k, ok := eqKey(&recs.at(p).client, field); ok {
			if at, found := slices.BinarySearch(m[k], pos); found {
				m[k] = slices.Delete(m[k], at, at+1)
			}
		}
	}
}

// selection is the clients a list request matches: the positions [lo, hi) or, when some is set, the
// positions in some (ascending). Either way exact: every matching client and no other.
type selection struct {
	lo, hi int
	some   []int32
	ranged bool // some is unset: [lo, hi)
}

func (sel selection) len() int {
	if sel.ranged {
		return sel.hi - sel.lo
	}
	return len(sel.some)
}

// at is the i-th matching position in id order.
func (sel selection) at(i int) int32 {
	if sel.ranged {
		return int32(sel.lo + i)
	}
	return sel.some[i]
}

// selectClients finds the clients that match q: the id filters are a range of positions (the
// records are in id order), an equality filter is its index's list cut to that range; with two or
// more equality filters the shortest list is checked against match (every filter).
func (s *store) selectClients(q listQuery, match func(*timewaveapi.Client) bool) selection {
	lo := sort.Search(s.recs.n, func(i int) bool { return s.recs.at(i).client.Id >= q.idLo })
	hi := sort.Search(s.recs.n, func(i int) bool { return s.recs.at(i).client.Id > q.idHi })
	hi = max(lo, hi)
	if len(q.eqs) == 0 {
		return selection{lo: lo, hi: hi, ranged: true}
	}
	var best []int32
	for i, e := range q.eqs {
		list := s.idx.equal(&s.recs, e.field, e.value)
		a, _ := slices.BinarySearch(list, int32(lo))
		b, _ := slices.BinarySearch(list, int32(hi))
		if i == 0 || b-a < len(best) {
			best = list[a:b]
		}
	}
	if len(q.eqs) == 1 {
		return selection{some: best}
	}
	some := make([]int32, 0, len(best))
	for _, p := range best {
		if match(&s.recs.at(int(p)).client) {
			some = append(some, p)
		}
	}
	return selection{some: some}
}

// page returns the positions of clients [off, off+n) of sel in the order of field.
func (s *store) page(sel selection, match func(*timewaveapi.Client) bool, field string, desc bool, off, n int) []int32 {
	total := sel.len()
	n = max(0, min(n, total-off))
	if n == 0 {
		return nil
	}
	out := make([]int32, 0, n)
	if field == "id" {
		for i := off; i < off+n; i++ {
			if desc {
				out = append(out, sel.at(total-1-i))
			} else {
				out = append(out, sel.at(i))
			}
		}
		return out
	}
	// Walking the field's index visits about (off+n)·len/total records; sorting the selection costs
	// more per record, so it is taken when the walk would visit more records than sel holds.
	if (off+n)*(s.recs.n/max(total, 1)) > total {
		return s.sortedPage(sel, field, desc, off, n)
	}
	in := func(p int32) bool {
		if sel.ranged {
			return int(p) >= sel.lo && int(p) < sel.hi
		}
		return match(&s.recs.at(int(p)).client)
	}
	seen := 0
	visit := func(p int32) bool { // false when the page is full
		if in(p) {
			if seen >= off {
				out = append(out, p)
			}
			seen++
		}
		return len(out) < n
	}
	ix := s.idx.sorted(&s.recs, field)
	if !desc {
		for _, p := range ix {
			if !visit(p) {
				break
			}
		}
		return out
	}
	// Descending: the runs of equal values from the highest, each in position (id) order.
	for j := len(ix) - 1; j >= 0; {
		k := keyOf(&s.recs.at(int(ix[j])).client, field)
		start := sort.Search(j, func(t int) bool { return compareKeys(keyOf(&s.recs.at(int(ix[t])).client, field), k) >= 0 })
		for t := start; t <= j; t++ {
			if !visit(ix[t]) {
				return out
			}
		}
		j = start - 1
	}
	return out
}

// sortedPage sorts the selection by field and cuts the page.
func (s *store) sortedPage(sel selection, field string, desc bool, off, n int) []int32 {
	hits := make([]hit, sel.len())
	for i := range hits {
		p := sel.at(i)
		hits[i] = hit{id: int(p), key: keyOf(&s.recs.at(int(p)).client, field)}
	}
	sortHits(hits, desc) // hit.id holds the position: the same order as by id
	out := make([]int32, n)
	for i := range out {
		out[i] = int32(hits[off+i].id)
	}
	return out
}
