package main

import (
	"bytes"
	"context"
	"hash/maphash"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/vendorctl/vendorctl/mocks/all"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// bodyHashes records a hash of every answer's body that passes through it.
type bodyHashes struct {
	mu     sync.Mutex
	seed   maphash.Seed
	seen   map[uint64]int
	answer int
}

type hashingWriter struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (w *hashingWriter) Write(p []byte) (int, error) {
	w.buf.Write(p)
	return w.ResponseWriter.Write(p)
}

func (b *bodyHashes) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hw := &hashingWriter{ResponseWriter: w}
		h.ServeHTTP(hw, r)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.seen[maphash.Bytes(b.seed, hw.buf.Bytes())]++
		b.answer++
	})
}

// The mixed scenario over every vendor of a real server: every answer is a 2xx, and most answers
// differ from every answer before them (that is what it is for).
func TestMixAnswersAreSuccessfulAndMostlyNew(t *testing.T) {
	vendors, err := all.New(all.Config{Options: mockkit.Options{}})
	if err != nil {
		t.Fatal(err)
	}
	srv, err := mockserver.NewServer(nil, vendors...)
	if err != nil {
		t.Fatal(err)
	}
	hashes := &bodyHashes{seed: maphash.MakeSeed(), seen: map[uint64]int{}}
	ts := httptest.NewServer(hashes.wrap(srv.Handler()))
	defer ts.Close()
	// A run long enough for ten turns of the loop: a slow machine (-race, other load) gets a longer one.
	var res *Result
	for d := 500 * time.Millisecond; res == nil || res.Requests < 10*mixOps && d <= 16*time.Second; d *= 2 {
		hashes.mu.Lock()
		hashes.seen, hashes.answer = map[uint64]int{}, 0
		hashes.mu.Unlock()
		if res, err = runMix(context.Background(), vendorctlMix(addrOf(ts)), 4, d); err != nil {
			t.Fatal(err)
		}
	}
	if res.Requests < 10*mixOps || res.Errors > 0 {
		t.Fatalf("%d requests, %d errors (%s)", res.Requests, res.Errors, res.FirstError)
	}
	for code, n := range res.Status {
		if code/100 != 2 {
			t.Errorf("%d answers %d: %s", n, code, res.StatusSummary())
		}
	}
	hashes.mu.Lock()
	defer hashes.mu.Unlock()
	if distinct := len(hashes.seen); distinct*2 < hashes.answer {
		t.Errorf("%d distinct answers of %d: most answers repeat", distinct, hashes.answer)
	}
}
