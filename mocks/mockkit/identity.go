package mockkit

import (
	"slices"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// Identity is the part of mockserver.Vendor that every vendor mock answers alike: its name, title and
// mounts, fixed when the mock is built. A vendor's Mock embeds one, set with NewIdentity in its New,
// and adds Credentials and Reset.
type Identity struct {
	name, title string
	mounts      []mockserver.Mount
}

// NewIdentity is the identity of the mock name, titled title (its Descriptor's), served under mounts
// (its Descriptor's Mounts, in order, with their handlers).
func NewIdentity(name, title string, mounts ...mockserver.Mount) Identity {
	return Identity{name: name, title: title, mounts: mounts}
}

// Name implements mockserver.Vendor.
func (id Identity) Name() string { return id.name }

// Title implements mockserver.Vendor.
func (id Identity) Title() string { return id.title }

// Mounts implements mockserver.Vendor.
func (id Identity) Mounts() []mockserver.Mount { return slices.Clone(id.mounts) }
