package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// rawRequest sends target as the request target, byte for byte (Go's client would clean it), and
// returns the answer.
func rawRequest(t *testing.T, hostport, method, target string) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.DialTimeout("tcp", hostport, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", method, target, hostport); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

// errorShape is what identifies a vendor's error answers: the media type and the top-level JSON keys.
func errorShape(resp *http.Response, body []byte) string {
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(body, &obj); err != nil {
		return mt + " (not a JSON object)"
	}
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return mt + " " + strings.Join(keys, ",")
}

// escapes are the spellings of "..", "." and an empty segment that a cleaning router would act on.
var escapes = []string{
	"..", ".", "", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "%2e", "%2E", "..%2f..", "%2e%2e%2f%2e%2e", "%2E%2E%2F%2E%2E",
	"..%5c..", "..\\..", "%5c..%5c..", "%2f", "%2F", "%2f%2f", "\\", "%5c", "..;", "%2e%2e;",
}

// hostileTargets are the request targets tried under one prefix: each escape alone, at the end, before
// the admin reset (once and twice, so that two-segment prefixes are left too), glued to the prefix, and
// after the prefix spelled with an escape (/%76itecauto).
func hostileTargets(prefix string) []string {
	escaped := fmt.Sprintf("/%%%02x%s", prefix[1], prefix[2:])
	targets := []string{prefix, escaped}
	for _, e := range escapes {
		targets = append(targets,
			prefix+"/"+e,
			prefix+"/"+e+"/",
			prefix+"/"+e+"/__admin/reset",
			prefix+"/"+e+"/"+e+"/__admin/reset",
			prefix+"/x/"+e+"/"+e+"/__admin/faults",
			prefix+"%2f"+e+"%2f__admin%2freset",
			escaped+"/"+e+"/__admin/reset",
		)
	}
	return targets
}

// No path gets out of its vendor: for every mount of every vendor serve runs (and the admin API),
// every spelling of "..", "." and "//" is answered by that vendor with a 4xx in its own error shape,
// never a redirect, and nothing is reset, cleared or changed.
func TestNoPathEscapesItsVendor(t *testing.T) {
	base, _, _ := startServe(t, "--journal-size", "100000")
	hostport := strings.TrimPrefix(base, "http://")
	prefixes, names := mountsOf(t, base)
	before := adminSnapshot(t, base, names)

	methods := []string{http.MethodGet, http.MethodPost, http.MethodDelete}
	for _, prefix := range append(prefixes, "/__admin") {
		resp, body := rawRequest(t, hostport, http.MethodGet, prefix+"/vendorctl-no-such-endpoint")
		if resp.StatusCode != 404 {
			t.Fatalf("%s: a missing endpoint answers %d %s", prefix, resp.StatusCode, body)
		}
		want := errorShape(resp, body)
		for _, target := range hostileTargets(prefix) {
			for _, method := range methods {
				resp, body := rawRequest(t, hostport, method, target)
				if resp.StatusCode < 400 || resp.StatusCode > 499 || resp.Header.Get("Location") != "" {
					t.Errorf("%s %s: %d (Location %q) %s", method, target, resp.StatusCode, resp.Header.Get("Location"), body)
					continue
				}
				if got := errorShape(resp, body); got != want {
					t.Errorf("%s %s: %d in the shape %q, want %s's own %q: %s", method, target, resp.StatusCode, got, prefix, want, body)
				}
			}
		}
	}
	if after := adminSnapshot(t, base, names); !slices.Equal(after, before) {
		t.Errorf("a hostile path changed what the admin API shows:\nbefore %v\nafter  %v", before, after)
	}
}

// mountsOf reads every vendor's prefixes and names from the running server's health.
func mountsOf(t *testing.T, base string) (prefixes, names []string) {
	t.Helper()
	_, body := get(t, base+"/__admin/health", nil)
	var health struct {
		APIs []struct {
			Name     string
			Prefixes []string
		}
	}
	if err := json.Unmarshal(body, &health); err != nil || len(health.APIs) == 0 {
		t.Fatalf("health: %s", body)
	}
	for _, api := range health.APIs {
		names = append(names, api.Name)
		prefixes = append(prefixes, api.Prefixes...)
	}
	return prefixes, names
}

// adminSnapshot changes the server's state the first time (a TimeWave client created, a fault rule
// added, both journaled), so that a reset or a clear would show, and returns every vendor's state,
// the fault rules and the journal's record of the create.
func adminSnapshot(t *testing.T, base string, names []string) []string {
	t.Helper()
	if st, _ := get(t, base+"/__admin/faults", nil); st != 200 {
		t.Fatalf("faults: %d", st)
	}
	if _, rules := get(t, base+"/__admin/faults", nil); strings.Contains(string(rules), `"faults":[]`) {
		if st, b := post(t, base+"/__admin/faults", `{"api":"vitecauto","operationId":"getCustomer","latencyMs":1}`); st != 201 {
			t.Fatalf("add rule: %d %s", st, b)
		}
		req, _ := http.NewRequest(http.MethodPost, base+"/timewave/v3/clients", strings.NewReader(`{"first_name":"Kvar","last_name":"Efter"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+timewaveToken(t, base))
		resp, err := http.DefaultClient.Do(req)
		if err != nil || resp.StatusCode != 201 {
			t.Fatalf("create: %v %v", resp, err)
		}
		resp.Body.Close()
	}
	var snap []string
	for _, name := range names {
		st, body := get(t, base+"/__admin/state?api="+url.QueryEscape(name), nil)
		if st != 200 {
			t.Fatalf("state of %s: %d %s", name, st, body)
		}
		snap = append(snap, string(body))
	}
	_, rules := get(t, base+"/__admin/faults", nil)
	_, created := get(t, base+"/__admin/requests?method=POST&path=/timewave/v3/clients&status=201", nil)
	return append(snap, string(rules), string(created))
}
