package timewave_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/mocks/timewave"
)

func creds(id, secret, grant string) url.Values {
	v := url.Values{}
	for k, s := range map[string]string{"client_id": id, "client_secret": secret, "grant_type": grant} {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v
}

func TestTokenEndpoint(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	type oauthErr struct {
		Error            string `json:"error"`
		ErrorDescription string `json:"error_description"`
		Hint             string `json:"hint"`
		Message          string `json:"message"`
	}
	cases := []struct {
		name      string
		multipart bool
		form      url.Values
		status    int
		err       string
		hint      string
	}{
		{"urlencoded", false, creds("mock-client", "mock-secret", "client_credentials"), 200, "", ""},
		{"multipart", true, creds("mock-client", "mock-secret", "client_credentials"), 200, "", ""},
		{"wrong secret", false, creds("mock-client", "mock-secreT", "client_credentials"), 401, "invalid_client", ""},
		{"unknown client", true, creds("other", "mock-secret", "client_credentials"), 401, "invalid_client", ""},
		{"password grant", false, creds("mock-client", "mock-secret", "password"), 400, "unsupported_grant_type", ""},
		{"password grant multipart", true, creds("mock-client", "mock-secret", "password"), 400, "unsupported_grant_type", ""},
		{"no secret", false, creds("mock-client", "", "client_credentials"), 400, "invalid_request", "client_secret"},
		{"no grant", true, creds("mock-client", "mock-secret", ""), 400, "invalid_request", "grant_type"},
		{"empty form", false, url.Values{}, 400, "invalid_request", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			send := e.form
			if tc.multipart {
				send = e.multipartForm
			}
			status, _, body := send(tc.form)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			if tc.status == 200 {
				var tok struct {
					AccessToken string `json:"access_token"`
					ExpiresIn   int    `json:"expires_in"`
					TokenType   string `json:"token_type"`
				}
				mustJSON(t, body, &tok)
				if tok.AccessToken == "" || tok.ExpiresIn != 3600 || tok.TokenType != "Bearer" {
					t.Errorf("token %s", body)
				}
				return
			}
			var oe oauthErr
			mustJSON(t, body, &oe)
			if oe.Error != tc.err || oe.ErrorDescription == "" || oe.Message == "" {
				t.Errorf("error body %s, want error %q", body, tc.err)
			}
			if tc.hint != "" && !strings.Contains(oe.Hint, tc.hint) {
				t.Errorf("hint %q does not name %s", oe.Hint, tc.hint)
			}
			if strings.Contains(string(body), "mock-secret") {
				t.Errorf("the secret leaks into the error body: %s", body)
			}
		})
	}
	t.Run("media type in upper case", func(t *testing.T) {
		form := creds("mock-client", "mock-secret", "client_credentials").Encode()
		status, _, body := e.raw(http.MethodPost, "/oauth/token", "Application/X-WWW-Form-Urlencoded; charset=UTF-8", strings.NewReader(form), "")
		if status != 200 {
			t.Fatalf("%d %s", status, body)
		}
	})
	t.Run("json body", func(t *testing.T) {
		status, _, body := e.raw(http.MethodPost, "/oauth/token", "application/json", strings.NewReader(`{"client_id":"mock-client"}`), "")
		if status != 400 || !strings.Contains(string(body), `"invalid_request"`) {
			t.Fatalf("%d %s", status, body)
		}
	})
}

func TestBearerToken(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	first := e.token
	if status, _ := e.call(http.MethodGet, "/clients/1001", nil); status != 200 {
		t.Fatalf("first token: %d", status)
	}
	second := e.newToken()
	if second == first {
		t.Fatal("a new token request returned the same token")
	}
	cases := []struct {
		name   string
		header string
		status int
	}{
		{"the newer token", "Bearer " + second, 200},
		{"the superseded token", "Bearer " + first, 401},
		{"no header", "", 401},
		{"unknown token", "Bearer nope", 401},
		{"basic scheme", "Basic bW9jay1jbGllbnQ6bW9jay1zZWNyZXQ=", 401},
		{"lower-case scheme", "bearer " + second, 200},
		{"token with a space", "Bearer a b", 401},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.base+"/clients/1001", nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, tc.status)
			}
			if tc.status == 401 {
				var body validationError
				readJSON(t, resp, &body)
				if body.Message != "Unauthenticated." {
					t.Errorf("message %q", body.Message)
				}
			}
		})
	}
	// Authentication comes before parameter validation.
	e.token = first
	if status, body := e.call(http.MethodGet, "/clients?sort=vat", nil); status != 401 {
		t.Errorf("superseded token with a bad query: %d %s", status, body)
	}
}

func TestTokenExpires(t *testing.T) {
	clk := newClock()
	e := newEnv(t, timewave.Config{Now: clk.Now, TokenTTL: 10 * time.Minute})
	if status, _ := e.call(http.MethodGet, "/clients/1001", nil); status != 200 {
		t.Fatalf("fresh token: %d", status)
	}
	clk.Advance(10*time.Minute - time.Second)
	if status, _ := e.call(http.MethodGet, "/clients/1001", nil); status != 200 {
		t.Fatalf("token one second before expiry: %d", status)
	}
	clk.Advance(time.Second)
	status, body := e.call(http.MethodGet, "/clients/1001", nil)
	if status != 401 || !strings.Contains(string(body), "Unauthenticated.") {
		t.Fatalf("expired token: %d %s", status, body)
	}
	e.token = e.newToken()
	if status, _ := e.call(http.MethodGet, "/clients/1001", nil); status != 200 {
		t.Fatalf("token after expiry: %d", status)
	}
}

func TestRateLimit(t *testing.T) {
	clk := newClock()
	e := newEnv(t, timewave.Config{Now: clk.Now, RateLimit: oauth.RateLimit{Rate: 0.5, Burst: 3}})
	// The token request took one of the three.
	for i := range 2 {
		if status, body := e.call(http.MethodGet, "/clients/1001", nil); status != 200 {
			t.Fatalf("request %d: %d %s", i, status, body)
		}
	}
	status, header, body := e.callH(http.MethodGet, "/clients/1001", nil)
	if status != http.StatusTooManyRequests {
		t.Fatalf("over the limit: %d %s", status, body)
	}
	if ra, err := strconv.Atoi(header.Get("Retry-After")); err != nil || ra != 2 {
		t.Errorf("Retry-After %q, want 2 (one request per two seconds)", header.Get("Retry-After"))
	}
	if !strings.Contains(string(body), "Too Many Attempts.") {
		t.Errorf("body %s", body)
	}
	// Writes and token requests are limited as well.
	if status, _ := e.call(http.MethodPost, "/clients", map[string]any{"first_name": "Åsa"}); status != 429 {
		t.Errorf("create over the limit: %d", status)
	}
	if status, header, _ := e.form(creds("mock-client", "mock-secret", "client_credentials")); status != 429 || header.Get("Retry-After") == "" {
		t.Errorf("token over the limit: %d, Retry-After %q", status, header.Get("Retry-After"))
	}
	clk.Advance(2 * time.Second)
	if status, _ := e.call(http.MethodGet, "/clients/1001", nil); status != 200 {
		t.Fatalf("after Retry-After: %d", status)
	}
}

func TestRateLimitOffByDefault(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	for i := range 50 {
		if status, _ := e.call(http.MethodGet, "/clients/1001", nil); status != 200 {
			t.Fatalf("request %d: %d", i, status)
		}
	}
}
