package mediaconnect

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strconv"
	"strings"

	mediaconnectapi "github.com/vendorctl/vendorctl/gen/mediaconnect"
)

// customer is one stored customer: the customer-info object as the API returns it, and the address and
// products that only the search sees.
type customer struct {
	number int
	info   mediaconnectapi.CustomerInfo
	addr   address
}

// address is a record of fixtures/addresses.json (see fixtures/README.md).
type address struct {
	StreetAddress string   `json:"streetAddress"`
	StreetNumber  int      `json:"streetNumber"`
	Entrance      string   `json:"entrance"`
	PostalCode    string   `json:"postalCode"`
	PostalPlace   string   `json:"postalPlace"`
	CountryCode   string   `json:"countryCode"`
	CareOfAddress string   `json:"careOfAddress"`
	ProductCodes  []string `json:"productCodes"`
}

func loadFixtures(fsys fs.FS) ([]customer, error) {
	data, err := fs.ReadFile(fsys, "customers.json")
	if err != nil {
		return nil, fmt.Errorf("read mediaconnect fixtures: %w", err)
	}
	var infos []mediaconnectapi.CustomerInfo
	if err := json.Unmarshal(data, &infos); err != nil {
		return nil, fmt.Errorf("decode mediaconnect fixtures customers.json: %w", err)
	}
	data, err = fs.ReadFile(fsys, "addresses.json")
	if err != nil {
		return nil, fmt.Errorf("read mediaconnect fixtures: %w", err)
	}
	var addrs map[string]address
	if err := json.Unmarshal(data, &addrs); err != nil {
		return nil, fmt.Errorf("decode mediaconnect fixtures addresses.json: %w", err)
	}
	out := make([]customer, 0, len(infos))
	seen := map[int]bool{}
	for i, info := range infos {
		if info.CustomerNumber == nil {
			return nil, fmt.Errorf("mediaconnect fixtures customers.json record %d: no customerNumber", i)
		}
		n := *info.CustomerNumber
		if seen[n] {
			return nil, fmt.Errorf("mediaconnect fixtures customers.json record %d: customer %d twice", i, n)
		}
		seen[n] = true
		addr, ok := addrs[strconv.Itoa(n)]
		if !ok {
			return nil, fmt.Errorf("mediaconnect fixtures addresses.json: no address for customer %d", n)
		}
		if _, err := attachedUsers(info); err != nil {
			return nil, fmt.Errorf("mediaconnect fixtures customers.json customer %d: %w", n, err)
		}
		out = append(out, customer{number: n, info: info, addr: addr})
	}
	return out, nil
}

// attachedUsers returns the users of a customer, whichever form (object or array) they are stored in.
func attachedUsers(info mediaconnectapi.CustomerInfo) ([]mediaconnectapi.AttachedUser, error) {
	if info.AttachedUsers == nil {
		return nil, nil
	}
	raw, err := info.AttachedUsers.MarshalJSON()
	if err != nil {
		return nil, fmt.Errorf("attachedUsers: %w", err)
	}
	trimmed := strings.TrimSpace(string(raw))
	switch {
	case strings.HasPrefix(trimmed, "["):
		list, err := info.AttachedUsers.AsAttachedUserList()
		if err != nil {
			return nil, fmt.Errorf("attachedUsers: %w", err)
		}
		return list, nil
	case strings.HasPrefix(trimmed, "{"):
		u, err := info.AttachedUsers.AsAttachedUser()
		if err != nil {
			return nil, fmt.Errorf("attachedUsers: %w", err)
		}
		return []mediaconnectapi.AttachedUser{u}, nil
	}
	return nil, errors.New("attachedUsers is neither an object nor an array")
}

// set reports whether an optional request field carries a value ("" counts as not set).
func set(p *string) bool { return p != nil && strings.TrimSpace(*p) != "" }

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func equalFold(a, b string) bool {
	return strings.EqualFold(strings.TrimSpace(a), strings.TrimSpace(b))
}

func postalEqual(a, b string) bool {
	strip := func(s string) string { return strings.Join(strings.Fields(s), "") }
	return strings.EqualFold(strip(a), strip(b))
}

// searchRuleMet reports whether a search request meets the documented rule, counting empty strings as
// not set.
func searchRuleMet(q *mediaconnectapi.CustomerSearchRequest) bool {
	nameAddress := (set(q.CompanyName) || set(q.LastName)) && set(q.StreetAddress) &&
		(set(q.PostalCode) || set(q.PostalPlace))
	return nameAddress || set(q.PhoneNumber) || (q.Email != nil && set((*string)(q.Email)))
}

// matcher builds the predicate of a search: every field that is set must match.
func matcher(q *mediaconnectapi.CustomerSearchRequest) func(c *customer) bool {
	var preds []func(c *customer) bool
	name := func(get func(n *mediaconnectapi.Name) *string, want *string) {
		if !set(want) {
			return
		}
		preds = append(preds, func(c *customer) bool {
			return c.info.Name != nil && equalFold(deref(get(c.info.Name)), *want)
		})
	}
	name(func(n *mediaconnectapi.Name) *string { return n.CompanyName }, q.CompanyName)
	name(func(n *mediaconnectapi.Name) *string { return n.DepartmentName }, q.DepartmentName)
	name(func(n *mediaconnectapi.Name) *string { return n.FirstName }, q.FirstName)
	name(func(n *mediaconnectapi.Name) *string { return n.MiddleName }, q.MiddleName)
	name(func(n *mediaconnectapi.Name) *string { return n.LastName }, q.LastName)
	addr := func(get func(a *address) string, want *string, eq func(a, b string) bool) {
		if !set(want) {
			return
		}
		preds = append(preds, func(c *customer) bool { return eq(get(&c.addr), *want) })
	}
	addr(func(a *address) string { return a.CareOfAddress }, q.CareOfAddress, equalFold)
	addr(func(a *address) string { return a.StreetAddress }, q.StreetAddress, equalFold)
	addr(func(a *address) string { return a.Entrance }, q.Entrance, equalFold)
	addr(func(a *address) string { return a.PostalCode }, q.PostalCode, postalEqual)
	addr(func(a *address) string { return a.PostalPlace }, q.PostalPlace, equalFold)
	addr(func(a *address) string { return a.CountryCode }, q.CountryCode, equalFold)
	if q.StreetNumber != nil {
		n := *q.StreetNumber
		preds = append(preds, func(c *customer) bool { return c.addr.StreetNumber == n })
	}
	if set(q.ProductCode) {
		want := *q.ProductCode
		preds = append(preds, func(c *customer) bool {
			return slices.ContainsFunc(c.addr.ProductCodes, func(p string) bool { return equalFold(p, want) })
		})
	}
	if set(q.PhoneNumber) {
		want := strings.TrimSpace(*q.PhoneNumber)
		preds = append(preds, func(c *customer) bool {
			if c.info.PhoneNumbers == nil {
				return false
			}
			return slices.ContainsFunc(*c.info.PhoneNumbers, func(p mediaconnectapi.PhoneNumber) bool {
				return deref(p.PhoneNumber) == want
			})
		})
	}
	if q.Email != nil && set((*string)(q.Email)) {
		want := string(*q.Email)
		preds = append(preds, func(c *customer) bool {
			if c.info.InvoiceEmailAddress != nil && equalFold(string(*c.info.InvoiceEmailAddress), want) {
				return true
			}
			return c.info.Emails != nil && slices.ContainsFunc(*c.info.Emails, func(e mediaconnectapi.InvoiceEmailAddress) bool {
				return equalFold(string(e), want)
			})
		})
	}
	return func(c *customer) bool {
		for _, p := range preds {
			if !p(c) {
				return false
			}
		}
		return true
	}
}

// search returns the customers matching q, in fixture order.
func (m *Mock) search(q *mediaconnectapi.CustomerSearchRequest) []mediaconnectapi.CustomerInfo {
	match := matcher(q)
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := []mediaconnectapi.CustomerInfo{}
	for _, s := range m.seed {
		if c, ok := m.customers[s.number]; ok && match(c) {
			out = append(out, c.info)
		}
	}
	return out
}

// check returns the customers having an attached user that holds one of creds (e-mail addresses match
// case-insensitively), each once, in fixture order.
func (m *Mock) check(creds []string) []mediaconnectapi.CustomerInfo {
	want := map[string]bool{}
	for _, c := range creds {
		if c = strings.ToLower(strings.TrimSpace(c)); c != "" {
			want[c] = true
		}
	}
	out := []mediaconnectapi.CustomerInfo{}
	if len(want) == 0 {
		return out
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, s := range m.seed {
		c, ok := m.customers[s.number]
		if !ok {
			continue
		}
		users, _ := attachedUsers(c.info) // checked at load; never changed
		if holdsAny(users, want) {
			out = append(out, c.info)
		}
	}
	return out
}

func holdsAny(users []mediaconnectapi.AttachedUser, want map[string]bool) bool {
	for _, u := range users {
		if u.Credentials == nil {
			continue
		}
		for _, cr := range *u.Credentials {
			if want[strings.ToLower(strings.TrimSpace(deref(cr.Credential)))] {
				return true
			}
		}
	}
	return false
}

// get returns the customer-info object of customer number n.
func (m *Mock) get(n int) (mediaconnectapi.CustomerInfo, bool) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	c, ok := m.customers[n]
	if !ok {
		return mediaconnectapi.CustomerInfo{}, false
	}
	return c.info, true
}

// errNameRequired is the refusal of a name without lastName or companyName.
var errNameRequired = errors.New("name: lastName or companyName is required")

// changed returns cur with its data replaced by req as the doc says: every field of the request
// replaces the stored one, an omitted field is cleared; customerNumber and attachedUsers are kept. A
// null or empty request, or a name with no non-empty field, gives the name {"lastName": "-"}.
func changed(cur mediaconnectapi.CustomerInfo, req *mediaconnectapi.CustomerInfoChange) (mediaconnectapi.CustomerInfo, error) {
	var ch mediaconnectapi.CustomerInfoChange
	if req != nil {
		ch = *req
	}
	next := mediaconnectapi.CustomerInfo{
		CustomerNumber:      cur.CustomerNumber,
		AttachedUsers:       cur.AttachedUsers,
		PhoneNumbers:        ch.PhoneNumbers,
		Emails:              ch.Emails,
		InvoiceEmailAddress: ch.InvoiceEmailAddress,
	}
	n := ch.Name
	switch {
	case n == nil || !(set(n.FirstName) || set(n.MiddleName) || set(n.LastName) || set(n.CompanyName) || set(n.DepartmentName)):
		dash := "-"
		next.Name = &mediaconnectapi.Name{LastName: &dash}
	case !set(n.LastName) && !set(n.CompanyName):
		return mediaconnectapi.CustomerInfo{}, errNameRequired
	default:
		name := *n
		next.Name = &name
	}
	return next, nil
}

// change replaces the data of customer n; nothing is stored when the request is refused.
func (m *Mock) change(n int, req *mediaconnectapi.CustomerInfoChange) (bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	c, ok := m.customers[n]
	if !ok {
		return false, nil
	}
	info, err := changed(c.info, req)
	if err != nil {
		return true, err
	}
	m.customers[n] = &customer{number: c.number, info: info, addr: c.addr}
	return true, nil
}
