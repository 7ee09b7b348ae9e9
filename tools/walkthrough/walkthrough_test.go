// Package walkthrough is the executable form of the README's "Updating a spec when the vendor docs
// change": it copies the repository into a temporary folder, applies a scripted doc change to the
// Vitec Autodata spec (a new optional response field, a new endpoint, a removed required field), and
// runs what the README runs: make generate, go build, vendorctl diff, make apidiff, and the mock.
package walkthrough

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// edit is one scripted change to a file of the copy: old must occur exactly once.
type edit struct{ file, old, new string }

// docChange is the vendor's doc change, as a person would make it: a new optional field epostFaktura
// in the customer record, a new endpoint GET /api/ping, and fax no longer in the record (the spec, the
// mock's fixtures and the test record lose it, as the README says).
var docChange = []edit{
	{"specs/vitecauto/openapi.yaml", "        tlf, mobil, fax, email,", "        tlf, mobil, email,"},
	{"specs/vitecauto/openapi.yaml", `        fax:
          type: string
          nullable: true
          description: Not described in the doc (fax).
`, `        epostFaktura:
          type: boolean
          description: Invoices go by e-mail (new in the doc; optional).
`},
	{"specs/vitecauto/openapi.yaml", "                    fax: null\n", ""},
	{"specs/vitecauto/openapi.yaml", "components:\n  securitySchemes:", `  /api/ping:
    get:
      operationId: getPing
      summary: Check the API key (new in the doc)
      responses:
        "200":
          description: The key is valid.
          content:
            application/json:
              schema:
                type: object
                required: [status]
                properties:
                  status:
                    type: string
                    enum: [ok]
              examples:
                ok:
                  value:
                    status: ok
        "401":
          $ref: "#/components/responses/Unauthorized"
components:
  securitySchemes:`},
	{"mocks/vitecauto/testdata/documented-record.json", "  \"fax\": null,\n", ""},
}

func TestDocsChangeWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("copies the repository and builds it: not with -short")
	}
	for _, tool := range []string{"git", "make", "go"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s is not installed", tool)
		}
	}
	dir := copyRepo(t)
	for _, e := range docChange {
		apply(t, dir, e)
	}
	dropFixtureField(t, filepath.Join(dir, "mocks/vitecauto/fixtures/customers.json"), "fax")

	start := time.Now()
	sh(t, dir, 0, "make", "generate")
	sh(t, dir, 0, "go", "build", "./...")
	sh(t, dir, 0, "go", "test", "-count=1", "./specs/", "./mocks/vitecauto/")
	sh(t, dir, 0, "go", "build", "-o", "bin/vendorctl", "./tools/vendorctl")
	t.Logf("generate, build, test: %v", time.Since(start).Round(time.Millisecond))

	t.Run("vendorctl diff", func(t *testing.T) { checkDiff(t, dir) })
	t.Run("make apidiff", func(t *testing.T) { checkAPIDiff(t, dir) })
	t.Run("mock", func(t *testing.T) { checkMock(t, dir) })
}

func checkDiff(t *testing.T, dir string) {
	out := sh(t, dir, 1, "bin/vendorctl", "diff", "--api", "vitecauto", "--base", "HEAD", "--all")
	for _, want := range []string{
		"GET /api/customer\n",
		"error   removed the required property `fax` from the response with the `200` status [response-required-property-removed]",
		"[response-optional-property-added]",
		"GET /api/ping\n",
		"[endpoint-added]",
		"[api-version-not-bumped]",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("vendorctl diff --all lacks %q:\n%s", want, out)
		}
	}
}

func checkAPIDiff(t *testing.T, dir string) {
	// make reports the tool's exit 1 as a failed recipe (make itself exits 2).
	out := sh(t, dir, 2, "make", "apidiff", "BASE=HEAD")
	for _, want := range []string{
		"github.com/vendorctl/vendorctl/gen/vitecauto\n",
		"  - Customer.Fax: removed\n",
		// a new operation is a new method of the generated interfaces: code implementing them breaks
		// unless it embeds StrictExampleFallback, as the mocks do.
		"  - StrictServerInterface.GetPing: added\n",
		"incompatible changes in 1 package\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("make apidiff lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "EpostFaktura") {
		t.Errorf("make apidiff reports the new optional field, which breaks no Go caller:\n%s", out)
	}
}

var baseLine = regexp.MustCompile(`mock vendors on (http://[0-9.:]+)`)

func checkMock(t *testing.T, dir string) {
	base, table := serve(t, dir)
	if !strings.Contains(table, "vitecauto: answered from the spec's examples (no handler): getPing\n") {
		t.Errorf("the start table does not list getPing as example-answered:\n%s", table)
	}
	var health struct {
		APIs []struct {
			Name            string   `json:"name"`
			ExampleAnswered []string `json:"exampleAnswered"`
		} `json:"apis"`
	}
	_, _, body := get(t, base+"/__admin/health", nil)
	if err := json.Unmarshal(body, &health); err != nil {
		t.Fatalf("health: %v: %s", err, body)
	}
	for _, api := range health.APIs {
		if got := strings.Join(api.ExampleAnswered, ","); (api.Name == "vitecauto") != (got == "getPing") {
			t.Errorf("health: %s exampleAnswered %q", api.Name, got)
		}
	}
	key := map[string]string{"x-api-key": "mock-api-key"}
	checkAnswer(t, base+"/vitecauto/api/ping", nil, 401, "", `"error"`)
	checkAnswer(t, base+"/vitecauto/api/ping", key, 200, "example", `{"status":"ok"}`)
	status, _, body := get(t, base+"/vitecauto/api/customer?companyId=998&customerId=500190", key)
	if status != 200 || bytes.Contains(body, []byte(`"fax"`)) {
		t.Errorf("getCustomer: %d %s; want 200 without fax", status, body)
	}

	out := sh(t, dir, 0, "bin/vendorctl", "conform", "--api", "vitecauto", "--base-url", base+"/vitecauto", "--api-key", "mock-api-key")
	if !strings.Contains(out, "getPing GET /api/ping: ") || !strings.Contains(out, "(answered from the spec's examples)\n") ||
		!strings.Contains(out, "example-answered (the server has no handler; the checks test the spec's examples): getPing\n") {
		t.Errorf("conform does not report getPing as example-answered:\n%s", out)
	}
}

// checkAnswer asks url and checks the status, the X-Vendorctl-Answer header and a part of the body.
func checkAnswer(t *testing.T, url string, header map[string]string, status int, answer, body string) {
	t.Helper()
	gotStatus, h, gotBody := get(t, url, header)
	if gotStatus != status || h.Get("X-Vendorctl-Answer") != answer || !bytes.Contains(gotBody, []byte(body)) {
		t.Errorf("GET %s: %d, X-Vendorctl-Answer %q, %s; want %d, %q, %s", url, gotStatus, h.Get("X-Vendorctl-Answer"), gotBody, status, answer, body)
	}
}

// serve starts the copy's vendorctl on a free port until the test ends; it returns the base URL and the
// start table.
func serve(t *testing.T, dir string) (string, string) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, filepath.Join(dir, "bin/vendorctl"), "serve", "--addr", "127.0.0.1:0", "--log-level", "error")
	cmd.Dir = dir
	var stdout syncBuffer
	cmd.Stdout, cmd.Stderr = &stdout, io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); _ = cmd.Wait() })
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if m := baseLine.FindStringSubmatch(stdout.String()); m != nil {
			if status, _, _ := get(t, m[1]+"/__admin/health", nil); status == 200 {
				return m[1], stdout.String()
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("serve did not start: %s", stdout.String())
	return "", ""
}

func get(t *testing.T, url string, header map[string]string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, nil, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, body
}

// copyRepo copies the files git tracks (as they are in the work tree) into a temporary folder and
// commits them there, so that --base HEAD and BASE=HEAD name the repository before the doc change.
func copyRepo(t *testing.T) string {
	t.Helper()
	root := strings.TrimSpace(sh(t, ".", 0, "git", "rev-parse", "--show-toplevel"))
	dst := t.TempDir()
	for _, name := range strings.Split(strings.TrimSpace(sh(t, root, 0, "git", "ls-files", "-z")), "\x00") {
		if name == "" {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, name))
		if errors.Is(err, os.ErrNotExist) {
			continue // deleted in the work tree
		}
		if err != nil {
			t.Fatal(err)
		}
		target := filepath.Join(dst, name)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(target, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sh(t, dst, 0, "git", "init", "-q")
	sh(t, dst, 0, "git", "add", "-A")
	sh(t, dst, 0, "git", "-c", "user.email=walkthrough@example.invalid", "-c", "user.name=walkthrough", "commit", "-q", "-m", "before the doc change")
	return dst
}

func apply(t *testing.T, dir string, e edit) {
	t.Helper()
	path := filepath.Join(dir, e.file)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(string(data), e.old); n != 1 {
		t.Fatalf("%s: the scripted edit's text occurs %d times, want once: %q", e.file, n, e.old)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), e.old, e.new, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
}

// dropFixtureField removes field from every record of a JSON array fixture.
func dropFixtureField(t *testing.T, path, field string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var records []map[string]json.RawMessage
	if err := json.Unmarshal(data, &records); err != nil {
		t.Fatal(err)
	}
	for _, r := range records {
		delete(r, field)
	}
	out, err := json.MarshalIndent(records, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// sh runs a command in dir and fails the test unless it exits with code; it returns stdout and stderr.
func sh(t *testing.T, dir string, code int, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	got := 0
	var exit *exec.ExitError
	if errors.As(err, &exit) {
		got = exit.ExitCode()
	} else if err != nil {
		t.Fatalf("%s %v: %v", name, args, err)
	}
	if got != code {
		t.Fatalf("%s %s: exit %d, want %d:\n%s", name, strings.Join(args, " "), got, code, out.String())
	}
	return out.String()
}

// syncBuffer is a bytes.Buffer safe for the writer goroutine of exec and the test reading it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
