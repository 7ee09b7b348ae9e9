// Package mockharness is the project's own test scaffolding for the vendor mocks: the bad-input tables
// sent over a running mocktest server, the fuzz target every mock shares and the in-process handler
// benchmarks.
//
// Non-goals: it is no user API; tests of a project that uses the mocks start them with mocktest.
package mockharness
