package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
)

// Default credentials of `vendorctl serve` (docs: DESIGN.md).
const (
	defaultAPIKey       = "mock-api-key"
	defaultUser         = "mock-user"
	defaultPassword     = "mock-password"
	defaultClientID     = "mock-client"
	defaultClientSecret = "mock-secret"
)

// scenario is the request the benchmark sends to one vendor, and how it gets its credentials.
type scenario struct {
	API string
	// Name labels the scenario's rows in the report (default API): a vendor may have several.
	Name string
	// Prefix is where vendorctl serves the vendor's production base URL.
	Prefix string
	// Method and Path are the request, relative to the vendor's base URL (as Prism serves the spec).
	Method, Path string
	// Header is sent as is (Accept, an API key, Basic credentials).
	Header http.Header
	// TokenPath, when set, is the vendorctl path of an OAuth 2.0 client-credentials token endpoint:
	// the token it answers is sent as a Bearer token. Prism gets a placeholder token (it checks that a
	// token is there, not what it is).
	TokenPath string
	// Soak lists more requests (same method and credentials) that the soak sends: answers other than
	// the main one (not found, bad input, another media type).
	Soak []extra
	// Spec is the spec file Prism mocks.
	Spec string
}

// extra is a soak request: a relative path, and headers set over the scenario's.
type extra struct {
	Path   string
	Header http.Header
}

// scenarios are the vendors the benchmark knows, in the order of the report. A vendor that serve
// does not run (not landed yet) is left out.
func scenarios() []scenario {
	return []scenario{
		{
			API: "vitecauto", Prefix: "/vitecauto", Spec: "specs/vitecauto/openapi.yaml",
			Method: http.MethodGet, Path: "/api/customer?companyId=998&customerId=500190",
			Header: http.Header{"X-Api-Key": {defaultAPIKey}},
			Soak:   []extra{{Path: "/api/customer?companyId=998&customerId=1"}, {Path: "/api/customer?companyId=x"}},
		},
		{
			API: "mediaconnect", Prefix: "/mediaconnect/capi", Spec: "specs/mediaconnect/openapi.yaml",
			Method: http.MethodGet, Path: "/v1/client/customer/info/563457",
			TokenPath: "/connectid/user/oauth/token",
			Soak:      []extra{{Path: "/v1/client/customer/info/1"}, {Path: "/v1/client/customer/info/abc"}},
		},
		{
			API: "timewave", Prefix: "/timewave/v3", Spec: "specs/timewave/openapi.yaml",
			Method: http.MethodGet, Path: "/clients",
			Header:    http.Header{"Accept": {"application/json"}},
			TokenPath: "/timewave/v3/oauth/token",
			Soak:      []extra{{Path: "/clients/999999"}, {Path: "/clients?page[size]=0"}},
		},
		{
			// The default page holds 15 clients (18 KB); Prism answers the spec's example, a page of 2
			// (2.3 KB). Two per page compares the two at the same size of answer.
			API: "timewave", Name: "timewave, 2 per page", Prefix: "/timewave/v3", Spec: "specs/timewave/openapi.yaml",
			Method: http.MethodGet, Path: "/clients?page[size]=2",
			Header:    http.Header{"Accept": {"application/json"}},
			TokenPath: "/timewave/v3/oauth/token",
		},
		{
			API: "vitecmaklare", Prefix: "/vitecmaklare", Spec: "specs/vitecmaklare/openapi.yaml",
			Method: http.MethodGet, Path: "/CRM/Contact/M30011/P1001",
			Header: http.Header{
				"Accept":        {"application/json"},
				"Authorization": {"Basic " + base64.StdEncoding.EncodeToString([]byte(defaultUser+":"+defaultPassword))},
			},
			Soak: []extra{
				{Path: "/CRM/Contact/M30011/C1001", Header: http.Header{"Accept": {"application/xml"}}},
				{Path: "/CRM/Contact/M30011/X404"},
				{Path: "/CRM/Contact/M40022/P2001"},
			},
		},
	}
}

// label names the scenario's rows.
func (s scenario) label() string {
	if s.Name != "" {
		return s.Name
	}
	return s.API
}

// pick returns the scenarios of the vendors a server runs (names from its health answer), in report
// order, and the names it runs that have no scenario.
func pick(running []string) (known []scenario, unknown []string) {
	on := map[string]bool{}
	for _, n := range running {
		on[n] = true
	}
	seen := map[string]bool{}
	for _, s := range scenarios() {
		if on[s.API] {
			known = append(known, s)
			seen[s.API] = true
		}
	}
	for _, n := range running {
		if !seen[n] {
			unknown = append(unknown, n)
		}
	}
	return known, unknown
}

// vendorctlRequests returns the scenario's main request (and with soak, its other requests) against
// vendorctl at base, fetching a token first when the vendor needs one. tokens keeps the tokens by
// token URL, so that scenarios of one vendor share one (a new TimeWave token revokes the one before).
func (s scenario) vendorctlRequests(ctx context.Context, hc *http.Client, base string, soak bool, tokens map[string]string) ([]Request, error) {
	header := s.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if s.TokenPath != "" {
		tok, ok := tokens[base+s.TokenPath]
		if !ok {
			var err error
			if tok, err = clientCredentialsToken(ctx, hc, base+s.TokenPath); err != nil {
				return nil, fmt.Errorf("%s token: %w", s.API, err)
			}
			tokens[base+s.TokenPath] = tok
		}
		header.Set("Authorization", "Bearer "+tok)
	}
	out := []Request{{Name: s.API, Method: s.Method, Target: s.Prefix + s.Path, Header: header}}
	if !soak {
		return out, nil
	}
	for _, x := range s.Soak {
		h := header.Clone()
		for k, v := range x.Header {
			h[k] = v
		}
		out = append(out, Request{Name: s.API, Method: s.Method, Target: s.Prefix + x.Path, Header: h})
	}
	return out, nil
}

// prismRequest is the same request to Prism, which serves the spec's paths without a prefix.
func (s scenario) prismRequest() Request {
	header := s.Header.Clone()
	if header == nil {
		header = http.Header{}
	}
	if s.TokenPath != "" {
		header.Set("Authorization", "Bearer placeholder-token")
	}
	return Request{Name: s.API, Method: s.Method, Target: s.Path, Header: header}
}

// clientCredentialsToken asks a token endpoint for a client-credentials token.
func clientCredentialsToken(ctx context.Context, hc *http.Client, tokenURL string) (string, error) {
	return postToken(ctx, hc, tokenURL, url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {defaultClientID},
		"client_secret": {defaultClientSecret},
	})
}
