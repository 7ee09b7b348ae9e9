// Package mockharness is the project's own test scaffolding for the vendor mocks: the bad-input tables
// sent over a running mocktest server, the fuzz target every mock shares, the in-process handler
// benchmarks, and one mock served over HTTP for a vendor's own tests (Serve) with a settable Clock.
//
// Non-goals: it is no user API; tests of a project that uses the mocks start them with mocktest.
package mockharness
