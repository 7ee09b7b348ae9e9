package mocktest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

type tokenAnswer struct {
	AccessToken string `json:"access_token"`
}

func fetchToken(t *testing.T, tokenURL, id, secret string) string {
	t.Helper()
	resp, err := http.PostForm(tokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}})
	if err != nil {
		t.Error(err)
		return ""
	}
	defer resp.Body.Close()
	var tok tokenAnswer
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Errorf("token: %d %v", resp.StatusCode, err)
	}
	return tok.AccessToken
}

func status(t *testing.T, req *http.Request) int {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return 0
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode
}

// Parallel mixed traffic on every vendor at once (run with -race): reads, writes and token requests
// interleave; no answer is a 5xx or off-spec (Start checks every answer), and no write is lost.
func TestParallelMixedTrafficOnEveryVendor(t *testing.T) {
	m := mocktest.Start(t)
	mc, tw := m.Credentials("mediaconnect"), m.Credentials("timewave")
	mk, va := m.Credentials("vitecmaklare"), m.Credentials("vitecauto")
	twToken := fetchToken(t, tw.TokenURL, tw.ClientID, tw.ClientSecret)
	mcToken := fetchToken(t, mc.TokenURL, mc.ClientID, mc.ClientSecret)

	const workers, rounds = 8, 10
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds {
				req, _ := http.NewRequest("GET", m.BaseURL("vitecauto")+"/api/customer?companyId=998&customerId=500190", nil)
				req.Header.Set("x-api-key", va.APIKey)
				if st := status(t, req); st != 200 {
					t.Errorf("vitecauto: %d", st)
				}
				req, _ = http.NewRequest("GET", m.BaseURL("vitecmaklare")+"/CRM/Contact/M30011/P1001", nil)
				req.SetBasicAuth(mk.User, mk.Password)
				if i%2 == 0 {
					req.Header.Set("Accept", "application/xml")
				}
				if st := status(t, req); st != 200 {
					t.Errorf("vitecmaklare: %d", st)
				}
				req, _ = http.NewRequest("GET", m.BaseURL("mediaconnect")+"/v1/client/customer/info/563457", nil)
				req.Header.Set("Authorization", "Bearer "+mcToken)
				if st := status(t, req); st != 200 {
					t.Errorf("mediaconnect: %d", st)
				}
				body := fmt.Sprintf(`{"first_name":"Parallell","last_name":"Skrivare","email":"w%d.r%d@example.se"}`, w, i)
				req, _ = http.NewRequest("POST", m.BaseURL("timewave")+"/clients", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+twToken)
				if st := status(t, req); st != 201 {
					t.Errorf("timewave create: %d", st)
				}
				req, _ = http.NewRequest("GET", m.BaseURL("timewave")+"/clients?filter[status]=active&sort=-id&page[size]=5", nil)
				req.Header.Set("Authorization", "Bearer "+twToken)
				if st := status(t, req); st != 200 {
					t.Errorf("timewave list: %d", st)
				}
			}
		}()
	}
	wg.Wait()
	// Every create is in the store exactly once.
	created := 0
	for w := range workers {
		for i := range rounds {
			req, _ := http.NewRequest("GET", fmt.Sprintf("%s/clients?filter[email]=w%d.r%d@example.se", m.BaseURL("timewave"), w, i), nil)
			req.Header.Set("Authorization", "Bearer "+twToken)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var p struct{ Total int }
			_ = json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
			if p.Total != 1 {
				t.Errorf("w%d.r%d: %d clients, want exactly 1", w, i, p.Total)
			}
			created += p.Total
		}
	}
	if created != workers*rounds {
		t.Fatalf("%d of %d concurrent creates are in the store", created, workers*rounds)
	}
}

// Tokens issued concurrently: every Mediaconnect token stays valid; TimeWave keeps exactly one per
// client (a new token invalidates the previous one), so exactly one of its concurrent tokens works.
func TestConcurrentTokens(t *testing.T) {
	m := mocktest.Start(t)
	mc, tw := m.Credentials("mediaconnect"), m.Credentials("timewave")
	const n = 30
	issue := func(tokenURL, id, secret string) []string {
		out := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); out[i] = fetchToken(t, tokenURL, id, secret) }()
		}
		wg.Wait()
		return out
	}
	valid := func(url string, tokens []string) int {
		ok := 0
		for _, tok := range tokens {
			req, _ := http.NewRequest("GET", url, nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			if status(t, req) == 200 {
				ok++
			}
		}
		return ok
	}
	mcTokens := issue(mc.TokenURL, mc.ClientID, mc.ClientSecret)
	if got := valid(m.BaseURL("mediaconnect")+"/v1/client/customer/info/563457", mcTokens); got != n {
		t.Errorf("mediaconnect: %d of %d concurrent tokens valid", got, n)
	}
	twTokens := issue(tw.TokenURL, tw.ClientID, tw.ClientSecret)
	if got := valid(m.BaseURL("timewave")+"/clients/1001", twTokens); got != 1 {
		t.Errorf("timewave: %d of %d concurrent tokens valid, want exactly the newest", got, n)
	}
}
