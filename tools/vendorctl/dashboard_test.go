package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/tools/internal/dashboard"
)

// chromiumPath is Debian's chromium, which make deps-chromium installs.
const chromiumPath = "/usr/bin/chromium"

// dashboardToken is the admin token of the browser test's serve, typed into the page's login prompt.
const dashboardToken = "dash-token"

// browser starts headless Chromium at 1280×800 for the test (as root: without its sandbox); the
// context it returns ends the browser with the test.
func browser(t *testing.T) context.Context {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		t.Fatalf("%s: %v: run `make deps-chromium` (make test does)", chromiumPath, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(chromiumPath), chromedp.NoSandbox,
		chromedp.Headless, chromedp.WindowSize(1280, 800), chromedp.Flag("disable-gpu", true), chromedp.Flag("lang", "en-US"))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // starts the browser, on a context without a deadline
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// do runs browser actions, each within 10 s, and fails the test with what was being done.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	for _, a := range actions {
		actx, cancel := context.WithTimeout(ctx, 10*time.Second)
		err := chromedp.Do(actx, a)
		cancel()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// waitFor polls a JavaScript expression in the page until it is true, for at most d.
func waitFor(t *testing.T, ctx context.Context, what, expr string, d time.Duration) {
	t.Helper()
	pctx, cancel := context.WithTimeout(ctx, d+5*time.Second)
	defer cancel()
	if _, err := chromedp.Run(pctx, chromedp.Poll[bool](expr, chromedp.WithPollingTimeout(d), chromedp.WithPollingInterval(20*time.Millisecond))); err != nil {
		t.Fatalf("%s (within %s): %v", what, d, err)
	}
}

// js runs a JavaScript statement in the page.
func js(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](expr)
}

// choose sets a select's value as a person would, firing its change event.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return js(fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = %q; s.dispatchEvent(new Event("change")); })()`, sel, value))
}

// screenshot saves the page as PNG in dir, and as testdata/dashboard.png (the README's) with -update.
func screenshot(t *testing.T, ctx context.Context, dir, name string, readme bool) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	if readme && *update {
		if err := os.WriteFile(filepath.Join("testdata", "dashboard.png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// rowWith is a JavaScript test for a request row whose text holds every part.
func rowWith(parts ...string) string {
	conds := make([]string, len(parts))
	for i, p := range parts {
		conds[i] = fmt.Sprintf("tr.textContent.includes(%q)", p)
	}
	return `[...document.querySelectorAll("#request-rows tr")].some(tr => ` + strings.Join(conds, " && ") + `)`
}

// The dashboard in headless Chromium against serve with an admin token: the login prompt, a request's
// row within a second, the named violation of a bad request, a fault added through the form and
// removed, and a session of its own.
func TestDashboardInBrowser(t *testing.T) {
	base, _, _ := startServe(t, "--admin-token", dashboardToken)
	ctx := browser(t)
	shots := t.TempDir()
	key := map[string]string{"x-api-key": "mock-api-key"}
	customer := "/vitecauto/api/customer?companyId=998&customerId=500190"

	do(t, ctx, "open the page at 1280×800", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(base+"/__admin/ui/"), chromedp.WaitVisible(chromedp.ID("login-token")))
	do(t, ctx, "sign in", chromedp.SendKeys(chromedp.ID("login-token"), dashboardToken), chromedp.Click(chromedp.ID("login-submit")))
	waitFor(t, ctx, "the live stream", `document.querySelector("#status").textContent === "live"`, 10*time.Second)

	if st, body := get(t, base+customer, key); st != 200 {
		t.Fatalf("customer: %d %s", st, body)
	}
	waitFor(t, ctx, "the request's row", rowWith("/vitecauto/api/customer", "200"), time.Second)

	if st, _ := get(t, base+"/vitecauto/api/customer?companyId=abc&customerId=500190", key); st != 400 {
		t.Fatalf("bad companyId: %d, want 400", st)
	}
	waitFor(t, ctx, "the bad request's row", rowWith("/vitecauto/api/customer", "400", "⚠"), time.Second)
	do(t, ctx, "open the bad request with the keyboard", js(`[...document.querySelectorAll("#request-rows tr")].find(tr => tr.textContent.includes("400")).focus()`),
		chromedp.KeyEvent("\r"))
	waitFor(t, ctx, "the violation named by its field", `(() => { const li = document.querySelector('#detail .violations li[data-field="companyId"]');
		return !!li && li.textContent.includes("companyId") && li.textContent.includes("request query"); })()`, 2*time.Second)
	screenshot(t, ctx, shots, "violation.png", false)

	do(t, ctx, "add a fault through the form", chromedp.Click(chromedp.CSS(`.tab[data-view="faults"]`)),
		chromedp.WaitVisible(chromedp.ID("r-api")), choose("#r-api", "vitecauto"), choose("#r-op", "getCustomer"),
		chromedp.SetValue(chromedp.ID("r-status"), "503"), chromedp.Click(chromedp.ID("r-add")))
	waitFor(t, ctx, "the rule in the list", `document.querySelector("#fault-rows").textContent.includes("getCustomer")`, 2*time.Second)
	if st, _ := get(t, base+customer, key); st != 503 {
		t.Errorf("with the fault: %d, want 503", st)
	}
	screenshot(t, ctx, shots, "faults.png", false)
	do(t, ctx, "remove the rule", chromedp.Click(chromedp.CSS(`#fault-rows button`)))
	waitFor(t, ctx, "no rule left", `document.querySelector("#fault-rows").children.length === 0`, 2*time.Second)
	if st, _ := get(t, base+customer, key); st != 200 {
		t.Errorf("after removing the fault: %d, want 200", st)
	}

	// A session: its requests are listed under its name, and a fault added in it hits it alone.
	if st, _ := get(t, base+"/sessions/dash1"+customer, key); st != 200 {
		t.Fatalf("session dash1: %d", st)
	}
	waitFor(t, ctx, "the session's option", `[...document.querySelectorAll("#session option")].some(o => o.value === "dash1")`, time.Second)
	do(t, ctx, "switch to session dash1", choose("#session", "dash1"))
	waitFor(t, ctx, "the session's faults", `document.querySelector("#fault-scope").textContent.includes("dash1")`, 2*time.Second)
	do(t, ctx, "add a fault in the session", chromedp.Click(chromedp.ID("r-add")))
	waitFor(t, ctx, "the session's rule", `document.querySelector("#fault-rows").children.length === 1`, 2*time.Second)
	if st, _ := get(t, base+"/sessions/dash1"+customer, key); st != 503 {
		t.Errorf("session dash1 with its fault: %d, want 503", st)
	}
	if st, _ := get(t, base+customer, key); st != 200 {
		t.Errorf("the default server with dash1's fault: %d, want 200", st)
	}
	// Reset through the page: a TimeWave client created in dash1 is gone after its vendor's reset.
	token := oauthToken(t, base+"/sessions/dash1/timewave/v3/oauth/token", clientCredentials())
	st, body := twCall(t, base+"/sessions/dash1", token, http.MethodPost, "/clients", map[string]string{"first_name": "Reset", "last_name": "Me", "email": "reset@example.se"})
	var created struct{ Data struct{ ID int } }
	if st != 201 || json.Unmarshal(body, &created) != nil {
		t.Fatalf("create in dash1: %d %s", st, body)
	}
	clientPath := fmt.Sprintf("/clients/%d", created.Data.ID)
	do(t, ctx, "reset TimeWave in dash1", choose("#reset-api", "timewave"), chromedp.Click(chromedp.ID("reset-vendor")))
	waitFor(t, ctx, "the reset answered", `document.querySelector("#fault-error").textContent === ""`, 2*time.Second)
	deadline := time.Now().Add(2 * time.Second)
	for st, _ = twCall(t, base+"/sessions/dash1", token, http.MethodGet, clientPath, nil); st != 404 && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		st, _ = twCall(t, base+"/sessions/dash1", token, http.MethodGet, clientPath, nil)
	}
	if st != 404 {
		t.Errorf("dash1's client after the page's reset of timewave: %d, want 404", st)
	}
	if st, _ := twCall(t, base, timewaveToken(t, base), http.MethodGet, "/clients/1001", nil); st != 200 {
		t.Errorf("the default server's client 1001 after dash1's reset: %d, want 200", st)
	}

	do(t, ctx, "list session dash1's requests", chromedp.Click(chromedp.CSS(`.tab[data-view="requests"]`)), choose("#f-session", "dash1"))
	waitFor(t, ctx, "only dash1's rows", `(() => { const rows = [...document.querySelectorAll("#request-rows tr")];
		return rows.length >= 2 && rows.every(tr => tr.textContent.includes("dash1")) && rows.some(tr => tr.textContent.includes("503")); })()`, 2*time.Second)

	do(t, ctx, "the State view of dash1", chromedp.Click(chromedp.CSS(`.tab[data-view="state"]`)), choose("#s-api", "vitecauto"))
	waitFor(t, ctx, "vitecauto's customers", `document.querySelector("#state-body").textContent.includes("customers")`, 2*time.Second)
	do(t, ctx, "search the state", chromedp.SendKeys(chromedp.ID("s-text"), "500190"))
	waitFor(t, ctx, "one customer found", `(() => { const g = document.querySelector("#state-body .state-group");
		return !!g && /^1 of \d+$/.test(g.querySelector("h3 .muted").textContent) && g.querySelectorAll("details").length === 1; })()`, 2*time.Second)

	do(t, ctx, "the Vendors view", chromedp.Click(chromedp.CSS(`.tab[data-view="vendors"]`)))
	waitFor(t, ctx, "masked credentials", `document.querySelector("#vendor-cards").textContent.includes("x-api-key: ••••••")`, 2*time.Second)
	waitFor(t, ctx, "the session's base URLs", `document.querySelector("#vendor-cards").textContent.includes("/sessions/dash1/vitecauto")`, 2*time.Second)
	do(t, ctx, "show the credentials", chromedp.Click(chromedp.CSS(`#vendor-cards button[aria-pressed]`)))
	waitFor(t, ctx, "the credentials shown", `document.querySelector("#vendor-cards").textContent.includes("mock-api-key")`, 2*time.Second)

	do(t, ctx, "every session's requests", chromedp.Click(chromedp.CSS(`.tab[data-view="requests"]`)), choose("#f-session", "*"))
	waitFor(t, ctx, "the bad request's row again", rowWith("/vitecauto/api/customer", "400"), 2*time.Second)
	do(t, ctx, "open the bad request again",
		js(`[...document.querySelectorAll("#request-rows tr")].find(tr => tr.textContent.includes("400")).focus()`), chromedp.KeyEvent("\r"))
	waitFor(t, ctx, "the bad request open again", `!!document.querySelector('#detail .violations li[data-field="companyId"]')`, 2*time.Second)
	screenshot(t, ctx, shots, "requests.png", true)

	do(t, ctx, "a narrow window", chromedp.EmulateViewport(420, 800), chromedp.Click(chromedp.CSS(`.tab[data-view="requests"]`)))
	screenshot(t, ctx, shots, "narrow.png", false)
}

// Each vendor's example request of the Vendors view, sent as it is, is answered 200.
func TestDashboardExamplesAnswer(t *testing.T) {
	base, _, _ := startServe(t)
	vendors, err := all.New(all.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range dashboardVendors(vendors, all.Config{}) {
		if v.Example == nil {
			t.Errorf("%s has no example request", v.Name)
			continue
		}
		req, err := v.Example.Request(base)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("%s example (%s): %d, want 200", v.Name, dashboard.Curl(*v.Example, base), resp.StatusCode)
		}
	}
}

// An open journal stream (a dashboard page) does not hold up serve's shutdown: the stream ends when
// serve is stopped.
func TestServeStopsWithAStreamOpen(t *testing.T) {
	base, _, stop := startServe(t)
	resp, err := http.Get(base + "/__admin/requests/stream?all=true")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("stream: %v %v", resp, err)
	}
	defer resp.Body.Close()
	done := make(chan error, 1)
	go func() { done <- stop() }()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("stop: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop within 10 s with a stream open")
	}
}
