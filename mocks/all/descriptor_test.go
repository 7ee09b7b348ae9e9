package all_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// acme is a fifth vendor as small as one can be: one mount that answers its API key's holder.
type acme struct {
	key  string
	rate float64
}

func (a *acme) Name() string        { return "acme" }
func (a *acme) Title() string       { return "Acme Widgets" }
func (a *acme) Credentials() string { return "header x-api-key: " + a.key }
func (a *acme) Reset() error        { return nil }
func (a *acme) Mounts() []mockserver.Mount {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != a.key {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, "widgets")
	})
	return []mockserver.Mount{{Prefix: "/acme", Production: "https://api.acme.example", Handler: h}}
}

// acmeDescriptor is the whole of what adding acme takes, besides its line in the list; builds counts
// the mocks it made.
func acmeDescriptor(builds *atomic.Int32) mockkit.Descriptor {
	return mockkit.Descriptor{
		Name:   "acme",
		Title:  "Acme Widgets",
		Mounts: []mockkit.MountSpec{{Prefix: "/acme"}},
		Settings: []mockkit.Setting{
			{Flag: "acme-api-key", Env: "VENDORCTL_ACME_API_KEY", Default: "acme-key", Usage: "Acme x-api-key", Credential: mockkit.APIKey},
			{Flag: "acme-rate-limit", Default: "0", Kind: mockkit.KindRate, Usage: "Acme rate limit"},
		},
		Build: func(c mockkit.BuildConfig) (mockserver.Vendor, error) {
			builds.Add(1)
			return &acme{key: c.String("acme-api-key"), rate: c.Rate("acme-rate-limit")}, nil
		},
	}
}

func TestFifthVendorIsOneDescriptor(t *testing.T) {
	var builds atomic.Int32
	descs := append(all.Descriptors(), acmeDescriptor(&builds))
	settings := map[string]string{"acme-api-key": "k2", "acme-rate-limit": "2.5"}
	vendors, err := all.Build(descs, all.Config{Settings: settings, Options: mockkit.TestOptions(t)})
	if err != nil {
		t.Fatal(err)
	}
	if got := len(vendors); got != len(all.Names())+1 || vendors[len(vendors)-1].Name() != "acme" {
		t.Fatalf("built %d vendors, want the %d known and acme last", got, len(all.Names()))
	}
	if a := vendors[len(vendors)-1].(*acme); a.key != "k2" || a.rate != 2.5 {
		t.Errorf("acme built with key %q rate %g, want the settings k2 and 2.5", a.key, a.rate)
	}
	srv, err := mockserver.NewServer(nil, vendors...)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	creds := all.CredentialsOf(descs[len(descs)-1], settings)
	if creds.APIKey != "k2" {
		t.Fatalf("credentials %+v, want APIKey k2", creds)
	}
	req, _ := http.NewRequest("GET", ts.URL+"/acme/widgets", nil)
	req.Header.Set("x-api-key", creds.APIKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(body) != "widgets" {
		t.Errorf("GET /acme/widgets with its credentials: %d %q", resp.StatusCode, body)
	}
	if titles := healthTitles(t, ts.URL); titles["acme"] != "Acme Widgets" {
		t.Errorf("health lists %v, want acme as Acme Widgets", titles)
	}
}

func healthTitles(t *testing.T, base string) map[string]string {
	t.Helper()
	resp, err := http.Get(base + "/__admin/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var h struct {
		APIs []struct{ Name, Title string } `json:"apis"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&h); err != nil {
		t.Fatal(err)
	}
	titles := map[string]string{}
	for _, a := range h.APIs {
		titles[a.Name] = a.Title
	}
	return titles
}

func TestOnlyBuildsOnlyTheNamed(t *testing.T) {
	var builds atomic.Int32
	descs := []mockkit.Descriptor{acmeDescriptor(&builds), {Name: "never", Build: func(mockkit.BuildConfig) (mockserver.Vendor, error) {
		t.Error("a vendor Only does not name was built")
		return nil, errors.New("not wanted")
	}}}
	vendors, err := all.Build(descs, all.Config{Only: []string{"acme"}})
	if err != nil || len(vendors) != 1 || builds.Load() != 1 {
		t.Fatalf("Only(acme): %d vendors, %d builds, err %v; want 1 and 1", len(vendors), builds.Load(), err)
	}
	if _, err := all.Build(descs, all.Config{Only: []string{"acne"}}); err == nil || !strings.Contains(err.Error(), `"acne"`) {
		t.Errorf("Only(acne): err %v, want the unknown name", err)
	}
}

func TestSettingsAreCheckedBeforeAnyBuild(t *testing.T) {
	var builds atomic.Int32
	descs := append(all.Descriptors(), acmeDescriptor(&builds))
	for _, tc := range []struct {
		flag, value string
		want        error
	}{
		{"acme-rate-limit", "-1", mockkit.ErrRate},
		{"timewave-rate-limit", "NaN", mockkit.ErrRate},
		{"mediaconnect-rate-limit", "+Inf", mockkit.ErrRate},
		{"mediaconnect-token-ttl", "0s", nil},
		{"mediaconnect-token-ttl", "soon", nil},
		{"vitecauto-api-kee", "k", mockkit.ErrUnknownSetting},
	} {
		_, err := all.Build(descs, all.Config{Settings: map[string]string{tc.flag: tc.value}})
		var se *mockkit.SettingError
		if !errors.As(err, &se) || se.Flag != tc.flag || se.Value != tc.value {
			t.Errorf("%s=%s: err %v, want a SettingError naming the flag", tc.flag, tc.value, err)
			continue
		}
		if tc.want != nil && !errors.Is(err, tc.want) {
			t.Errorf("%s=%s: err %v, want %v", tc.flag, tc.value, err, tc.want)
		}
		if !strings.HasPrefix(err.Error(), "--"+tc.flag+" "+tc.value+": ") {
			t.Errorf("%s=%s: text %q does not start with the flag and value", tc.flag, tc.value, err)
		}
	}
	if n := builds.Load(); n != 0 {
		t.Errorf("%d vendors built with a bad setting, want none", n)
	}
}

// Each descriptor says what its mock is: name, title, mounts, credentials and fixture files.
func TestDescriptorsMatchTheirMocks(t *testing.T) {
	vendors, err := all.New(all.Config{Options: mockkit.TestOptions(t)})
	if err != nil {
		t.Fatal(err)
	}
	flags := map[string]bool{}
	for i, d := range all.Descriptors() {
		v := vendors[i]
		if v.Name() != d.Name || v.Title() != d.Title {
			t.Errorf("vendor %d is %s %q, its descriptor %s %q", i, v.Name(), v.Title(), d.Name, d.Title)
		}
		var mounts []mockkit.MountSpec
		for _, m := range v.Mounts() {
			mounts = append(mounts, mockkit.MountSpec{Prefix: m.Prefix, API: m.API})
		}
		if !slices.Equal(mounts, d.Mounts) {
			t.Errorf("%s mounts %v, descriptor %v", d.Name, mounts, d.Mounts)
		}
		for _, s := range d.Settings {
			if flags[s.Flag] || !strings.HasPrefix(s.Flag, d.Name+"-") || !strings.HasPrefix(s.Env, "VENDORCTL_") {
				t.Errorf("%s setting %q (env %q): want a unique flag named after the vendor and a VENDORCTL_ variable", d.Name, s.Flag, s.Env)
			}
			flags[s.Flag] = true
			if s.Credential != mockkit.NotCredential && !strings.Contains(v.Credentials(), s.Default) {
				t.Errorf("%s describes its credentials as %q, without the default %s %q", d.Name, v.Credentials(), s.Flag, s.Default)
			}
		}
		if (all.Config{}).Credentials(d.Name) == (all.Credentials{}) {
			t.Errorf("%s has no credentials", d.Name)
		}
		for _, f := range d.Fixtures {
			if _, err := os.Stat(filepath.Join("..", d.Name, "fixtures", f)); err != nil {
				t.Errorf("%s fixture %s: %v", d.Name, f, err)
			}
		}
	}
}

func TestCredentialsFollowSettings(t *testing.T) {
	got := all.Config{Settings: map[string]string{"vitecmaklare-user": "u"}}.Credentials("vitecmaklare")
	if want := (all.Credentials{User: "u", Password: "mock-password"}); got != want {
		t.Errorf("credentials %+v, want %+v", got, want)
	}
	if got := (all.Config{}).Credentials("nope"); got != (all.Credentials{}) {
		t.Errorf("credentials of an unknown api: %+v", got)
	}
}

// The README's vendor table lists every vendor, each mount's production and mock URL, and the
// default credentials, as the descriptors and their mocks say.
func TestREADMEVendorTable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := vendorTableRows(t, string(readme))
	vendors, err := all.New(all.Config{Options: mockkit.TestOptions(t)})
	if err != nil {
		t.Fatal(err)
	}
	var listed []string
	for name := range rows {
		listed = append(listed, name)
	}
	slices.Sort(listed)
	if want := slices.Sorted(slices.Values(all.Names())); !slices.Equal(listed, want) {
		t.Errorf("README vendor table lists %v, the descriptors %v", listed, want)
	}
	for i, d := range all.Descriptors() {
		text := strings.Join(rows[d.Name], "\n")
		for _, m := range vendors[i].Mounts() {
			if !strings.Contains(text, "`"+m.Production+"`") || !strings.Contains(text, "`http://127.0.0.1:8080"+m.Prefix+"`") {
				t.Errorf("README has no %s row with production %s and mock %s", d.Name, m.Production, m.Prefix)
			}
		}
		for _, s := range d.Settings {
			if s.Credential != mockkit.NotCredential && !strings.Contains(text, s.Default) {
				t.Errorf("README's %s rows do not give the default of %s (%q)", d.Name, s.Flag, s.Default)
			}
		}
	}
}

// vendorTableRows are the rows of the README table headed "| API | production base URL", by the API
// name in their first cell.
func vendorTableRows(t *testing.T, readme string) map[string][]string {
	t.Helper()
	_, table, ok := strings.Cut(readme, "| API | production base URL")
	if !ok {
		t.Fatal("README has no vendor table")
	}
	rows := map[string][]string{}
	for _, line := range strings.Split(table, "\n")[2:] {
		if !strings.HasPrefix(line, "| `") {
			break
		}
		name, _, _ := strings.Cut(strings.TrimPrefix(line, "| `"), "`")
		rows[name] = append(rows[name], line)
	}
	return rows
}
