// Package mockserver is the multi-vendor server: it mounts every vendor (Vendor, Mount) under its
// prefix on one handler, and serves the admin API under /__admin/ (health, reset, state, the request
// journal and the fault rules) behind an AdminGuard. It owns the recorded state the vendors share:
// NewServerWith makes the Journal and the fault Rules (Faults) and hands them, as a Recorder, to the
// vendors it builds, whose mockkit pipeline applies them to every request. That is their one door.
//
// Non-goals: a vendor's behaviour or its error shape (mockkit and the vendor packages), listening and
// shutdown (tools/internal/httpserve).
package mockserver
