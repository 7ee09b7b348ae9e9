package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// twSessionTotal takes a TimeWave token at base (a session's root or the server's) and returns the
// token and the clients total.
func twSessionTotal(t *testing.T, base string) (string, int) {
	t.Helper()
	status, token := twToken(t, base, "mock-client", "mock-secret")
	if status != 200 {
		t.Fatalf("token at %s: %d", base, status)
	}
	return token, twTotal(t, base, token)
}

func twCreate(t *testing.T, base, token, name string) {
	t.Helper()
	if status, body := twCall(t, base, token, http.MethodPost, "/clients", map[string]any{"company_name": name}); status != http.StatusCreated {
		t.Errorf("create at %s: %d %s", base, status, body)
	}
}

// Two sessions and the default server over serve: writes, tokens, faults and journals stay apart.
func TestServeSessionsIsolate(t *testing.T) {
	base, _, _ := startServe(t)
	a, b := base+"/sessions/a", base+"/sessions/b"
	tokA, total := twSessionTotal(t, a)
	tokB, _ := twSessionTotal(t, b)
	tokD, _ := twSessionTotal(t, base) // TimeWave's new token invalidates the previous one of its client: only within a session

	twCreate(t, a, tokA, "Bolag A AB")
	if got := twTotal(t, a, tokA); got != total+1 {
		t.Errorf("session a after its write: total %d, want %d (its first token still valid after b's and the default's)", got, total+1)
	}
	if got := twTotal(t, b, tokB); got != total {
		t.Errorf("session b sees a's write: total %d, want %d", got, total)
	}
	if got := twTotal(t, base, tokD); got != total {
		t.Errorf("the default sees a's write: total %d, want %d", got, total)
	}
	if status, _ := twCall(t, a, tokB, http.MethodGet, "/clients", nil); status != http.StatusUnauthorized {
		t.Errorf("b's token in a: %d, want 401", status)
	}

	status, body := send(t, http.MethodPost, base+"/__admin/faults?session=b", "", `{"api":"timewave","status":503}`, map[string]string{"Content-Type": "application/json"})
	if status != http.StatusCreated {
		t.Fatalf("fault in b: %d %s", status, body)
	}
	if status, _ := twCall(t, b, tokB, http.MethodGet, "/clients", nil); status != http.StatusServiceUnavailable {
		t.Errorf("b with its fault: %d, want 503", status)
	}
	for _, root := range []string{a, base} {
		if status, _ := twCall(t, root, map[string]string{a: tokA, base: tokD}[root], http.MethodGet, "/clients", nil); status != 200 {
			t.Errorf("%s with b's fault: %d, want 200", root, status)
		}
	}

	posts := func(query string) int {
		_, body := get(t, base+"/__admin/requests?method=POST&api=timewave"+query, nil)
		var j struct{ Requests []struct{ Path string } }
		if err := json.Unmarshal(body, &j); err != nil {
			t.Fatalf("journal%s: %v %s", query, err, body)
		}
		n := 0
		for _, r := range j.Requests {
			if strings.HasSuffix(r.Path, "/clients") {
				n++
			}
		}
		return n
	}
	if got := posts("&session=a"); got != 1 {
		t.Errorf("a's journal has %d client creates, want 1", got)
	}
	if got := posts("&session=b") + posts(""); got != 0 {
		t.Errorf("b's and the default's journals have %d client creates, want 0", got)
	}

	req, _ := http.NewRequest(http.MethodGet, base+"/timewave/v3/clients?page[size]=1", nil)
	req.Header.Set("Authorization", "Bearer "+tokA)
	req.Header.Set("X-Vendorctl-Session", "a")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Total int }
	_ = json.NewDecoder(resp.Body).Decode(&page)
	resp.Body.Close()
	if resp.StatusCode != 200 || page.Total != total+1 {
		t.Errorf("header X-Vendorctl-Session a: %d total %d, want 200 and %d", resp.StatusCode, page.Total, total+1)
	}

	if status, body := send(t, http.MethodPost, base+"/__admin/reset?session=a", "", "", nil); status != 200 {
		t.Fatalf("reset a: %d %s", status, body)
	}
	if got := twTotal(t, a, tokA); got != total {
		t.Errorf("a after reset: total %d, want %d", got, total)
	}
}

// 300 parallel sessions, half by base URL and half by header, each see exactly their own writes.
func TestServeSessions300(t *testing.T) {
	base, _, _ := startServe(t)
	_, total := twSessionTotal(t, base+"/sessions/probe")
	const n, writes = 300, 3
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			root := fmt.Sprintf("%s/sessions/p%d", base, i)
			status, token := twToken(t, root, "mock-client", "mock-secret")
			if status != 200 {
				t.Errorf("session %d token: %d", i, status)
				return
			}
			for w := range writes + i%2 {
				twCreate(t, root, token, fmt.Sprintf("Bolag %d-%d AB", i, w))
			}
			if got, want := twTotal(t, root, token), total+writes+i%2; got != want {
				t.Errorf("session %d: total %d, want %d", i, got, want)
			}
		})
	}
	wg.Wait()
	_, body := get(t, base+"/__admin/sessions", nil)
	var list struct{ Sessions []struct{ ID string } }
	if err := json.Unmarshal(body, &list); err != nil || len(list.Sessions) != n+1 {
		t.Errorf("GET /__admin/sessions: %d sessions (%v), want %d", len(list.Sessions), err, n+1)
	}
}

// Bad ids are refused in the vendor's own shape: TimeWave's {"message"}, Vitec Mäklare's modelState.
func TestServeSessionsBadID(t *testing.T) {
	base, _, _ := startServe(t)
	for _, c := range []struct{ path, header, want string }{
		{"/sessions/bad!/timewave/v3/clients", "", `"message":"session id must be`},
		{"/sessions/" + strings.Repeat("x", 65) + "/vitecmaklare/api/customers", "", `"modelState"`},
		{"/timewave/v3/clients", "with space", `"message":"session id must be`},
		{"/vitecauto/api/customer", "ä", `"error":"session id must be`},
	} {
		status, body := get(t, base+c.path, map[string]string{"X-Vendorctl-Session": c.header})
		if status != http.StatusBadRequest || !strings.Contains(string(body), c.want) {
			t.Errorf("%s (header %q): %d %s, want 400 with %s", c.path, c.header, status, body, c.want)
		}
	}
	// ConnectID refuses a bad id in its OAuth shape and issues nothing, by path and by header.
	creds := url.Values{"grant_type": {"client_credentials"}, "client_id": {"mock-client"}, "client_secret": {"mock-secret"}}
	for _, c := range []struct{ path, header string }{{"/sessions/bad!/connectid/user/oauth/token", ""}, {"/connectid/user/oauth/token", "bad!"}} {
		req, _ := http.NewRequest(http.MethodPost, base+c.path, strings.NewReader(creds.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Vendorctl-Session", c.header)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var e struct {
			Error            string
			ErrorDescription string `json:"error_description"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&e)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || e.Error != "invalid_request" || !strings.HasPrefix(e.ErrorDescription, "session id must be") {
			t.Errorf("ConnectID %s (header %q): %d %+v, want 400 invalid_request", c.path, c.header, resp.StatusCode, e)
		}
	}
	if status, body := get(t, base+"/sessions/ok/nothing", nil); status != http.StatusNotFound || !strings.Contains(string(body), "no vendor is mounted") {
		t.Errorf("no vendor in a session: %d %s", status, body)
	}
	if status, _ := get(t, base+"/sessions/ok/timewave/v3/../x", nil); status >= 300 && status < 400 || status >= 500 {
		t.Errorf("a path with ..: %d, want a 4xx, no redirect", status)
	}
}

// --max-sessions refuses one more with 503 and Retry-After in the vendor's shape; --session-ttl ends
// an idle session, which then starts afresh.
func TestServeSessionsBounds(t *testing.T) {
	base, _, _ := startServe(t, "--max-sessions", "2", "--session-ttl", "300ms")
	tokA, total := twSessionTotal(t, base+"/sessions/a")
	twCreate(t, base+"/sessions/a", tokA, "Kvar AB")
	twSessionTotal(t, base+"/sessions/b")
	req, _ := http.NewRequest(http.MethodGet, base+"/sessions/c/timewave/v3/clients", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var e struct{ Message string }
	_ = json.NewDecoder(resp.Body).Decode(&e)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || !strings.Contains(e.Message, "maximum of 2 sessions") {
		t.Errorf("third session: %d Retry-After %q %q, want 503 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"), e.Message)
	}
	resp, err = http.PostForm(base+"/sessions/c/connectid/user/oauth/token", url.Values{"grant_type": {"client_credentials"}})
	if err != nil {
		t.Fatal(err)
	}
	var oe struct{ Error string }
	_ = json.NewDecoder(resp.Body).Decode(&oe)
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" || oe.Error != "temporarily_unavailable" {
		t.Errorf("third session at ConnectID: %d Retry-After %q %q, want 503 temporarily_unavailable", resp.StatusCode, resp.Header.Get("Retry-After"), oe.Error)
	}
	if status, _ := send(t, http.MethodDelete, base+"/__admin/sessions/b", "", "", nil); status != http.StatusNoContent {
		t.Errorf("DELETE b: %d", status)
	}
	if status, _ := send(t, http.MethodDelete, base+"/__admin/sessions/b", "", "", nil); status != http.StatusNotFound {
		t.Errorf("DELETE b again: %d, want 404", status)
	}
	if _, got := twSessionTotal(t, base+"/sessions/c"); got != total {
		t.Errorf("c after b ended: total %d", got)
	}
	time.Sleep(400 * time.Millisecond)
	if _, got := twSessionTotal(t, base+"/sessions/a"); got != total {
		t.Errorf("a after its TTL: total %d, want %d (a fresh session)", got, total)
	}
}

// The session endpoints: POST answers a fresh id and its base URLs, GET lists last use and size, and
// the admin guard's token holds for them and for session=.
func TestServeSessionsAdmin(t *testing.T) {
	base, _, _ := startServe(t, "--admin-token", "s3cret")
	auth := map[string]string{"Authorization": "Bearer s3cret"}
	for _, c := range []struct{ method, path string }{{"POST", "/__admin/sessions"}, {"GET", "/__admin/sessions"}, {"GET", "/__admin/requests?session=a"}, {"DELETE", "/__admin/sessions/a"}} {
		if status, _ := send(t, c.method, base+c.path, "", "", nil); status != http.StatusUnauthorized {
			t.Errorf("%s %s without the token: %d, want 401", c.method, c.path, status)
		}
		if status, _ := send(t, c.method, base+c.path, "evil.example", "", auth); status != http.StatusForbidden {
			t.Errorf("%s %s for Host evil.example: %d, want 403", c.method, c.path, status)
		}
	}
	status, body := send(t, http.MethodPost, base+"/__admin/sessions", "", "", auth)
	var s struct {
		ID       string
		BaseURLs map[string]string
	}
	if err := json.Unmarshal(body, &s); status != http.StatusCreated || err != nil || s.BaseURLs["/timewave/v3"] != base+"/sessions/"+s.ID+"/timewave/v3" {
		t.Fatalf("POST /__admin/sessions: %d %s", status, body)
	}
	twSessionTotal(t, base+"/sessions/"+s.ID)
	_, body = send(t, http.MethodGet, base+"/__admin/sessions", "", "", auth)
	var list struct {
		Sessions []struct {
			ID       string
			LastUse  time.Time
			Requests int
			Built    []string
		}
	}
	if err := json.Unmarshal(body, &list); err != nil || len(list.Sessions) != 1 || list.Sessions[0].Requests != 2 ||
		strings.Join(list.Sessions[0].Built, ",") != "timewave" || time.Since(list.Sessions[0].LastUse) > time.Minute {
		t.Errorf("GET /__admin/sessions: %s", body)
	}
}
