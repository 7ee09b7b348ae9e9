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
)

// responseMemo remembers the answers that passed the response self-check, so that an answer the mock
// sends again byte for byte (the same fixture read again) is not decoded and checked again. It is
// exact: a hit needs the same operation, method, status, header and body bytes, compared in full, so
// the check's result cannot differ. It is bounded: when full it starts afresh. Safe for concurrent use.
type responseMemo struct {
	seed    maphash.Seed
	mu      sync.RWMutex
	entries map[uint64][]*memoEntry
	n       int
	bytes   int
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
	return &responseMemo{seed: maphash.MakeSeed(), entries: map[uint64][]*memoEntry{}, records: specs.NewRecordMemo(), requests: specs.NewRequestMemo()}
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

// seen reports whether this exact answer passed the check before.
func (m *responseMemo) seen(key uint64, op *openapi3.Operation, method string, status int, header http.Header, body []byte) bool {
	m.mu.RLock()
	defer m.mu.RUnlock()
	for _, e := range m.entries[key] {
		if e.matches(op, method, status, header, body) {
			return true
		}
	}
	return false
}

// add remembers an answer that passed the check (copying what it keeps).
func (m *responseMemo) add(key uint64, op *openapi3.Operation, method string, status int, header http.Header, body []byte) {
	if len(body) > memoMaxBody {
		return
	}
	e := &memoEntry{op: op, method: method, status: status, header: header.Clone(), body: bytes.Clone(body)}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.n >= memoMaxEntries || m.bytes+len(body) > memoMaxBytes {
		clear(m.entries)
		m.n, m.bytes = 0, 0
	}
	for _, old := range m.entries[key] {
		if old.matches(op, method, status, header, body) {
			return
		}
	}
	m.entries[key] = append(m.entries[key], e)
	m.n++
	m.bytes += len(body)
}
