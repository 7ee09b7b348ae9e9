package mediaconnect_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mediaconnect"
)

// ConnectID keeps MaxTokensPerClient client tokens: of N+k issued, the k oldest are answered 401
// invalid_token by the API and the N newest work.
func TestClientTokensBoundedPerClient(t *testing.T) {
	const max, extra = 4, 3
	e := newEnv(t, mediaconnect.Config{MaxTokensPerClient: max})
	tokens := make([]string, max+extra)
	for i := range tokens {
		tokens[i] = e.clientToken(t)
	}
	for i, tok := range tokens {
		r := e.call(t, "GET", "/v1/client/customer/info/563457", tok, "")
		if i < extra {
			wantOAuthError(t, r, http.StatusUnauthorized, "invalid_token")
			if h := r.header.Get("WWW-Authenticate"); !strings.Contains(h, `error="invalid_token"`) {
				t.Errorf("evicted token %d: WWW-Authenticate %q", i+1, h)
			}
			continue
		}
		if r.status != http.StatusOK {
			t.Errorf("token %d of %d (among the newest %d): %d %s", i+1, len(tokens), max, r.status, r.body)
		}
	}
}

// Codes count on their own: of N+k codes, the oldest k are invalid_grant at the token endpoint, the
// newest exchange, and client tokens issued meanwhile are not evicted by them.
func TestCodesBoundedPerClient(t *testing.T) {
	const max, extra = 3, 2
	e := newEnv(t, mediaconnect.Config{MaxTokensPerClient: max})
	client := e.clientToken(t)
	codes := make([]string, max+extra)
	for i := range codes {
		codes[i] = e.authorize(t, redirectURI, "s")
	}
	for i, code := range codes {
		form := clientForm("authorization_code")
		form.Set("code", code)
		form.Set("redirect_uri", redirectURI)
		r := e.postToken(t, form)
		if i < extra {
			wantOAuthError(t, r, http.StatusBadRequest, "invalid_grant")
			continue
		}
		decodeToken(t, r)
	}
	if r := e.call(t, "GET", "/v1/client/customer/info/563457", client, ""); r.status != http.StatusOK {
		t.Errorf("client token after the codes: %d %s", r.status, r.body)
	}
}

// POST /__admin/reset forgets ConnectID's tokens and codes: each issued before it is refused after it.
func TestAdminResetForgetsTokensAndCodes(t *testing.T) {
	e := newEnv(t, mediaconnect.Config{})
	client := e.clientToken(t)
	user := e.userToken(t)
	code := e.authorize(t, redirectURI, "s")
	root := strings.TrimSuffix(e.api, mediaconnect.Prefix)
	req, _ := http.NewRequest(http.MethodPost, root+"/__admin/reset", nil)
	if r := do(t, req); r.status != http.StatusOK {
		t.Fatalf("reset: %d %s", r.status, r.body)
	}
	wantOAuthError(t, e.call(t, "GET", "/v1/client/customer/info/563457", client, ""), http.StatusUnauthorized, "invalid_token")
	wantOAuthError(t, e.call(t, "GET", "/v1/customer/info", user.AccessToken, ""), http.StatusUnauthorized, "invalid_token")
	refresh := clientForm("refresh_token")
	refresh.Set("refresh_token", user.RefreshToken)
	wantOAuthError(t, e.postToken(t, refresh), http.StatusBadRequest, "invalid_grant")
	exchange := clientForm("authorization_code")
	exchange.Set("code", code)
	exchange.Set("redirect_uri", redirectURI)
	wantOAuthError(t, e.postToken(t, exchange), http.StatusBadRequest, "invalid_grant")
	if r := e.call(t, "GET", "/v1/client/customer/info/563457", e.clientToken(t), ""); r.status != http.StatusOK {
		t.Fatalf("token issued after the reset: %d %s", r.status, r.body)
	}
}
