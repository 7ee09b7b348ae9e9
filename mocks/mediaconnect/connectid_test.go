package mediaconnect_test

import (
	"encoding/json"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
)

func TestClientCredentialsGrant(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	tokenURL := e.connectID + mediaconnect.TokenPath
	form := clientForm("client_credentials").Encode()

	multipartReq := func() *http.Request {
		var b strings.Builder
		mw := multipart.NewWriter(&b)
		for k, v := range clientForm("client_credentials") {
			_ = mw.WriteField(k, v[0])
		}
		_ = mw.Close()
		req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(b.String()))
		req.Header.Set("Content-Type", mw.FormDataContentType())
		return req
	}
	cases := []struct {
		name string
		req  func() *http.Request
	}{
		{"form-encoded", func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(form))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req
		}},
		{"query parameters on the POST", func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, tokenURL+"?"+form, nil)
			return req
		}},
		{"HTTP Basic", func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader("grant_type=client_credentials"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.SetBasicAuth(mediaconnect.DefaultClientID, mediaconnect.DefaultClientSecret)
			return req
		}},
		{"multipart", multipartReq},
		{"scope is accepted", func() *http.Request {
			req, _ := http.NewRequest(http.MethodPost, tokenURL, strings.NewReader(form+"&scope=read"))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			return req
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, tc.req())
			tb := decodeToken(t, r)
			if tb.ExpiresIn != 12*3600 {
				t.Errorf("expires_in %d, want 43200", tb.ExpiresIn)
			}
			if tb.RefreshToken != "" {
				t.Errorf("a refresh token for client credentials")
			}
			if r.header.Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", r.header.Get("Cache-Control"))
			}
			if r := e.call(t, "GET", "/v1/client/customer/info/563457", tb.AccessToken, ""); r.status != 200 {
				t.Errorf("token refused by the API: %d %s", r.status, r.body)
			}
		})
	}
	// Tokens are opaque and distinct; a new one does not revoke the previous one.
	a, b := e.clientToken(t), e.clientToken(t)
	if a == b || strings.Contains(a, mediaconnect.DefaultClientID) {
		t.Errorf("tokens %q and %q", a, b)
	}
	if r := e.call(t, "GET", "/v1/client/customer/info/563457", a, ""); r.status != 200 {
		t.Errorf("first token revoked by the second: %d", r.status)
	}
}

func TestTokenErrors(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{ClientID: "my-client", ClientSecret: "s3cret"})
	tokenURL := e.connectID + mediaconnect.TokenPath
	good := func(grant string) url.Values {
		return url.Values{"grant_type": {grant}, "client_id": {"my-client"}, "client_secret": {"s3cret"}}
	}
	with := func(v url.Values, kv ...string) url.Values {
		out := url.Values{}
		for k, vs := range v {
			out[k] = append([]string(nil), vs...)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				out.Del(kv[i])
			} else {
				out.Set(kv[i], kv[i+1])
			}
		}
		return out
	}
	cases := []struct {
		name   string
		form   url.Values
		status int
		code   string
	}{
		{"wrong secret", with(good("client_credentials"), "client_secret", "s3creT"), 401, "invalid_client"},
		{"no secret", with(good("client_credentials"), "client_secret", ""), 401, "invalid_client"},
		{"unknown client", with(good("client_credentials"), "client_id", "mock-client"), 401, "invalid_client"},
		{"no client", url.Values{"grant_type": {"client_credentials"}}, 401, "invalid_client"},
		{"no grant type", with(good(""), "grant_type", ""), 400, "invalid_request"},
		{"unknown grant type", good("password"), 400, "unsupported_grant_type"},
		{"implicit is no grant", good("token"), 400, "unsupported_grant_type"},
		{"grant type twice", url.Values{"grant_type": {"client_credentials", "client_credentials"}, "client_id": {"my-client"}, "client_secret": {"s3cret"}}, 400, "invalid_request"},
		{"code missing", good("authorization_code"), 400, "invalid_request"},
		{"redirect_uri missing", with(good("authorization_code"), "code", "abc"), 400, "invalid_request"},
		{"unknown code", with(good("authorization_code"), "code", "abc", "redirect_uri", redirectURI), 400, "invalid_grant"},
		{"refresh token missing", good("refresh_token"), 400, "invalid_request"},
		{"unknown refresh token", with(good("refresh_token"), "refresh_token", "abc"), 400, "invalid_grant"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.postToken(t, tc.form)
			desc := wantOAuthError(t, r, tc.status, tc.code)
			if tc.status == 401 && r.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if strings.Contains(desc, "s3cret") || strings.Contains(desc, "s3creT") {
				t.Errorf("description %q shows the secret", desc)
			}
		})
	}
	raw := []struct {
		name, method, path, contentType, auth, body string
		status                                      int
		code                                        string
	}{
		{"GET on the token endpoint", "GET", mediaconnect.TokenPath, "", "", "", 405, "invalid_request"},
		{"bearer instead of basic", "POST", mediaconnect.TokenPath, "application/x-www-form-urlencoded", "Bearer abc", "grant_type=client_credentials", 401, "invalid_client"},
		{"malformed basic", "POST", mediaconnect.TokenPath, "application/x-www-form-urlencoded", "Basic !!!", "grant_type=client_credentials", 401, "invalid_client"},
		{"malformed form", "POST", mediaconnect.TokenPath, "application/x-www-form-urlencoded", "", "grant_type=%zz", 400, "invalid_request"},
		{"broken multipart", "POST", mediaconnect.TokenPath, "multipart/form-data; boundary=x", "", "--y", 400, "invalid_request"},
		{"JSON body is no form", "POST", mediaconnect.TokenPath, "application/json", "", `{"grant_type":"client_credentials","client_id":"my-client","client_secret":"s3cret"}`, 401, "invalid_client"},
		{"body too large", "POST", mediaconnect.TokenPath, "application/x-www-form-urlencoded", "", "grant_type=" + strings.Repeat("x", 2<<20), 413, "invalid_request"},
		{"unknown path", "GET", "/user/oauth/revoke", "", "", "", 404, "invalid_request"},
	}
	for _, tc := range raw {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(tc.method, e.connectID+tc.path, strings.NewReader(tc.body))
			if tc.contentType != "" {
				req.Header.Set("Content-Type", tc.contentType)
			}
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			wantOAuthError(t, do(t, req), tc.status, tc.code)
		})
	}
	_ = tokenURL
}

func TestAuthorizationCodeFlow(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	// The redirect keeps the redirect URI's own query and adds code and state.
	redirect := "https://app.example.no/cb?tenant=oslo"
	q := url.Values{"client_id": {mediaconnect.DefaultClientID}, "redirect_uri": {redirect}, "response_type": {"code"}, "state": {"s 1/ø"}, "scope": {"read"}}
	req, _ := http.NewRequest(http.MethodGet, e.connectID+mediaconnect.AuthorizePath+"?"+q.Encode(), nil)
	r := do(t, req)
	if r.status != http.StatusFound {
		t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if loc.Scheme != "https" || loc.Host != "app.example.no" || loc.Path != "/cb" || loc.Query().Get("tenant") != "oslo" || loc.Query().Get("state") != "s 1/ø" {
		t.Fatalf("redirected to %s", loc)
	}
	code := loc.Query().Get("code")

	exchange := func(code, redirect string) response {
		form := clientForm("authorization_code")
		form.Set("code", code)
		form.Set("redirect_uri", redirect)
		return e.postToken(t, form)
	}
	// A different redirect_uri is refused, and does not burn the code.
	for _, other := range []string{"https://app.example.no/cb", "https://app.example.no/cb?tenant=bergen", "https://evil.example.com/cb?tenant=oslo"} {
		if desc := wantOAuthError(t, exchange(code, other), 400, "invalid_grant"); !strings.Contains(desc, "redirect_uri") {
			t.Errorf("mismatch %s: %q", other, desc)
		}
	}
	tb := decodeToken(t, exchange(code, redirect))
	if tb.RefreshToken == "" || tb.ExpiresIn != 43200 || tb.RefreshToken == tb.AccessToken {
		t.Fatalf("token answer %+v", tb)
	}
	// The code is single use.
	wantOAuthError(t, exchange(code, redirect), 400, "invalid_grant")
	// The user token acts for the test user.
	r = e.call(t, "GET", "/v1/customer/info", tb.AccessToken, "")
	if r.status != 200 || !strings.Contains(string(r.body), `"customerNumber":563457`) {
		t.Fatalf("user info: %d %s", r.status, r.body)
	}
	// Tokens are not codes.
	wantOAuthError(t, exchange(tb.AccessToken, redirect), 400, "invalid_grant")
	wantOAuthError(t, exchange(tb.RefreshToken, redirect), 400, "invalid_grant")
	// A code expires after 10 minutes.
	late := e.authorize(t, redirectURI, "late")
	e.clock.Advance(10 * time.Minute)
	wantOAuthError(t, exchange(late, redirectURI), 400, "invalid_grant")
}

func TestRefreshGrant(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	first := e.userToken(t)
	refresh := func(rt string) response {
		form := clientForm("refresh_token")
		form.Set("refresh_token", rt)
		return e.postToken(t, form)
	}
	e.clock.Advance(12 * time.Hour)
	wantOAuthError(t, e.call(t, "GET", "/v1/customer/info", first.AccessToken, ""), 401, "invalid_token")
	second := decodeToken(t, refresh(first.RefreshToken))
	if second.AccessToken == first.AccessToken || second.RefreshToken != first.RefreshToken || second.ExpiresIn != 43200 {
		t.Fatalf("refresh answer %+v", second)
	}
	if r := e.call(t, "GET", "/v1/customer/info", second.AccessToken, ""); r.status != 200 || !strings.Contains(string(r.body), "563457") {
		t.Fatalf("refreshed token: %d %s", r.status, r.body)
	}
	// The refresh token is kept (no rotation) and can be used again.
	decodeToken(t, refresh(first.RefreshToken))
	// An access token or a client token is no refresh token.
	wantOAuthError(t, refresh(second.AccessToken), 400, "invalid_grant")
	wantOAuthError(t, refresh(e.clientToken(t)), 400, "invalid_grant")
	// Refresh tokens live 30 days.
	e.clock.Advance(30 * 24 * time.Hour)
	wantOAuthError(t, refresh(first.RefreshToken), 400, "invalid_grant")
}

func TestAuthorizeErrors(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	base := url.Values{"client_id": {mediaconnect.DefaultClientID}, "redirect_uri": {redirectURI}, "response_type": {"code"}, "state": {"st"}}
	with := func(kv ...string) string {
		v := url.Values{}
		for k, vs := range base {
			v[k] = append([]string(nil), vs...)
		}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == "" {
				v.Del(kv[i])
			} else {
				v.Set(kv[i], kv[i+1])
			}
		}
		return v.Encode()
	}
	// Refused without a redirect: the client or the redirect URI cannot be trusted.
	refused := []struct{ name, query, code string }{
		{"no client_id", with("client_id", ""), "invalid_request"},
		{"unknown client_id", with("client_id", "evil"), "invalid_client"},
		{"no redirect_uri", with("redirect_uri", ""), "invalid_request"},
		{"relative redirect_uri", with("redirect_uri", "/callback"), "invalid_request"},
		{"ftp redirect_uri", with("redirect_uri", "ftp://example.no/cb"), "invalid_request"},
		{"javascript redirect_uri", with("redirect_uri", "javascript:alert(1)"), "invalid_request"},
		{"redirect_uri with fragment", with("redirect_uri", "https://example.no/cb#x"), "invalid_request"},
		{"redirect_uri with user info", with("redirect_uri", "https://u:p@example.no/cb"), "invalid_request"},
		{"redirect_uri without host", with("redirect_uri", "https:///cb"), "invalid_request"},
		{"not a URL", with("redirect_uri", "http://[::1"), "invalid_request"},
		{"client_id twice", with() + "&client_id=x", "invalid_request"},
		{"unknown client and bad response type", with("client_id", "evil", "response_type", "token"), "invalid_client"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.connectID+mediaconnect.AuthorizePath+"?"+tc.query, nil)
			wantOAuthError(t, do(t, req), 400, tc.code)
		})
	}
	// Errors after the redirect URI is validated go back to the client.
	redirected := []struct{ name, query, code string }{
		{"unsupported response type", with("response_type", "token"), "unsupported_response_type"},
		{"no response type", with("response_type", ""), "invalid_request"},
	}
	for _, tc := range redirected {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, e.connectID+mediaconnect.AuthorizePath+"?"+tc.query, nil)
			r := do(t, req)
			if r.status != http.StatusFound {
				t.Fatalf("status %d %s", r.status, r.body)
			}
			loc, _ := url.Parse(r.header.Get("Location"))
			if !strings.HasPrefix(loc.String(), redirectURI+"?") || loc.Query().Get("error") != tc.code || loc.Query().Get("state") != "st" || loc.Query().Get("code") != "" {
				t.Fatalf("redirected to %s", loc)
			}
		})
	}
	req, _ := http.NewRequest(http.MethodPost, e.connectID+mediaconnect.AuthorizePath+"?"+with(), nil)
	wantOAuthError(t, do(t, req), 405, "invalid_request")
}

// The token answer has exactly the documented members.
func TestTokenResponseShape(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	code := e.authorize(t, redirectURI, "s")
	form := clientForm("authorization_code")
	form.Set("code", code)
	form.Set("redirect_uri", redirectURI)
	r := e.postToken(t, form)
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"access_token", "token_type", "expires_in", "refresh_token"} {
		if _, ok := v[k]; !ok {
			t.Errorf("no %s in %s", k, r.body)
		}
	}
	if len(v) != 4 {
		t.Errorf("members %v", v)
	}
}
