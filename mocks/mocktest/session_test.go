package mocktest_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// twSession takes a TimeWave token in the session and returns a caller with it.
func twSession(t *testing.T, s *mocktest.Server) func(method, path, body string) (int, []byte) {
	t.Helper()
	c := s.Credentials("timewave")
	resp, err := http.PostForm(c.TokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}})
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	return func(method, path, body string) (int, []byte) {
		req, _ := http.NewRequest(method, s.BaseURL("timewave")+path, strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok.AccessToken)
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, data
	}
}

func total(t *testing.T, call func(method, path, body string) (int, []byte)) int {
	t.Helper()
	status, body := call(http.MethodGet, "/clients?page[size]=1", "")
	var page struct{ Total int }
	if status != 200 || json.Unmarshal(body, &page) != nil {
		t.Fatalf("list: %d %s", status, body)
	}
	return page.Total
}

// Parallel tests with a Session each see only their own writes, tokens and journal, even though
// TimeWave's new token invalidates the previous one of its client.
func TestSessionIsolatesParallelTests(t *testing.T) {
	for i := range 8 {
		t.Run(fmt.Sprint(i), func(t *testing.T) {
			t.Parallel()
			s := mocktest.Session(t)
			call := twSession(t, s)
			before := total(t, call)
			for range i {
				if status, body := call(http.MethodPost, "/clients", `{"company_name":"Eget AB"}`); status != http.StatusCreated {
					t.Fatalf("create: %d %s", status, body)
				}
			}
			if got := total(t, call); got != before+i {
				t.Errorf("total %d after %d creates, want %d", got, i, before+i)
			}
			if got := len(s.Requests(mockserver.Filter{Method: http.MethodPost, API: "timewave"})); got != i+1 {
				t.Errorf("journal: %d POSTs, want %d (the token and this test's creates)", got, i+1)
			}
		})
	}
}

// A session's faults and reset stay in it; Close ends it.
func TestSessionFaultsResetClose(t *testing.T) {
	a, b := mocktest.Session(t), mocktest.Session(t)
	callA, callB := twSession(t, a), twSession(t, b)
	before := total(t, callA)
	if _, err := a.AddFault(mockserver.Rule{API: "timewave", OperationID: "createClient", Status: 503}); err != nil {
		t.Fatal(err)
	}
	if status, _ := callA(http.MethodPost, "/clients", `{"company_name":"A AB"}`); status != http.StatusServiceUnavailable {
		t.Errorf("a with its fault: %d, want 503", status)
	}
	if status, _ := callB(http.MethodPost, "/clients", `{"company_name":"B AB"}`); status != http.StatusCreated {
		t.Errorf("b beside a's fault: %d, want 201", status)
	}
	if err := b.Reset(); err != nil {
		t.Fatal(err)
	}
	if got := total(t, callB); got != before {
		t.Errorf("b after Reset: total %d, want %d", got, before)
	}
	b.Close()
	if got := total(t, twSession(t, b)); got != before {
		t.Errorf("b's id after Close: total %d, want %d (a new, fresh session)", got, before)
	}
}

// BenchmarkSession is the cost of one mocktest.Session (create and end).
func BenchmarkSession(b *testing.B) {
	mocktest.Session(b)
	b.ReportAllocs()
	for b.Loop() {
		s := mocktest.Session(b)
		s.Close()
	}
}
