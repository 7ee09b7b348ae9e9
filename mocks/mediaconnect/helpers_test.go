package mediaconnect_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/internal/mockharness"
	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
)

// clock is a settable clock for tokens and the rate limit.
type clock = mockharness.Clock

func newClock() *clock { return mockharness.NewClock(time.Date(2025, 11, 5, 9, 0, 0, 0, time.UTC)) }

// env is a mock behind the real server, over HTTP.
type env struct {
	m         *mediaconnect.Mock
	clock     *clock
	api       string // base URL of the API
	connectID string // base URL of ConnectID
}

const redirectURI = "http://127.0.0.1:9999/callback"

func newEnv(t *testing.T, cfg mediaconnect.Config) *env {
	t.Helper()
	clk := newClock()
	if cfg.Now == nil {
		cfg.Now = clk.Now
	}
	m, url := mockharness.Serve(t, func(o mockkit.Options) (*mediaconnect.Mock, error) { cfg.Options = o; return mediaconnect.New(cfg) })
	return &env{m: m, clock: clk, api: url + mediaconnect.Prefix, connectID: url + mediaconnect.ConnectIDPrefix}
}

// noRedirect is a client that returns redirects instead of following them.
var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %s is not a JSON object: %v", r.body, err)
	}
	return v
}

func do(t *testing.T, req *http.Request) response {
	t.Helper()
	resp, err := noRedirect.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

// call sends a request to the API with an optional bearer token and JSON body.
func (e *env) call(t *testing.T, method, path, token, body string) response {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.api+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(t, req)
}

// postToken posts form values to ConnectID's token endpoint.
func (e *env) postToken(t *testing.T, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, e.connectID+mediaconnect.TokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, req)
}

func clientForm(grant string) url.Values {
	return url.Values{"grant_type": {grant}, "client_id": {mediaconnect.DefaultClientID}, "client_secret": {mediaconnect.DefaultClientSecret}}
}

type tokenBody struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

func decodeToken(t *testing.T, r response) tokenBody {
	t.Helper()
	if r.status != http.StatusOK {
		t.Fatalf("token request: %d %s", r.status, r.body)
	}
	var tb tokenBody
	if err := json.Unmarshal(r.body, &tb); err != nil || tb.AccessToken == "" || tb.TokenType != "Bearer" {
		t.Fatalf("token body %s (%v)", r.body, err)
	}
	return tb
}

func (e *env) clientToken(t *testing.T) string {
	t.Helper()
	return decodeToken(t, e.postToken(t, clientForm("client_credentials"))).AccessToken
}

// authorize runs GET /user/oauth/authorize and returns the code from the redirect.
func (e *env) authorize(t *testing.T, redirect, state string) string {
	t.Helper()
	q := url.Values{"client_id": {mediaconnect.DefaultClientID}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {state}}
	req, _ := http.NewRequest(http.MethodGet, e.connectID+mediaconnect.AuthorizePath+"?"+q.Encode(), nil)
	r := do(t, req)
	if r.status != http.StatusFound {
		t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Query().Get("state"); got != state {
		t.Fatalf("state %q, want %q", got, state)
	}
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("no code in %s", loc)
	}
	return code
}

// userToken runs the authorization code flow and returns the token answer.
func (e *env) userToken(t *testing.T) tokenBody {
	t.Helper()
	code := e.authorize(t, redirectURI, "xyz")
	form := clientForm("authorization_code")
	form.Set("code", code)
	form.Set("redirect_uri", redirectURI)
	return decodeToken(t, e.postToken(t, form))
}

// wantAPIError checks the vendor's {"exceptionType", "errorMessage"} shape and returns the message.
func wantAPIError(t *testing.T, r response, status int, exceptionType string) string {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (body %s)", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	v := r.json(t)
	msg, ok := v["errorMessage"].(string)
	if !ok || len(v) != 2 || v["exceptionType"] != exceptionType {
		t.Fatalf("body %s is not {\"exceptionType\": %q, \"errorMessage\": ...}", r.body, exceptionType)
	}
	return msg
}

// wantOAuthError checks an OAuth error body and returns its description.
func wantOAuthError(t *testing.T, r response, status int, code string) string {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d (body %s)", r.status, status, r.body)
	}
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q", ct)
	}
	v := r.json(t)
	desc, _ := v["error_description"].(string)
	if v["error"] != code || desc == "" || len(v) != 2 {
		t.Fatalf("body %s is not {\"error\": %q, \"error_description\": ...}", r.body, code)
	}
	if r.header.Get("Location") != "" {
		t.Errorf("an error redirected to %s", r.header.Get("Location"))
	}
	return desc
}

// customerNumbers lists the customerNumber of each customer of a {"customers": [...]} answer.
func customerNumbers(t *testing.T, r response) []int {
	t.Helper()
	var v struct {
		Customers []struct {
			CustomerNumber int `json:"customerNumber"`
		} `json:"customers"`
	}
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("body %s: %v", r.body, err)
	}
	out := []int{}
	for _, c := range v.Customers {
		out = append(out, c.CustomerNumber)
	}
	return out
}
