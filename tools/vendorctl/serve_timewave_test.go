package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// twToken fetches a TimeWave token from a running serve.
func twToken(t *testing.T, base, id, secret string) (int, string) {
	t.Helper()
	form := url.Values{"client_id": {id}, "client_secret": {secret}, "grant_type": {"client_credentials"}}
	resp, err := http.PostForm(base+"/timewave/v3/oauth/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	return resp.StatusCode, tok.AccessToken
}

// twCall sends an authenticated JSON request to the TimeWave mock of a running serve.
func twCall(t *testing.T, base, token, method, path string, body any) (int, []byte) {
	t.Helper()
	var r io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Error(err)
			return 0, nil
		}
		r = bytes.NewReader(data)
	}
	req, err := http.NewRequest(method, base+"/timewave/v3"+path, r)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0, nil
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func twTotal(t *testing.T, base, token string) int {
	t.Helper()
	status, body := twCall(t, base, token, http.MethodGet, "/clients?page[size]=1", nil)
	var page struct{ Total int }
	if status != 200 || json.Unmarshal(body, &page) != nil {
		t.Fatalf("list: %d %s", status, body)
	}
	return page.Total
}

// The TimeWave mock over real HTTP: a created client is found with filter[email]; an invalid create is
// 422 and leaves the total unchanged; 40 concurrent creates raise the total by exactly 40.
func TestServeTimeWave(t *testing.T) {
	base, stdout, _ := startServe(t)
	for _, want := range []string{"https://api.timewave.se/v3", base + "/timewave/v3", "client_id mock-client"} {
		if !strings.Contains(stdout.String(), want) {
			t.Errorf("start-up table lacks %q:\n%s", want, stdout.String())
		}
	}
	status, token := twToken(t, base, "mock-client", "mock-secret")
	if status != 200 || token == "" {
		t.Fatalf("token: %d", status)
	}
	total := twTotal(t, base, token)

	status, body := twCall(t, base, token, http.MethodPost, "/clients", map[string]any{
		"first_name": "Märta", "last_name": "Åkesson", "email": "marta.akesson@example.se", "payment_type": 1,
	})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	var created struct{ Data struct{ ID int } }
	if err := json.Unmarshal(body, &created); err != nil {
		t.Fatal(err)
	}
	status, body = twCall(t, base, token, http.MethodGet, "/clients?filter[email]=marta.akesson@example.se", nil)
	var found struct{ Data []struct{ ID int } }
	if err := json.Unmarshal(body, &found); err != nil || status != 200 || len(found.Data) != 1 || found.Data[0].ID != created.Data.ID {
		t.Fatalf("filter[email]: %d %s", status, body)
	}
	total++

	for name, invalid := range map[string]map[string]any{
		"payment_type 2 without secondary_email": {"first_name": "Ola", "payment_type": 2},
		"reference with an id":                   {"first_name": "Ola", "references": []any{map[string]any{"id": 7, "name": "PO"}}},
	} {
		status, body := twCall(t, base, token, http.MethodPost, "/clients", invalid)
		if status != http.StatusUnprocessableEntity || !strings.Contains(string(body), `"errors"`) {
			t.Errorf("%s: %d %s", name, status, body)
		}
		if got := twTotal(t, base, token); got != total {
			t.Errorf("%s: total %d, want %d", name, got, total)
		}
	}

	const n = 40
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			status, body := twCall(t, base, token, http.MethodPost, "/clients", map[string]any{"company_name": fmt.Sprintf("Bolag %d AB", i)})
			if status != http.StatusCreated {
				t.Errorf("concurrent create %d: %d %s", i, status, body)
			}
		})
	}
	wg.Wait()
	if got := twTotal(t, base, token); got != total+n {
		t.Errorf("after %d concurrent creates: total %d, want %d", n, got, total+n)
	}
}

func TestServeTimeWaveFlags(t *testing.T) {
	t.Setenv("VENDORCTL_TIMEWAVE_CLIENT_SECRET", "env-secret")
	base, stdout, _ := startServe(t, "--timewave-client-id", "flag-client", "--timewave-rate-limit", "0.001")
	if !strings.Contains(stdout.String(), "client_id flag-client, client_secret env-secret") {
		t.Errorf("table does not show the configured credentials:\n%s", stdout.String())
	}
	if status, _ := twToken(t, base, "mock-client", "mock-secret"); status != 401 {
		t.Errorf("default credentials: %d, want 401", status)
	}
	status, token := twToken(t, base, "flag-client", "env-secret")
	if status != 200 {
		t.Fatalf("configured credentials: %d", status)
	}
	// The bucket holds one request, and the token took it.
	if status, _ := twCall(t, base, token, http.MethodGet, "/clients/1001", nil); status != http.StatusTooManyRequests {
		t.Errorf("over the rate limit: %d, want 429", status)
	}
	if _, _, code := runCmd(t, "serve", "--timewave-rate-limit", "-1"); code != 2 {
		t.Errorf("negative rate limit: exit %d, want 2", code)
	}
}
