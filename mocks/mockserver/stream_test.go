package mockserver_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/internal/kittest"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// feedServer is adminServer with a journal feed, labelled as session (empty: the default server).
func feedServer(t *testing.T, token string, feed *mockserver.Feed, session string) *httptest.Server {
	t.Helper()
	ts, _ := adminServerWith(t, token, mockserver.JournalConfig{Size: 100, Feed: feed, Session: session})
	return ts
}

// sseEvent is one server-sent event: its name and data.
type sseEvent struct{ name, data string }

// openStream opens the journal stream and returns its events as they come.
func openStream(t *testing.T, url string, header map[string]string) (*http.Response, <-chan sseEvent) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	events := make(chan sseEvent, 100)
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(nil, 1<<20)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case strings.HasPrefix(line, "event: "):
				ev.name = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				ev.data = strings.TrimPrefix(line, "data: ")
			case line == "" && ev.name != "":
				events <- ev
				ev = sseEvent{}
			}
		}
	}()
	return resp, events
}

func nextEntry(t *testing.T, events <-chan sseEvent) mockserver.Entry {
	t.Helper()
	select {
	case ev := <-events:
		var e mockserver.Entry
		if ev.name != "entry" || json.Unmarshal([]byte(ev.data), &e) != nil {
			t.Fatalf("event %q %s, want an entry", ev.name, ev.data)
		}
		return e
	case <-time.After(2 * time.Second):
		t.Fatal("no entry within 2s")
	}
	return mockserver.Entry{}
}

// The stream sends each new entry of its own journal; ?all=true adds the other journals of the feed.
func TestStreamRequests(t *testing.T) {
	feed := mockserver.NewFeed()
	def := feedServer(t, "", feed, "")
	sess := feedServer(t, "", feed, "s1")
	resp, own := openStream(t, def.URL+"/__admin/requests/stream", nil)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	_, every := openStream(t, def.URL+"/__admin/requests/stream?all=true", nil)
	for feed.Subscribers() < 2 {
		time.Sleep(time.Millisecond)
	}
	kittest.Call(t, "GET", sess.URL+"/a/items/7", "", nil)
	kittest.Call(t, "GET", def.URL+"/b/items/7", "", nil)
	if e := nextEntry(t, own); e.API != "b" || e.Session != "" || e.Status != 200 || e.OperationID != "getItem" {
		t.Errorf("own stream: %+v, want b's entry of the default server", e)
	}
	if e := nextEntry(t, every); e.API != "a" || e.Session != "s1" {
		t.Errorf("all stream, first: %+v, want a's entry of session s1", e)
	}
	if e := nextEntry(t, every); e.API != "b" {
		t.Errorf("all stream, second: %+v, want b's entry", e)
	}
	if st, body := kittest.Call(t, "GET", def.URL+"/__admin/requests/stream?all=maybe", "", nil); st != 400 {
		t.Errorf("all=maybe: %d %s, want 400", st, body)
	}
}

// The stream is an admin endpoint: token and Host checked like every other.
func TestStreamRequestsGuarded(t *testing.T) {
	ts := feedServer(t, "adm1n", mockserver.NewFeed(), "")
	if st, _ := kittest.Call(t, "GET", ts.URL+"/__admin/requests/stream", "", nil); st != 401 {
		t.Errorf("without the token: %d, want 401", st)
	}
	req, _ := http.NewRequest(http.MethodGet, ts.URL+"/__admin/requests/stream", nil)
	req.Host = "evil.example"
	req.Header.Set("X-Admin-Token", "adm1n")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 403 {
		t.Errorf("rebound Host: %d, want 403", resp.StatusCode)
	}
	resp, events := openStream(t, ts.URL+"/__admin/requests/stream", map[string]string{"X-Admin-Token": "adm1n"})
	if resp.StatusCode != 200 {
		t.Fatalf("with the token: %d", resp.StatusCode)
	}
	kittest.Call(t, "GET", ts.URL+"/a/items/7", "", nil)
	nextEntry(t, events)
}

// A server without a feed answers 409, not an endless empty stream.
func TestStreamRequestsWithoutFeed(t *testing.T) {
	ts, _ := adminServer(t, "")
	if st, body := kittest.Call(t, "GET", ts.URL+"/__admin/requests/stream", "", nil); st != 409 || !strings.Contains(body, "feed") {
		t.Errorf("no feed: %d %s, want 409", st, body)
	}
}

// Publishing never waits for a subscriber: a full buffer drops the entry and counts it.
func TestFeedDropsForASlowSubscriber(t *testing.T) {
	feed := mockserver.NewFeed()
	j := mockserver.NewJournalWith(mockserver.JournalConfig{Feed: feed})
	slow := feed.Subscribe(2)
	defer slow.Close()
	done := make(chan struct{})
	go func() {
		for range 5 {
			j.Record(mockserver.Entry{API: "a"}, nil, nil, nil, "", "")
		}
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(2 * time.Second):
		t.Fatal("Record blocked on a subscriber that reads nothing")
	}
	if got := slow.Dropped(); got != 3 {
		t.Errorf("dropped %d, want 3 (5 recorded, buffer 2)", got)
	}
	if e := <-slow.Entries(); e.ID != 1 {
		t.Errorf("first entry kept: id %d, want 1", e.ID)
	}
	slow.Close()
	if feed.Subscribers() != 0 {
		t.Errorf("%d subscribers after Close, want 0", feed.Subscribers())
	}
	j.Record(mockserver.Entry{API: "a"}, nil, nil, nil, "", "") // no subscriber: nothing to do
}

// A stream reports the entries its reader lost, so the page can say it lags.
func TestStreamReportsDrops(t *testing.T) {
	feed := mockserver.NewFeed()
	ts := feedServer(t, "", feed, "")
	_, events := openStream(t, ts.URL+"/__admin/requests/stream", nil)
	for feed.Subscribers() < 1 {
		time.Sleep(time.Millisecond)
	}
	j := mockserver.NewJournalWith(mockserver.JournalConfig{Feed: feed})
	for range 5 * mockserver.DefaultFeedBuffer {
		j.Record(mockserver.Entry{API: "a"}, nil, nil, nil, "", "")
	}
	deadline := time.After(5 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.name == "dropped" && strings.HasPrefix(ev.data, `{"dropped":`) {
				return
			}
		case <-deadline:
			t.Fatal("no dropped event after a burst of 5 buffers")
		}
	}
}

// Close of the feed ends its streams, so a server can shut down with a page open.
func TestFeedCloseEndsStreams(t *testing.T) {
	feed := mockserver.NewFeed()
	ts := feedServer(t, "", feed, "")
	openStream(t, ts.URL+"/__admin/requests/stream", nil)
	for feed.Subscribers() < 1 {
		time.Sleep(time.Millisecond)
	}
	feed.Close()
	deadline := time.Now().Add(2 * time.Second)
	for feed.Subscribers() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the stream still runs after the feed was closed")
		}
		time.Sleep(time.Millisecond)
	}
}

// One rule is removed by id; DELETE ?api= removes one API's rules; operations lists each API's ids.
func TestAdminRemoveFaultAndOperations(t *testing.T) {
	ts, _ := adminServer(t, "")
	for _, rule := range []string{`{"api":"a","status":503}`, `{"api":"a","latencyMs":1}`, `{"api":"b","status":500}`} {
		if st, body := kittest.Call(t, "POST", ts.URL+"/__admin/faults", rule, nil); st != 201 {
			t.Fatalf("add %s: %d %s", rule, st, body)
		}
	}
	ids := func() []int {
		_, body := kittest.Call(t, "GET", ts.URL+"/__admin/faults", "", nil)
		var list struct{ Faults []mockserver.Rule }
		_ = json.Unmarshal([]byte(body), &list)
		var out []int
		for _, r := range list.Faults {
			out = append(out, r.ID)
		}
		return out
	}
	if st, _ := kittest.Call(t, "DELETE", ts.URL+"/__admin/faults/1", "", nil); st != 204 {
		t.Errorf("remove #1: %d, want 204", st)
	}
	if got := ids(); len(got) != 2 || got[0] != 2 {
		t.Errorf("rules after removing #1: %v, want [2 3]", got)
	}
	for path, want := range map[string]int{"/__admin/faults/1": 404, "/__admin/faults/x": 400, "/__admin/faults?api=nope": 404} {
		if st, body := kittest.Call(t, "DELETE", ts.URL+path, "", nil); st != want {
			t.Errorf("DELETE %s: %d %s, want %d", path, st, body, want)
		}
	}
	if st, _ := kittest.Call(t, "DELETE", ts.URL+"/__admin/faults?api=a", "", nil); st != 204 {
		t.Errorf("remove a's rules: %d", st)
	}
	if got := ids(); len(got) != 1 || got[0] != 3 {
		t.Errorf("rules after removing a's: %v, want [3]", got)
	}
	st, body := kittest.Call(t, "GET", ts.URL+"/__admin/operations", "", nil)
	var ops struct{ Operations map[string][]string }
	if st != 200 || json.Unmarshal([]byte(body), &ops) != nil || !strings.Contains(strings.Join(ops.Operations["a"], ","), "getItem") {
		t.Errorf("operations: %d %s, want a's getItem", st, body)
	}
}
