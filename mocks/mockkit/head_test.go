package mockkit_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// A method the path does not have gets the vendor's 405 with Allow: the path's methods in the spec,
// sorted, HEAD beside GET.
func TestMethodNotAllowedCarriesAllow(t *testing.T) {
	h, _, _, _ := faultedKit(t)
	ts := httptest.NewServer(h)
	defer ts.Close()
	for _, tc := range []struct{ method, path, allow string }{
		{"DELETE", "/items/7", "GET, HEAD"},
		{"POST", "/items/7", "GET, HEAD"},
		{"PUT", "/items/7", "GET, HEAD"},
		{"GET", "/items", "POST"},
		{"HEAD", "/items", "POST"},
		{"PATCH", "/public", "GET, HEAD"},
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			resp, body := kittest.Do(t, tc.method, ts.URL+tc.path, "", nil)
			if resp.StatusCode != http.StatusMethodNotAllowed {
				t.Fatalf("status %d, want 405: %s", resp.StatusCode, body)
			}
			if got := resp.Header.Get("Allow"); got != tc.allow {
				t.Errorf("Allow %q, want %q", got, tc.allow)
			}
			if tc.method != "HEAD" && (len(body) == 0 || resp.Header.Get("Content-Type") == "") {
				t.Errorf("405 without the vendor's body: %q", body)
			}
		})
	}
	if resp, _ := kittest.Do(t, "GET", ts.URL+"/nothing", "", nil); resp.StatusCode != 404 || resp.Header.Get("Allow") != "" {
		t.Errorf("unknown path: %d Allow %q, want 404 without Allow", resp.StatusCode, resp.Header.Get("Allow"))
	}
}

// HEAD on a GET operation is answered as the GET: same status and headers, Content-Length included,
// no body; the self-check does not flag it, and the journal records HEAD.
func TestHeadIsAnsweredAsGet(t *testing.T) {
	h, journal, _, reported := faultedKit(t)
	ts := httptest.NewServer(h)
	defer ts.Close()
	for _, path := range []string{"/items/7", "/public", "/items/abc"} {
		t.Run(path, func(t *testing.T) {
			journal.Clear()
			get, getBody := kittest.Do(t, "GET", ts.URL+path, "", nil)
			head, headBody := kittest.Do(t, "HEAD", ts.URL+path, "", nil)
			if head.StatusCode != get.StatusCode {
				t.Fatalf("HEAD %d, GET %d", head.StatusCode, get.StatusCode)
			}
			if len(headBody) != 0 {
				t.Errorf("HEAD answered with a body: %q", headBody)
			}
			for _, name := range []string{"Content-Type", "Content-Length"} {
				if head.Header.Get(name) != get.Header.Get(name) {
					t.Errorf("%s: HEAD %q, GET %q", name, head.Header.Get(name), get.Header.Get(name))
				}
			}
			if head.ContentLength != int64(len(getBody)) {
				t.Errorf("HEAD Content-Length %d, GET body %d bytes", head.ContentLength, len(getBody))
			}
			entries := journal.Entries(mockserver.Filter{Method: "HEAD"})
			if len(entries) != 1 || entries[0].OperationID == "" || entries[0].Status != get.StatusCode {
				t.Fatalf("journal of the HEAD: %+v", entries)
			}
			for _, v := range entries[0].Violations {
				if v.Kind == "response" {
					t.Errorf("the HEAD answer was flagged: %+v", v)
				}
			}
		})
	}
	if r := reported(); len(r) != 0 {
		t.Fatalf("HEAD answers reported as violations: %v", r)
	}
}
