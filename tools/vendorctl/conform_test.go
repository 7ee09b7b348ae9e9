package main

import (
	"encoding/json"
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/conform"
	"github.com/vendorctl/vendorctl/tools/internal/upstreamtest"
)

// conformArgs are the flags that point conform at one vendor of `vendorctl serve` on base, with the
// mock's default credentials: the spec's production URLs (server, token, authorize) are mapped onto the
// mock's mounts.
func conformArgs(t *testing.T, api, base string) []string {
	t.Helper()
	vendors, err := all.New(all.Config{})
	if err != nil {
		t.Fatal(err)
	}
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
	spec, err := specs.Load(api)
	if err != nil {
		t.Fatal(err)
	}
	args := []string{"--api", api, "--base-url", mock(spec.ServerURL()), "--allow-writes"}
	c := all.Config{}.Credentials(api)
	for _, f := range []struct{ flag, value string }{
		{"--api-key", c.APIKey}, {"--user", c.User}, {"--password", c.Password},
		{"--client-id", c.ClientID}, {"--client-secret", c.ClientSecret},
	} {
		if f.value != "" {
			args = append(args, f.flag, f.value)
		}
	}
	for _, ref := range spec.Doc().Components.SecuritySchemes {
		if fl := ref.Value.Flows; fl != nil {
			if fl.ClientCredentials != nil {
				args = append(args, "--token-url", mock(fl.ClientCredentials.TokenURL))
			}
			if fl.AuthorizationCode != nil {
				args = append(args, "--token-url", mock(fl.AuthorizationCode.TokenURL), "--authorize-url", mock(fl.AuthorizationCode.AuthorizationURL))
			}
		}
	}
	return args
}

type junitReport struct {
	Tests  int `xml:"tests,attr"`
	Suites []struct {
		Name  string `xml:"name,attr"`
		Cases []struct {
			Classname string    `xml:"classname,attr"`
			Name      string    `xml:"name,attr"`
			Failure   *struct{} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func TestConformAgainstServe(t *testing.T) {
	base, _, _ := startServe(t)
	for _, api := range all.Names() {
		t.Run(api, func(t *testing.T) {
			dir := t.TempDir()
			junitPath, jsonPath := filepath.Join(dir, "report.xml"), filepath.Join(dir, "report.json")
			args := append([]string{"conform", "--max-examples", "20", "--seed", "1", "--junit", junitPath, "--json", jsonPath}, conformArgs(t, api, base)...)
			stdout, stderr, code := runCmd(t, args...)
			if code != 0 {
				t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
			}
			var rep conform.Report
			data, err := os.ReadFile(jsonPath)
			if err != nil || json.Unmarshal(data, &rep) != nil {
				t.Fatalf("JSON report: %v\n%s", err, data)
			}
			var ju junitReport
			data, err = os.ReadFile(junitPath)
			if err != nil || xml.Unmarshal(data, &ju) != nil {
				t.Fatalf("JUnit report: %v\n%s", err, data)
			}
			cases := 0
			for _, target := range rep.Targets() {
				for _, s := range ju.Suites {
					if strings.HasPrefix(s.Name, api+" "+target.Name+" ") {
						if len(s.Cases) != len(target.Checks) {
							t.Errorf("%s: %d testcases for %d checks", s.Name, len(s.Cases), len(target.Checks))
						}
						cases += len(s.Cases)
					}
				}
			}
			if cases == 0 || cases != ju.Tests || cases != rep.Summary.Checks {
				t.Errorf("%d testcases, tests=%d, %d checks", cases, ju.Tests, rep.Summary.Checks)
			}
			if !strings.Contains(stdout, "PASSED:") || strings.Count(stdout, "\n[") != len(rep.Targets())-1 {
				t.Errorf("stdout lacks the progress lines or the verdict:\n%s", stdout)
			}
		})
	}
}

func TestConformDrifted(t *testing.T) {
	ts := httptest.NewServer(upstreamtest.VitecAuto(true))
	defer ts.Close()
	t.Setenv("VENDORCTL_API_KEY", upstreamtest.APIKey) // credentials from the environment
	stdout, stderr, code := runCmd(t, "conform", "--api", "vitecauto", "--base-url", ts.URL, "--max-examples", "0")
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	golden(t, "conform-drifted.txt", []byte(strings.ReplaceAll(stdout, ts.URL, "http://upstream.test")))
	for _, field := range []string{"kredLim: value must be an integer", "kundenummer: required property is missing"} {
		if !strings.Contains(stdout, field) {
			t.Errorf("stdout does not name %q", field)
		}
	}
	if strings.Contains(stdout+stderr, upstreamtest.APIKey) {
		t.Error("the API key was printed")
	}
}

func TestConformUsage(t *testing.T) {
	dead := httptest.NewServer(http.NotFoundHandler())
	dead.Close()
	for _, tc := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"no api", []string{"--base-url", "http://127.0.0.1:1"}, "needs --api"},
		{"no base url", []string{"--api", "vitecauto"}, "needs --api and --base-url"},
		{"unknown api", []string{"--api", "nope", "--base-url", "http://127.0.0.1:1"}, "unknown api"},
		{"bad base url", []string{"--api", "vitecauto", "--base-url", "127.0.0.1"}, "base URL"},
		{"unknown check", []string{"--api", "vitecauto", "--base-url", dead.URL, "--exclude-checks", "nope"}, "unknown check"},
		{"unreachable", []string{"--api", "vitecauto", "--base-url", dead.URL}, "unreachable"},
		{"bad flag", []string{"--bogus"}, "bogus"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, code := runCmd(t, append([]string{"conform"}, tc.args...)...)
			if code != 2 || !strings.Contains(stderr, tc.stderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tc.stderr)
			}
		})
	}
}

// Without --token-url, conform refuses the spec's token URL when it is on another host than
// --base-url (Mediaconnect's production ConnectID for a mock's base), before sending anything.
func TestConformRefusesAnUnnamedTokenHost(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits.Add(1) }))
	defer ts.Close()
	stdout, stderr, code := runCmd(t, "conform", "--api", "mediaconnect", "--base-url", ts.URL+"/mediaconnect/capi",
		"--client-id", "mock-client", "--client-secret", "mock-secret")
	if code != 2 || stdout != "" || hits.Load() != 0 {
		t.Fatalf("exit %d, %d requests sent, stdout %q; want 2, none and nothing", code, hits.Load(), stdout)
	}
	golden(t, "conform-unnamed-token-host.txt", []byte(strings.ReplaceAll(stderr, ts.URL, "http://127.0.0.1:PORT")))
	if strings.Contains(stderr, "mock-secret") {
		t.Error("the client secret was printed")
	}
}

// A run that skips checks for want of a user token exits 1 naming --authorize-url and --allow-skips;
// with --allow-skips it passes. The summary counts the operations answered 2xx.
func TestConformFailsOnSkipsForMissingCredentials(t *testing.T) {
	base, _, _ := startServe(t)
	args := []string{"conform", "--max-examples", "0", "--api", "mediaconnect", "--base-url", base + "/mediaconnect/capi",
		"--client-id", "mock-client", "--client-secret", "mock-secret", "--token-url", base + "/connectid/user/oauth/token"}
	stdout, stderr, code := runCmd(t, args...)
	if code != 1 {
		t.Fatalf("exit %d, want 1\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	golden(t, "conform-missing-credentials.txt", []byte(strings.ReplaceAll(stdout, base, "http://127.0.0.1:PORT")))
	stdout, stderr, code = runCmd(t, append(args, "--allow-skips")...)
	if code != 0 || !strings.Contains(stdout, "allowed by --allow-skips") || !strings.Contains(stdout, "\nPASSED: ") {
		t.Fatalf("with --allow-skips: exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

func TestConformHelp(t *testing.T) {
	stdout, stderr, code := runCmd(t, "conform", "-h")
	if code != 0 || stdout != "" {
		t.Fatalf("exit %d, stdout %q", code, stdout)
	}
	golden(t, "conform-help.txt", []byte(stderr))
}
