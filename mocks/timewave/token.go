package timewave

import (
	"context"
	"net/http"

	timewaveapi "github.com/vendorctl/vendorctl/gen/timewave"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/oauth"
)

// maxFormBytes caps the memory a multipart token request may use.
const maxFormBytes = 64 << 10

// RequestToken implements POST /oauth/token (client credentials, urlencoded or multipart/form-data).
// A new token invalidates the client's previous one.
func (m *Mock) RequestToken(_ context.Context, req timewaveapi.RequestTokenRequestObject) (timewaveapi.RequestTokenResponseObject, error) {
	var id, secret, grant string
	switch {
	case req.FormdataBody != nil:
		id, secret, grant = req.FormdataBody.ClientId, req.FormdataBody.ClientSecret, string(req.FormdataBody.GrantType)
	case req.MultipartBody != nil:
		form, err := req.MultipartBody.ReadForm(maxFormBytes)
		if err != nil {
			return nil, &mockkit.Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: "malformed multipart body"}
		}
		defer func() { _ = form.RemoveAll() }()
		first := func(k string) string {
			if vs := form.Value[k]; len(vs) > 0 {
				return vs[0]
			}
			return ""
		}
		id, secret, grant = first("client_id"), first("client_secret"), first("grant_type")
	default:
		return nil, &mockkit.Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: "the token request must be a form"}
	}
	if grant != string(timewaveapi.GrantTypeClientCredentials) {
		return nil, &mockkit.Error{Status: http.StatusBadRequest, Code: "unsupported_grant_type", Message: "unsupported grant type"}
	}
	if id == "" || secret == "" {
		return nil, &mockkit.Error{Status: http.StatusBadRequest, Code: "invalid_request", Message: "client_id and client_secret are required"}
	}
	if !oauth.SecretEqual(id, m.cfg.ClientID) || !oauth.SecretEqual(secret, m.cfg.ClientSecret) {
		return nil, &mockkit.Error{Status: http.StatusUnauthorized, Code: "invalid_client", Message: "client authentication failed"}
	}
	if err := m.throttle(id); err != nil {
		return nil, err
	}
	tok := m.tokens.Issue(oauth.KindClient, id, "", "")
	bearer := "Bearer"
	return timewaveapi.RequestToken200JSONResponse{
		AccessToken: tok.Value,
		ExpiresIn:   int(m.tokens.AccessTTL().Seconds()),
		TokenType:   &bearer,
	}, nil
}
