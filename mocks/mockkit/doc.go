// Package mockkit is the per-vendor pipeline every vendor mock shares: the assembly of a vendor's Echo
// server in front of its generated strict handler, request validation against the spec with errors in
// the vendor's own shape, answers from the spec's examples, the self-check of every response against
// the spec, and the application of mockserver's journal and fault rules to each request.
//
// A vendor package supplies its spec, a Render function for its error shape, an authenticator and the
// registration of its generated handlers; it never copies what is here. A mount that is not built
// from a spec (ConnectID) goes through Plain, so that the journal and fault rules see it too. A
// vendor's Descriptor says what it is; its Mock embeds an Identity (name, title, mounts) set in New.
//
// Non-goals: the multi-vendor server and admin API (mockserver), credentials and tokens (oauth).
package mockkit
