package mockkit

import (
	"net/http"
	"net/url"
	"strings"
)

// Credentials are what a client needs to call one vendor's mock.
type Credentials struct {
	APIKey       string `json:"apiKey,omitempty"`
	User         string `json:"user,omitempty"`
	Password     string `json:"password,omitempty"`
	ClientID     string `json:"clientId,omitempty"`
	ClientSecret string `json:"clientSecret,omitempty"`
}

// Example is one request a vendor's mock answers with 200 (Descriptor.Example): what the dashboard
// shows as a curl to copy.
type Example struct {
	// Title says what the request does, e.g. "read a customer".
	Title string
	// Method is the HTTP method (zero: GET, or POST with a Form).
	Method string
	// Path is the request's path and query from the server's root, e.g. "/vitecauto/api/customer?...".
	Path string
	// Header are request headers (zero: none).
	Header map[string]string
	// Form is a urlencoded form body (zero: none).
	Form url.Values
	// User and Password, when User is set, are sent with Basic authentication.
	User, Password string
}

// HTTPMethod is the example's method: Method, or POST with a Form, else GET.
func (e Example) HTTPMethod() string {
	switch {
	case e.Method != "":
		return e.Method
	case len(e.Form) > 0:
		return http.MethodPost
	}
	return http.MethodGet
}

// Request is the example as a request to the server at base ("http://127.0.0.1:8080").
func (e Example) Request(base string) (*http.Request, error) {
	req, err := http.NewRequest(e.HTTPMethod(), base+e.Path, strings.NewReader(e.Form.Encode()))
	if err != nil {
		return nil, err
	}
	for k, v := range e.Header {
		req.Header.Set(k, v)
	}
	if len(e.Form) > 0 {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if e.User != "" {
		req.SetBasicAuth(e.User, e.Password)
	}
	return req, nil
}

// ClientCredentialsForm is the form of an OAuth 2.0 client_credentials token request with c's client.
func ClientCredentialsForm(c Credentials) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {c.ClientID}, "client_secret": {c.ClientSecret}}
}
