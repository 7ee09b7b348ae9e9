package timewave_test

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/timewave"
)

// clock is a settable clock for tokens and the rate limit.
type clock = mockharness.Clock

func newClock() *clock { return mockharness.NewClock(time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)) }

// env is a mock served over real HTTP, with a token.
type env struct {
	t     *testing.T
	mock  *timewave.Mock
	base  string
	token string
}

// newEnv serves a mock configured by cfg (its Options are the test's, so every response is validated
// against the spec) and fetches a token.
func newEnv(t *testing.T, cfg timewave.Config) *env {
	t.Helper()
	m, url := mockharness.Serve(t, func(o mockkit.Options) (*timewave.Mock, error) { cfg.Options = o; return timewave.New(cfg) })
	e := &env{t: t, mock: m, base: url + timewave.Prefix}
	e.token = e.newToken()
	return e
}

func (e *env) newToken() string {
	e.t.Helper()
	status, _, body := e.form(url.Values{"client_id": {timewave.DefaultClientID}, "client_secret": {timewave.DefaultClientSecret}, "grant_type": {"client_credentials"}})
	if status != http.StatusOK {
		e.t.Fatalf("token: %d %s", status, body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	mustJSON(e.t, body, &tok)
	return tok.AccessToken
}

// form posts an urlencoded token request.
func (e *env) form(v url.Values) (int, http.Header, []byte) {
	e.t.Helper()
	return e.raw(http.MethodPost, "/oauth/token", "application/x-www-form-urlencoded", strings.NewReader(v.Encode()), "")
}

// multipartForm posts a multipart/form-data token request.
func (e *env) multipartForm(v url.Values) (int, http.Header, []byte) {
	e.t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	for k, vs := range v {
		for _, s := range vs {
			if err := w.WriteField(k, s); err != nil {
				e.t.Fatal(err)
			}
		}
	}
	if err := w.Close(); err != nil {
		e.t.Fatal(err)
	}
	return e.raw(http.MethodPost, "/oauth/token", w.FormDataContentType(), &buf, "")
}

func (e *env) raw(method, path, contentType string, body io.Reader, token string) (int, http.Header, []byte) {
	e.t.Helper()
	req, err := http.NewRequest(method, e.base+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, data
}

// call sends an authenticated JSON request; body may be nil, a string (sent as is) or a value.
func (e *env) call(method, path string, body any) (int, []byte) {
	e.t.Helper()
	status, _, data := e.callH(method, path, body)
	return status, data
}

func (e *env) callH(method, path string, body any) (int, http.Header, []byte) {
	e.t.Helper()
	var r io.Reader
	ct := ""
	switch b := body.(type) {
	case nil:
	case string:
		r, ct = strings.NewReader(b), "application/json"
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		r, ct = bytes.NewReader(data), "application/json"
	}
	return e.raw(method, path, ct, r, e.token)
}

// page is the paginator envelope with the clients as generic JSON.
type page struct {
	Data        []map[string]any `json:"data"`
	CurrentPage int              `json:"current_page"`
	LastPage    int              `json:"last_page"`
	PerPage     int              `json:"per_page"`
	Total       int              `json:"total"`
	From        *int             `json:"from"`
	To          *int             `json:"to"`
}

func (e *env) list(query string) page {
	e.t.Helper()
	status, body := e.call(http.MethodGet, "/clients?"+query, nil)
	if status != http.StatusOK {
		e.t.Fatalf("GET /clients?%s: %d %s", query, status, body)
	}
	var p page
	mustJSON(e.t, body, &p)
	return p
}

func (e *env) total() int {
	e.t.Helper()
	return e.list("page[size]=1").Total
}

// get returns the client with id as generic JSON.
func (e *env) get(id int) map[string]any {
	e.t.Helper()
	status, body := e.call(http.MethodGet, "/clients/"+itoa(id), nil)
	if status != http.StatusOK {
		e.t.Fatalf("GET /clients/%d: %d %s", id, status, body)
	}
	var res struct{ Data map[string]any }
	mustJSON(e.t, body, &res)
	return res.Data
}

// validationError is Laravel's 400/422 body.
type validationError struct {
	Message string              `json:"message"`
	Errors  map[string][]string `json:"errors"`
}

func mustJSON(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}

func readJSON(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	mustJSON(t, data, v)
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func ids(rows []map[string]any) []int {
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = int(r["id"].(float64))
	}
	return out
}

// fixtures reads the clients of the embedded fixtures as generic JSON.
func fixtures(t *testing.T) []map[string]any {
	t.Helper()
	data, err := os.ReadFile("fixtures/clients.json")
	if err != nil {
		t.Fatal(err)
	}
	var out []map[string]any
	mustJSON(t, data, &out)
	return out
}
