package timewave

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"reflect"
	"slices"

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
// every mock built from them starts from and copies on its first write (both read-only).
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
	data, err := fs.ReadFile(fsys, "clients.json")
	if err != nil {
		return nil, nil, fmt.Errorf("read timewave fixtures: %w", err)
	}
	var clients []timewaveapi.Client
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&clients); err != nil {
		return nil, nil, fmt.Errorf("decode timewave fixtures clients.json: %w", err)
	}
	seen := map[int]bool{}
	nbrs := map[int]bool{}
	seed := make([]record, 0, len(clients))
	for i, c := range clients {
		if c.Id <= 0 || seen[c.Id] {
			return nil, nil, fmt.Errorf("timewave fixtures clients.json record %d: id %d is not positive or not unique", i, c.Id)
		}
		if nbrs[c.Clientnbr] {
			return nil, nil, fmt.Errorf("timewave fixtures clients.json record %d: clientnbr %d is not unique", i, c.Clientnbr)
		}
		seen[c.Id], nbrs[c.Clientnbr] = true, true
		r := record{client: c}
		if c.Bank != nil {
			row, ok := ref.banks[c.Bank.Id]
			if !ok || !reflect.DeepEqual(row, *c.Bank) {
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
		r.client.Bank, r.client.Clienttype = nil, nil
		seed = append(seed, r)
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

// store is the mutable state; the Mock's mutex guards it. A store made by fresh shares its map and ids
// with the fixtures' store until its first write copies them.
type store struct {
	shared bool
	byID   map[int]record
	// ids are the keys of byID in ascending order; read-only but for add.
	ids []int
	// version counts the changes of the clients (add, put), for the page cache.
	version         uint64
	nextID          int
	nextClientnbr   int
	nextAddressID   int
	nextReferenceID int
}

func newStore(seed []record) *store {
	s := &store{byID: make(map[int]record, len(seed)), nextID: 1, nextClientnbr: 1, nextAddressID: 1, nextReferenceID: 1}
	for _, r := range seed {
		s.byID[r.client.Id] = r
		s.nextID = max(s.nextID, r.client.Id+1)
		s.nextClientnbr = max(s.nextClientnbr, r.client.Clientnbr+1)
		for _, a := range r.client.Addresses {
			s.nextAddressID = max(s.nextAddressID, a.Id+1)
		}
		for _, ref := range r.client.References {
			s.nextReferenceID = max(s.nextReferenceID, ref.Id+1)
		}
	}
	s.ids = make([]int, 0, len(s.byID))
	for id := range s.byID {
		s.ids = append(s.ids, id)
	}
	slices.Sort(s.ids)
	return s
}

// fresh is a store holding what s holds, for a mock to change: the first write copies s's map and ids.
func (s *store) fresh() *store {
	c := *s
	c.shared = true
	return &c
}

// own copies a shared map and ids before a write, so the fixtures' store is never changed.
func (s *store) own() {
	if s.shared {
		s.byID, s.ids, s.shared = maps.Clone(s.byID), slices.Clone(s.ids), false
	}
}

// sortedIDs returns the ids in ascending order; the caller must not modify the slice.
func (s *store) sortedIDs() []int { return s.ids }

// add stores a new client under id, which is nextID, above every other: ids stay in order.
func (s *store) add(id int, r record) {
	s.own()
	s.byID[id] = r
	s.ids = append(s.ids, id)
	s.version++
}

// put replaces the client stored under id.
func (s *store) put(id int, r record) {
	s.own()
	s.byID[id] = r
	s.version++
}

// byNumber returns the client with the given number (the lowest id when several share it).
func (s *store) byNumber(number string) (record, bool) {
	var found record
	ok := false
	for _, r := range s.byID {
		if r.client.Number != nil && *r.client.Number == number && (!ok || r.client.Id < found.client.Id) {
			found, ok = r, true
		}
	}
	return found, ok
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
