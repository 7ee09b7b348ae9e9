package mocktest_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/clients/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
	"github.com/vendorctl/vendorctl/specs"
)

const customerPath = "/api/customer?companyId=998&customerId=500190"

func get(t *testing.T, url string, header map[string]string) (*http.Response, []byte, error) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestStartServesVendorsWithCredentials(t *testing.T) {
	m := mocktest.Start(t)
	key := m.Credentials("vitecauto").APIKey
	c, err := vitecauto.New(m.BaseURL("vitecauto"), key, vitecauto.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetCustomer(context.Background(), 998, 500190); err != nil {
		t.Fatal(err)
	}
	if m.BaseURL("nope") != "" {
		t.Error("BaseURL of an unknown vendor is not empty")
	}
	if _, err := mocktest.New(mocktest.Only("nope")); err == nil {
		t.Error("Only accepted an unknown vendor")
	}
}

func TestJournalHasNoSecrets(t *testing.T) {
	m := mocktest.Start(t)
	key := m.Credentials("vitecauto").APIKey
	if _, _, err := get(t, m.BaseURL("vitecauto")+customerPath, map[string]string{"x-api-key": key, "Authorization": "Bearer sometoken"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := get(t, m.BaseURL("vitecauto")+"/api/customer?companyId=abc&customerId=1&client_secret=s3cr3t", map[string]string{"x-api-key": key}); err != nil {
		t.Fatal(err)
	}
	entries := m.Requests(mockserver.Filter{API: "vitecauto"})
	if len(entries) != 2 {
		t.Fatalf("%d journal entries, want 2", len(entries))
	}
	first, second := entries[0], entries[1]
	if first.Status != 200 || first.OperationID != "getCustomer" || first.Path != "/vitecauto/api/customer" || first.Method != "GET" {
		t.Errorf("entry %+v", first)
	}
	if !strings.Contains(first.ResponseBody, `"kundenummer":"500190"`) || first.DurationMS <= 0 {
		t.Errorf("entry lacks response body or duration: %+v", first)
	}
	if second.Status != 400 || len(second.Violations) == 0 || second.Violations[0].Kind != specs.KindRequest || second.Violations[0].Field != "companyId" {
		t.Errorf("invalid request journalled as %+v", second)
	}
	raw, _ := json.Marshal(entries)
	for _, secret := range []string{key, "sometoken", "s3cr3t"} {
		if bytes.Contains(raw, []byte(secret)) {
			t.Errorf("the journal holds the secret %q: %s", secret, raw)
		}
	}
	if got := m.Requests(mockserver.Filter{Status: 400}); len(got) != 1 {
		t.Errorf("status filter: %d entries", len(got))
	}
}

func TestFaultsAndReset(t *testing.T) {
	m := mocktest.Start(t)
	key := map[string]string{"x-api-key": m.Credentials("vitecauto").APIKey}
	url := m.BaseURL("vitecauto") + customerPath

	if _, err := m.AddFault(mockserver.Rule{API: "vitecauto", Status: 503, RetryAfter: 2}); err != nil {
		t.Fatal(err)
	}
	resp, body, err := get(t, url, key)
	if err != nil || resp.StatusCode != 503 || resp.Header.Get("Retry-After") != "2" || !strings.Contains(string(body), `"error"`) {
		t.Fatalf("503 rule: %v %v %s", resp, err, body)
	}
	if entries := m.Requests(mockserver.Filter{Status: 503}); len(entries) != 1 || entries[0].Fault == "" {
		t.Fatalf("faulted request not journalled with its rule: %+v", entries)
	}
	if err := m.Reset(); err != nil {
		t.Fatal(err)
	}
	if resp, _, err := get(t, url, key); err != nil || resp.StatusCode != 200 {
		t.Fatalf("after Reset: %v %v", resp, err)
	}
	if len(m.Requests(mockserver.Filter{})) != 1 {
		t.Fatal("Reset did not clear the journal")
	}

	if _, err := m.AddFault(mockserver.Rule{API: "vitecauto", OperationID: "getCustomer", LatencyMS: 400}); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if resp, _, err := get(t, url, key); err != nil || resp.StatusCode != 200 {
		t.Fatalf("latency rule: %v %v", resp, err)
	}
	if d := time.Since(start); d < 400*time.Millisecond {
		t.Fatalf("answer after %v, want at least 400ms", d)
	}
	m.ClearFaults()

	if _, err := m.AddFault(mockserver.Rule{API: "vitecauto", Reset: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := get(t, url, key); err == nil {
		t.Fatal("reset rule: the request got an answer")
	}
	m.ClearFaults()

	if _, err := m.AddFault(mockserver.Rule{API: "vitecauto", Truncate: true}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := get(t, url, key); err == nil || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("truncate rule: err = %v, want unexpected EOF", err)
	}
	m.ClearFaults()

	if _, err := m.AddFault(mockserver.Rule{API: "nope", Status: 500}); err == nil {
		t.Fatal("a rule for an unknown api was accepted")
	}
}

// Each drift kind produces an answer that the spec validator rejects, and the journal says so.
func TestDriftIsRejectedByTheValidator(t *testing.T) {
	for _, kind := range []string{mockserver.DriftMissingRequired, mockserver.DriftWrongType, mockserver.DriftExtraField} {
		t.Run(kind, func(t *testing.T) {
			m, err := mocktest.New() // not Start: this mock answers off-spec on purpose
			if err != nil {
				t.Fatal(err)
			}
			defer m.Close()
			if _, err := m.AddFault(mockserver.Rule{API: "vitecauto", Drift: kind}); err != nil {
				t.Fatal(err)
			}
			key := m.Credentials("vitecauto").APIKey
			_, body, err := get(t, m.BaseURL("vitecauto")+customerPath, map[string]string{"x-api-key": key})
			if err != nil {
				t.Fatal(err)
			}
			c, _ := vitecauto.New(m.BaseURL("vitecauto"), key, vitecauto.WithValidation())
			_, err = c.GetCustomer(context.Background(), 998, 500190)
			if vs := specs.Violations(err); len(vs) == 0 {
				t.Fatalf("drifted answer %s passed validation (err %v)", body, err)
			}
			entries := m.Requests(mockserver.Filter{})
			if len(entries) == 0 || len(entries[0].Violations) == 0 {
				t.Fatalf("journal does not list the drift's violations: %+v", entries)
			}
		})
	}
}

func TestPreferForcesDocumentedResponses(t *testing.T) {
	m := mocktest.Start(t)
	key := m.Credentials("vitecauto").APIKey
	cases := []struct {
		prefer string
		status int
		want   string
	}{
		{"code=404", 404, `{"error":"Kunde ikke funnet"}`},
		{"code=500", 500, `"error"`},
		{"example=badParameter", 400, "companyId: value must be an integer"},
		{"code=200, example=documented", 200, `"kundenummer":"500190"`},
		{"code=418", 400, "not documented"},
		{"example=nosuch", 400, "no example"},
	}
	for _, tc := range cases {
		t.Run(tc.prefer, func(t *testing.T) {
			resp, body, err := get(t, m.BaseURL("vitecauto")+"/api/customer?companyId=1&customerId=2", map[string]string{"x-api-key": key, "Prefer": tc.prefer})
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.status || !strings.Contains(string(body), tc.want) {
				t.Fatalf("status %d body %s, want %d containing %q", resp.StatusCode, body, tc.status, tc.want)
			}
		})
	}
	// A forced answer still needs credentials.
	if resp, _, _ := get(t, m.BaseURL("vitecauto")+customerPath, map[string]string{"Prefer": "code=200"}); resp.StatusCode != 401 {
		t.Fatalf("Prefer without a key: %d", resp.StatusCode)
	}
}

// The body of a wrong-type drift, validated on its own against the spec, fails.
func TestWrongTypeDriftBodyFailsSpecValidation(t *testing.T) {
	m, err := mocktest.New()
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if _, err := m.AddFault(mockserver.Rule{API: "vitecauto", Drift: mockserver.DriftWrongType}); err != nil {
		t.Fatal(err)
	}
	_, body, err := get(t, m.BaseURL("vitecauto")+customerPath, map[string]string{"x-api-key": m.Credentials("vitecauto").APIKey})
	if err != nil {
		t.Fatal(err)
	}
	spec, err := specs.Load("vitecauto")
	if err != nil {
		t.Fatal(err)
	}
	route, _ := spec.FindRoute("GET", customerPath)
	req, _ := http.NewRequest("GET", customerPath, nil)
	verr := spec.ValidateResponse(context.Background(), req, route, specs.Response{Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: body})
	if verr == nil {
		t.Fatalf("wrong-type drift body validated: %s", body)
	}
}

// Credentials carries the mock's OAuth 2.0 endpoints: a token from each OAuth vendor's TokenURL, and
// Mediaconnect's AuthorizeURL logs in the test user with a redirect carrying a code.
func TestCredentialsCarryTheMockOAuthEndpoints(t *testing.T) {
	m := mocktest.Start(t)
	for _, api := range []string{"mediaconnect", "timewave"} {
		c := m.Credentials(api)
		if !strings.HasPrefix(c.TokenURL, m.URL+"/") {
			t.Fatalf("%s TokenURL = %q, want one on %s", api, c.TokenURL, m.URL)
		}
		resp, err := http.PostForm(c.TokenURL, url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Errorf("%s token at %s: %d", api, c.TokenURL, resp.StatusCode)
		}
	}
	mc := m.Credentials("mediaconnect")
	if want := m.URL + "/connectid/user/oauth/authorize"; mc.AuthorizeURL != want {
		t.Fatalf("mediaconnect AuthorizeURL = %q, want %q", mc.AuthorizeURL, want)
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(mc.AuthorizeURL + "?" + url.Values{"response_type": {"code"}, "client_id": {mc.ClientID},
		"redirect_uri": {"http://127.0.0.1:8765/cb"}, "state": {"s1"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc, _ := url.Parse(resp.Header.Get("Location")); resp.StatusCode != http.StatusFound || loc == nil || loc.Query().Get("code") == "" {
		t.Errorf("authorize: %d, Location %q; want a redirect with a code", resp.StatusCode, resp.Header.Get("Location"))
	}
	for _, api := range []string{"vitecauto", "vitecmaklare"} {
		if c := m.Credentials(api); c.TokenURL != "" || c.AuthorizeURL != "" {
			t.Errorf("%s has OAuth endpoints %+v", api, c)
		}
	}
	if tw := m.Credentials("timewave"); tw.AuthorizeURL != "" {
		t.Errorf("timewave AuthorizeURL = %q, want none", tw.AuthorizeURL)
	}
}
