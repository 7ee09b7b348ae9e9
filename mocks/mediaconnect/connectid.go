package mediaconnect

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/oauth"
)

// OAuth 2.0 error codes (RFC 6749 section 5.2).
const (
	errInvalidRequest          = "invalid_request"
	errInvalidClient           = "invalid_client"
	errInvalidGrant            = "invalid_grant"
	errUnsupportedGrantType    = "unsupported_grant_type"
	errUnsupportedResponseType = "unsupported_response_type"
	errServerError             = "server_error"
	errTemporarilyUnavailable  = "temporarily_unavailable"
)

// Grant types the token endpoint knows.
const (
	grantClientCredentials = "client_credentials"
	grantAuthorizationCode = "authorization_code"
	grantRefreshToken      = "refresh_token"
)

// oauthError is the body of every ConnectID error.
type oauthError struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description,omitempty"`
}

// TokenResponse is the answer of the token endpoint.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int64  `json:"expires_in"`
	RefreshToken string `json:"refresh_token,omitempty"`
}

// newConnectID builds ConnectID's handler (paths relative to https://connectid.no). Paths match
// exactly, as sent: http.ServeMux would redirect "/../__admin/reset" out of the vendor.
func (m *Mock) newConnectID() http.Handler {
	routes := map[string]http.HandlerFunc{TokenPath: m.token, AuthorizePath: m.authorize}
	return m.guard(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h, ok := routes[r.URL.Path]; ok {
			h(w, r)
			return
		}
		writeOAuthError(w, http.StatusNotFound, errInvalidRequest, "no such ConnectID endpoint: "+r.Method+" "+r.URL.Path)
	}))
}

// guard recovers from panics (answered 500 server_error in the OAuth shape) and caps request bodies.
func (m *Mock) guard(next http.Handler) http.Handler {
	limit := m.cfg.MaxBodyBytes
	if limit <= 0 {
		limit = mockkit.DefaultMaxBodyBytes
	}
	log := m.logger()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				log.Error("panic in ConnectID handler", "panic", fmt.Sprint(p), "path", r.URL.Path)
				writeOAuthError(w, http.StatusInternalServerError, errServerError, "internal error")
			}
		}()
		if r.ContentLength > limit {
			writeOAuthError(w, http.StatusRequestEntityTooLarge, errInvalidRequest, fmt.Sprintf("request body is larger than %d bytes", limit))
			return
		}
		if r.Body != nil {
			r.Body = http.MaxBytesReader(w, r.Body, limit)
		}
		next.ServeHTTP(w, r)
	})
}

// renderOAuthFault answers a fault rule's status in the OAuth error shape: temporarily_unavailable for
// 503, server_error for another 5xx, invalid_client for 401, invalid_request otherwise.
func renderOAuthFault(w http.ResponseWriter, _ *http.Request, e *mockkit.Error) {
	code := errInvalidRequest
	switch {
	case e.Status == http.StatusServiceUnavailable:
		code = errTemporarilyUnavailable
	case e.Status >= 500:
		code = errServerError
	case e.Status == http.StatusUnauthorized:
		code = errInvalidClient
	}
	writeOAuthError(w, e.Status, code, e.Message)
}

func writeOAuthError(w http.ResponseWriter, status int, code, desc string) {
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Basic realm="ConnectID"`)
	}
	writeNoStoreJSON(w, status, oauthError{Error: code, ErrorDescription: desc})
}

func writeNoStoreJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json;charset=UTF-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// single returns the one value of a form parameter; a parameter sent twice is an error (RFC 6749
// section 3.1).
func single(form url.Values, name string) (string, error) {
	vs := form[name]
	switch len(vs) {
	case 0:
		return "", nil
	case 1:
		return strings.TrimSpace(vs[0]), nil
	}
	return "", fmt.Errorf("%s is given more than once", name)
}

// token is POST /user/oauth/token.
func (m *Mock) token(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeOAuthError(w, http.StatusMethodNotAllowed, errInvalidRequest, "the token endpoint takes POST")
		return
	}
	if err := oauth.ParseForm(r); err != nil {
		writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, "the request body is not a valid form")
		return
	}
	params := map[string]string{}
	for _, name := range []string{"grant_type", "code", "redirect_uri", "refresh_token", "client_id"} {
		v, err := single(r.Form, name)
		if err != nil {
			writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, err.Error())
			return
		}
		params[name] = v
	}
	clientID, ok := m.authenticateClient(w, r)
	if !ok {
		return
	}
	switch grant := params["grant_type"]; grant {
	case "":
		writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, "grant_type is required")
	case grantClientCredentials:
		t := m.tokens.Issue(oauth.KindClient, clientID, "", "")
		m.writeToken(w, t, "")
	case grantAuthorizationCode:
		m.exchangeCode(w, clientID, params["code"], params["redirect_uri"])
	case grantRefreshToken:
		m.refresh(w, clientID, params["refresh_token"])
	default:
		writeOAuthError(w, http.StatusBadRequest, errUnsupportedGrantType,
			"grant_type must be client_credentials, authorization_code or refresh_token")
	}
}

// authenticateClient checks the client's credentials (HTTP Basic, form or query); on failure it writes
// 401 invalid_client. The message never tells which of id and secret was wrong.
func (m *Mock) authenticateClient(w http.ResponseWriter, r *http.Request) (string, bool) {
	id, secret, err := oauth.ClientCredentials(r)
	switch {
	case errors.Is(err, oauth.ErrNoCredentials):
		writeOAuthError(w, http.StatusUnauthorized, errInvalidClient, "client authentication failed: no client_id")
		return "", false
	case err != nil:
		writeOAuthError(w, http.StatusUnauthorized, errInvalidClient, "client authentication failed: malformed client credentials")
		return "", false
	}
	idOK := oauth.SecretEqual(id, m.cfg.ClientID)
	secretOK := oauth.SecretEqual(secret, m.cfg.ClientSecret)
	if !idOK || !secretOK {
		writeOAuthError(w, http.StatusUnauthorized, errInvalidClient, "client authentication failed: unknown client or wrong secret")
		return "", false
	}
	return id, true
}

func (m *Mock) exchangeCode(w http.ResponseWriter, clientID, code, redirectURI string) {
	if code == "" {
		writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, "code is required")
		return
	}
	if redirectURI == "" {
		writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, "redirect_uri is required")
		return
	}
	const bad = "the authorization code is invalid, expired or already used"
	t, err := m.tokens.Lookup(code)
	if err != nil || t.Kind != oauth.KindCode {
		writeOAuthError(w, http.StatusBadRequest, errInvalidGrant, bad)
		return
	}
	if t.ClientID != clientID {
		writeOAuthError(w, http.StatusBadRequest, errInvalidGrant, "the authorization code was issued to another client")
		return
	}
	if t.RedirectURI != redirectURI {
		writeOAuthError(w, http.StatusBadRequest, errInvalidGrant, "redirect_uri does not match the one the authorization code was issued for")
		return
	}
	if _, err := m.tokens.Consume(code); err != nil { // used by a concurrent request meanwhile
		writeOAuthError(w, http.StatusBadRequest, errInvalidGrant, bad)
		return
	}
	access := m.tokens.Issue(oauth.KindUser, clientID, t.Subject, "")
	refresh := m.tokens.Issue(oauth.KindRefresh, clientID, t.Subject, "")
	m.writeToken(w, access, refresh.Value)
}

func (m *Mock) refresh(w http.ResponseWriter, clientID, refreshToken string) {
	if refreshToken == "" {
		writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, "refresh_token is required")
		return
	}
	t, err := m.tokens.Lookup(refreshToken)
	if err != nil || t.Kind != oauth.KindRefresh {
		writeOAuthError(w, http.StatusBadRequest, errInvalidGrant, "the refresh token is invalid or expired")
		return
	}
	if t.ClientID != clientID {
		writeOAuthError(w, http.StatusBadRequest, errInvalidGrant, "the refresh token was issued to another client")
		return
	}
	access := m.tokens.Issue(oauth.KindUser, clientID, t.Subject, "")
	m.writeToken(w, access, t.Value)
}

func (m *Mock) writeToken(w http.ResponseWriter, t oauth.Token, refresh string) {
	expiresIn := int64(t.Expires.Sub(m.cfg.Now()).Round(time.Second) / time.Second)
	writeNoStoreJSON(w, http.StatusOK, TokenResponse{
		AccessToken: t.Value, TokenType: "Bearer", ExpiresIn: expiresIn, RefreshToken: refresh,
	})
}

// authorize is GET /user/oauth/authorize: the configured test user is logged in and approves at once.
// The client and the redirect URI are checked before anything is redirected.
func (m *Mock) authorize(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		writeOAuthError(w, http.StatusMethodNotAllowed, errInvalidRequest, "the authorize endpoint takes GET")
		return
	}
	q := r.URL.Query()
	params := map[string]string{}
	for _, name := range []string{"client_id", "redirect_uri", "response_type", "state"} {
		v, err := single(q, name)
		if err != nil {
			writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, err.Error())
			return
		}
		params[name] = v
	}
	switch id := params["client_id"]; {
	case id == "":
		writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, "client_id is required")
		return
	case !oauth.SecretEqual(id, m.cfg.ClientID):
		writeOAuthError(w, http.StatusBadRequest, errInvalidClient, "unknown client_id")
		return
	}
	rawRedirect := params["redirect_uri"]
	if rawRedirect == "" {
		writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, "redirect_uri is required")
		return
	}
	redirect, err := validRedirect(rawRedirect)
	if err != nil {
		writeOAuthError(w, http.StatusBadRequest, errInvalidRequest, "redirect_uri: "+err.Error())
		return
	}
	// From here on errors go back to the client through the (validated) redirect URI.
	values := redirect.Query()
	if state := params["state"]; state != "" {
		values.Set("state", state)
	}
	switch rt := params["response_type"]; rt {
	case "code":
		code := m.tokens.Issue(oauth.KindCode, m.cfg.ClientID, testUserSubject(m.cfg.TestUser), rawRedirect)
		values.Set("code", code.Value)
	case "":
		values.Set("error", errInvalidRequest)
		values.Set("error_description", "response_type is required")
	default:
		values.Set("error", errUnsupportedResponseType)
		values.Set("error_description", "response_type must be code")
	}
	redirect.RawQuery = values.Encode()
	w.Header().Set("Cache-Control", "no-store")
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// validRedirect accepts an absolute http or https URL with a host and without a fragment or user info.
func validRedirect(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("not a valid URL")
	}
	switch {
	case u.Scheme != "http" && u.Scheme != "https":
		return nil, errors.New("must be an absolute http or https URL")
	case u.Host == "":
		return nil, errors.New("must have a host")
	case u.Fragment != "" || strings.Contains(raw, "#"):
		return nil, errors.New("must not have a fragment")
	case u.User != nil:
		return nil, errors.New("must not carry user info")
	}
	return u, nil
}
