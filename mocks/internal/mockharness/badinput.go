package mockharness

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// BadInput is one hostile request of a vendor's bad-input table (JSON, in the vendor's testdata).
type BadInput struct {
	Name   string `json:"name"`
	Method string `json:"method"`
	// Path is relative to the vendor's base URL and sent as written (encoded slashes and ".." kept).
	Path   string            `json:"path"`
	Header map[string]string `json:"header,omitempty"`
	Body   string            `json:"body,omitempty"`
	// BodyHex is a body given in hex, for bytes that are not valid UTF-8.
	BodyHex string `json:"bodyHex,omitempty"`
	// Repeat builds a large body: Prefix, then Unit Times times, then Suffix.
	Repeat *struct {
		Prefix string `json:"prefix"`
		Unit   string `json:"unit"`
		Times  int    `json:"times"`
		Suffix string `json:"suffix"`
	} `json:"repeat,omitempty"`
	// QueryPad appends a query parameter of that many bytes.
	QueryPad int `json:"queryPad,omitempty"`
	// Credentials adds valid credentials (the test's Authorize function) before the case's own headers.
	Credentials bool `json:"credentials,omitempty"`
	// Status is the status the case must get; 0 means any 4xx.
	Status int `json:"status,omitempty"`
}

// LoadBadInputs reads a bad-input table.
func LoadBadInputs(path string) ([]BadInput, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read bad-input table: %w", err)
	}
	var cases []BadInput
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&cases); err != nil {
		return nil, fmt.Errorf("decode bad-input table %s: %w", path, err)
	}
	return cases, nil
}

func (b BadInput) body() ([]byte, error) {
	switch {
	case b.BodyHex != "":
		var out []byte
		_, err := fmt.Sscanf(b.BodyHex, "%x", &out)
		return out, err
	case b.Repeat != nil:
		var buf bytes.Buffer
		buf.WriteString(b.Repeat.Prefix)
		for range b.Repeat.Times {
			buf.WriteString(b.Repeat.Unit)
		}
		buf.WriteString(b.Repeat.Suffix)
		return buf.Bytes(), nil
	}
	return []byte(b.Body), nil
}

// MinBadInputs is the fewest cases a vendor's bad-input table holds.
const MinBadInputs = 25

// RunBadInputTable is a vendor's bad-input test: its table, testdata/bad-input.json (at least
// MinBadInputs cases), run with RunBadInputs against the mock of api alone, started for the test.
// credentials returns what adds valid credentials to a request of that running mock.
func RunBadInputTable(t *testing.T, api string, credentials func(*mocktest.Server) func(*http.Request)) {
	t.Helper()
	cases, err := LoadBadInputs("testdata/bad-input.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) < MinBadInputs {
		t.Fatalf("%d cases, want at least %d", len(cases), MinBadInputs)
	}
	s := mocktest.Start(t, mocktest.Only(api))
	RunBadInputs(t, s, api, cases, credentials(s))
}

// RunBadInputs sends every case to api of the running mocks s over HTTP. Each must get a 4xx (or its
// Status) with a body (a 405 with Allow), leave the vendor's state (GET /__admin/state) unchanged, and
// leave the server serving. Responses of documented operations are checked against the spec by
// mocktest.Start's self-check. authorize adds valid credentials to a request.
func RunBadInputs(t *testing.T, s *mocktest.Server, api string, cases []BadInput, authorize func(*http.Request)) {
	t.Helper()
	if s.BaseURL(api) == "" {
		t.Fatalf("mockharness: %s is not running", api)
	}
	snapshot := func() string { return adminState(t, s, api) }
	before := snapshot()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, bc := range cases {
		t.Run(bc.Name, func(t *testing.T) {
			body, err := bc.body()
			if err != nil {
				t.Fatalf("case body: %v", err)
			}
			target := s.BaseURL(api) + bc.Path
			if bc.QueryPad > 0 {
				sep := "?"
				if strings.Contains(bc.Path, "?") {
					sep = "&"
				}
				target += sep + "pad=" + strings.Repeat("x", bc.QueryPad)
			}
			var rd io.Reader
			if len(body) > 0 {
				rd = bytes.NewReader(body)
			}
			req, err := http.NewRequest(bc.Method, target, rd)
			if err != nil {
				t.Fatalf("build request: %v", err)
			}
			if bc.Credentials && authorize != nil {
				authorize(req)
			}
			for k, val := range bc.Header {
				req.Header.Set(k, val)
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatalf("request failed: %v", err)
			}
			respBody, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if bc.Status != 0 && resp.StatusCode != bc.Status {
				t.Errorf("status %d, want %d: %s", resp.StatusCode, bc.Status, respBody)
			}
			if resp.StatusCode < 400 || resp.StatusCode > 499 {
				t.Errorf("status %d, want a 4xx: %s", resp.StatusCode, respBody)
			}
			if len(respBody) == 0 || resp.Header.Get("Content-Type") == "" {
				t.Errorf("error answer without a typed body")
			}
			if resp.StatusCode == http.StatusMethodNotAllowed && resp.Header.Get("Allow") == "" {
				t.Errorf("405 without Allow")
			}
			for _, name := range []string{"Authorization", "X-Api-Key"} {
				if secret := req.Header.Get(name); len(secret) >= 4 && bytes.Contains(respBody, []byte(secret)) {
					t.Errorf("the answer repeats the %s the client sent", name)
				}
			}
		})
	}
	if after := snapshot(); after != before {
		t.Errorf("the bad inputs changed the state of %s", api)
	}
	resp, err := http.Get(s.URL + "/__admin/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("the server stopped serving after the bad inputs: %v", err)
	}
	resp.Body.Close()
}

// adminState is the vendor's exported data as the admin API answers it ("" when it exports none).
func adminState(t *testing.T, s *mocktest.Server, api string) string {
	t.Helper()
	resp, err := http.Get(s.URL + "/__admin/state?api=" + url.QueryEscape(api))
	if err != nil {
		t.Fatalf("state of %s: %v", api, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("state of %s: %v", api, err)
	}
	switch resp.StatusCode {
	case http.StatusOK:
		return string(body)
	case http.StatusNotFound: // the vendor exports no state
		return ""
	}
	t.Fatalf("state of %s: status %d: %s", api, resp.StatusCode, body)
	return ""
}
