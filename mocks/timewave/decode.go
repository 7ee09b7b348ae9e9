package timewave

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"sync"

	openapi_types "github.com/oapi-codegen/runtime/types"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
)

// decodeClients decodes clients.json: a JSON array of clients, no unknown keys. The array is cut into
// its elements and the elements are decoded on every CPU, by fastDecoder or, for what it does not
// take, encoding/json; equal values of the pointer fields are shared (records are never changed in
// place, so a shared pointer is never written through). When the file is not a plain array or an element does not
// decode, the whole file is decoded again the slow way so that the error is the one encoding/json
// gives for the file.
func decodeClients(data []byte) ([]timewaveapi.Client, error) {
	elems, ok := splitArray(data)
	if !ok {
		return decodeClientsSerial(data)
	}
	clients := make([]timewaveapi.Client, len(elems))
	workers := max(1, min(runtime.GOMAXPROCS(0), len(elems)/256))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Go(func() {
			in := newInterner()
			fast := fastDecoder{in: in}
			for i := w; i < len(elems); i += workers {
				if fast.decodeClient(elems[i], &clients[i]) {
					continue
				}
				clients[i] = timewaveapi.Client{}
				dec := json.NewDecoder(bytes.NewReader(elems[i]))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&clients[i]); err != nil {
					errs[w] = err
					return
				}
				in.client(&clients[i])
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			if _, serr := decodeClientsSerial(data); serr != nil {
				return nil, serr
			}
			return nil, err
		}
	}
	return clients, nil
}

func decodeClientsSerial(data []byte) ([]timewaveapi.Client, error) {
	var clients []timewaveapi.Client
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&clients); err != nil {
		return nil, err
	}
	return clients, nil
}

// splitArray cuts a JSON array into its elements (what follows the closing bracket is ignored, as
// json.Decoder ignores it). False when data is not an array whose elements are objects; an element is
// not checked beyond its brackets and strings (its decoder does that).
func splitArray(data []byte) ([][]byte, bool) {
	i := skipSpace(data, 0)
	if i >= len(data) || data[i] != '[' {
		return nil, false
	}
	i = skipSpace(data, i+1)
	var out [][]byte
	if i < len(data) && data[i] == ']' {
		return out, true
	}
	for i < len(data) {
		if data[i] != '{' {
			return nil, false
		}
		end, ok := objectEnd(data, i)
		if !ok {
			return nil, false
		}
		out = append(out, data[i:end])
		i = skipSpace(data, end)
		switch {
		case i < len(data) && data[i] == ',':
			i = skipSpace(data, i+1)
		case i < len(data) && data[i] == ']':
			return out, true
		default:
			return nil, false
		}
	}
	return nil, false
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
	emails map[string]*openapi_types.Email // by the JSON string as written
	ints   map[int]*int
	floats map[float64]*float64
	areas  map[timewaveapi.Workarea]*timewaveapi.Workarea
	types  map[timewaveapi.Clienttype]*timewaveapi.Clienttype
}

func newInterner() *interner {
	return &interner{strs: map[string]*string{}, emails: map[string]*openapi_types.Email{},
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
