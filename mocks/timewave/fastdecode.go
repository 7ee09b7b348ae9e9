package timewave

import (
	"strconv"
	"strings"
	"unicode/utf8"
	"unsafe"

	openapi_types "github.com/oapi-codegen/runtime/types"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
)

// fastDecoder decodes one fixture client without reflection, for the plain JSON that fixture files
// hold: keys spelt as the struct tags, valid UTF-8 strings whose escapes are not surrogates, numbers
// as JSON spells them (integers for integer fields), no null where the field is not a pointer, slice
// or bank, clienttype or workarea, no repeated object field. On anything else it
// gives up (false), and the client is decoded by encoding/json instead, which then sets the value or
// the error; so for what it accepts it gives exactly what encoding/json gives. Equal values share
// one pointer (see interner).
type fastDecoder struct {
	b  []byte
	i  int
	in *interner
}

func (d *fastDecoder) decodeClient(elem []byte, c *timewaveapi.Client) bool {
	end, ok := d.decodeAt(elem, 0, c)
	return ok && skipSpace(elem, end) == len(elem)
}

// decodeAt decodes the client object at data[i], returning the index after it.
func (d *fastDecoder) decodeAt(data []byte, i int, c *timewaveapi.Client) (int, bool) {
	d.b, d.i = data, i
	ok := d.client(c)
	return d.i, ok
}

func (d *fastDecoder) ws() {
	for d.i < len(d.b) && (d.b[d.i] == ' ' || d.b[d.i] == '\t' || d.b[d.i] == '\n' || d.b[d.i] == '\r') {
		d.i++
	}
}

func (d *fastDecoder) peek() byte {
	d.ws()
	if d.i < len(d.b) {
		return d.b[d.i]
	}
	return 0
}

func (d *fastDecoder) eat(c byte) bool {
	if d.peek() != c {
		return false
	}
	d.i++
	return true
}

func (d *fastDecoder) null() bool {
	if d.peek() == 'n' && d.i+4 <= len(d.b) && string(d.b[d.i:d.i+4]) == "null" {
		d.i += 4
		return true
	}
	return false
}

// object reads an object, calling field for each key with the reader at its value.
func (d *fastDecoder) object(field func(key string) bool) bool {
	if !d.eat('{') {
		return false
	}
	if d.eat('}') {
		return true
	}
	for {
		key, ok := d.rawString()
		if !ok || !d.eat(':') || !field(key) {
			return false
		}
		if d.eat('}') {
			return true
		}
		if !d.eat(',') {
			return false
		}
	}
}

// array reads null (nil) or an array, calling elem for each element.
func array[T any](d *fastDecoder, dst *[]T, elem func(*T) bool) bool {
	if d.null() {
		*dst = nil
		return true
	}
	if !d.eat('[') {
		return false
	}
	out := []T{}
	if !d.eat(']') {
		for {
			var v T
			if !elem(&v) {
				return false
			}
			out = append(out, v)
			if d.eat(']') {
				break
			}
			if !d.eat(',') {
				return false
			}
		}
	}
	*dst = out
	return true
}

// rawString reads a string without control characters, in valid UTF-8; without escapes it shares the
// input's bytes (callers copy what they keep), with escapes see escapedString.
func (d *fastDecoder) rawString() (string, bool) {
	if !d.eat('"') {
		return "", false
	}
	start, high := d.i, false
	for ; d.i < len(d.b); d.i++ {
		if c := d.b[d.i]; plainByte[c] {
			continue
		}
		switch c := d.b[d.i]; {
		case c == '"':
			s := d.b[start:d.i]
			d.i++
			if high && !utf8.Valid(s) {
				return "", false
			}
			return unsafeString(s), true
		case c == '\\':
			return d.escapedString(start)
		case c < 0x20:
			return "", false
		case c >= 0x80:
			high = true
		}
	}
	return "", false
}

// plainByte marks the bytes a string holds as they are: neither its end, an escape, a control
// character, nor part of a multi-byte UTF-8 sequence (which rawString checks).
var plainByte = func() (t [256]bool) {
	for c := 0x20; c < 0x80; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// escapedString reads the rest of a string that has escapes, from its first character at start: the
// escapes of RFC 8259 but a \u of a surrogate (encoding/json pairs or replaces those; left to it).
func (d *fastDecoder) escapedString(start int) (string, bool) {
	out := append([]byte(nil), d.b[start:d.i]...)
	for d.i < len(d.b) {
		c := d.b[d.i]
		switch {
		case c == '"':
			d.i++
			if !utf8.Valid(out) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			d.i++
			continue
		}
		if d.i+1 >= len(d.b) {
			return "", false
		}
		e := d.b[d.i+1]
		d.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			if d.i+4 > len(d.b) {
				return "", false
			}
			r, err := strconv.ParseUint(string(d.b[d.i:d.i+4]), 16, 16)
			if err != nil || (r >= 0xD800 && r <= 0xDFFF) {
				return "", false
			}
			out = utf8.AppendRune(out, rune(r))
			d.i += 4
		default:
			return "", false
		}
	}
	return "", false
}

func (d *fastDecoder) str(dst *string) bool {
	s, ok := d.rawString()
	if ok {
		*dst = *d.in.str(s)
	}
	return ok
}

func (d *fastDecoder) strPtr(dst **string) bool {
	if d.null() {
		*dst = nil
		return true
	}
	s, ok := d.rawString()
	if ok {
		*dst = d.in.str(s)
	}
	return ok
}

// email reads an e-mail address as openapi_types.Email decodes it (normalised by net/mail), into a
// value of its own: addresses are unique by nature.
func (d *fastDecoder) email(dst **openapi_types.Email) bool {
	if d.null() {
		*dst = nil
		return true
	}
	start := d.i
	if _, ok := d.rawString(); !ok {
		return false
	}
	raw := d.b[start:d.i]
	p := new(openapi_types.Email)
	if plainAddress(raw[1 : len(raw)-1]) {
		*p = openapi_types.Email(raw[1 : len(raw)-1])
	} else if p.UnmarshalJSON(raw) != nil {
		return false
	}
	*dst = p
	return true
}

// ownStrPtr reads a string whose values are unique by nature (a number, a personal number) into a
// copy of its own: looking it up among the shared ones would only cost time and memory.
func (d *fastDecoder) ownStrPtr(dst **string) bool {
	if d.null() {
		*dst = nil
		return true
	}
	s, ok := d.rawString()
	if ok {
		c := strings.Clone(s)
		*dst = &c
	}
	return ok
}

// number reads a number literal as JSON spells it; integer says it has no fraction or exponent.
func (d *fastDecoder) number() (lit string, integer, ok bool) {
	d.ws()
	start := d.i
	if d.i < len(d.b) && d.b[d.i] == '-' {
		d.i++
	}
	digits := func() int {
		n := 0
		for d.i < len(d.b) && d.b[d.i] >= '0' && d.b[d.i] <= '9' {
			d.i++
			n++
		}
		return n
	}
	first := d.i
	if n := digits(); n == 0 || (n > 1 && d.b[first] == '0') {
		return "", false, false
	}
	integer = true
	if d.i < len(d.b) && d.b[d.i] == '.' {
		d.i++
		if digits() == 0 {
			return "", false, false
		}
		integer = false
	}
	if d.i < len(d.b) && (d.b[d.i] == 'e' || d.b[d.i] == 'E') {
		d.i++
		if d.i < len(d.b) && (d.b[d.i] == '+' || d.b[d.i] == '-') {
			d.i++
		}
		if digits() == 0 {
			return "", false, false
		}
		integer = false
	}
	return unsafeString(d.b[start:d.i]), integer, true
}

func (d *fastDecoder) int(dst *int) bool {
	lit, integer, ok := d.number()
	if !ok || !integer {
		return false
	}
	n, err := strconv.ParseInt(lit, 10, 0)
	*dst = int(n)
	return err == nil
}

func (d *fastDecoder) intPtr(dst **int) bool {
	if d.null() {
		*dst = nil
		return true
	}
	var n int
	if !d.int(&n) {
		return false
	}
	*dst = intern(d.in.ints, n)
	return true
}

func (d *fastDecoder) floatPtr(dst **float64) bool {
	if d.null() {
		*dst = nil
		return true
	}
	lit, _, ok := d.number()
	if !ok {
		return false
	}
	f, err := strconv.ParseFloat(lit, 64)
	if err != nil {
		return false
	}
	*dst = intern(d.in.floats, f)
	return true
}

func (d *fastDecoder) bool(dst *bool) bool {
	switch d.peek() {
	case 't':
		if d.i+4 <= len(d.b) && string(d.b[d.i:d.i+4]) == "true" {
			d.i += 4
			*dst = true
			return true
		}
	case 'f':
		if d.i+5 <= len(d.b) && string(d.b[d.i:d.i+5]) == "false" {
			d.i += 5
			*dst = false
			return true
		}
	}
	return false
}

// intAs reads an integer into a field of an integer type.
func intAs[T ~int](d *fastDecoder, dst *T) bool {
	var n int
	ok := d.int(&n)
	*dst = T(n)
	return ok
}

// idName reads {"id": N, "name": S}, a clienttype or a work area.
func (d *fastDecoder) idName() (id int, name string, ok bool) {
	ok = d.object(func(key string) bool {
		switch key {
		case "id":
			return d.int(&id)
		case "name":
			return d.str(&name)
		}
		return false
	})
	return id, name, ok
}

// clienttype reads null or a clienttype into a shared pointer; a second value of the field gives up
// (encoding/json would merge the two), as do bank and workarea.
func (d *fastDecoder) clienttype(dst **timewaveapi.Clienttype) bool {
	if *dst != nil {
		return false
	}
	if d.null() {
		return true
	}
	id, name, ok := d.idName()
	*dst = intern(d.in.types, timewaveapi.Clienttype{Id: id, Name: name})
	return ok
}

func (d *fastDecoder) workarea(dst **timewaveapi.Workarea) bool {
	if *dst != nil {
		return false
	}
	if d.null() {
		return true
	}
	id, name, ok := d.idName()
	*dst = intern(d.in.areas, timewaveapi.Workarea{Id: id, Name: name})
	return ok
}

func (d *fastDecoder) bank(dst **timewaveapi.Bank) bool {
	if *dst != nil {
		return false
	}
	if d.null() {
		return true
	}
	b := new(timewaveapi.Bank)
	*dst = b
	return d.object(func(key string) bool {
		switch key {
		case "bid":
			return d.strPtr(&b.Bid)
		case "enar":
			return d.strPtr(&b.Enar)
		case "id":
			return d.int(&b.Id)
		case "name":
			return d.str(&b.Name)
		}
		return false
	})
}

func (d *fastDecoder) client(c *timewaveapi.Client) bool {
	return d.object(func(key string) bool {
		switch key {
		case "addresses":
			return array(d, &c.Addresses, d.address)
		case "bank":
			return d.bank(&c.Bank)
		case "clientnbr":
			return d.int(&c.Clientnbr)
		case "clienttype":
			return d.clienttype(&c.Clienttype)
		case "company_name":
			return d.strPtr(&c.CompanyName)
		case "contacts":
			return array(d, &c.Contacts, d.contact)
		case "deleted":
			return d.bool(&c.Deleted)
		case "email":
			return d.email(&c.Email)
		case "employee_id":
			return d.intPtr(&c.EmployeeId)
		case "fax":
			return d.strPtr(&c.Fax)
		case "first_name":
			return d.strPtr(&c.FirstName)
		case "full_reduction_pot":
			return intAs(d, &c.FullReductionPot)
		case "has_hourpot":
			return d.bool(&c.HasHourpot)
		case "hourpot":
			return d.floatPtr(&c.Hourpot)
		case "id":
			return d.int(&c.Id)
		case "invoice_fee_id":
			return d.intPtr(&c.InvoiceFeeId)
		case "invoicetemplate_id":
			return d.intPtr(&c.InvoicetemplateId)
		case "last_name":
			return d.strPtr(&c.LastName)
		case "mobile":
			return d.strPtr(&c.Mobile)
		case "number":
			return d.ownStrPtr(&c.Number)
		case "paymentterms":
			return d.strPtr(&c.Paymentterms)
		case "paymenttype":
			return intAs(d, &c.Paymenttype)
		case "personal_number":
			return d.ownStrPtr(&c.PersonalNumber)
		case "phone":
			return d.strPtr(&c.Phone)
		case "references":
			return array(d, &c.References, d.reference)
		case "secondary_email":
			return d.strPtr(&c.SecondaryEmail)
		case "status":
			var st string
			ok := d.str(&st)
			c.Status = timewaveapi.ClientStatus(st)
			return ok
		case "title":
			return d.strPtr(&c.Title)
		case "type":
			return intAs(d, &c.Type)
		case "workphone":
			return d.strPtr(&c.Workphone)
		case "www":
			return d.strPtr(&c.Www)
		}
		return false
	})
}

func (d *fastDecoder) address(a *timewaveapi.ClientAddress) bool {
	return d.object(func(key string) bool {
		switch key {
		case "address":
			return d.strPtr(&a.Address)
		case "address_type":
			return d.strPtr(&a.AddressType)
		case "alarm_code":
			return d.strPtr(&a.AlarmCode)
		case "city":
			return d.strPtr(&a.City)
		case "client_id":
			return d.int(&a.ClientId)
		case "co_address":
			return d.strPtr(&a.CoAddress)
		case "deleted":
			return d.bool(&a.Deleted)
		case "housing_association":
			return d.strPtr(&a.HousingAssociation)
		case "id":
			return d.int(&a.Id)
		case "is_delivery":
			return d.bool(&a.IsDelivery)
		case "is_invoice":
			return d.bool(&a.IsInvoice)
		case "port_code":
			return d.strPtr(&a.PortCode)
		case "postal_code":
			return d.strPtr(&a.PostalCode)
		case "workarea":
			return d.workarea(&a.Workarea)
		}
		return false
	})
}

func (d *fastDecoder) contact(k *timewaveapi.ClientContact) bool {
	return d.object(func(key string) bool {
		switch key {
		case "clienttype":
			return d.clienttype(&k.Clienttype)
		case "email":
			return d.email(&k.Email)
		case "fax":
			return d.strPtr(&k.Fax)
		case "firstname":
			return d.strPtr(&k.Firstname)
		case "full_reduction_pot":
			return intAs(d, &k.FullReductionPot)
		case "id":
			return d.int(&k.Id)
		case "lastname":
			return d.strPtr(&k.Lastname)
		case "mobile":
			return d.strPtr(&k.Mobile)
		case "personal_number":
			return d.ownStrPtr(&k.PersonalNumber)
		case "phone":
			return d.strPtr(&k.Phone)
		case "taxreduction_percentage":
			return d.floatPtr(&k.TaxreductionPercentage)
		case "title":
			return d.strPtr(&k.Title)
		case "workphone":
			return d.strPtr(&k.Workphone)
		}
		return false
	})
}

func (d *fastDecoder) reference(r *timewaveapi.Reference) bool {
	return d.object(func(key string) bool {
		switch key {
		case "description":
			return d.strPtr(&r.Description)
		case "id":
			return d.int(&r.Id)
		case "name":
			return d.str(&r.Name)
		}
		return false
	})
}

// unsafeString is b as a string without a copy, for map look-ups and parsing; never kept.
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// plainAddress reports whether s is local@domain with both parts dot-separated runs of letters,
// digits, '-', '_' and '+': net/mail reads such an address as itself, so it needs no parsing.
func plainAddress(s []byte) bool {
	at := -1
	prev := byte('.') // no part begins with a dot
	for i, c := range s {
		switch {
		case c == '@':
			if at >= 0 || prev == '.' {
				return false
			}
			at, prev = i, '.'
			continue
		case c == '.':
			if prev == '.' {
				return false
			}
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '+':
		default:
			return false
		}
		prev = c
	}
	return at > 0 && prev != '.'
}
