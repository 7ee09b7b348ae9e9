package statedir

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
)

// resetPath is the admin endpoint that brings the vendors back to their fixtures.
const resetPath = "/__admin/reset"

// Handler serves next and marks the state changed after every request that may change it (any
// method but GET, HEAD and OPTIONS). A successful POST /__admin/reset is answered only once Dir is
// written (the reset vendors' folders removed), or 500 when that fails. next is the default
// session's server: session traffic never reaches it.
func (s *Store) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions:
			next.ServeHTTP(w, r)
		case r.Method == http.MethodPost && r.URL.Path == resetPath:
			s.serveReset(w, r, next)
		default:
			next.ServeHTTP(w, r)
			s.touch()
		}
	})
}

// serveReset resets through next, then writes Dir before the answer goes out.
func (s *Store) serveReset(w http.ResponseWriter, r *http.Request, next http.Handler) {
	rec := &recorder{header: http.Header{}, status: http.StatusOK}
	next.ServeHTTP(rec, r)
	if rec.status == http.StatusOK {
		if err := s.Flush(); err != nil {
			s.cfg.Logger.Error("reset: state not written", "dir", s.cfg.Dir, "err", err)
			s.touch()
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusInternalServerError)
			_ = json.NewEncoder(w).Encode(map[string]string{"error": "reset done in memory, but the state folder was not emptied: " + err.Error()})
			return
		}
	}
	maps.Copy(w.Header(), rec.header)
	w.WriteHeader(rec.status)
	_, _ = w.Write(rec.body.Bytes())
}

// recorder holds an admin answer until the state is written.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) WriteHeader(status int)      { r.status = status }
func (r *recorder) Write(p []byte) (int, error) { return r.body.Write(p) }
