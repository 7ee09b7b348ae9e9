package timewave_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/clients/clientkit"
	"github.com/vendorctl/vendorctl/clients/timewave"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	mock "github.com/vendorctl/vendorctl/mocks/timewave"
)

// clock is a settable clock for the mock's tokens and rate limit.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// counter wraps a handler and counts token requests.
type counter struct {
	next   http.Handler
	tokens atomic.Int64
}

func (c *counter) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/oauth/token") {
		c.tokens.Add(1)
	}
	c.next.ServeHTTP(w, r)
}

// serve runs the mock (every response validated against the spec) and returns its base URL.
func serve(t *testing.T, cfg mock.Config) (string, *counter) {
	t.Helper()
	cfg.Options = mockkit.TestOptions(t)
	m, err := mock.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.NewServer(nil, m)
	if err != nil {
		t.Fatal(err)
	}
	cnt := &counter{next: srv.Handler()}
	ts := httptest.NewServer(cnt)
	t.Cleanup(ts.Close)
	return ts.URL + mock.Prefix, cnt
}

func newAPI(t *testing.T, base string, opts ...timewave.Option) *timewave.API {
	t.Helper()
	api, err := timewave.New(base, mock.DefaultClientID, mock.DefaultClientSecret, append([]timewave.Option{timewave.WithValidation()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return api
}

func clientIDs(cs []timewave.Client) []int {
	out := make([]int, len(cs))
	for i, c := range cs {
		out[i] = c.Id
	}
	return out
}

func TestNew(t *testing.T) {
	for _, tc := range []struct{ base, id, secret string }{
		{"ftp://x", "a", "b"}, {"http://x", "", "b"}, {"http://x", "a", ""},
	} {
		if _, err := timewave.New(tc.base, tc.id, tc.secret); err == nil {
			t.Errorf("New(%q, %q, %q) accepted", tc.base, tc.id, tc.secret)
		}
	}
}

func TestListClients(t *testing.T) {
	base, _ := serve(t, mock.Config{})
	api := newAPI(t, base)
	ctx := context.Background()
	cases := []struct {
		name  string
		opts  []timewave.ListOption
		check func(t *testing.T, p *timewave.Page)
	}{
		{"default page", nil, func(t *testing.T, p *timewave.Page) {
			if len(p.Data) != 15 || p.Total != 260 || p.LastPage != 18 || p.CurrentPage != 1 {
				t.Errorf("page %d of %d, %d clients of %d", p.CurrentPage, p.LastPage, len(p.Data), p.Total)
			}
		}},
		{"page number alone", []timewave.ListOption{timewave.PageNumber(18)}, func(t *testing.T, p *timewave.Page) {
			if len(p.Data) != 5 || p.CurrentPage != 18 || *p.From != 256 {
				t.Errorf("page %d, %d clients", p.CurrentPage, len(p.Data))
			}
		}},
		{"page size and number", []timewave.ListOption{timewave.PageSize(100), timewave.PageNumber(3)}, func(t *testing.T, p *timewave.Page) {
			if len(p.Data) != 60 || p.LastPage != 3 || p.Data[0].Id != 1201 {
				t.Errorf("%d clients, last page %d", len(p.Data), p.LastPage)
			}
		}},
		{"past the end", []timewave.ListOption{timewave.PageSize(100), timewave.PageNumber(4)}, func(t *testing.T, p *timewave.Page) {
			if len(p.Data) != 0 || p.From != nil || p.Total != 260 {
				t.Errorf("%d clients, from %v", len(p.Data), p.From)
			}
		}},
		{"email", []timewave.ListOption{timewave.FilterEmail("anna.lindqvist@example.se")}, func(t *testing.T, p *timewave.Page) {
			if !slices.Equal(clientIDs(p.Data), []int{1001}) {
				t.Errorf("%v", clientIDs(p.Data))
			}
		}},
		{"id", []timewave.ListOption{timewave.FilterID(1007)}, func(t *testing.T, p *timewave.Page) {
			if !slices.Equal(clientIDs(p.Data), []int{1007}) {
				t.Errorf("%v", clientIDs(p.Data))
			}
		}},
		{"id operators", []timewave.ListOption{timewave.FilterIDGreaterThan(1010), timewave.FilterIDLessThan(1014)}, func(t *testing.T, p *timewave.Page) {
			if !slices.Equal(clientIDs(p.Data), []int{1011, 1012, 1013}) {
				t.Errorf("%v", clientIDs(p.Data))
			}
		}},
		{"id between", []timewave.ListOption{timewave.FilterIDBetween(1100, 1102), timewave.SortDesc(timewave.SortID)}, func(t *testing.T, p *timewave.Page) {
			if !slices.Equal(clientIDs(p.Data), []int{1102, 1101, 1100}) {
				t.Errorf("%v", clientIDs(p.Data))
			}
		}},
		{"number", []timewave.ListOption{timewave.FilterNumber("10002")}, func(t *testing.T, p *timewave.Page) {
			if !slices.Equal(clientIDs(p.Data), []int{1002}) {
				t.Errorf("%v", clientIDs(p.Data))
			}
		}},
		{"personal number", []timewave.ListOption{timewave.FilterPersonalNumber("19780412-3383")}, func(t *testing.T, p *timewave.Page) {
			if !slices.Equal(clientIDs(p.Data), []int{1001}) {
				t.Errorf("%v", clientIDs(p.Data))
			}
		}},
		{"deleted", []timewave.ListOption{timewave.FilterDeleted(true), timewave.PageSize(1000)}, func(t *testing.T, p *timewave.Page) {
			for _, c := range p.Data {
				if !c.Deleted {
					t.Errorf("client %d is not deleted", c.Id)
				}
			}
			if p.Total == 0 {
				t.Error("no deleted client")
			}
		}},
		{"status and sort", []timewave.ListOption{timewave.FilterStatus(timewave.StatusProspect), timewave.SortAsc(timewave.SortLastName), timewave.PageSize(1000)}, func(t *testing.T, p *timewave.Page) {
			if p.Total != 39 {
				t.Errorf("%d prospects", p.Total)
			}
			for i, c := range p.Data {
				if c.Status != timewave.StatusProspect {
					t.Errorf("client %d has status %s", c.Id, c.Status)
				}
				if i > 0 && p.Data[i-1].LastName != nil && (c.LastName == nil || *c.LastName < *p.Data[i-1].LastName) {
					t.Errorf("not sorted at %d", i)
				}
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := api.ListClients(ctx, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			tc.check(t, p)
		})
	}
	t.Run("option errors", func(t *testing.T) {
		if _, err := api.ListClients(ctx, timewave.SortAsc("vat")); err == nil || !strings.Contains(err.Error(), "vat") {
			t.Errorf("sort on vat: %v", err)
		}
		if _, err := api.ListClients(ctx, timewave.FilterStatus("aktiv")); err == nil {
			t.Error("unknown status accepted")
		}
	})
	t.Run("bad request", func(t *testing.T) {
		_, err := api.ListClients(ctx, timewave.PageSize(1001))
		var verr *timewave.ValidationError
		if !errors.Is(err, timewave.ErrBadRequest) || !errors.As(err, &verr) || len(verr.Field("page[size]")) != 1 {
			t.Fatalf("%v", err)
		}
	})
}

func TestAllClients(t *testing.T) {
	base, _ := serve(t, mock.Config{})
	api := newAPI(t, base)
	ctx := context.Background()
	collect := func(opts ...timewave.ListOption) ([]int, error) {
		var ids []int
		for c, err := range api.AllClients(ctx, opts...) {
			if err != nil {
				return ids, err
			}
			ids = append(ids, c.Id)
		}
		return ids, nil
	}
	all, err := collect(timewave.PageSize(70))
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 260 || !slices.IsSorted(all) || all[0] != 1001 || all[259] != 1260 {
		t.Fatalf("%d clients", len(all))
	}
	desc, err := collect(timewave.SortDesc(timewave.SortID), timewave.FilterIDGreaterThan(1200), timewave.PageNumber(5))
	if err != nil {
		t.Fatal(err)
	}
	if len(desc) != 60 || desc[0] != 1260 || desc[59] != 1201 {
		t.Errorf("descending: %d clients, %v...", len(desc), desc[:3])
	}
	none, err := collect(timewave.FilterID(5))
	if err != nil || len(none) != 0 {
		t.Errorf("no match: %v %v", none, err)
	}
	// Stopping early stops paging.
	n := 0
	for range api.AllClients(ctx, timewave.PageSize(10)) {
		n++
		if n == 25 {
			break
		}
	}
	if n != 25 {
		t.Errorf("break after %d", n)
	}
	if _, err := collect(timewave.PageSize(0)); !errors.Is(err, timewave.ErrBadRequest) {
		t.Errorf("page size 0: %v", err)
	}
	if _, err := collect(timewave.SortDesc("nope")); err == nil {
		t.Error("bad sort accepted")
	}
}

func TestCreateGetFindUpdate(t *testing.T) {
	base, _ := serve(t, mock.Config{})
	api := newAPI(t, base)
	ctx := context.Background()
	email := timewave.PaymentEmail
	created, err := api.CreateClient(ctx, timewave.ClientCreate{
		FirstName:      ptr("Märta"),
		LastName:       ptr("Åkesson"),
		Number:         ptr("K-1"),
		PaymentType:    &email,
		SecondaryEmail: ptr("faktura@example.se"),
		Address:        &timewave.AddressInput{Address: ptr("Vintergatan 7"), PostalCode: ptr("722 15"), City: ptr("Västerås"), WorkareaId: ptr(6)},
		References:     &[]timewave.ReferenceCreate{{Name: "Projekt", Description: ptr("P-12")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if created.Id != 1261 || created.Clientnbr != 10261 || created.Paymenttype != timewave.PaymentEmail || len(created.Addresses) != 1 || created.Addresses[0].Workarea.Name != "Västerås" {
		t.Fatalf("%+v", created)
	}
	got, err := api.GetClient(ctx, created.Id)
	if err != nil || *got.FirstName != "Märta" {
		t.Fatalf("get: %v %v", got, err)
	}
	found, err := api.FindByNumber(ctx, "K-1")
	if err != nil || found.Id != created.Id {
		t.Fatalf("find: %v %v", found, err)
	}
	ref := created.References[0].Id
	updated, err := api.UpdateClient(ctx, created.Id, timewave.ClientUpdate{
		Status:     ptr(timewave.StatusInactive),
		References: &[]timewave.ReferenceUpdate{{Id: ref, Name: "Projekt 2"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if updated.Status != timewave.StatusInactive || *updated.FirstName != "Märta" || updated.References[0].Name != "Projekt 2" || *updated.References[0].Description != "P-12" {
		t.Fatalf("%+v", updated)
	}
}

func ptr[T any](v T) *T { return &v }

func TestErrors(t *testing.T) {
	base, _ := serve(t, mock.Config{})
	api := newAPI(t, base)
	ctx := context.Background()

	_, err := api.GetClient(ctx, 999999)
	var apiErr *timewave.APIError
	if !errors.Is(err, timewave.ErrNotFound) || !errors.As(err, &apiErr) || !strings.Contains(apiErr.Message, "999999") {
		t.Errorf("unknown id: %v", err)
	}
	if _, err := api.FindByNumber(ctx, "nope"); !errors.Is(err, timewave.ErrNotFound) {
		t.Errorf("unknown number: %v", err)
	}
	if _, err := api.FindByNumber(ctx, ""); !errors.Is(err, timewave.ErrBadRequest) {
		t.Errorf("empty number: %v", err)
	}
	if _, err := api.UpdateClient(ctx, 999999, timewave.ClientUpdate{}); !errors.Is(err, timewave.ErrNotFound) {
		t.Errorf("update unknown: %v", err)
	}

	email := timewave.PaymentEmail
	_, err = api.CreateClient(ctx, timewave.ClientCreate{PaymentType: &email, FirstName: ptr(strings.Repeat("x", 65)), EmployeeId: ptr(99)})
	var verr *timewave.ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("not a ValidationError: %v", err)
	}
	if !errors.Is(err, timewave.ErrValidation) || errors.Is(err, timewave.ErrBadRequest) || verr.Status != 422 {
		t.Errorf("sentinels: %v", err)
	}
	if !errors.As(err, &apiErr) || apiErr.Status != 422 {
		t.Errorf("a ValidationError is an APIError too: %v", err)
	}
	if got := verr.Fields(); !slices.Equal(got, []string{"employee_id", "first_name", "secondary_email"}) {
		t.Errorf("fields %v", got)
	}
	if got := verr.Field("secondary_email"); len(got) != 1 || got[0] != "The secondary email field is required when payment type is 2." {
		t.Errorf("secondary_email: %q", got)
	}
	if verr.Message != "The selected employee id is invalid. (and 2 more errors)" {
		t.Errorf("message %q", verr.Message)
	}
	if total, _ := api.ListClients(ctx, timewave.PageSize(1)); total.Total != 260 {
		t.Errorf("a rejected create was stored")
	}
	// References on update need an id of the client's own references.
	_, err = api.UpdateClient(ctx, 1002, timewave.ClientUpdate{References: &[]timewave.ReferenceUpdate{{Id: 1, Name: "x"}}})
	if !errors.As(err, &verr) || len(verr.Field("references.0.id")) != 1 {
		t.Errorf("reference of another client: %v", err)
	}
}

func TestWrongCredentials(t *testing.T) {
	base, _ := serve(t, mock.Config{})
	api, err := timewave.New(base, mock.DefaultClientID, "wrong", timewave.WithValidation())
	if err != nil {
		t.Fatal(err)
	}
	_, err = api.GetClient(context.Background(), 1001)
	var apiErr *timewave.APIError
	if !errors.Is(err, timewave.ErrUnauthorized) || !errors.As(err, &apiErr) || apiErr.OAuthCode != "invalid_client" {
		t.Fatalf("%v", err)
	}
	if strings.Contains(err.Error(), "wrong") {
		t.Errorf("the secret leaks into the error: %v", err)
	}
}

// A token fetched elsewhere with the same credentials supersedes ours: the client fetches a new one and
// the call succeeds.
func TestTokenSupersededElsewhere(t *testing.T) {
	base, cnt := serve(t, mock.Config{})
	a, b := newAPI(t, base), newAPI(t, base)
	ctx := context.Background()
	if _, err := a.GetClient(ctx, 1001); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetClient(ctx, 1001); err != nil { // invalidates a's token
		t.Fatal(err)
	}
	if _, err := a.GetClient(ctx, 1001); err != nil {
		t.Fatalf("after a newer token elsewhere: %v", err)
	}
	if _, err := a.UpdateClient(ctx, 1001, timewave.ClientUpdate{Phone: ptr("08-1")}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.CreateClient(ctx, timewave.ClientCreate{FirstName: ptr("Body replayed")}); err != nil { // b's token was superseded by a's
		t.Fatalf("create with a superseded token: %v", err)
	}
	if n := cnt.tokens.Load(); n != 4 {
		t.Errorf("%d token requests, want 4 (a, b, a again, b again)", n)
	}
	if got, _ := b.FindByNumber(ctx, "10001"); got == nil || *got.Phone != "08-1" {
		t.Errorf("update lost")
	}
}

func TestExpiredToken(t *testing.T) {
	clk := &clock{now: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
	base, cnt := serve(t, mock.Config{Now: clk.Now})
	api := newAPI(t, base)
	ctx := context.Background()
	if _, err := api.GetClient(ctx, 1001); err != nil {
		t.Fatal(err)
	}
	clk.Advance(2 * time.Hour) // the mock's token has expired; the client still believes in it
	if _, err := api.GetClient(ctx, 1001); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := cnt.tokens.Load(); n != 2 {
		t.Errorf("%d token requests, want 2", n)
	}
}

func TestConcurrentUse(t *testing.T) {
	base, cnt := serve(t, mock.Config{})
	api := newAPI(t, base)
	ctx := context.Background()
	const n = 40
	ids := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			c, err := api.CreateClient(ctx, timewave.ClientCreate{FirstName: ptr(fmt.Sprint("Kund ", i))})
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = c.Id
		})
	}
	wg.Wait()
	slices.Sort(ids)
	if len(slices.Compact(slices.Clone(ids))) != n {
		t.Errorf("ids not distinct: %v", ids)
	}
	if p, err := api.ListClients(ctx); err != nil || p.Total != 260+n {
		t.Errorf("total %v %v", p, err)
	}
	if got := cnt.tokens.Load(); got != 1 {
		t.Errorf("%d token requests for one client, want 1", got)
	}
}

func TestRetry(t *testing.T) {
	t.Run("429 with Retry-After", func(t *testing.T) {
		clk := &clock{now: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
		base, _ := serve(t, mock.Config{Now: clk.Now, RateLimit: oauth.RateLimit{Rate: 0.2, Burst: 2}})
		var waits []time.Duration
		api := newAPI(t, base, timewave.WithRetry(clientkit.RetryPolicy{MaxDelay: time.Minute, Sleep: func(_ context.Context, d time.Duration) error {
			waits = append(waits, d)
			clk.Advance(d)
			return nil
		}}))
		ctx := context.Background()
		for i := range 3 { // token + 1 fits the burst; the next ones wait 5 s each
			if _, err := api.CreateClient(ctx, timewave.ClientCreate{FirstName: ptr(fmt.Sprint(i))}); err != nil {
				t.Fatal(err)
			}
		}
		if !slices.Equal(waits, []time.Duration{5 * time.Second, 5 * time.Second}) {
			t.Errorf("waits %v", waits)
		}
		if p, _ := api.ListClients(ctx, timewave.PageSize(1)); p == nil || p.Total != 263 {
			t.Errorf("a retried create was stored twice or not at all")
		}
	})
	t.Run("429 without retry", func(t *testing.T) {
		clk := &clock{now: time.Date(2025, 3, 1, 8, 0, 0, 0, time.UTC)}
		base, _ := serve(t, mock.Config{Now: clk.Now, RateLimit: oauth.RateLimit{Rate: 0.5, Burst: 2}})
		api := newAPI(t, base)
		ctx := context.Background()
		if _, err := api.GetClient(ctx, 1001); err != nil {
			t.Fatal(err)
		}
		_, err := api.GetClient(ctx, 1001)
		var apiErr *timewave.APIError
		if !errors.Is(err, timewave.ErrRateLimited) || !errors.As(err, &apiErr) || apiErr.RetryAfter != 2*time.Second {
			t.Fatalf("%v", err)
		}
	})
	t.Run("5xx for GET and PUT only", func(t *testing.T) {
		base, _ := serve(t, mock.Config{})
		var failures atomic.Int64
		failNext := map[string]bool{}
		var mu sync.Mutex
		flaky := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			fail := failNext[r.Method] && !strings.HasSuffix(r.URL.Path, "/oauth/token")
			failNext[r.Method] = false
			mu.Unlock()
			if fail {
				failures.Add(1)
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			proxy(t, w, r, base)
		}))
		t.Cleanup(flaky.Close)
		api, err := timewave.New(flaky.URL, mock.DefaultClientID, mock.DefaultClientSecret,
			timewave.WithRetry(clientkit.RetryPolicy{Sleep: func(context.Context, time.Duration) error { return nil }}))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for _, m := range []string{"GET", "PUT", "POST"} {
			mu.Lock()
			failNext[m] = true
			mu.Unlock()
			switch m {
			case "GET":
				if _, err := api.GetClient(ctx, 1001); err != nil {
					t.Errorf("GET not retried: %v", err)
				}
			case "PUT":
				if _, err := api.UpdateClient(ctx, 1001, timewave.ClientUpdate{Phone: ptr("1")}); err != nil {
					t.Errorf("PUT not retried: %v", err)
				}
			case "POST":
				if _, err := api.CreateClient(ctx, timewave.ClientCreate{}); !errors.Is(err, timewave.ErrServer) {
					t.Errorf("POST retried or not failed: %v", err)
				}
			}
		}
		if failures.Load() != 3 {
			t.Errorf("%d failures served", failures.Load())
		}
	})
}

// proxy forwards r to base (the mock) and copies the answer.
func proxy(t *testing.T, w http.ResponseWriter, r *http.Request, base string) {
	req, err := http.NewRequestWithContext(r.Context(), r.Method, base+r.URL.RequestURI(), r.Body)
	if err != nil {
		t.Error(err)
		return
	}
	req.Header = r.Header.Clone()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Error(err)
		return
	}
	defer resp.Body.Close()
	for k, vs := range resp.Header {
		w.Header()[k] = vs
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = io.Copy(w, resp.Body)
}
