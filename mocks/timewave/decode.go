package timewave

import (
	"bytes"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"sync"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
)

// decodeClients decodes clients.json, a JSON array of clients without unknown keys, into records.
// The file is cut into one part per CPU at a guessed element boundary and the parts are decoded at
// once, by fastDecoder or, for an element it does not take, encoding/json; a part counts only when
// the part before it ended exactly where it began (so a wrong guess costs time, never a wrong
// record): the rest is then decoded after it. Equal values of the pointer fields are shared (records
// are never changed in place, so a shared pointer is never written through). On any error the whole
// file is decoded again by encoding/json, so that the error is the one it gives for the file.
func decodeClients(data []byte) ([]record, error) {
	start := skipSpace(data, 0)
	if start >= len(data) || data[start] != '[' {
		return decodeClientsSerial(data)
	}
	start++
	workers := max(1, min(runtime.GOMAXPROCS(0), len(data)/partBytes))
	parts := make([]part, workers)
	parts[0].start, parts[0].room = start, len(data)-start // the first part's records become the result
	for w := 1; w < workers; w++ {
		parts[w].start = guessElement(data, max(start+w*(len(data)-start)/workers, parts[w-1].start+1))
	}
	var wg sync.WaitGroup
	for w := range parts {
		stop := len(data)
		if w+1 < workers {
			stop = parts[w+1].start
		}
		wg.Go(func() { parts[w].decode(data, stop, w == 0) })
	}
	wg.Wait()
	n := 0
	for w := range parts {
		n += len(parts[w].recs)
	}
	var out []record
	at := start
	for w := range parts {
		p := &parts[w]
		if p.start != at { // the guess was not a boundary: decode from where the part before ended
			*p = part{start: at}
			p.decode(data, len(data), at == start)
		}
		if p.err != nil {
			if _, err := decodeClientsSerial(data); err != nil {
				return nil, err
			}
			return nil, p.err
		}
		switch {
		case w == 0 && p.recs != nil && cap(p.recs) >= n:
			out = p.recs // the others are appended to it: no copy of its 352-byte records
		case w == 0:
			out = append(make([]record, 0, n), p.recs...)
		default:
			out = append(out, p.recs...)
		}
		if p.closed {
			return out, nil
		}
		at = p.end
	}
	return decodeClientsSerial(data) // never closed: not an array
}

// objectSize is the length of the object at data[i], or 0 when it does not end.
func objectSize(data []byte, i int) int {
	end, ok := objectEnd(data, i)
	if !ok {
		return 0
	}
	return end - i
}

// partBytes is the least share of the file worth a worker of its own.
var partBytes = 1 << 20

// part is a run of array elements decoded by one worker: from start, the elements that begin before
// stop; end is where the next element begins, closed whether the array ended.
type part struct {
	start, end int
	// room is the length of the elements its records get capacity for (zero: its own, stop - start).
	room   int
	recs   []record
	closed bool
	err    error
}

// decode decodes the elements from p.start that begin before stop; first says p.start is just after
// the array's opening bracket (where a closing one is an empty array, not a trailing comma).
func (p *part) decode(data []byte, stop int, first bool) {
	fast := fastDecoder{in: newInterner()}
	i := skipSpace(data, p.start)
	if first && i < len(data) && data[i] == ']' {
		p.end, p.closed = i+1, true
		return
	}
	for i < stop {
		if i >= len(data) || data[i] != '{' {
			p.err = errors.New("clients.json is not an array of objects")
			return
		}
		if p.recs == nil { // half as many again as fit in the part at the size of its first element: pages
			// of the capacity never written are never touched, a regrowth copies every record
			size, room := max(objectSize(data, i), 1), p.room
			if room == 0 {
				room = stop - p.start
			}
			p.recs = make([]record, 0, 3*room/size/2+1)
		}
		p.recs = append(p.recs, record{}) // decoded in place, not copied in
		r := &p.recs[len(p.recs)-1]
		end, ok := fast.decodeAt(data, i, &r.client)
		if !ok {
			if end, ok = objectEnd(data, i); !ok {
				p.err = errors.New("clients.json ends inside an object")
				return
			}
			r.client = timewaveapi.Client{}
			dec := json.NewDecoder(bytes.NewReader(data[i:end]))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&r.client); err != nil {
				p.err = err
				return
			}
			fast.in.client(&r.client)
		}
		i = skipSpace(data, end)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == ']':
			p.end, p.closed = i+1, true
			return
		default:
			p.err = errors.New("clients.json: no comma or closing bracket after an element")
			return
		}
	}
	p.end = i
}

// guessElement returns the first position from i that looks like the start of an array element: an
// opening brace after a comma, whose object decodes as a client and is followed by a comma or the
// closing bracket. It may still be inside a string or a nested object; decodeClients checks.
func guessElement(data []byte, i int) int {
	fast := fastDecoder{in: newInterner()}
	for ; i < len(data); i++ {
		if data[i] != ',' {
			continue
		}
		j := skipSpace(data, i+1)
		if j >= len(data) || data[j] != '{' {
			continue
		}
		var c timewaveapi.Client
		end, ok := fast.decodeAt(data, j, &c)
		if !ok {
			continue
		}
		if k := skipSpace(data, end); k < len(data) && (data[k] == ',' || data[k] == ']') {
			return j
		}
	}
	return len(data)
}

func decodeClientsSerial(data []byte) ([]record, error) {
	var clients []timewaveapi.Client
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&clients); err != nil {
		return nil, err
	}
	in := newInterner()
	out := make([]record, len(clients))
	for i := range clients {
		out[i].client = clients[i]
		in.client(&out[i].client)
	}
	return out, nil
}

// objectEnd returns the index after the object or array that starts at data[start].
func objectEnd(data []byte, start int) (int, bool) {
	depth := 0
	for i := start; i < len(data); i++ {
		switch data[i] {
		case '"':
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
	}
	return 0, false
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && (data[i] == ' ' || data[i] == '\t' || data[i] == '\n' || data[i] == '\r') {
		i++
	}
	return i
}

// interner shares one pointer between equal values of the clients' pointer fields (e-mail addresses:
// only those fastDecoder reads).
type interner struct {
	strs   map[string]*string
	ints   map[int]*int
	floats map[float64]*float64
	areas  map[timewaveapi.Workarea]*timewaveapi.Workarea
	types  map[timewaveapi.Clienttype]*timewaveapi.Clienttype
}

func newInterner() *interner {
	return &interner{strs: map[string]*string{},
		ints: map[int]*int{}, floats: map[float64]*float64{}, areas: map[timewaveapi.Workarea]*timewaveapi.Workarea{},
		types: map[timewaveapi.Clienttype]*timewaveapi.Clienttype{}}
}

// str returns the shared pointer for s (copying s when it is new: s may share the file's bytes).
func (in *interner) str(s string) *string {
	if p, ok := in.strs[s]; ok {
		return p
	}
	c := strings.Clone(s)
	in.strs[c] = &c
	return &c
}

// intern returns the shared pointer for v.
func intern[T comparable](m map[T]*T, v T) *T {
	if p, ok := m[v]; ok {
		return p
	}
	p := &v
	m[v] = p
	return p
}

// share replaces *p by the pointer kept for its value, or keeps *p for it.
func share[T comparable](m map[T]*T, p **T) {
	if *p == nil {
		return
	}
	if q, ok := m[**p]; ok {
		*p = q
		return
	}
	m[**p] = *p
}

func (in *interner) client(c *timewaveapi.Client) {
	for _, p := range []**string{&c.CompanyName, &c.Fax, &c.FirstName, &c.LastName, &c.Mobile, &c.Number,
		&c.Paymentterms, &c.PersonalNumber, &c.Phone, &c.SecondaryEmail, &c.Title, &c.Workphone, &c.Www} {
		share(in.strs, p)
	}
	for _, p := range []**int{&c.EmployeeId, &c.InvoiceFeeId, &c.InvoicetemplateId} {
		share(in.ints, p)
	}
	share(in.floats, &c.Hourpot)
	for i := range c.Addresses {
		a := &c.Addresses[i]
		for _, p := range []**string{&a.Address, &a.AddressType, &a.AlarmCode, &a.City, &a.CoAddress,
			&a.HousingAssociation, &a.PortCode, &a.PostalCode} {
			share(in.strs, p)
		}
		share(in.areas, &a.Workarea)
	}
	for i := range c.Contacts {
		k := &c.Contacts[i]
		for _, p := range []**string{&k.Fax, &k.Firstname, &k.Lastname, &k.Mobile, &k.PersonalNumber, &k.Phone,
			&k.Title, &k.Workphone} {
			share(in.strs, p)
		}
		share(in.floats, &k.TaxreductionPercentage)
		share(in.types, &k.Clienttype)
	}
	for i := range c.References {
		share(in.strs, &c.References[i].Description)
	}
}

// sameBank reports whether a client's bank is the banks table's row.
func sameBank(a, b timewaveapi.Bank) bool {
	eq := func(x, y *string) bool { return (x == nil) == (y == nil) && (x == nil || *x == *y) }
	return a.Id == b.Id && a.Name == b.Name && eq(a.Bid, b.Bid) && eq(a.Enar, b.Enar)
}
