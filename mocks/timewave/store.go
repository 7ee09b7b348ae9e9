package timewave

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io/fs"
	"slices"
	"sort"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
)

// record is a stored client: the fields the API answers, and the write-only fields of the doc (not "In
// response") that a create or update may set. bank and clienttype are not kept in client: they are
// derived from bankID and clienttypeID when the client is shown. A record is never changed in place (an
// update stores a new one), so a view of it may be encoded after the lock is released.
type record struct {
	client                 timewaveapi.Client
	bankID                 *int
	clienttypeID           *int
	vat                    *string
	comment                *string
	referenceName          *string
	taxreductionPercentage *float64
}

// tables are the vendor's reference tables ("exists in" rules, bank and clienttype rows). Read-only.
type tables struct {
	employees        map[int]bool
	invoicetemplates map[int]bool
	invoicefees      map[int]bool
	banks            map[int]timewaveapi.Bank
	clienttypes      map[int]timewaveapi.Clienttype
	workareas        map[int]timewaveapi.Workarea
	raw              map[string]any
}

type idRow struct {
	ID *int `json:"id"`
}

type referenceFile struct {
	Employees        []idRow                  `json:"employees"`
	Invoicetemplates []idRow                  `json:"invoicetemplates"`
	Invoicefees      []idRow                  `json:"invoicefees"`
	Banks            []timewaveapi.Bank       `json:"banks"`
	Clienttypes      []timewaveapi.Clienttype `json:"clienttypes"`
	Workareas        []timewaveapi.Workarea   `json:"workareas"`
}

// fixtureSet is what the fixture files hold: the reference tables, and the clients as a store that
// every mock built from them starts from and copies, chunk by chunk, as it writes (both read-only).
type fixtureSet struct {
	ref  *tables
	seed *store
}

// loadFixtures reads and checks clients.json and reference.json.
func loadFixtures(fsys fs.FS) (fixtureSet, error) {
	ref, seed, err := loadClients(fsys)
	if err != nil {
		return fixtureSet{}, err
	}
	return fixtureSet{ref: ref, seed: newStore(seed)}, nil
}

func loadClients(fsys fs.FS) (*tables, []record, error) {
	ref, err := loadReference(fsys)
	if err != nil {
		return nil, nil, err
	}
	data, release, err := readFixture(fsys, "clients.json")
	if err != nil {
		return nil, nil, fmt.Errorf("read timewave fixtures: %w", err)
	}
	seed, err := decodeClients(data) // its records share none of data's bytes
	release()
	if err != nil {
		return nil, nil, fmt.Errorf("decode timewave fixtures clients.json: %w", err)
	}
	if err := checkUnique(seed); err != nil {
		return nil, nil, err
	}
	for i := range seed {
		r := &seed[i]
		c := &r.client
		if c.Bank != nil {
			row, ok := ref.banks[c.Bank.Id]
			if !ok || !sameBank(row, *c.Bank) {
				return nil, nil, fmt.Errorf("timewave fixtures clients.json client %d: bank %d differs from the banks table", c.Id, c.Bank.Id)
			}
			r.bankID = &c.Bank.Id
		}
		if c.Clienttype != nil {
			row, ok := ref.clienttypes[c.Clienttype.Id]
			if !ok || row != *c.Clienttype {
				return nil, nil, fmt.Errorf("timewave fixtures clients.json client %d: clienttype %d differs from the clienttypes table", c.Id, c.Clienttype.Id)
			}
			r.clienttypeID = &c.Clienttype.Id
		}
		c.Bank, c.Clienttype = nil, nil
	}
	if !slices.IsSortedFunc(seed, byID) {
		slices.SortFunc(seed, byID)
	}
	return ref, seed, nil
}

func loadReference(fsys fs.FS) (*tables, error) {
	data, err := fs.ReadFile(fsys, "reference.json")
	if err != nil {
		return nil, fmt.Errorf("read timewave fixtures: %w", err)
	}
	var f referenceFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("decode timewave fixtures reference.json: %w", err)
	}
	t := &tables{
		employees:        map[int]bool{},
		invoicetemplates: map[int]bool{},
		invoicefees:      map[int]bool{},
		banks:            map[int]timewaveapi.Bank{},
		clienttypes:      map[int]timewaveapi.Clienttype{},
		workareas:        map[int]timewaveapi.Workarea{},
	}
	if err := json.Unmarshal(data, &t.raw); err != nil {
		return nil, fmt.Errorf("decode timewave fixtures reference.json: %w", err)
	}
	for _, tbl := range []struct {
		name string
		rows []idRow
		set  map[int]bool
	}{{"employees", f.Employees, t.employees}, {"invoicetemplates", f.Invoicetemplates, t.invoicetemplates}, {"invoicefees", f.Invoicefees, t.invoicefees}} {
		if len(tbl.rows) == 0 {
			return nil, fmt.Errorf("timewave fixtures reference.json: table %s is missing or empty", tbl.name)
		}
		for i, r := range tbl.rows {
			if r.ID == nil {
				return nil, fmt.Errorf("timewave fixtures reference.json: %s row %d has no id", tbl.name, i)
			}
			tbl.set[*r.ID] = true
		}
	}
	for _, b := range f.Banks {
		t.banks[b.Id] = b
	}
	for _, c := range f.Clienttypes {
		t.clienttypes[c.Id] = c
	}
	for _, w := range f.Workareas {
		t.workareas[w.Id] = w
	}
	if len(t.banks) == 0 || len(t.clienttypes) == 0 || len(t.workareas) == 0 {
		return nil, fmt.Errorf("timewave fixtures reference.json: banks, clienttypes and workareas must not be empty")
	}
	return t, nil
}

// store is the mutable state; the Mock's mutex guards it. A store made by fresh shares its records
// and indexes with the fixtures' store; its first write starts indexes of its own (built again when a
// list asks for them), and each write copies the chunk of records it changes.
type store struct {
	shared bool
	// recs are the clients in ascending id order: a new client has the highest id, and none is deleted,
	// so a record's position never changes. Read-only but for add and put.
	recs records
	idx  *indexes
	// version counts the changes of the clients (add, put), for the page cache.
	version         uint64
	nextID          int
	nextClientnbr   int
	nextAddressID   int
	nextReferenceID int
}

// newStore holds seed, which must be in ascending id order with unique ids.
func newStore(seed []record) *store {
	s := &store{recs: chunked(seed, recChunk), idx: newIndexes(), nextID: 1, nextClientnbr: 1, nextAddressID: 1, nextReferenceID: 1}
	for i := range seed {
		c := &seed[i].client
		s.nextID = max(s.nextID, c.Id+1)
		s.nextClientnbr = max(s.nextClientnbr, c.Clientnbr+1)
		for _, a := range c.Addresses {
			s.nextAddressID = max(s.nextAddressID, a.Id+1)
		}
		for _, ref := range c.References {
			s.nextReferenceID = max(s.nextReferenceID, ref.Id+1)
		}
	}
	return s
}

// fresh is a store holding what s holds, for a mock to change: a write copies the chunk of records it
// changes (see records).
func (s *store) fresh() *store {
	c := *s
	c.shared = true
	return &c
}

// own makes s's records its own to change (chunk by chunk, on write) and starts its own indexes, so
// the fixtures' store is never changed.
func (s *store) own() {
	if s.shared {
		s.recs, s.idx, s.shared = s.recs.shareChunks(), newIndexes(), false
	}
}

// len is the number of clients.
func (s *store) len() int { return s.recs.n }

// pos returns the position of the client with the given id.
func (s *store) pos(id int) (int, bool) {
	p := sort.Search(s.recs.n, func(i int) bool { return s.recs.at(i).client.Id >= id })
	return p, p < s.recs.n && s.recs.at(p).client.Id == id
}

// get returns the client with the given id.
func (s *store) get(id int) (record, bool) {
	p, ok := s.pos(id)
	if !ok {
		return record{}, false
	}
	return *s.recs.at(p), true
}

// add stores a new client, whose id is nextID, above every other: positions stay in id order.
func (s *store) add(r record) {
	s.own()
	s.recs.add(r)
	s.idx.added(&s.recs, s.recs.n-1)
	s.version++
}

// put replaces the client stored under id, which exists.
func (s *store) put(id int, r record) {
	s.own()
	p, _ := s.pos(id)
	s.idx.removing(&s.recs, p)
	s.recs.set(p, r)
	s.idx.added(&s.recs, p)
	s.version++
}

// byNumber returns the client with the given number (the lowest id when several share it).
func (s *store) byNumber(number string) (record, bool) {
	ps := s.idx.equal(&s.recs, "number", number)
	if len(ps) == 0 {
		return record{}, false
	}
	return *s.recs.at(int(ps[0])), true
}

// view is the client as the API answers it: bank and clienttype resolved, arrays never null.
func (m *Mock) view(r record) timewaveapi.Client {
	c := r.client
	if r.bankID != nil {
		if b, ok := m.ref.banks[*r.bankID]; ok {
			c.Bank = &b
		}
	}
	if r.clienttypeID != nil {
		if ct, ok := m.ref.clienttypes[*r.clienttypeID]; ok {
			c.Clienttype = &ct
		}
	}
	if c.Addresses == nil {
		c.Addresses = []timewaveapi.ClientAddress{}
	}
	if c.Contacts == nil {
		c.Contacts = []timewaveapi.ClientContact{}
	}
	if c.References == nil {
		c.References = []timewaveapi.Reference{}
	}
	return c
}

// checkUnique refuses a client whose id is not positive or repeats one, or whose clientnbr repeats
// one, naming the first such record of the file. Ids and numbers in ascending order (as files are
// usually written) need no look-up table.
func checkUnique(seed []record) error {
	ascending := true
	for i := 1; i < len(seed) && ascending; i++ {
		a, b := &seed[i-1].client, &seed[i].client
		ascending = a.Id < b.Id && a.Clientnbr < b.Clientnbr
	}
	if ascending && (len(seed) == 0 || seed[0].client.Id > 0) {
		return nil
	}
	seen := make(map[int]bool, len(seed))
	nbrs := make(map[int]bool, len(seed))
	for i := range seed {
		c := &seed[i].client
		if c.Id <= 0 || seen[c.Id] {
			return fmt.Errorf("timewave fixtures clients.json record %d: id %d is not positive or not unique", i, c.Id)
		}
		if nbrs[c.Clientnbr] {
			return fmt.Errorf("timewave fixtures clients.json record %d: clientnbr %d is not unique", i, c.Clientnbr)
		}
		seen[c.Id], nbrs[c.Clientnbr] = true, true
	}
	return nil
}

func byID(a, b record) int { return cmp.Compare(a.client.Id, b.client.Id) }

// recChunk is how many records a chunk of the fixtures' records holds.
const recChunk = 1024

// records are the clients in chunks (of recChunk for the fixtures). A store made by fresh shares every chunk with the
// fixtures' store; a write copies the chunk it changes (owned marks the copies), so a session that
// changes one client copies 1,024 of them, not the whole store.
type records struct {
	chunks [][]record
	owned  []bool // one per chunk: the chunk is this records' own copy
	n      int
	size   int // of a chunk
}

// chunked cuts seed into chunks of size that share its array (each capped, so that no append runs
// into the next).
func chunked(seed []record, size int) records {
	r := records{n: len(seed), size: size}
	for i := 0; i < len(seed); i += size {
		end := min(i+size, len(seed))
		r.chunks = append(r.chunks, seed[i:end:end])
	}
	r.owned = make([]bool, len(r.chunks)) // shared with seed: a write copies the chunk first
	return r
}

// at is the record at position i, read-only.
func (r *records) at(i int) *record { return &r.chunks[i/r.size][i%r.size] }

// shareChunks is r with every chunk shared, none owned.
func (r records) shareChunks() records {
	return records{chunks: slices.Clone(r.chunks), owned: make([]bool, len(r.chunks)), n: r.n, size: r.size}
}

// own copies chunk c unless it is r's own already.
func (r *records) own(c int) {
	if !r.owned[c] {
		r.chunks[c] = append(make([]record, 0, r.size), r.chunks[c]...)
		r.owned[c] = true
	}
}

func (r *records) set(i int, v record) {
	r.own(i / r.size)
	r.chunks[i/r.size][i%r.size] = v
}

func (r *records) add(v record) {
	if c := r.n / r.size; c == len(r.chunks) {
		r.chunks, r.owned = append(r.chunks, make([]record, 0, r.size)), append(r.owned, true)
	} else {
		r.own(c)
	}
	c := r.n / r.size
	r.chunks[c] = append(r.chunks[c], v)
	r.n++
}
