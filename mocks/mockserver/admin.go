package mockserver

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Stater is a vendor that can export its current data (GET /__admin/state).
type Stater interface {
	State() any
}

type adminError struct {
	Error string `json:"error"`
}

func (s *Server) routeAdmin(mux *http.ServeMux) {
	mux.Handle("GET /__admin/health", s.cfg.Admin.ProtectOpen(http.HandlerFunc(s.health)))
	mux.Handle("POST /__admin/reset", s.guard(s.reset))
	mux.Handle("GET /__admin/state", s.guard(s.state))
	mux.Handle("GET /__admin/requests", s.guard(s.listRequests))
	mux.Handle("GET /__admin/requests/stream", s.guard(s.streamRequests))
	mux.Handle("DELETE /__admin/requests", s.guard(s.clearRequests))
	mux.Handle("GET /__admin/faults", s.guard(s.listFaults))
	mux.Handle("POST /__admin/faults", s.guard(s.addFaults))
	mux.Handle("DELETE /__admin/faults", s.guard(s.clearFaults))
	mux.Handle("DELETE /__admin/faults/{id}", s.guard(s.removeFault))
	mux.Handle("GET /__admin/operations", s.guard(s.listOperations))
	notFound := s.guard(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusNotFound, adminError{Error: "no such admin endpoint: " + r.Method + " " + r.URL.Path})
	})
	mux.Handle("/__admin/", notFound)
	mux.Handle("/__admin", notFound) // else the mux redirects to /__admin/
}

// guard applies the admin guard (Host, cross-site, token, content type) to an endpoint.
func (s *Server) guard(h http.HandlerFunc) http.Handler {
	return s.cfg.Admin.Protect(h)
}

type healthAPI struct {
	Name     string   `json:"name"`
	Title    string   `json:"title"`
	Prefixes []string `json:"prefixes"`
	// ExampleAnswered are the operations answered from the spec's examples (no handler in the mock).
	ExampleAnswered []string `json:"exampleAnswered,omitempty"`
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
			h.ExampleAnswered = append(h.ExampleAnswered, m.ExampleAnswered...)
		}
		body.APIs = append(body.APIs, h)
	}
	writeJSON(w, http.StatusOK, body)
}

// vendorsFor returns every vendor, or the one named by ?api=.
func (s *Server) vendorsFor(w http.ResponseWriter, r *http.Request, required bool) ([]Vendor, bool) {
	name := r.URL.Query().Get("api")
	if name == "" {
		if required {
			writeJSON(w, http.StatusBadRequest, adminError{Error: "?api=NAME is required; known: " + strings.Join(s.names(), ", ")})
			return nil, false
		}
		return s.vendors, true
	}
	v, ok := s.byName[name]
	if !ok {
		writeJSON(w, http.StatusNotFound, adminError{Error: "unknown api " + name + "; known: " + strings.Join(s.names(), ", ")})
		return nil, false
	}
	return []Vendor{v}, true
}

func (s *Server) reset(w http.ResponseWriter, r *http.Request) {
	targets, ok := s.vendorsFor(w, r, false)
	if !ok {
		return
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

func (s *Server) state(w http.ResponseWriter, r *http.Request) {
	targets, ok := s.vendorsFor(w, r, true)
	if !ok {
		return
	}
	st, ok := targets[0].(Stater)
	if !ok {
		writeJSON(w, http.StatusNotFound, adminError{Error: targets[0].Name() + " does not export its state"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"api": targets[0].Name(), "state": st.State()})
}

func (s *Server) listRequests(w http.ResponseWriter, r *http.Request) {
	if s.Journal() == nil {
		writeJSON(w, http.StatusOK, map[string]any{"requests": []Entry{}})
		return
	}
	q := r.URL.Query()
	f := Filter{API: q.Get("api"), Method: q.Get("method"), Path: q.Get("path")}
	var errs []string
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			errs = append(errs, "status must be an integer")
		}
		f.Status = n
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			errs = append(errs, "limit must be a non-negative integer")
		}
		f.Limit = n
	}
	if v := q.Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			errs = append(errs, "since must be an RFC 3339 time")
		}
		f.Since = t
	}
	if len(errs) > 0 {
		writeJSON(w, http.StatusBadRequest, adminError{Error: strings.Join(errs, "; ")})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"requests": s.Journal().Entries(f)})
}

func (s *Server) clearRequests(w http.ResponseWriter, _ *http.Request) {
	if s.Journal() != nil {
		s.Journal().Clear()
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) listFaults(w http.ResponseWriter, _ *http.Request) {
	rules := []Rule{}
	if s.Faults() != nil {
		rules = append(rules, s.Faults().Rules()...)
	}
	writeJSON(w, http.StatusOK, map[string]any{"faults": rules})
}

// addFaults takes one rule object or an array of rules; all are checked before any is added.
func (s *Server) addFaults(w http.ResponseWriter, r *http.Request) {
	if s.Faults() == nil {
		writeJSON(w, http.StatusConflict, adminError{Error: "fault injection is not enabled on this server"})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeJSON(w, http.StatusBadRequest, adminError{Error: "could not read the body"})
		return
	}
	var rules []Rule
	trimmed := strings.TrimSpace(string(body))
	dec := json.NewDecoder(strings.NewReader(trimmed))
	dec.DisallowUnknownFields()
	if strings.HasPrefix(trimmed, "[") {
		err = dec.Decode(&rules)
	} else {
		var one Rule
		err = dec.Decode(&one)
		rules = []Rule{one}
	}
	if err == nil {
		err = nothingAfter(dec)
	}
	if err != nil {
		writeJSON(w, http.StatusBadRequest, adminError{Error: "a fault rule is a JSON object (or an array of them): " + err.Error()})
		return
	}
	for i := range rules {
		if err := s.Faults().Check(rules[i], APINames(s.vendors...)); err != nil {
			writeJSON(w, http.StatusBadRequest, adminError{Error: fmt.Sprintf("rule %d: %v", i, err)})
			return
		}
	}
	added := make([]Rule, 0, len(rules))
	for _, rule := range rules {
		a, err := s.Faults().Add(rule, APINames(s.vendors...))
		if err != nil { // checked above
			writeJSON(w, http.StatusBadRequest, adminError{Error: err.Error()})
			return
		}
		added = append(added, a)
	}
	writeJSON(w, http.StatusCreated, map[string]any{"faults": added})
}

// nothingAfter refuses anything after the value dec has decoded (`{...} x`, `{...}{...}`).
func nothingAfter(dec *json.Decoder) error {
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("the body holds data after its JSON value")
	}
	return nil
}

// clearFaults removes every rule, or with ?api=NAME every rule of that API.
func (s *Server) clearFaults(w http.ResponseWriter, r *http.Request) {
	api := r.URL.Query().Get("api")
	if api != "" && !slices.Contains(APINames(s.vendors...), api) {
		writeJSON(w, http.StatusNotFound, adminError{Error: "unknown api " + api + "; known: " + strings.Join(APINames(s.vendors...), ", ")})
		return
	}
	switch {
	case s.Faults() == nil:
	case api != "":
		s.Faults().RemoveAPI(api)
	default:
		s.Faults().Clear()
	}
	w.WriteHeader(http.StatusNoContent)
}

// removeFault serves DELETE /__admin/faults/{id}: 204, or 404 when no rule has that id.
func (s *Server) removeFault(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	if err != nil || id <= 0 {
		writeJSON(w, http.StatusBadRequest, adminError{Error: "a fault rule's id is a positive integer, not " + strconv.Quote(r.PathValue("id"))})
		return
	}
	if s.Faults() == nil || !s.Faults().Remove(id) {
		writeJSON(w, http.StatusNotFound, adminError{Error: "no fault rule #" + strconv.Itoa(id)})
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// listOperations serves GET /__admin/operations: the operationIds fault rules may name, by API.
func (s *Server) listOperations(w http.ResponseWriter, _ *http.Request) {
	ops := map[string][]string{}
	if s.Faults() != nil {
		ops = s.Faults().Operations()
	}
	writeJSON(w, http.StatusOK, map[string]any{"operations": ops})
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
