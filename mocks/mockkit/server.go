package mockkit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sort"
	"strings"
	"time"
)

// Mount is a handler served under a URL prefix; the prefix is stripped before the handler sees the path.
type Mount struct {
	// Prefix is where the vendor's production base URL is mapped, e.g. "/mediaconnect/capi".
	Prefix string
	// Production is the vendor base URL that the prefix stands for, e.g. "https://api.mediaconnect.no/capi".
	Production string
	Handler    http.Handler
}

// Vendor is one vendor mock as the server sees it.
type Vendor interface {
	// Name is the API's short name.
	Name() string
	// Title is the vendor's display name.
	Title() string
	// Mounts are the prefixes the vendor is served under.
	Mounts() []Mount
	// Credentials describes the credentials the mock accepts, for people (never logged by the mock).
	Credentials() string
	// Reset brings the vendor's state back to its fixtures.
	Reset() error
}

// Server serves every vendor on one listener, each under its prefix, and the admin API under /__admin/.
type Server struct {
	vendors []Vendor
	byName  map[string]Vendor
	mux     *http.ServeMux
	log     *slog.Logger
}

// NewServer assembles the vendors. Prefixes must be distinct.
func NewServer(logger *slog.Logger, vendors ...Vendor) (*Server, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{vendors: vendors, byName: map[string]Vendor{}, mux: http.NewServeMux(), log: logger}
	seen := map[string]string{}
	for _, v := range vendors {
		if _, dup := s.byName[v.Name()]; dup {
			return nil, fmt.Errorf("mockkit: vendor %q added twice", v.Name())
		}
		s.byName[v.Name()] = v
		for _, m := range v.Mounts() {
			p := strings.TrimSuffix(m.Prefix, "/")
			if !strings.HasPrefix(p, "/") || p == "" || strings.HasPrefix(p, "/__admin") {
				return nil, fmt.Errorf("mockkit: vendor %q has an invalid prefix %q", v.Name(), m.Prefix)
			}
			if other, dup := seen[p]; dup {
				return nil, fmt.Errorf("mockkit: prefix %q used by %q and %q", p, other, v.Name())
			}
			seen[p] = v.Name()
			s.mux.Handle(p+"/", http.StripPrefix(p, m.Handler))
		}
	}
	s.mux.HandleFunc("GET /__admin/health", s.health)
	s.mux.HandleFunc("POST /__admin/reset", s.reset)
	s.mux.HandleFunc("/__admin/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, adminError{Error: "no such admin endpoint: " + r.Method + " " + r.URL.Path})
	})
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, adminError{Error: "no vendor is mounted at " + r.URL.Path + "; see GET /__admin/health for the prefixes"})
	})
	return s, nil
}

// Handler is the server's HTTP handler.
func (s *Server) Handler() http.Handler { return s.mux }

// Vendors returns the vendors in the order they were added.
func (s *Server) Vendors() []Vendor { return s.vendors }

type adminError struct {
	Error string `json:"error"`
}

type healthAPI struct {
	Name     string   `json:"name"`
	Title    string   `json:"title"`
	Prefixes []string `json:"prefixes"`
}

type healthBody struct {
	Status string      `json:"status"`
	APIs   []healthAPI `json:"apis"`
}

func (s *Server) health(w http.ResponseWriter, _ *http.Request) {
	body := healthBody{Status: "ok", APIs: []healthAPI{}}
	for _, v := range s.vendors {
		h := healthAPI{Name: v.Name(), Title: v.Title()}
		for _, m := range v.Mounts() {
			h.Prefixes = append(h.Prefixes, m.Prefix)
		}
		body.APIs = append(body.APIs, h)
	}
	writeJSON(w, http.StatusOK, body)
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	targets := s.vendors
	if name := r.URL.Query().Get("api"); name != "" {
		v, ok := s.byName[name]
		if !ok {
			writeJSON(w, http.StatusNotFound, adminError{Error: "unknown api " + name + "; known: " + strings.Join(s.names(), ", ")})
			return
		}
		targets = []Vendor{v}
	}
	reset := []string{}
	for _, v := range targets {
		if err := v.Reset(); err != nil {
			s.log.Error("reset failed", "api", v.Name(), "err", err)
			writeJSON(w, http.StatusInternalServerError, adminError{Error: "reset " + v.Name() + ": " + err.Error()})
			return
		}
		reset = append(reset, v.Name())
	}
	writeJSON(w, http.StatusOK, map[string][]string{"reset": reset})
}

func (s *Server) names() []string {
	names := make([]string, 0, len(s.byName))
	for n := range s.byName {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// Timeouts and limits of every server the mocks run.
const (
	ReadHeaderTimeout = 5 * time.Second
	ReadTimeout       = 30 * time.Second
	WriteTimeout      = 60 * time.Second
	IdleTimeout       = 120 * time.Second
	MaxHeaderBytes    = 64 << 10
	ShutdownTimeout   = 30 * time.Second
)

// NewHTTPServer returns an http.Server for h with the mocks' timeouts and header limit.
func NewHTTPServer(h http.Handler, logger *slog.Logger) *http.Server {
	srv := &http.Server{
		Handler:           h,
		ReadHeaderTimeout: ReadHeaderTimeout,
		ReadTimeout:       ReadTimeout,
		WriteTimeout:      WriteTimeout,
		IdleTimeout:       IdleTimeout,
		MaxHeaderBytes:    MaxHeaderBytes,
	}
	if logger != nil {
		srv.ErrorLog = slog.NewLogLogger(logger.Handler(), slog.LevelDebug)
	}
	return srv
}

// Serve serves h on ln until ctx is done, then shuts down gracefully: in-flight requests finish (up to
// ShutdownTimeout) before Serve returns. It returns nil after a clean shutdown.
func Serve(ctx context.Context, ln net.Listener, h http.Handler, logger *slog.Logger) error {
	srv := NewHTTPServer(h, logger)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), ShutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
