package mockkit

import (
	"bytes"
	"hash/maphash"
	"net/http"
	"slices"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorctl/vendorctl/specs"
)

// Bounds of the response memo.
const (
	memoMaxEntries = 512
	memoMaxBytes   = 8 << 20
	memoMaxBody    = 1 << 20
	memoMaxOnce    = 16 << 10
)

// responseMemo remembers the answers that passed the response self-check, so that an answer the mock
// sends again byte for byte (the same fixture read again) is not decoded and checked again. It is
// exact: a hit needs the same operation, method, status, header and body bytes, compared in full, so
// the check's result cannot differ. An answer is kept the second time it passes (the first time only
// its hash is noted), so the answers a busy mock sends once (a page after every create) are not copied.
// It is bounded like specs' memos: two generations of half of memoMaxEntries and memoMaxBytes each,
// the older dropped when the newer is full, a hit in the older copied into the newer. Safe for
// concurrent use.
type responseMemo struct {
	seed     maphash.Seed
	mu       sync.RWMutex
	cur, old map[uint64][]*memoEntry
	n        int // entries of cur
	bytes    int // body bytes of cur
	// once are the keys of answers that passed once and are not kept yet (bounded by memoMaxOnce).
	once map[uint64]struct{}
	// records checks a new answer record by record, each record once per version (specs.RecordMemo):
	// a page in which one client changed checks that client and the envelope only.
	records *specs.RecordMemo
	// requests skips request validation for a request that passed before exactly (specs.RequestMemo).
	requests *specs.RequestMemo
}

type memoEntry struct {
	op     *openapi3.Operation
	method string
	status int
	header http.Header
	body   []byte
}

// ResponseMemo is a response memo that several APIs can share (Options.ResponseMemo).
type ResponseMemo = responseMemo

// NewResponseMemo returns an empty memo to share.
func NewResponseMemo() *ResponseMemo { return newResponseMemo() }

func newResponseMemo() *responseMemo {
	return &responseMemo{seed: maphash.MakeSeed(), cur: map[uint64][]*memoEntry{}, once: map[uint64]struct{}{}, records: specs.NewRecordMemo(), requests: specs.NewRequestMemo()}
}

// key hashes an answer. Header fields are hashed one by one and summed, so their order does not matter.
func (m *responseMemo) key(op *openapi3.Operation, method string, status int, header http.Header, body []byte) uint64 {
	var h maphash.Hash
	h.SetSeed(m.seed)
	h.WriteString(op.OperationID)
	h.WriteString(method)
	h.WriteByte(byte(status >> 8))
	h.WriteByte(byte(status))
	_, _ = h.Write(body)
	sum := h.Sum64()
	for k, vs := range header {
		var fh maphash.Hash
		fh.SetSeed(m.seed)
		fh.WriteString(k)
		for _, v := range vs {
			fh.WriteByte(0)
			fh.WriteString(v)
		}
		sum += fh.Sum64()
	}
	return sum
}

func (e *memoEntry) matches(op *openapi3.Operation, method string, status int, header http.Header, body []byte) bool {
	if e.op != op || e.method != method || e.status != status || len(e.header) != len(header) || !bytes.Equal(e.body, body) {
		return false
	}
	for k, vs := range header {
		if !slices.Equal(e.header[k], vs) {
			return false
		}
	}
	return true
}

// seen reports whether this exact answer passed the check before (and was kept).
func (m *responseMemo) seen(key uint64, op *openapi3.Operation, method string, status int, header http.Header, body []byte) bool {
	m.mu.RLock()
	if m.find(m.cur, key, op, method, status, header, body) != nil {
		m.mu.RUnlock()
		return true
	}
	kept := m.find(m.old, key, op, method, status, header, body)
	m.mu.RUnlock()
	if kept == nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.find(m.cur, key, op, method, status, header, body) == nil {
		m.put(key, kept)
	}
	return true
}

func (m *responseMemo) find(gen map[uint64][]*memoEntry, key uint64, op *openapi3.Operation, method string, status int, header http.Header, body []byte) *memoEntry {
	for _, e := range gen[key] {
		if e.matches(op, method, status, header, body) {
			return e
		}
	}
	return nil
}

// add notes an answer that passed the check; the second time, it keeps a copy of it.
func (m *responseMemo) add(key uint64, op *openapi3.Operation, method string, status int, header http.Header, body []byte) {
	if len(body) > memoMaxBody {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, twice := m.once[key]; !twice {
		if len(m.once) >= memoMaxOnce {
			clear(m.once)
		}
		m.once[key] = struct{}{}
		return
	}
	if m.find(m.cur, key, op, method, status, header, body) == nil {
		m.put(key, &memoEntry{op: op, method: method, status: status, header: header.Clone(), body: bytes.Clone(body)})
	}
}

// put adds e to cur, turning cur into old first when it is full. m.mu is held.
func (m *responseMemo) put(key uint64, e *memoEntry) {
	if m.n >= memoMaxEntries/2 || m.bytes+len(e.body) > memoMaxBytes/2 {
		m.old, m.cur = m.cur, make(map[uint64][]*memoEntry, len(m.cur))
		m.n, m.bytes = 0, 0
	}
	m.cur[key] = append(m.cur[key], e)
	m.n++
	m.bytes += len(e.body)
}
