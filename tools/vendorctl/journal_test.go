package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
)

// journalOf returns serve's journal entries for one API.
func journalOf(t *testing.T, base, api string) []map[string]any {
	t.Helper()
	status, body := get(t, base+"/__admin/requests?api="+api, nil)
	var got struct {
		Requests []map[string]any `json:"requests"`
	}
	if err := json.Unmarshal(body, &got); status != 200 || err != nil {
		t.Fatalf("journal: %d %s (%v)", status, body, err)
	}
	return got.Requests
}

// --journal-bodies=false (or VENDORCTL_JOURNAL_BODIES=false) keeps the entries without their bodies;
// by default the bodies are kept.
func TestServeJournalBodies(t *testing.T) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {"mock-client"}, "client_secret": {"mock-secret"}}
	for name, tc := range map[string]struct {
		args   []string
		env    string
		bodies bool
	}{
		"default": {bodies: true},
		"flag":    {args: []string{"--journal-bodies=false"}},
		"env":     {env: "false"},
	} {
		t.Run(name, func(t *testing.T) {
			if tc.env != "" {
				t.Setenv("VENDORCTL_JOURNAL_BODIES", tc.env)
			}
			base, _, _ := startServe(t, tc.args...)
			if status, body := postForm(t, base+"/connectid/user/oauth/token", form); status != 200 {
				t.Fatalf("token: %d %s", status, body)
			}
			entries := journalOf(t, base, "connectid")
			if len(entries) != 1 || entries[0]["status"] != float64(200) || entries[0]["operationId"] != "token" {
				t.Fatalf("journal: %v", entries)
			}
			_, hasReq := entries[0]["requestBody"]
			_, hasResp := entries[0]["responseBody"]
			if hasReq != tc.bodies || hasResp != tc.bodies {
				t.Errorf("request body kept %v, response body kept %v; want %v: %v", hasReq, hasResp, tc.bodies, entries[0])
			}
		})
	}
	t.Setenv("VENDORCTL_JOURNAL_BODIES", "sometimes")
	if _, stderr, code := runCmd(t, "serve"); code != 2 || !strings.Contains(stderr, "VENDORCTL_JOURNAL_BODIES") {
		t.Errorf("bad env value: exit %d, stderr %q", code, stderr)
	}
}
