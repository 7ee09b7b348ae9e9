package mediaconnect

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"strconv"

	mediaconnectapi "github.com/vendorctl/vendorctl/gen/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/statedir"
)

var _ statedir.Snapshotter = (*Mock)(nil)

// Snapshot implements statedir.Snapshotter: the customers as customers.json and their addresses as
// addresses.json, the fixture files New reads, in fixture order.
func (m *Mock) Snapshot() (map[string][]byte, error) {
	cs := m.current()
	infos := make([]mediaconnectapi.CustomerInfo, len(cs))
	addrs := make(map[string]address, len(cs))
	for i, c := range cs {
		infos[i], addrs[strconv.Itoa(c.number)] = c.info, c.addr
	}
	customers, err := json.MarshalIndent(infos, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode mediaconnect customers: %w", err)
	}
	addresses, err := json.MarshalIndent(addrs, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode mediaconnect addresses: %w", err)
	}
	return map[string][]byte{"customers.json": append(customers, '\n'), "addresses.json": append(addresses, '\n')}, nil
}

// Restore implements statedir.Snapshotter: the customers become those of fsys, checked as fixtures
// are. The API creates and deletes no customer, so fsys must hold exactly the fixtures' customers.
// Reset still brings back the fixtures.
func (m *Mock) Restore(fsys fs.FS) error {
	cs, err := loadFixtures(fsys)
	if err != nil {
		return err
	}
	if len(cs) != len(m.seed) {
		return fmt.Errorf("customers.json holds %d customers, the fixtures %d (the API adds and removes none)", len(cs), len(m.seed))
	}
	customers := make(map[int]*customer, len(cs))
	for i := range cs {
		c := cs[i]
		if !hasCustomer(m.seed, c.number) {
			return fmt.Errorf("customers.json: customer %d is not a fixture customer (the API adds none)", c.number)
		}
		customers[c.number] = &c
	}
	m.mu.Lock()
	m.customers = customers
	m.mu.Unlock()
	return nil
}

// current returns the customers the mock holds, in fixture order.
func (m *Mock) current() []customer {
	m.mu.RLock()
	defer m.mu.RUnlock()
	out := make([]customer, 0, len(m.customers))
	for _, s := range m.seed {
		if c, ok := m.customers[s.number]; ok {
			out = append(out, *c)
		}
	}
	return out
}
