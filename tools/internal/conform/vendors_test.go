package conform

import (
	"slices"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/specs"
)

// conform's vendor flows are keyed by the name of a vendor descriptor, and every operation a flow
// calls is one of that vendor's spec.
func TestVendorFlowsBelongToADescriptor(t *testing.T) {
	for name, vendor := range vendors() {
		if _, ok := all.Lookup(name); !ok {
			t.Errorf("conform registers flows for %q, which no vendor descriptor names (known: %v)", name, all.Names())
			continue
		}
		spec, err := specs.Load(name)
		if err != nil {
			t.Fatal(err)
		}
		var ops []string
		for _, item := range spec.Doc().Paths.Map() {
			for _, op := range item.Operations() {
				ops = append(ops, op.OperationID)
			}
		}
		for _, f := range vendor().Flows {
			for _, op := range f.Operations {
				if !slices.Contains(ops, op) {
					t.Errorf("%s flow %s calls %s, not an operation of the spec", name, f.Name, op)
				}
			}
		}
	}
}
