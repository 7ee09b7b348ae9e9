package timewave

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"

	openapi_types "github.com/oapi-codegen/runtime/types"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
)

var sortFields = []string{"id", "status", "title", "number", "deleted", "phone", "mobile", "paymentterms", "email",
	"clientnbr", "employee_id", "paymenttype", "hourpot", "fax", "workphone", "has_hourpot", "secondary_email", "www",
	"invoicetemplate_id", "first_name", "last_name", "company_name", "personal_number", "invoice_fee_id"}

// naivePage is the list answer by definition: every client tested, the matches sorted, the page cut.
func naivePage(s *store, match func(*timewaveapi.Client) bool, field string, desc bool, off, n int) (int, []int) {
	var hits []hit
	for i := range s.len() {
		c := s.recs.at(i).client
		if match == nil || match(&c) {
			hits = append(hits, hit{id: c.Id, key: keyOf(&c, field)})
		}
	}
	sortHits(hits, desc)
	var ids []int
	for i := off; i < min(off+n, len(hits)); i++ {
		ids = append(ids, hits[i].id)
	}
	return len(hits), ids
}

// randomParams draws a list request's filters from values the store holds (and some it does not).
func randomParams(rng *rand.Rand, s *store) timewaveapi.ListClientsParams {
	var p timewaveapi.ListClientsParams
	some := func() *timewaveapi.Client { return &s.recs.at(rng.IntN(s.len())).client }
	id := func() int { return some().Id + rng.IntN(5) - 2 }
	if rng.IntN(6) == 0 {
		p.FilterId = new(id())
	}
	if rng.IntN(3) == 0 {
		p.FilterIdGt = new(id())
	}
	if rng.IntN(3) == 0 {
		p.FilterIdLt = new(id())
	}
	if rng.IntN(5) == 0 {
		p.FilterIdBetween = new(fmt.Sprintf("%d,%d", id(), id()))
	}
	if rng.IntN(2) == 0 {
		p.FilterStatus = new(some().Status)
	}
	if rng.IntN(4) == 0 {
		p.FilterDeleted = new(rng.IntN(2) == 0)
	}
	if c := some(); rng.IntN(5) == 0 && c.Number != nil {
		p.FilterNumber = new(*c.Number)
	}
	if c := some(); rng.IntN(6) == 0 && c.Email != nil {
		p.FilterEmail = new(string(*c.Email))
	}
	if c := some(); rng.IntN(6) == 0 && c.PersonalNumber != nil {
		p.FilterPersonalNumber = new(*c.PersonalNumber)
	}
	return p
}

// randomWrite creates a client or changes one's sort and filter fields, as the handlers store them.
func randomWrite(rng *rand.Rand, s *store) {
	pick := func(vals ...string) *string {
		if v := vals[rng.IntN(len(vals))]; v != "" {
			return &v
		}
		return nil
	}
	if rng.IntN(3) == 0 {
		r := *s.recs.at(rng.IntN(s.len()))
		r.client.Id, r.client.Clientnbr = s.nextID, s.nextClientnbr
		s.nextID++
		s.nextClientnbr++
		s.add(r)
		return
	}
	r := *s.recs.at(rng.IntN(s.len()))
	c := &r.client
	c.Status = []timewaveapi.ClientStatus{"active", "inactive", "prospect", "deleted"}[rng.IntN(4)]
	c.Mobile = pick("", "070-1", "070-2", "073-9")
	c.Number = pick("", "1", "2", "k-7")
	c.Deleted = rng.IntN(2) == 0
	if e := pick("", "a@example.se", "b@example.se"); e != nil {
		c.Email = new(openapi_types.Email(*e))
	} else {
		c.Email = nil
	}
	c.Hourpot = []*float64{nil, new(1.5), new(-2.0)}[rng.IntN(3)]
	s.put(c.Id, r)
}

// The indexed list (selection, then the page from the sort index or a sort of the selection) gives
// exactly the answer of testing and sorting every client, for random filters, sorts and pages, while
// random writes change the store and its indexes; the fixtures' store is never changed.
func TestIndexedListIsTheNaiveList(t *testing.T) {
	m, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	// The fixtures in chunks of 16, so that writes copy some chunks and share the others.
	seed := newStore(flat(m.seed))
	seed.recs = chunked(flat(m.seed), 16)
	seedBefore := flat(seed)
	rng := rand.New(rand.NewPCG(1, 2))
	s := seed.fresh()
	for i := range 3000 {
		if i%10 == 9 {
			randomWrite(rng, s)
		}
		p := randomParams(rng, s)
		match, err := matcher(p)
		if err != nil {
			t.Fatal(err)
		}
		field, desc := sortFields[rng.IntN(len(sortFields))], rng.IntN(2) == 0
		size := 1 + rng.IntN(40)
		off := size * rng.IntN(6)
		wantTotal, want := naivePage(s, match, field, desc, off, size)
		sel := s.selectClients(listQueryOf(p), match)
		var got []int
		for _, pos := range s.page(sel, match, field, desc, off, size) {
			got = append(got, s.recs.at(int(pos)).client.Id)
		}
		if sel.len() != wantTotal || !slices.Equal(got, want) {
			t.Fatalf("query %d (%+v, sort %s desc %v, offset %d size %d): total %d ids %v, want total %d ids %v",
				i, p, field, desc, off, size, sel.len(), got, wantTotal, want)
		}
	}
	if s.shared || !slices.EqualFunc(flat(seed), seedBefore, func(a, b record) bool {
		return a.client.Id == b.client.Id && a.client.Status == b.client.Status && a.client.Mobile == b.client.Mobile
	}) {
		t.Fatal("the writes did not copy the store, or changed the fixtures' store")
	}
}

// flat copies a store's records in order.
func flat(s *store) []record {
	out := make([]record, s.len())
	for i := range out {
		out[i] = *s.recs.at(i)
	}
	return out
}

// get finds exactly the stored ids, also between and around them, in chunks of any size.
func TestStoreGetIsExact(t *testing.T) {
	var seed []record
	for _, id := range []int{3, 4, 7, 20, 21, 40} {
		seed = append(seed, record{client: timewaveapi.Client{Id: id}})
	}
	for _, size := range []int{1, 4, 1024} {
		s := newStore(seed)
		s.recs = chunked(seed, size)
		for id := 0; id <= 42; id++ {
			r, ok := s.get(id)
			want := slices.ContainsFunc(seed, func(r record) bool { return r.client.Id == id })
			if ok != want || (ok && r.client.Id != id) {
				t.Errorf("chunks of %d: get(%d) = %d, %v; want found %v", size, id, r.client.Id, ok, want)
			}
		}
	}
}

// Mocks built from one set of fixtures build the shared indexes concurrently, while one of them
// writes (and so starts its own), without a race (run with -race).
func TestSharedIndexesUnderConcurrentMocks(t *testing.T) {
	var mocks []*Mock
	for range 3 {
		m, err := New(Config{})
		if err != nil {
			t.Fatal(err)
		}
		mocks = append(mocks, m)
	}
	var wg sync.WaitGroup
	for i, m := range mocks {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(i), 7))
			for range 200 {
				if i == 0 && rng.IntN(4) == 0 {
					m.mu.Lock()
					randomWrite(rng, m.store)
					m.mu.Unlock()
				}
				p := randomParams(rng, m.store)
				match, _ := matcher(p)
				field := sortFields[rng.IntN(len(sortFields))]
				m.mu.RLock()
				sel := m.store.selectClients(listQueryOf(p), match)
				m.store.page(sel, match, field, rng.IntN(2) == 0, 0, 15)
				m.mu.RUnlock()
			}
		})
	}
	wg.Wait()
}
