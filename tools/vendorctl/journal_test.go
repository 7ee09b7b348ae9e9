package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
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

// serve --journal-anonymize replaces personal data in the journal as a recording under the same key
// does: queries, JSON bodies of requests and answers; an XML answer is not kept.
func TestServeJournalAnonymize(t *testing.T) {
	base, _, _ := startServe(t, "--journal-anonymize", "--anonymize-key", "k")
	tw := map[string]string{"Authorization": "Bearer " + timewaveToken(t, base)}
	if st, b := get(t, base+"/timewave/v3/clients?filter[email]=anna.lindqvist@example.se", tw); st != 200 || !strings.Contains(string(b), "Lindqvist") {
		t.Fatalf("timewave: %d %s", st, b)
	}
	client := map[string]string{"Authorization": "Bearer " + oauthToken(t, base+"/connectid/user/oauth/token", clientCredentials())}
	if st, b := send(t, "POST", base+"/mediaconnect/capi/v1/client/customer/search", "", `{"phoneNumber": "+4712345678"}`, jsonHeader(client)); st != 200 {
		t.Fatalf("mediaconnect: %d %s", st, b)
	}
	xml := map[string]string{"Authorization": "Basic " + basicAuth("mock-user", "mock-password"), "Accept": "application/xml"}
	if st, b := get(t, base+"/vitecmaklare/CRM/Contact/M30011/P1001", xml); st != 200 {
		t.Fatalf("vitecmaklare: %d %s", st, b)
	}
	se, no := anonymize.New([]byte("k"), anonymize.Sweden), anonymize.New([]byte("k"), anonymize.Norway)
	twEntry := journalOf(t, base, "timewave")
	last := twEntry[len(twEntry)-1]
	body, _ := last["responseBody"].(string)
	query, _ := json.Marshal(last["query"])
	if strings.Contains(body, "Lindqvist") || strings.Contains(body, "19780412-3383") || strings.Contains(string(query), "anna.lindqvist") {
		t.Errorf("timewave entry keeps personal data: %s %s", query, body)
	}
	if !strings.Contains(body, se.Replace(anonymize.IdentityNumber, "19780412-3383")) || !strings.Contains(string(query), se.Replace(anonymize.Email, "anna.lindqvist@example.se")) {
		t.Errorf("timewave entry not replaced as a recording under the key is: %s %s", query, body)
	}
	mc := journalOf(t, base, "mediaconnect")
	req, _ := mc[len(mc)-1]["requestBody"].(string)
	resp, _ := mc[len(mc)-1]["responseBody"].(string)
	if strings.Contains(req+resp, "12345678") || strings.Contains(resp, "Nordmann") || !strings.Contains(req, no.Replace(anonymize.Phone, "+4712345678")) {
		t.Errorf("mediaconnect entry: %s → %s", req, resp)
	}
	// A session's journal follows the same rule.
	sess := base + "/sessions/anon"
	if st, _ := get(t, sess+"/timewave/v3/clients?filter[email]=anna.lindqvist@example.se", map[string]string{"Authorization": "Bearer " + timewaveToken(t, sess)}); st != 200 {
		t.Fatalf("session: %d", st)
	}
	st, b := get(t, base+"/__admin/requests?api=timewave&session=anon", nil)
	if st != 200 || !strings.Contains(string(b), `"responseBody"`) || strings.Contains(string(b), "Lindqvist") || strings.Contains(string(b), "anna.lindqvist") {
		t.Errorf("session journal: %d %s", st, b)
	}
	vm := journalOf(t, base, "vitecmaklare")
	if got := vm[len(vm)-1]["responseBody"]; got != "[body not recorded: it may hold personal data]" {
		t.Errorf("vitecmaklare XML answer kept: %v", got)
	}
}
