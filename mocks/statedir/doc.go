// Package statedir keeps the default session's state of the vendor mocks in a folder (serve
// --state-dir DIR), so that a restart finds what the last run left.
//
// Scope: the folder's format, loading it at start (Open), writing it after changes at most one
// Interval apart and on Close (Store), and emptying it on POST /__admin/reset. Every write is atomic
// (a temporary file or folder in DIR, fsync, rename, fsync of DIR): a process killed at any moment
// leaves the state of the last completed write, never a file that does not load.
//
// Format 1 is a fixtures folder, so `serve --fixtures DIR` reads it too:
//   - DIR/vendorctl-state.json: {"format": 1, "vendorctl": "<version that last opened DIR>"};
//   - DIR/<api>/<file>: each fixture file of a vendor whose state differs from its fixtures, in the
//     format of mocks/<api>/fixtures/. A vendor without a folder is at its fixtures.
//   - Names starting with .vendorctl-tmp- are unfinished writes; Open removes them.
//
// Non-goals: sessions and OAuth tokens (in memory only: a restart forgets them, clients fetch a new
// token), rate-limit buckets, vendors without mutable state (Vitec Autodata and Vitec Mäklare implement
// no Snapshotter), one serve sharing DIR with another. A vendor's files are replaced one by one, so a
// vendor whose state spans several changing files could be read half old, half new after a kill (none
// does: TimeWave changes only clients.json, Mediaconnect only customers.json).
package statedir
