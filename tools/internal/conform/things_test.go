package conform_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/conform"
)

// thingsServer implements testdata/things.yaml under /v1, with its OAuth server under /v1/oauth/token
// and /login: a client-credentials token that a new token request invalidates, an authorize endpoint
// that approves at once, and HTTP Basic on /v1/basic.
type thingsServer struct {
	mu        sync.Mutex
	token     string // the one valid client token
	issued    int
	userToken string
	things    []map[string]any
}

const (
	thingsClient, thingsSecret = "things-client", "things-secret"
	thingsUser, thingsPassword = "things-user", "things-password"
)

func newThingsServer(t *testing.T) (*httptest.Server, *thingsServer) {
	t.Helper()
	s := &thingsServer{things: []map[string]any{{"id": 7, "name": "Stol", "count": 4}}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/oauth/token", s.tokenEndpoint)
	mux.HandleFunc("POST /login/token", s.tokenEndpoint)
	mux.HandleFunc("GET /login/authorize", func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if q.Get("client_id") != thingsClient || q.Get("response_type") != "code" {
			writeJSONError(w, 400, "invalid_request")
			return
		}
		http.Redirect(w, r, q.Get("redirect_uri")+"?code=code-1&state="+url.QueryEscape(q.Get("state")), http.StatusFound)
	})
	mux.HandleFunc("GET /v1/things", s.authed(func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, 200, map[string]any{"data": s.list("")})
	}))
	mux.HandleFunc("POST /v1/things/search", s.authed(func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Name any }
		if json.NewDecoder(r.Body).Decode(&in) != nil {
			writeJSONError(w, 400, "bad body")
			return
		}
		name, ok := in.Name.(string)
		if !ok || name == "" {
			writeJSONError(w, 400, "name must be a string")
			return
		}
		writeJSON(w, 200, map[string]any{"data": s.list(name)})
	}))
	mux.HandleFunc("POST /v1/things", s.authed(func(w http.ResponseWriter, r *http.Request) {
		var in map[string]any
		if json.NewDecoder(r.Body).Decode(&in) != nil {
			writeJSONError(w, 400, "bad body")
			return
		}
		name, ok := in["name"].(string)
		count, cok := in["count"].(float64)
		if _, present := in["count"]; !ok || len(name) > 20 || (present && !cok) {
			writeJSONError(w, 400, "invalid thing")
			return
		}
		s.mu.Lock()
		thing := map[string]any{"id": 7 + len(s.things), "name": name, "count": int(count)}
		s.things = append(s.things, thing)
		s.mu.Unlock()
		writeJSON(w, 201, map[string]any{"data": thing})
	}))
	mux.HandleFunc("GET /v1/things/{id}", s.authed(func(w http.ResponseWriter, r *http.Request) {
		id, err := strconv.Atoi(r.PathValue("id"))
		if err != nil || id < 1 {
			writeJSONError(w, 400, "id must be a positive integer")
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		for _, th := range s.things {
			if th["id"] == id {
				writeJSON(w, 200, map[string]any{"data": th})
				return
			}
		}
		writeJSONError(w, 404, "no such thing")
	}))
	mux.HandleFunc("GET /v1/me", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		ok := s.userToken != "" && r.Header.Get("Authorization") == "Bearer "+s.userToken
		s.mu.Unlock()
		if !ok {
			writeJSONError(w, 401, "invalid_token")
			return
		}
		writeJSON(w, 200, map[string]any{"name": "Kari Nordmann"})
	})
	mux.HandleFunc("GET /v1/basic", func(w http.ResponseWriter, r *http.Request) {
		if u, p, ok := r.BasicAuth(); !ok || u != thingsUser || p != thingsPassword {
			writeJSONError(w, 401, "unauthorized")
			return
		}
		writeJSON(w, 200, map[string]any{"ok": true})
	})
	ts := httptest.NewServer(mux)
	t.Cleanup(ts.Close)
	return ts, s
}

func (s *thingsServer) list(name string) []map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := []map[string]any{}
	for _, th := range s.things {
		if name == "" || th["name"] == name {
			out = append(out, th)
		}
	}
	return out
}

func (s *thingsServer) tokenEndpoint(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSONError(w, 400, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id == "" {
		writeJSONError(w, 400, "invalid_request")
		return
	}
	if id != thingsClient || secret != thingsSecret {
		writeJSONError(w, 401, "invalid_client")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.issued++
	switch r.PostForm.Get("grant_type") {
	case "client_credentials":
		s.token = fmt.Sprintf("client-token-%d", s.issued) // the previous token stops working
		writeJSON(w, 200, map[string]any{"access_token": s.token, "token_type": "Bearer", "expires_in": 3600})
	case "authorization_code":
		if r.PostForm.Get("code") != "code-1" {
			writeJSONError(w, 400, "invalid_grant")
			return
		}
		s.userToken = fmt.Sprintf("user-token-%d", s.issued)
		writeJSON(w, 200, map[string]any{"access_token": s.userToken, "token_type": "Bearer", "expires_in": 3600})
	default:
		writeJSONError(w, 400, "unsupported_grant_type")
	}
}

func (s *thingsServer) authed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		ok := s.token != "" && r.Header.Get("Authorization") == "Bearer "+s.token
		s.mu.Unlock()
		if !ok {
			writeJSONError(w, 401, "invalid_token")
			return
		}
		h(w, r)
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeJSONError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func thingsSpec(t *testing.T) *specs.Spec {
	t.Helper()
	data, err := os.ReadFile("testdata/things.yaml")
	if err != nil {
		t.Fatal(err)
	}
	spec, err := specs.LoadData("things", data)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// thingsVendor marks the search safe and has a writing flow, create → get.
func thingsVendor(broken bool) *conform.Vendor {
	return &conform.Vendor{
		Safe: []string{"searchThings"},
		Flows: []conform.Flow{{
			Name: "create-get", Operations: []string{"createThing", "getThing"}, Writes: true,
			Run: func(ctx context.Context, s *conform.Session) error {
				created, err := s.Call(ctx, "createThing", conform.Input{Body: map[string]any{"name": "Bord", "count": 1}})
				if err != nil {
					return err
				}
				id := fmt.Sprint(created.Body.(map[string]any)["data"].(map[string]any)["id"])
				got, err := s.Call(ctx, "getThing", conform.Input{Path: map[string]string{"id": id}})
				if err != nil {
					return err
				}
				name := got.Body.(map[string]any)["data"].(map[string]any)["name"]
				if broken || name != "Bord" {
					return s.Errorf("data.name is %v, want Bord", name)
				}
				return nil
			},
		}},
	}
}

type checkMap map[string]map[string]conform.CheckResult // target → check → result

func resultsOf(rep *conform.Report) checkMap {
	out := checkMap{}
	for _, t := range rep.Targets() {
		out[t.Name] = map[string]conform.CheckResult{}
		for _, ch := range t.Checks {
			out[t.Name][ch.Name] = ch
		}
	}
	return out
}

func TestReadOnlyRunSkipsWritesAndUserTokens(t *testing.T) {
	ts, _ := newThingsServer(t)
	rep := run(t, conform.Config{
		Spec: thingsSpec(t), BaseURL: ts.URL + "/v1", Vendor: thingsVendor(false), AllowSkips: true,
		Credentials: conform.Credentials{ClientID: thingsClient, ClientSecret: thingsSecret}, // token URL: rebased onto the base URL
	})
	if !rep.Passed() {
		t.Fatalf("failed:\n%s", text(t, rep))
	}
	res := resultsOf(rep)
	for _, ch := range res["createThing"] {
		if ch.Status != conform.Skip || !strings.Contains(ch.Reason, "--allow-writes") {
			t.Errorf("createThing %s = %+v, want a skip naming --allow-writes", ch.Name, ch)
		}
	}
	if ch := res["create-get"]["ensure_resource_availability"]; ch.Status != conform.Skip || !strings.Contains(ch.Reason, "--allow-writes") {
		t.Errorf("the writing flow ran read-only: %+v", ch)
	}
	for _, id := range []string{"searchThings", "requestToken", "listThings", "getThing"} {
		if ch := res[id]["positive_data_acceptance"]; ch.Status != conform.Pass {
			t.Errorf("%s positive_data_acceptance = %+v", id, ch)
		}
		if ch := res[id]["negative_data_rejection"]; ch.Status != conform.Pass && id != "listThings" {
			t.Errorf("%s negative_data_rejection = %+v", id, ch)
		}
	}
	if ch := res["requestToken"]["auth_enforced"]; ch.Status != conform.Skip || !strings.Contains(ch.Reason, "no security requirement") {
		t.Errorf("requestToken auth_enforced = %+v", ch)
	}
	if ch := res["getMe"]["positive_data_acceptance"]; ch.Status != conform.Skip || !strings.Contains(ch.Reason, "--authorize-url") {
		t.Errorf("getMe positive_data_acceptance = %+v, want a skip naming --authorize-url", ch)
	}
	if ch := res["getMe"]["auth_enforced"]; ch.Status != conform.Pass {
		t.Errorf("getMe auth_enforced = %+v, want pass (it needs no valid token)", ch)
	}
	if ch := res["getBasic"]["positive_data_acceptance"]; ch.Status != conform.Skip || !strings.Contains(ch.Reason, "--user") {
		t.Errorf("getBasic positive_data_acceptance = %+v, want a skip naming --user", ch)
	}
}

func TestFullRunWithWritesAuthorizeAndBasic(t *testing.T) {
	ts, srv := newThingsServer(t)
	rep := run(t, conform.Config{
		Spec: thingsSpec(t), BaseURL: ts.URL + "/v1", Vendor: thingsVendor(false), AllowWrites: true,
		Credentials: conform.Credentials{
			ClientID: thingsClient, ClientSecret: thingsSecret, User: thingsUser, Password: thingsPassword,
			TokenURL: ts.URL + "/login/token", AuthorizeURL: ts.URL + "/login/authorize",
		},
	})
	if !rep.Passed() {
		t.Fatalf("failed:\n%s", text(t, rep))
	}
	for _, target := range rep.Targets() {
		for _, ch := range target.Checks {
			if ch.Status == conform.Skip && !strings.Contains(ch.Reason, "no security requirement") && !strings.Contains(ch.Reason, "can be made invalid") {
				t.Errorf("%s %s skipped: %s", target.Name, ch.Name, ch.Reason)
			}
		}
	}
	// getThing runs after the list, create and search: its path parameter comes from the newest answer
	// that has an id (the search found thing 7), not from the spec's example (1, which does not exist).
	for _, target := range rep.Operations {
		if target.Name == "getThing" && (target.Requests[0].URL != "/things/7" || target.Requests[0].Status != 200) {
			t.Errorf("getThing example: %+v; want /things/7 answered 200", target.Requests[0])
		}
	}
	if len(srv.list("Lampe")) != 1 || len(srv.list("Bord")) != 1 {
		t.Errorf("createThing and the flow did not each create one thing: %v", srv.list(""))
	}
}

func TestBrokenFlowFailsNamingTheStep(t *testing.T) {
	ts, _ := newThingsServer(t)
	rep := run(t, conform.Config{
		Spec: thingsSpec(t), BaseURL: ts.URL + "/v1", Vendor: thingsVendor(true), AllowWrites: true,
		Credentials: conform.Credentials{ClientID: thingsClient, ClientSecret: thingsSecret},
	})
	ch := resultsOf(rep)["create-get"]["ensure_resource_availability"]
	if ch.Status != conform.Fail || len(ch.Violations) != 1 || ch.Violations[0].String() != "step 2 getThing: data.name is Bord, want Bord" {
		t.Fatalf("flow check = %+v", ch)
	}
	if len(rep.Flows[0].Requests) != 2 {
		t.Errorf("flow requests %+v", rep.Flows[0].Requests)
	}
}

func TestBadClientSecretFailsWithoutLeakingIt(t *testing.T) {
	ts, _ := newThingsServer(t)
	rep := run(t, conform.Config{
		Spec: thingsSpec(t), BaseURL: ts.URL + "/v1",
		Credentials: conform.Credentials{ClientID: thingsClient, ClientSecret: "not-the-secret-xyz"},
	})
	out := text(t, rep)
	if rep.Passed() || !strings.Contains(out, "token endpoint answered 401 (invalid_client)") || strings.Contains(out, "not-the-secret-xyz") {
		t.Fatalf("want a failure naming the refused token request, without the secret:\n%s", out)
	}
}

// A run that skips checks for want of credentials fails, naming what to pass, unless AllowSkips.
func TestSkipsForMissingCredentialsFailTheRun(t *testing.T) {
	ts, _ := newThingsServer(t)
	cfg := conform.Config{
		Spec: thingsSpec(t), BaseURL: ts.URL + "/v1", Vendor: thingsVendor(false), AllowWrites: true,
		Credentials: conform.Credentials{ClientID: thingsClient, ClientSecret: thingsSecret},
	}
	rep := run(t, cfg)
	out := text(t, rep)
	if rep.Passed() || rep.Summary.Failed != 0 {
		t.Fatalf("a run that skipped getMe and getBasic for credentials passed (or failed a check):\n%s", out)
	}
	want := map[string]string{"getMe": "--authorize-url", "getBasic": "--user"}
	for _, m := range rep.MissingCredentials {
		for _, target := range m.Targets {
			if flag, ok := want[target]; ok && strings.Contains(m.Reason, flag) {
				delete(want, target)
			}
		}
	}
	if len(want) != 0 {
		t.Errorf("MissingCredentials %+v does not name %v", rep.MissingCredentials, want)
	}
	if !strings.Contains(out, "--allow-skips lets it pass") || !strings.Contains(out, "FAILED: ") {
		t.Errorf("the text report does not say the run fails and what turns that off:\n%s", out)
	}
	cfg.AllowSkips = true
	if rep := run(t, cfg); !rep.Passed() || len(rep.MissingCredentials) != 2 {
		t.Errorf("with AllowSkips: passed %v, missing %+v", rep.Passed(), rep.MissingCredentials)
	}
}

// The summary counts the operations that got a 2xx answer: a read-only run without a user token
// answers listThings, searchThings, requestToken and getThing, not createThing, getMe or getBasic.
func TestSummaryCountsOperationsAnswered2xx(t *testing.T) {
	ts, _ := newThingsServer(t)
	rep := run(t, conform.Config{
		Spec: thingsSpec(t), BaseURL: ts.URL + "/v1", Vendor: thingsVendor(false), AllowSkips: true,
		Credentials: conform.Credentials{ClientID: thingsClient, ClientSecret: thingsSecret},
	})
	if rep.Answered2xx != 4 || len(rep.Operations) != 7 {
		t.Fatalf("%d of %d operations answered 2xx, want 4 of 7", rep.Answered2xx, len(rep.Operations))
	}
	if out := text(t, rep); !strings.Contains(out, "; 4 of 7 operations answered 2xx\n") {
		t.Errorf("the summary line does not count the 2xx operations:\n%s", out)
	}
}

// conform refuses, before sending anything, a token URL it would take from the spec when it is on
// another host than the base URL; a named token URL is used as given.
func TestTokenURLOnAnotherHostIsRefused(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	t.Cleanup(ts.Close)
	for _, tc := range []struct {
		name, base, token string
		spec              *specs.Spec
		creds             conform.Credentials
	}{
		// The authorization code flow's token URL is https://login.things.example/token.
		{"authorization code", ts.URL + "/v1", "https://login.things.example/token", thingsSpec(t),
			conform.Credentials{ClientID: thingsClient, ClientSecret: thingsSecret, AuthorizeURL: ts.URL + "/login/authorize"}},
		// A mock's Mediaconnect base with the spec's production ConnectID.
		{"mediaconnect client credentials", ts.URL + "/mediaconnect/capi", "https://connectid.no/user/oauth/token", loadSpec(t, "mediaconnect"),
			conform.Credentials{ClientID: "mock-client", ClientSecret: "mock-secret"}},
	} {
		_, err := conform.New(conform.Config{Spec: tc.spec, BaseURL: tc.base, Credentials: tc.creds})
		var he *conform.HostError
		if !errors.Is(err, conform.ErrUnnamedHost) || !errors.Is(err, conform.ErrConfig) || !errors.As(err, &he) {
			t.Fatalf("%s: err = %v, want a *HostError", tc.name, err)
		}
		if he.Flag != "--token-url" || he.URL != tc.token || !strings.Contains(err.Error(), "pass --token-url") {
			t.Errorf("%s: %+v (%v); want the spec's token URL and --token-url", tc.name, he, err)
		}
	}
	named := conform.Credentials{ClientID: thingsClient, ClientSecret: thingsSecret, AuthorizeURL: ts.URL + "/login/authorize", TokenURL: ts.URL + "/login/token"}
	if _, err := conform.New(conform.Config{Spec: thingsSpec(t), BaseURL: ts.URL + "/v1", Credentials: named}); err != nil {
		t.Errorf("named token URL refused: %v", err)
	}
	if n := hits.Load(); n != 0 {
		t.Errorf("%d requests reached the server", n)
	}
}
