package mockharness

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// HandlerMode is one way of building a vendor mock for the handler benchmarks.
type HandlerMode struct {
	Name string
	// Options are the mode's; Recorded adds a server's journal and fault rules.
	Options mockkit.Options
}

// HandlerModes are the modes the handler benchmarks compare, each built with Recorded: validation on
// (an answer identical to one that passed is not checked again), validation on with every answer
// checked afresh, and validation off.
func HandlerModes() []HandlerMode {
	return []HandlerMode{
		{"validation", mockkit.Options{}},
		{"validationNoMemo", mockkit.Options{NoResponseMemo: true}},
		{"noValidation", mockkit.Options{NoValidation: true}},
	}
}

// Recorded builds one mock with the mode's options as a server builds it, with the server's journal
// (as serve has one) and fault rules; the benchmarks then drive the mock's handler directly.
func Recorded[M mockserver.Vendor](tb testing.TB, mode HandlerMode, build func(mockkit.Options) (M, error)) M {
	tb.Helper()
	var m M
	_, err := mockserver.NewServerWith(mockserver.ServerConfig{}, func(rec *mockserver.Recorder) ([]mockserver.Vendor, error) {
		opts := mode.Options
		opts.Recorder = rec
		var err error
		if m, err = build(opts); err != nil {
			return nil, err
		}
		return []mockserver.Vendor{m}, nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return m
}

// BenchHandler serves req (with body, when not nil) through h in-process, b.N times, and fails the
// benchmark on any other status than want.
func BenchHandler(b *testing.B, h http.Handler, req *http.Request, body []byte, want int) {
	b.Helper()
	b.ReportAllocs()
	for b.Loop() {
		if body != nil {
			req.Body = io.NopCloser(bytes.NewReader(body))
			req.ContentLength = int64(len(body))
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != want {
			b.Fatalf("%s %s: status %d, want %d: %s", req.Method, req.URL, rec.Code, want, rec.Body)
		}
	}
}

// Token asks an OAuth 2.0 token endpoint served by h for a client-credentials token.
func Token(b testing.TB, h http.Handler, path, clientID, clientSecret string) string {
	b.Helper()
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {clientID}, "client_secret": {clientSecret}}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &tok) != nil || tok.AccessToken == "" {
		b.Fatalf("token from %s: %d %s", path, rec.Code, rec.Body)
	}
	return tok.AccessToken
}
