package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

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
