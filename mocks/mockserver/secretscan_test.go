package mockserver

import (
	"bytes"
	"encoding/json"
	"os"
	"regexp"
	"strings"
	"testing"
)

// escapedLetter is an escape of a character a sensitive name can hold.
var escapedLetter = regexp.MustCompile(`\\u(00[46][1-9a-fA-F]|00[57][0-9aA]|002[dD]|005[fF]|212[aA]|0130)`)

// referenceJSONScan is what jsonMightHoldSecret decides, by plain searches over a lower-cased copy.
func referenceJSONScan(body []byte) bool {
	if bytes.Contains(body, []byte(kelvinSign)) || bytes.Contains(body, []byte(dottedI)) || escapedLetter.Match(body) {
		return true
	}
	lower := bytes.ToLower(body)
	for _, w := range []string{"secret", "password", "passwd", "token", "api_key", "apikey", "api-key", `"code"`, "cookie", "authorization"} {
		if bytes.Contains(lower, []byte(w)) {
			return true
		}
	}
	return false
}

func referenceTextScan(body []byte) bool {
	lower := bytes.ToLower(body)
	for _, m := range secretMarkers {
		if bytes.Contains(lower, bytes.ToLower(m)) {
			return true
		}
	}
	return false
}

var secretScanSeeds = []string{
	"", "x", `{"name":"Kari","postalCode":"0155"}`, `{"name":"A \u0026 B \u003cC\u003e"}`, `{"pass\u0077ord":"x"}`,
	`{"\u0050assword":"x"}`, `{"api\u002dkey":"x"}`, `{"api\u005Fkey":"x"}`, `{"Code":"x"}`, `{"CODE" :1}`, `{"codes":1}`,
	`{"cookie":"x"}`, `{"AUTHORIZATION":"x"}`, `{"to\u212aen":"x"}`, "to\u212aen", "\u0130", `\u004`, `\u00zz`,
	"xSeCrEtx", "secre", "PassWord1", "passw", "TOKEN", "tokn", "API_KEY", "ApiKey", "API-Key", "api key", "p\u00e5ssword",
	"pass\x00word", "<x><Token>v</Token></x>", "grant_type=client_credentials&client_id=c", strings.Repeat("a", 100) + "Secret",
	"authorizatio", `"cod"`, `"code`, "cooki", "\xe2\x84", "\xc4",
}

func TestSecretScansAgreeWithPlainSearches(t *testing.T) {
	for _, body := range secretScanSeeds {
		if got, want := jsonMightHoldSecret([]byte(body)), referenceJSONScan([]byte(body)); got != want {
			t.Errorf("jsonMightHoldSecret(%q) = %v, plain searches say %v", body, got, want)
		}
		if got, want := mightHoldSecret([]byte(body)), referenceTextScan([]byte(body)); got != want {
			t.Errorf("mightHoldSecret(%q) = %v, plain searches say %v", body, got, want)
		}
	}
}

func FuzzSecretScans(f *testing.F) {
	for _, s := range secretScanSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if got, want := jsonMightHoldSecret(body), referenceJSONScan(body); got != want {
			t.Fatalf("jsonMightHoldSecret(%q) = %v, plain searches say %v", body, got, want)
		}
		if got, want := mightHoldSecret(body), referenceTextScan(body); got != want {
			t.Fatalf("mightHoldSecret(%q) = %v, plain searches say %v", body, got, want)
		}
	})
}

// BenchmarkJSONSecretScan scans a TimeWave page of 15 fixture clients (about 18 KB), which names no
// secret: the whole body is read.
func BenchmarkJSONSecretScan(b *testing.B) {
	data, err := os.ReadFile("../timewave/fixtures/clients.json")
	if err != nil {
		b.Fatal(err)
	}
	var clients []json.RawMessage
	if err := json.Unmarshal(data, &clients); err != nil {
		b.Fatal(err)
	}
	page, err := json.Marshal(map[string]any{"data": clients[:15], "total": len(clients)})
	if err != nil {
		b.Fatal(err)
	}
	if jsonMightHoldSecret(page) {
		b.Fatal("the page names a secret")
	}
	b.SetBytes(int64(len(page)))
	for b.Loop() {
		jsonMightHoldSecret(page)
	}
}
