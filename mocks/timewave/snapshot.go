package timewave

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"reflect"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
	"github.com/vendorctl/vendorctl/mocks/statedir"
)

var _ statedir.Snapshotter = (*Mock)(nil)

// errReferenceDiffers is a kept state whose reference tables are not the mock's.
var errReferenceDiffers = errors.New("reference.json differs from the reference tables of the fixtures the mock runs with")

// Snapshot implements statedir.Snapshotter: the clients as clients.json (as GET /clients/{id} answers
// them, by id) and the reference tables as reference.json, the fixture files New reads. A client's
// write-only fields (vat, comment, reference_name, taxreduction_percentage), which no answer shows,
// are not in them.
func (m *Mock) Snapshot() (map[string][]byte, error) {
	clients, err := json.MarshalIndent(m.clientViews(), "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode timewave clients: %w", err)
	}
	ref, err := json.MarshalIndent(m.ref.raw, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode timewave reference tables: %w", err)
	}
	return map[string][]byte{"clients.json": append(clients, '\n'), "reference.json": append(ref, '\n')}, nil
}

// Restore implements statedir.Snapshotter: the clients become those of fsys, checked as fixtures are;
// its reference.json must hold the mock's own reference tables. Reset still brings back the fixtures.
func (m *Mock) Restore(fsys fs.FS) error {
	ref, seed, err := loadClients(fsys)
	if err != nil {
		return err
	}
	if !reflect.DeepEqual(ref.raw, m.ref.raw) {
		return errReferenceDiffers
	}
	s := newStore(seed)
	m.mu.Lock()
	m.store = s
	m.mu.Unlock()
	return nil
}

// clientViews are the clients the mock holds, as the API shows them, by id.
func (m *Mock) clientViews() []timewaveapi.Client {
	m.mu.RLock()
	defer m.mu.RUnlock()
	clients := make([]timewaveapi.Client, 0, m.store.len())
	for i := range m.store.len() {
		clients = append(clients, m.view(*m.store.recs.at(i)))
	}
	return clients
}
