package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// mcLastName is the last name of the test user's customer on a running serve.
func mcLastName(t *testing.T, base string) string {
	t.Helper()
	status, body := get(t, base+"/mediaconnect/capi/v1/customer/info", map[string]string{"Authorization": "Bearer " + mediaconnectUserToken(t, base)})
	var info struct {
		Name struct{ LastName string } `json:"name"`
	}
	if status != 200 || json.Unmarshal(body, &info) != nil {
		t.Fatalf("customer info: %d %s", status, body)
	}
	return info.Name.LastName
}

// twEmailCount is how many TimeWave clients of a running serve have the e-mail address.
func twEmailCount(t *testing.T, base, email string) int {
	t.Helper()
	status, body := twCall(t, base, timewaveToken(t, base), http.MethodGet, "/clients?filter[email]="+url.QueryEscape(email), nil)
	var page struct{ Data []json.RawMessage }
	if status != 200 || json.Unmarshal(body, &page) != nil {
		t.Fatalf("list: %d %s", status, body)
	}
	return len(page.Data)
}

// stateEntries lists DIR's entries, sub-folders' files as folder/file.
func stateEntries(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		out = append(out, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// serve --state-dir over HTTP: a TimeWave client created and a Mediaconnect customer changed are
// there after a restart (sessions are not kept); POST /__admin/reset empties DIR, and the next start
// has the fixtures.
func TestServeStateSurvivesRestart(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "state")
	base, _, stop := startServe(t, "--state-dir", dir)
	token := timewaveToken(t, base)
	twCreate(t, base, token, "Kept Across Restarts AB")
	if status, body := twCall(t, base, token, http.MethodPost, "/clients", map[string]any{"first_name": "Ada", "last_name": "Kept", "email": "ada.kept@example.se"}); status != 201 {
		t.Fatalf("create: %d %s", status, body)
	}
	if status, body := send(t, http.MethodPost, base+"/mediaconnect/capi/v1/customer/info", "", `{"name":{"lastName":"Kept"}}`,
		map[string]string{"Authorization": "Bearer " + mediaconnectUserToken(t, base), "Content-Type": "application/json"}); status != 200 {
		t.Fatalf("mediaconnect change: %d %s", status, body)
	}
	sessionBase := base + "/sessions/not-kept"
	twCreate(t, sessionBase, timewaveToken(t, sessionBase), "Session Only AB")
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	base, _, stop = startServe(t, "--state-dir", dir)
	if n := twEmailCount(t, base, "ada.kept@example.se"); n != 1 {
		t.Fatalf("after a restart %d clients with the created e-mail, want 1", n)
	}
	if got := mcLastName(t, base); got != "Kept" {
		t.Fatalf("after a restart the changed customer's last name is %q, want Kept", got)
	}
	sessionBase = base + "/sessions/not-kept"
	if _, total := twSessionTotal(t, sessionBase); total != 260 {
		t.Fatalf("a session after a restart has %d clients, want the fixtures' 260", total)
	}
	if got := strings.Join(stateEntries(t, dir), " "); got != "mediaconnect/addresses.json mediaconnect/customers.json timewave/clients.json timewave/reference.json vendorctl-state.json" {
		t.Fatalf("DIR holds %s", got)
	}
	if status, body := post(t, base+"/__admin/reset", ""); status != 200 {
		t.Fatalf("reset: %d %s", status, body)
	}
	if got := strings.Join(stateEntries(t, dir), " "); got != "vendorctl-state.json" {
		t.Fatalf("after reset DIR holds %s, want the manifest only", got)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}

	base, _, _ = startServe(t, "--state-dir", dir)
	if n := twEmailCount(t, base, "ada.kept@example.se"); n != 0 {
		t.Fatalf("after reset and restart %d created clients, want none", n)
	}
	if got := mcLastName(t, base); got == "Kept" {
		t.Fatal("after reset and restart the Mediaconnect change is still there")
	}
}
