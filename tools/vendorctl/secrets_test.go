package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// No credential, token or secret reaches serve's log, even at debug level and on failed requests, nor
// the journal.
func TestServeLogsNoSecrets(t *testing.T) {
	const (
		apiKey    = "key-s3cr3t-1"
		user      = "maklare-user-9"
		password  = "pw-s3cr3t-2"
		mcSecret  = "mc-s3cr3t-3"
		twSecret  = "tw-s3cr3t-4"
		wrongPass = "wrong-s3cr3t-5"
	)
	base, _, stderr, stop := launchServe(t, "--log-level", "debug",
		"--vitecauto-api-key", apiKey, "--vitecmaklare-user", user, "--vitecmaklare-password", password,
		"--mediaconnect-client-secret", mcSecret, "--timewave-client-secret", twSecret)

	get(t, base+"/vitecauto/api/customer?companyId=998&customerId=500190", map[string]string{"x-api-key": apiKey})
	get(t, base+"/vitecauto/api/customer?companyId=abc&customerId=1", map[string]string{"x-api-key": apiKey})
	req, _ := http.NewRequest("GET", base+"/vitecmaklare/CRM/Contact/M30011/P1001", nil)
	req.SetBasicAuth(user, password)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	req.SetBasicAuth(user, wrongPass)
	if resp, err = http.DefaultClient.Do(req); err == nil {
		resp.Body.Close()
	}
	var tokens []string
	for _, tc := range []struct{ url, id, secret string }{
		{base + "/connectid/user/oauth/token", "mock-client", mcSecret},
		{base + "/timewave/v3/oauth/token", "mock-client", twSecret},
		{base + "/timewave/v3/oauth/token?client_secret=" + twSecret, "mock-client", ""},
	} {
		form := url.Values{"grant_type": {"client_credentials"}, "client_id": {tc.id}}
		if tc.secret != "" {
			form.Set("client_secret", tc.secret)
		}
		resp, err := http.PostForm(tc.url, form)
		if err != nil {
			t.Fatal(err)
		}
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		_ = json.NewDecoder(resp.Body).Decode(&tok)
		resp.Body.Close()
		if tok.AccessToken != "" {
			tokens = append(tokens, tok.AccessToken)
		}
	}
	for _, tok := range tokens {
		get(t, base+"/timewave/v3/clients/1001", map[string]string{"Authorization": "Bearer " + tok})
		get(t, base+"/mediaconnect/capi/v1/client/customer/info/563457", map[string]string{"Authorization": "Bearer " + tok})
	}
	if len(tokens) < 2 {
		t.Fatalf("got %d tokens", len(tokens))
	}
	_, journal := get(t, base+"/__admin/requests", nil)
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	logs := stderr.String()
	if !strings.Contains(logs, "level=") {
		t.Fatalf("serve logged nothing at debug level: %q", logs)
	}
	for _, secret := range append([]string{apiKey, password, mcSecret, twSecret, wrongPass}, tokens...) {
		if strings.Contains(logs, secret) {
			t.Errorf("serve's log holds a secret (%.6s...)", secret)
		}
		if strings.Contains(string(journal), secret) {
			t.Errorf("the journal holds a secret (%.6s...)", secret)
		}
	}
}

// The admin token taken from VENDORCTL_ADMIN_TOKEN is used, but never printed: not by -h (as a flag's
// default would be), not in the refusal of an address beyond loopback.
func TestAdminTokenFromEnvNotPrinted(t *testing.T) {
	const token = "adm-s3cr3t-6"
	t.Setenv("VENDORCTL_ADMIN_TOKEN", token)
	for _, cmd := range []string{"serve", "proxy"} {
		var out, errOut strings.Builder
		_ = run(t.Context(), []string{cmd, "-h"}, &out, &errOut)
		if help := out.String() + errOut.String(); strings.Contains(help, token) || !strings.Contains(help, "VENDORCTL_ADMIN_TOKEN") {
			t.Errorf("%s -h prints the token or omits its variable:\n%s", cmd, help)
		}
	}
	base, stdout, stderr, _ := launchServe(t, "--log-level", "debug")
	if status, _ := send(t, http.MethodGet, base+"/__admin/requests", "", "", nil); status != http.StatusUnauthorized {
		t.Errorf("admin API without the token from the environment: %d, want 401", status)
	}
	if status, _ := send(t, http.MethodGet, base+"/__admin/requests", "", "", map[string]string{"X-Admin-Token": token}); status != http.StatusOK {
		t.Errorf("admin API with the token from the environment: %d, want 200", status)
	}
	if strings.Contains(stdout.String()+stderr.String(), token) {
		t.Errorf("serve printed the admin token")
	}
}
