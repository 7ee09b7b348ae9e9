package vitecauto_test

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/clients/clientkit"
	"github.com/vendorctl/vendorctl/clients/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	mock "github.com/vendorctl/vendorctl/mocks/vitecauto"
	"github.com/vendorctl/vendorctl/specs"
)

func mockBase(t *testing.T) string {
	t.Helper()
	m, err := mock.New(mock.Config{Options: mockkit.TestOptions(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.NewServer(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	t.Cleanup(ts.Close)
	return ts.URL + mock.Prefix
}

func TestGetCustomer(t *testing.T) {
	base := mockBase(t)
	c, err := vitecauto.New(base, mock.DefaultAPIKey, vitecauto.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	got, err := c.GetCustomer(context.Background(), 998, 500190)
	if err != nil {
		t.Fatal(err)
	}
	if got.Kundenummer != "500190" || got.Navn1 != "KONTANT-SALG" || got.Vkslsaldo != 495861 || got.Tlf != nil || got.Fastbk != "\x00" {
		t.Fatalf("unexpected customer %+v", got)
	}
}

func TestGetCustomerErrors(t *testing.T) {
	base := mockBase(t)
	good, err := vitecauto.New(base, mock.DefaultAPIKey, vitecauto.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	bad, err := vitecauto.New(base, "wrong-key", vitecauto.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name            string
		client          *vitecauto.Client
		company, custmr int
		sentinel        error
		status          int
		message         string
	}{
		{"not found", good, 998, 42, vitecauto.ErrNotFound, 404, "Kunde ikke funnet"},
		{"unauthorized", bad, 998, 500190, vitecauto.ErrUnauthorized, 401, "API-nøkkel"},
		{"bad id refused before sending", good, 0, 500190, vitecauto.ErrBadRequest, 400, "positive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tc.client.GetCustomer(context.Background(), tc.company, tc.custmr)
			if !errors.Is(err, tc.sentinel) {
				t.Fatalf("err = %v, want %v", err, tc.sentinel)
			}
			var ae *vitecauto.APIError
			if !errors.As(err, &ae) || ae.Status != tc.status || !strings.Contains(ae.Message, tc.message) {
				t.Fatalf("err = %#v, want status %d with message containing %q", err, tc.status, tc.message)
			}
			for _, other := range []error{vitecauto.ErrNotFound, vitecauto.ErrUnauthorized, vitecauto.ErrBadRequest, vitecauto.ErrServer} {
				if other != tc.sentinel && errors.Is(err, other) {
					t.Errorf("err also matches %v", other)
				}
			}
		})
	}
}

// A vendor that drifted from the spec is caught by WithValidation, naming the fields.
func TestValidationCatchesDrift(t *testing.T) {
	drifted := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"firmakode":"998","kredLim":"0"}`))
	}))
	defer drifted.Close()
	c, err := vitecauto.New(drifted.URL, "k", vitecauto.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCustomer(context.Background(), 998, 500190)
	var ce *clientkit.ContractError
	if !errors.As(err, &ce) || ce.Operation != "getCustomer" {
		t.Fatalf("err = %v, want a ContractError on getCustomer", err)
	}
	fields := map[string]bool{}
	for _, v := range specs.Violations(err) {
		fields[v.Field] = true
	}
	if !fields["kredLim"] || !fields["kundenummer"] {
		t.Fatalf("violations %v do not name kredLim and kundenummer", specs.Violations(err))
	}
	// Without validation the same answer decodes as far as it can and is not reported.
	plain, _ := vitecauto.New(drifted.URL, "k")
	if _, err := plain.GetCustomer(context.Background(), 998, 500190); errors.As(err, &ce) {
		t.Fatalf("contract error without WithValidation: %v", err)
	}
}

func TestRetryOnServerError(t *testing.T) {
	var calls atomic.Int32
	flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) < 3 {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(500)
			_, _ = w.Write([]byte(`{"error":"Serverfeil, prøv igjen senere"}`))
			return
		}
		if r.Header.Get("x-api-key") != "k" {
			w.WriteHeader(401)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`{"error":"Kunde ikke funnet"}`))
	}))
	defer flaky.Close()
	noSleep := func(context.Context, time.Duration) error { return nil }
	c, err := vitecauto.New(flaky.URL, "k", vitecauto.WithRetry(clientkit.RetryPolicy{MaxAttempts: 3, Sleep: noSleep}))
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetCustomer(context.Background(), 1, 2)
	if !errors.Is(err, vitecauto.ErrNotFound) || calls.Load() != 3 {
		t.Fatalf("err = %v after %d calls, want not found after 3", err, calls.Load())
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	if _, err := vitecauto.New("ftp://x", "k"); err == nil {
		t.Error("ftp base URL accepted")
	}
	if _, err := vitecauto.New("http://x", ""); err == nil {
		t.Error("empty key accepted")
	}
}
