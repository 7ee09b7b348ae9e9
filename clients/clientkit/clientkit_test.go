package clientkit_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/clients/clientkit"
	"github.com/vendorctl/vendorctl/specs"
)

func TestWithHeaderDoesNotMutate(t *testing.T) {
	var got string
	next := clientkit.DoerFunc(func(r *http.Request) (*http.Response, error) {
		got = r.Header.Get("x-api-key")
		return &http.Response{StatusCode: 200, Body: http.NoBody}, nil
	})
	req, _ := http.NewRequest("GET", "http://x/", nil)
	if _, err := clientkit.WithHeader(next, "x-api-key", "secret").Do(req); err != nil {
		t.Fatal(err)
	}
	if got != "secret" || req.Header.Get("x-api-key") != "" {
		t.Fatalf("header sent %q, caller's request changed: %q", got, req.Header.Get("x-api-key"))
	}
}

// statusSequence answers the given statuses in turn (the last repeats), counting calls and bodies.
func statusSequence(statuses []int, header http.Header) (clientkit.Doer, *atomic.Int32, *[]string) {
	var calls atomic.Int32
	var bodies []string
	return clientkit.DoerFunc(func(r *http.Request) (*http.Response, error) {
		n := int(calls.Add(1)) - 1
		if r.Body != nil {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(b))
		}
		st := statuses[min(n, len(statuses)-1)]
		return &http.Response{StatusCode: st, Header: header.Clone(), Body: io.NopCloser(strings.NewReader("x"))}, nil
	}), &calls, &bodies
}

func TestWithRetry(t *testing.T) {
	var slept []time.Duration
	sleep := func(_ context.Context, d time.Duration) error { slept = append(slept, d); return nil }
	cases := []struct {
		name      string
		method    string
		statuses  []int
		header    http.Header
		wantCalls int32
		wantFinal int
		wantSleep time.Duration // first sleep, when > 0
	}{
		{"GET 503 then 200", "GET", []int{503, 200}, nil, 2, 200, 0},
		{"GET 500 gives up after MaxAttempts", "GET", []int{500}, nil, 3, 500, 0},
		{"POST 500 is not retried", "POST", []int{500, 200}, nil, 1, 500, 0},
		{"POST 429 is retried", "POST", []int{429, 200}, http.Header{"Retry-After": {"2"}}, 2, 200, 2 * time.Second},
		{"Retry-After is honoured", "GET", []int{429, 200}, http.Header{"Retry-After": {"3"}}, 2, 200, 3 * time.Second},
		{"Retry-After capped by MaxDelay", "GET", []int{429, 200}, http.Header{"Retry-After": {"3600"}}, 2, 200, 5 * time.Second},
		{"404 is final", "GET", []int{404, 200}, nil, 1, 404, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			slept = nil
			next, calls, bodies := statusSequence(tc.statuses, tc.header)
			d := clientkit.WithRetry(next, clientkit.RetryPolicy{MaxAttempts: 3, MaxDelay: 5 * time.Second, Sleep: sleep})
			req, _ := http.NewRequest(tc.method, "http://x/", strings.NewReader("payload"))
			resp, err := d.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != tc.wantFinal || calls.Load() != tc.wantCalls {
				t.Fatalf("final %d after %d calls, want %d after %d", resp.StatusCode, calls.Load(), tc.wantFinal, tc.wantCalls)
			}
			for _, b := range *bodies {
				if b != "payload" {
					t.Errorf("a retry sent body %q", b)
				}
			}
			if tc.wantSleep > 0 && (len(slept) == 0 || slept[0] != tc.wantSleep) {
				t.Errorf("slept %v, want first %v", slept, tc.wantSleep)
			}
		})
	}
}

func TestWithRetryStopsOnContext(t *testing.T) {
	next, calls, _ := statusSequence([]int{503}, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	d := clientkit.WithRetry(next, clientkit.RetryPolicy{MaxAttempts: 5, BaseDelay: time.Hour})
	req, _ := http.NewRequestWithContext(ctx, "GET", "http://x/", nil)
	if _, err := d.Do(req); !errors.Is(err, context.Canceled) || calls.Load() != 1 {
		t.Fatalf("err %v after %d calls", err, calls.Load())
	}
}

func TestRetryAfter(t *testing.T) {
	future := time.Now().Add(90 * time.Second).UTC().Format(http.TimeFormat)
	for v, want := range map[string]time.Duration{"": 0, "5": 5 * time.Second, "-1": 0, "soon": 0} {
		if got := clientkit.RetryAfter(http.Header{"Retry-After": {v}}); got != want {
			t.Errorf("%q: %v, want %v", v, got, want)
		}
	}
	if got := clientkit.RetryAfter(http.Header{"Retry-After": {future}}); got < 80*time.Second || got > 91*time.Second {
		t.Errorf("HTTP date: %v", got)
	}
}

const miniSpec = `
openapi: 3.0.3
info: {title: mini, version: 1.0.0}
servers: [{url: "https://example.invalid/v3"}]
paths:
  /things/{id}:
    get:
      operationId: getThing
      parameters: [{name: id, in: path, required: true, schema: {type: integer}}]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema:
                type: object
                required: [id]
                properties: {id: {type: integer}}
`

func TestWithValidation(t *testing.T) {
	spec, err := specs.LoadData("mini", []byte(miniSpec))
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/prefix/v3/things/1":
			_, _ = io.WriteString(w, `{"id":1}`)
		case "/prefix/v3/things/2":
			_, _ = io.WriteString(w, `{"id":"two"}`)
		default:
			w.WriteHeader(418)
		}
	}))
	defer ts.Close()
	base := ts.URL + "/prefix/v3"
	d := clientkit.WithValidation(http.DefaultClient, spec, base)
	get := func(path string) (*http.Response, error) {
		req, _ := http.NewRequest("GET", base+path, nil)
		return d.Do(req)
	}
	resp, err := get("/things/1")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	if string(body) != `{"id":1}` {
		t.Fatalf("conforming body not passed on intact: %q", body)
	}
	_, err = get("/things/2")
	var ce *clientkit.ContractError
	if !errors.As(err, &ce) || ce.Operation != "getThing" || ce.Status != 200 {
		t.Fatalf("err = %v", err)
	}
	if vs := specs.Violations(err); len(vs) != 1 || vs[0].Field != "id" {
		t.Fatalf("violations %v", vs)
	}
	if _, err := get("/other"); !errors.Is(err, clientkit.ErrNoOperation) {
		t.Fatalf("unknown operation: %v", err)
	}
	_, err = get("/things/3")
	if !errors.As(err, &ce) || specs.Violations(err)[0].In != "status" {
		t.Fatalf("undocumented status: %v", err)
	}
}

func TestSettingsBuild(t *testing.T) {
	drifted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"error": 1}`)
	}))
	defer drifted.Close()
	doer, hc, spec, err := clientkit.Settings{Validate: true}.Build("vitecauto", drifted.URL)
	if err != nil {
		t.Fatal(err)
	}
	if hc.Timeout != clientkit.DefaultTimeout || spec == nil || spec.Name() != "vitecauto" {
		t.Fatalf("timeout %v, spec %v", hc.Timeout, spec)
	}
	req, _ := http.NewRequest("GET", drifted.URL+"/api/customer?companyId=1&customerId=2", nil)
	var ce *clientkit.ContractError
	if _, err := doer.Do(req); !errors.As(err, &ce) {
		t.Fatalf("validation not in the chain: %v", err)
	}
	own := &http.Client{Timeout: time.Second}
	doer, hc, spec, err = clientkit.Settings{HTTPClient: own, Timeout: time.Hour}.Build("vitecauto", drifted.URL)
	if err != nil || hc != own || spec != nil {
		t.Fatalf("own client not used: %v %v %v", hc, spec, err)
	}
	if _, err := doer.Do(req.Clone(req.Context())); err != nil {
		t.Fatalf("without validation the drifted answer passes: %v", err)
	}
	if _, _, _, err := (clientkit.Settings{Validate: true}).Build("nosuch", drifted.URL); err == nil {
		t.Fatal("unknown api accepted")
	}
	if clientkit.CheckBaseURL("x", "ftp://a") == nil || clientkit.CheckBaseURL("x", "https://a") != nil {
		t.Fatal("CheckBaseURL")
	}
}
