// Package mockkit is what every vendor mock shares: the assembly of a vendor's Echo server in front of
// its generated strict handler, request validation against the spec with errors in the vendor's own
// shape, the self-check of every response against the spec, auth helpers, and the one HTTP server that
// mounts every vendor under its prefix next to the admin API.
//
// A vendor package supplies its spec, a Render function for its error shape, an authenticator and the
// registration of its generated handlers; it never copies what is here. A mount that is not built
// from a spec (ConnectID) goes through Plain, so that the journal and fault rules see it too.
package mockkit
