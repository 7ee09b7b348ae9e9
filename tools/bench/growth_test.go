package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/timewave"
)

// The generated store loads as serve --fixtures loads it, with every client its own id and number.
func TestGrowthFixturesLoad(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "timewave")
	if err := writeGrowthFixtures("../../mocks/timewave/fixtures", dir, 600); err != nil {
		t.Fatal(err)
	}
	m, err := timewave.New(timewave.Config{Fixtures: os.DirFS(dir)})
	if err != nil {
		t.Fatalf("generated fixtures do not load: %v", err)
	}
	tokReq := httptest.NewRequest(http.MethodPost, "/oauth/token", bytes.NewBufferString("grant_type=client_credentials&client_id="+timewave.DefaultClientID+"&client_secret="+timewave.DefaultClientSecret))
	tokReq.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, tokReq)
	if rec.Code != http.StatusOK {
		t.Fatalf("token: %d %s", rec.Code, rec.Body)
	}
	for target, want := range map[string]string{"/clients/1600": `"id":1600`, "/clients/findByNumber/10600": `"clientnbr":10600`, "/clients?page[size]=1": `"total":600`} {
		req := httptest.NewRequest(http.MethodGet, target, nil)
		req.Header.Set("Authorization", "Bearer "+tokenOf(t, rec.Body.Bytes()))
		req.Header.Set("Accept", "application/json")
		got := httptest.NewRecorder()
		m.Handler().ServeHTTP(got, req)
		if got.Code != http.StatusOK || !bytes.Contains(got.Body.Bytes(), []byte(want)) {
			t.Errorf("GET %s: %d, want %s in %.200s", target, got.Code, want, got.Body)
		}
	}
}

func tokenOf(t *testing.T, body []byte) string {
	t.Helper()
	i := bytes.Index(body, []byte(`"access_token":"`))
	if i < 0 {
		t.Fatalf("no token in %s", body)
	}
	rest := body[i+len(`"access_token":"`):]
	return string(rest[:bytes.IndexByte(rest, '"')])
}

func TestIntList(t *testing.T) {
	if got, err := intList("1, 8,32"); err != nil || len(got) != 3 || got[2] != 32 {
		t.Fatalf("intList: %v %v", got, err)
	}
	for _, bad := range []string{"", "1,x", "0", "-3"} {
		if _, err := intList(bad); err == nil {
			t.Errorf("intList(%q) accepted", bad)
		}
	}
}

// fakeSessions is a sessions row: n sessions at rss MB answering rps req/s.
func fakeSessions(n int, rssMB int64, rps int) growthSessions {
	return growthSessions{sessions: n, rss: memory{RSS: rssMB << 20},
		res: &Result{Requests: rps, Elapsed: time.Second, P50: time.Millisecond, P99: 3 * time.Millisecond}}
}

// The sessions targets are judged from the rows: RSS at 10,000, RSS over no session per session, and
// the req/s of 100 sessions against one.
func TestSessionsTargets(t *testing.T) {
	idle := memory{RSS: 35 << 20}
	met := sessionsTargets(idle, []growthSessions{fakeSessions(1, 36, 10000), fakeSessions(100, 37, 9500), fakeSessions(10_000, 150, 9000)}, nil)
	for _, want := range []string{"| 150.0 MB | met |", "| 11.8 KB | met |", "| 95 % (9 500 against 10 000) | met |"} {
		if !strings.Contains(met, want) {
			t.Errorf("targets lack %q:\n%s", want, met)
		}
	}
	missed := sessionsTargets(idle, []growthSessions{fakeSessions(1, 36, 10000), fakeSessions(100, 37, 8000), fakeSessions(10_000, 700, 9000)}, nil)
	if n := strings.Count(missed, "**not met**"); n != 3 {
		t.Errorf("%d targets not met, want 3:\n%s", n, missed)
	}
	if sessionsTargets(idle, []growthSessions{fakeSessions(10, 36, 1)}, nil) != "" {
		t.Error("targets judged without the 1, 100 and 10 000 rows")
	}
	// Measured on one serve, the share is the medians' ratio, whatever the rows say.
	share := &sessionShare{one: []float64{10000, 9000, 11000}, hundred: []float64{9600, 8000, 9400}}
	paired := sessionsTargets(idle, []growthSessions{fakeSessions(1, 36, 10000), fakeSessions(100, 37, 5000)}, share)
	if want := "| 94 % (9 400 against 10 000) | met |"; !strings.Contains(paired, want) {
		t.Errorf("paired share lacks %q:\n%s", want, paired)
	}
}

// The chart is drawn with every panel, sessions included.
func TestDrawGrowth(t *testing.T) {
	res := &Result{Requests: 100, Elapsed: time.Second, P99: 2 * time.Millisecond}
	sizes := []growthSize{{clients: 260, ops: []growthOp{{"list", res}}}, {clients: 10000, ops: []growthOp{{"list", res}}}}
	conns := []growthConn{{conns: 1, res: res}, {conns: 8, res: res}}
	path := filepath.Join(t.TempDir(), "growth.png")
	if err := drawGrowth(path, sizes, conns, []growthSessions{fakeSessions(1, 36, 100), fakeSessions(100, 40, 100)}); err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(path); err != nil || !bytes.HasPrefix(b, []byte("\x89PNG")) {
		t.Fatalf("no PNG written: %v", err)
	}
	// One point per curve (a single size, connection count and session count) still draws.
	if err := drawGrowth(path, sizes[:1], conns[:1], []growthSessions{fakeSessions(1, 36, 100)}); err != nil {
		t.Fatalf("one point per curve: %v", err)
	}
}
