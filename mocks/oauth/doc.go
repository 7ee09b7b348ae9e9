// Package oauth is what the mocks share to check who is calling: credential parsers (Basic, Bearer,
// OAuth client credentials), the constant-time secret compare, the token store of the mocked OAuth
// servers, and per-key rate limits.
//
// Non-goals: a real OAuth server (no signatures, no PKCE, no consent); each vendor decides which
// credentials it accepts and answers refusals in its own error shape.
package oauth
