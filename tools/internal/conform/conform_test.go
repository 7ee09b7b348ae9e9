package conform_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/conform"
	"github.com/vendorctl/vendorctl/tools/internal/upstreamtest"
)

var update = flag.Bool("update", false, "rewrite golden files")

// golden compares got with testdata/golden/NAME, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

// fakeClock advances one millisecond every time it is read, so durations in reports are reproducible.
func fakeClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2025, 11, 5, 8, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Millisecond)
		return t
	}
}

func loadSpec(t testing.TB, api string) *specs.Spec {
	t.Helper()
	spec, err := specs.Load(api)
	if err != nil {
		t.Fatal(err)
	}
	return spec
}

// startMocks serves every mock of mocks/all; a mock response that violates its spec fails the test.
func startMocks(t *testing.T) (string, []mockserver.Vendor) {
	t.Helper()
	return startMocksWith(t, func(h http.Handler) http.Handler { return h })
}

// startMocksWith is startMocks with the mocks' handler wrapped.
func startMocksWith(t *testing.T, wrap func(http.Handler) http.Handler) (string, []mockserver.Vendor) {
	t.Helper()
	vendors, err := all.New(all.Config{Options: mockkit.TestOptions(t)})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.NewServer(nil, vendors...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(wrap(srv.Handler()))
	t.Cleanup(ts.Close)
	return ts.URL, vendors
}

// MockConfig points conform at the mock of api served on base: the production URLs of the spec (server,
// token and authorize URLs) are mapped onto the mock's mounts, and the credentials are the mock's.
func mockConfig(t testing.TB, base string, vendors []mockserver.Vendor, api string) conform.Config {
	t.Helper()
	spec := loadSpec(t, api)
	mock := func(production string) string {
		for _, v := range vendors {
			for _, m := range v.Mounts() {
				if production == m.Production || strings.HasPrefix(production, m.Production+"/") {
					return base + m.Prefix + strings.TrimPrefix(production, m.Production)
				}
			}
		}
		t.Fatalf("no mock mount serves %s", production)
		return ""
	}
	mc := all.Config{}.Credentials(api)
	creds := conform.Credentials{APIKey: mc.APIKey, User: mc.User, Password: mc.Password, ClientID: mc.ClientID, ClientSecret: mc.ClientSecret}
	for _, ref := range spec.Doc().Components.SecuritySchemes {
		if f := ref.Value.Flows; f != nil {
			if f.ClientCredentials != nil {
				creds.TokenURL = mock(f.ClientCredentials.TokenURL)
			}
			if f.AuthorizationCode != nil {
				creds.TokenURL = mock(f.AuthorizationCode.TokenURL)
				creds.AuthorizeURL = mock(f.AuthorizationCode.AuthorizationURL)
			}
		}
	}
	return conform.Config{Spec: spec, BaseURL: mock(spec.ServerURL()), Credentials: creds, AllowWrites: true}
}

func run(t *testing.T, cfg conform.Config) *conform.Report {
	t.Helper()
	r, err := conform.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := r.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func text(t *testing.T, rep *conform.Report) string {
	t.Helper()
	var b bytes.Buffer
	if err := conform.WriteText(&b, rep); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestConformPassesAgainstEveryMock(t *testing.T) {
	base, vendors := startMocks(t)
	for _, api := range all.Names() {
		t.Run(api, func(t *testing.T) {
			cfg := mockConfig(t, base, vendors, api)
			var progress bytes.Buffer
			cfg.Progress = &progress
			rep := run(t, cfg)
			out := text(t, rep)
			if !rep.Passed() {
				t.Fatalf("conform failed against the %s mock:\n%s%s", api, progress.String(), out)
			}
			if n := strings.Count(progress.String(), "\n"); n != len(rep.Operations)+len(rep.Flows) {
				t.Errorf("%d progress lines for %d operations and flows", n, len(rep.Operations)+len(rep.Flows))
			}
			// With the mock's credentials and writes allowed, nothing is left unchecked but what the
			// operation does not have (a security requirement, an input that can be made invalid).
			for _, op := range rep.Targets() {
				for _, ch := range op.Checks {
					if ch.Status == conform.Skip && !strings.Contains(ch.Reason, "has no security requirement") &&
						!strings.Contains(ch.Reason, "can be made invalid") {
						t.Errorf("%s %s skipped: %s", op.Name, ch.Name, ch.Reason)
					}
				}
			}
		})
	}
}

// driftReport runs conform against the drifted Vitec Autodata stand-in.
func driftReport(t *testing.T, drifted bool) (*conform.Report, string) {
	t.Helper()
	ts := httptest.NewServer(upstreamtest.VitecAuto(drifted))
	t.Cleanup(ts.Close)
	var progress bytes.Buffer
	rep := run(t, conform.Config{
		Spec: loadSpec(t, "vitecauto"), BaseURL: ts.URL, Credentials: conform.Credentials{APIKey: upstreamtest.APIKey},
		Now: fakeClock(), Progress: &progress,
	})
	return rep, ts.URL
}

func TestConformNamesEveryDrift(t *testing.T) {
	rep, _ := driftReport(t, true)
	if rep.Passed() {
		t.Fatal("conform passed against a drifted upstream")
	}
	failed := map[string][]string{}
	for _, op := range rep.Targets() {
		for _, ch := range op.Checks {
			for _, v := range ch.Violations {
				failed[ch.Name] = append(failed[ch.Name], v.String())
			}
		}
	}
	want := map[string][]string{
		"response_schema_conformance": {
			"example → 200: kredLim: value must be an integer",
			"example → 200: kundenummer: required property is missing",
			"negative: query companyId = vendorctl-invalid → 400: error: required property is missing",
		},
		"undocumented_fields": {
			"example → 200: kundeType: property is not documented in the spec",
			"negative: query companyId = vendorctl-invalid → 400: message: property is not documented in the spec",
		},
	}
	for check, lines := range want {
		got := strings.Join(failed[check], "\n")
		for _, line := range lines {
			if !strings.Contains(got, line) {
				t.Errorf("%s does not report %q; it reports:\n%s", check, line, got)
			}
		}
	}
	for check := range failed {
		if _, ok := want[check]; !ok {
			t.Errorf("unexpected failure of %s: %v", check, failed[check])
		}
	}
}

func TestReportsGolden(t *testing.T) {
	for _, tc := range []struct {
		name    string
		drifted bool
	}{{"drifted", true}, {"documented", false}} {
		t.Run(tc.name, func(t *testing.T) {
			rep, url := driftReport(t, tc.drifted)
			if rep.Passed() == tc.drifted {
				t.Fatalf("passed = %v", rep.Passed())
			}
			for _, f := range []struct {
				ext   string
				write func(w *bytes.Buffer, rep *conform.Report) error
			}{
				{"txt", func(w *bytes.Buffer, rep *conform.Report) error { return conform.WriteText(w, rep) }},
				{"junit.xml", func(w *bytes.Buffer, rep *conform.Report) error { return conform.WriteJUnit(w, rep) }},
				{"json", func(w *bytes.Buffer, rep *conform.Report) error { return conform.WriteJSON(w, rep) }},
			} {
				var b bytes.Buffer
				if err := f.write(&b, rep); err != nil {
					t.Fatal(err)
				}
				golden(t, "vitecauto-"+tc.name+"."+f.ext, bytes.ReplaceAll(b.Bytes(), []byte(url), []byte("http://upstream.test")))
			}
		})
	}
}

func TestUnreachableBaseURL(t *testing.T) {
	ts := httptest.NewServer(http.NotFoundHandler())
	url := ts.URL
	ts.Close()
	r, err := conform.New(conform.Config{Spec: loadSpec(t, "vitecauto"), BaseURL: url})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Run(context.Background()); !errors.Is(err, conform.ErrUnreachable) {
		t.Fatalf("err = %v, want ErrUnreachable", err)
	}
}

func TestConfigErrors(t *testing.T) {
	spec := loadSpec(t, "vitecauto")
	for _, cfg := range []conform.Config{
		{BaseURL: "http://127.0.0.1:1"},
		{Spec: spec, BaseURL: "ftp://example.no"},
		{Spec: spec, BaseURL: "127.0.0.1:8080"},
		{Spec: spec, BaseURL: "http://127.0.0.1:1", Exclude: []string{"no_such_check"}},
		{Spec: spec, BaseURL: "http://127.0.0.1:1", Vendor: &conform.Vendor{Flows: []conform.Flow{{Name: "f", Operations: []string{"nope"}}}}},
	} {
		if _, err := conform.New(cfg); !errors.Is(err, conform.ErrConfig) {
			t.Errorf("%+v: err = %v, want ErrConfig", cfg, err)
		}
	}
}

func TestExcludeChecks(t *testing.T) {
	ts := httptest.NewServer(upstreamtest.VitecAuto(true))
	defer ts.Close()
	rep := run(t, conform.Config{
		Spec: loadSpec(t, "vitecauto"), BaseURL: ts.URL, Credentials: conform.Credentials{APIKey: upstreamtest.APIKey},
		Exclude: []string{"response_schema_conformance", "undocumented_fields"},
	})
	if !rep.Passed() || rep.Summary.Checks != len(conform.Checks())-3 { // the flow-only check does not apply either
		t.Fatalf("summary %+v:\n%s", rep.Summary, text(t, rep))
	}
}

func TestNoCredentialsSkipsWhatNeedsThem(t *testing.T) {
	ts := httptest.NewServer(upstreamtest.VitecAuto(false))
	defer ts.Close()
	rep := run(t, conform.Config{Spec: loadSpec(t, "vitecauto"), BaseURL: ts.URL})
	if rep.Passed() || rep.Summary.Failed != 0 || len(rep.MissingCredentials) != 1 || !strings.Contains(rep.MissingCredentials[0].Reason, "VENDORCTL_API_KEY") {
		t.Fatalf("want a run that fails for the missing key alone, naming VENDORCTL_API_KEY:\n%s", text(t, rep))
	}
	if rep := run(t, conform.Config{Spec: loadSpec(t, "vitecauto"), BaseURL: ts.URL, AllowSkips: true}); !rep.Passed() {
		t.Fatalf("failed with AllowSkips:\n%s", text(t, rep))
	}
	status := map[string]conform.CheckResult{}
	for _, ch := range rep.Operations[0].Checks {
		status[ch.Name] = ch
	}
	for _, name := range []string{"positive_data_acceptance", "negative_data_rejection"} {
		if ch := status[name]; ch.Status != conform.Skip || !strings.Contains(ch.Reason, "--api-key") {
			t.Errorf("%s = %+v, want a skip that names --api-key", name, ch)
		}
	}
	if ch := status["auth_enforced"]; ch.Status != conform.Pass {
		t.Errorf("auth_enforced = %+v, want pass (it needs no valid credentials)", ch)
	}
}

func TestWrongCredentialsFail(t *testing.T) {
	ts := httptest.NewServer(upstreamtest.VitecAuto(false))
	defer ts.Close()
	rep := run(t, conform.Config{Spec: loadSpec(t, "vitecauto"), BaseURL: ts.URL, Credentials: conform.Credentials{APIKey: "wrong"}})
	if rep.Passed() {
		t.Fatalf("passed with a wrong key:\n%s", text(t, rep))
	}
	out := text(t, rep)
	if !strings.Contains(out, "example → 401: a request built from the spec's examples was refused") || strings.Contains(out, "wrong") {
		t.Errorf("report does not name the refused example, or shows the key:\n%s", out)
	}
}
