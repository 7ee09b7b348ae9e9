package conform_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// tokenCounter counts the tokens the mocks issued (token requests answered 200).
type tokenCounter struct {
	mu     sync.Mutex
	issued []string // the paths of the token requests
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) { s.status = code; s.ResponseWriter.WriteHeader(code) }

func startCountingMocks(t *testing.T) (string, []mockserver.Vendor, *tokenCounter) {
	t.Helper()
	c := &tokenCounter{}
	base, vendors := startMocksWith(t, func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
			h.ServeHTTP(rec, r)
			if strings.HasSuffix(r.URL.Path, "/oauth/token") && rec.status == http.StatusOK {
				c.mu.Lock()
				c.issued = append(c.issued, r.URL.Path)
				c.mu.Unlock()
			}
		})
	})
	return base, vendors, c
}

// TimeWave keeps one token per client, and each new one logs out the last: a run fetches one token
// (the answer to the token endpoint's own check, which runs first) and uses it for every other request.
func TestTimeWaveRunUsesOneToken(t *testing.T) {
	base, vendors, c := startCountingMocks(t)
	cfg := mockConfig(t, base, vendors, "timewave")
	cfg.Now = fakeClock() // the token's expiry is judged by the wall clock, not by the report's clock
	rep := run(t, cfg)
	if !rep.Passed() {
		t.Fatalf("failed:\n%s", text(t, rep))
	}
	if len(c.issued) != 1 {
		t.Errorf("%d tokens issued in one run, want 1", len(c.issued))
	}
	if rep.Operations[0].Name != "requestToken" {
		t.Errorf("first operation %s, want the token endpoint", rep.Operations[0].Name)
	}
}
