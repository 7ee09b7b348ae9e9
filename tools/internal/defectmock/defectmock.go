// Package defectmock plants vendor bugs in front of the TimeWave mock, for the tests of generative
// conform: each defect shows only for inputs away from the spec's examples, so conform built from the
// examples alone misses it and generated requests find it.
//
// Scope: four defects on the TimeWave client register, each switched on by a field of Defects.
// Non-goals: realism of the bugs' answers beyond what the checks look at; other vendors.
package defectmock

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
)

// Prefix is where the TimeWave mock is mounted (paths of the spec follow it).
const Prefix = "/timewave/v3"

// Defects says which bugs to plant (zero: none; the handler is then the mock unchanged).
type Defects struct {
	// CrashOnLargePage answers 500 to GET /clients with a page[size] above 500 (valid up to 1000; the
	// example is 200).
	CrashOnLargePage bool
	// BadPageForDeletedFilter answers GET /clients?filter[status]=deleted with current_page as a string,
	// off its schema (the example filters on active).
	BadPageForDeletedFilter bool
	// InactiveSkipsValidation accepts any body of POST /clients whose status is inactive, valid or not
	// (it stores {"status":"inactive"}); the examples create active and prospect clients.
	InactiveSkipsValidation bool
	// LoseHourpotClients answers 404 to GET /clients/{id} for a client created with has_hourpot true
	// (no example sets it).
	LoseHourpotClients bool
}

// All plants every defect.
func All() Defects {
	return Defects{CrashOnLargePage: true, BadPageForDeletedFilter: true, InactiveSkipsValidation: true, LoseHourpotClients: true}
}

// Handler serves next (a server with the TimeWave mock under Prefix) with the defects planted.
func Handler(next http.Handler, d Defects) http.Handler {
	p := &planted{next: next, d: d, lost: map[string]bool{}}
	return p
}

type planted struct {
	next http.Handler
	d    Defects
	mu   sync.Mutex
	lost map[string]bool // ids of clients GET no longer finds
}

func (p *planted) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimPrefix(r.URL.Path, Prefix)
	if path == r.URL.Path {
		p.next.ServeHTTP(w, r)
		return
	}
	switch {
	case r.Method == http.MethodGet && path == "/clients":
		p.listClients(w, r)
	case r.Method == http.MethodPost && path == "/clients":
		p.createClient(w, r)
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/clients/") && p.isLost(strings.TrimPrefix(path, "/clients/")):
		// The mock's own 404, for an id no client has.
		r2 := r.Clone(r.Context())
		r2.URL.Path = Prefix + "/clients/2147483647"
		r2.URL.RawPath = ""
		p.next.ServeHTTP(w, r2)
	default:
		p.next.ServeHTTP(w, r)
	}
}

func (p *planted) isLost(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.d.LoseHourpotClients && p.lost[id]
}

func (p *planted) listClients(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if size, err := strconv.Atoi(q.Get("page[size]")); p.d.CrashOnLargePage && err == nil && size > 500 && size <= 1000 {
		w.Header().Set("Content-Type", "text/plain")
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "Whoops, looks like something went wrong.")
		return
	}
	if !p.d.BadPageForDeletedFilter || q.Get("filter[status]") != "deleted" {
		p.next.ServeHTTP(w, r)
		return
	}
	rec := httptest.NewRecorder()
	p.next.ServeHTTP(rec, r)
	var page map[string]any
	if rec.Code == http.StatusOK && json.Unmarshal(rec.Body.Bytes(), &page) == nil {
		page["current_page"] = strconv.Itoa(toInt(page["current_page"]))
		body, _ := json.Marshal(page)
		rec.Body = bytes.NewBuffer(body)
		rec.Header().Del("Content-Length")
	}
	copyRecorded(w, rec)
}

func (p *planted) createClient(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	if p.d.InactiveSkipsValidation && body["status"] == "inactive" {
		raw = []byte(`{"status":"inactive"}`)
	}
	r2 := r.Clone(r.Context())
	r2.Body = io.NopCloser(bytes.NewReader(raw))
	r2.ContentLength = int64(len(raw))
	rec := httptest.NewRecorder()
	p.next.ServeHTTP(rec, r2)
	var created struct {
		Data struct {
			ID int `json:"id"`
		} `json:"data"`
	}
	if rec.Code == http.StatusCreated && body["has_hourpot"] == true && json.Unmarshal(rec.Body.Bytes(), &created) == nil {
		p.mu.Lock()
		p.lost[strconv.Itoa(created.Data.ID)] = true
		p.mu.Unlock()
	}
	copyRecorded(w, rec)
}

func copyRecorded(w http.ResponseWriter, rec *httptest.ResponseRecorder) {
	for k, vs := range rec.Header() {
		w.Header()[k] = vs
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func toInt(v any) int {
	f, _ := v.(float64)
	return int(f)
}
