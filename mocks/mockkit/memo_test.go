package mockkit

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

// The memo is exact: only the very same operation, method, status, header and body bytes hit.
func TestResponseMemoIsExact(t *testing.T) {
	m := newResponseMemo()
	op, other := &openapi3.Operation{OperationID: "a"}, &openapi3.Operation{OperationID: "a"}
	header := http.Header{"Content-Type": {"application/json"}, "X-Rate": {"1", "2"}}
	body := []byte(`{"id":1}`)
	m.add(m.key(op, "GET", 200, header, body), op, "GET", 200, header, body)
	m.add(m.key(op, "GET", 200, header, body), op, "GET", 200, header, body) // kept the second time

	seen := func(op *openapi3.Operation, method string, status int, h http.Header, b []byte) bool {
		return m.seen(m.key(op, method, status, h, b), op, method, status, h, b)
	}
	if !seen(op, "GET", 200, http.Header{"X-Rate": {"1", "2"}, "Content-Type": {"application/json"}}, []byte(`{"id":1}`)) {
		t.Fatal("the same answer (header fields in another order) is not remembered")
	}
	for name, tc := range map[string]struct {
		op     *openapi3.Operation
		method string
		status int
		h      http.Header
		b      []byte
	}{
		"other operation": {other, "GET", 200, header, body},
		"other method":    {op, "HEAD", 200, header, body},
		"other status":    {op, "GET", 201, header, body},
		"other body":      {op, "GET", 200, header, []byte(`{"id":2}`)},
		"other header":    {op, "GET", 200, http.Header{"Content-Type": {"application/xml"}, "X-Rate": {"1", "2"}}, body},
		"header values":   {op, "GET", 200, http.Header{"Content-Type": {"application/json"}, "X-Rate": {"2", "1"}}, body},
		"extra header":    {op, "GET", 200, http.Header{"Content-Type": {"application/json"}, "X-Rate": {"1", "2"}, "X": {""}}, body},
	} {
		if seen(tc.op, tc.method, tc.status, tc.h, tc.b) {
			t.Errorf("%s: remembered as seen", name)
		}
	}
	// What the memo keeps is a copy: changing the caller's bytes afterwards changes nothing.
	body[6] = '9'
	if seen(op, "GET", 200, header, body) || !seen(op, "GET", 200, header, []byte(`{"id":1}`)) {
		t.Error("the memo holds the caller's bytes, not a copy")
	}
}

func TestResponseMemoIsBounded(t *testing.T) {
	m := newResponseMemo()
	op := &openapi3.Operation{OperationID: "a"}
	for i := range 3 * memoMaxEntries {
		b := []byte{byte(i), byte(i >> 8)}
		m.add(m.key(op, "GET", 200, nil, b), op, "GET", 200, nil, b)
		m.add(m.key(op, "GET", 200, nil, b), op, "GET", 200, nil, b)
		if kept := m.n + entries(m.old); kept > memoMaxEntries {
			t.Fatalf("%d entries, bound %d", kept, memoMaxEntries)
		}
	}
	big := bytes.Repeat([]byte("x"), memoMaxBody+1)
	m.add(m.key(op, "GET", 200, nil, big), op, "GET", 200, nil, big)
	m.add(m.key(op, "GET", 200, nil, big), op, "GET", 200, nil, big)
	if m.seen(m.key(op, "GET", 200, nil, big), op, "GET", 200, nil, big) {
		t.Error("a body over memoMaxBody was kept")
	}
	for i := range 2 * memoMaxOnce {
		b := []byte{'o', byte(i), byte(i >> 8)}
		m.add(m.key(op, "GET", 200, nil, b), op, "GET", 200, nil, b)
		if len(m.once) > memoMaxOnce {
			t.Fatalf("%d answers noted once, bound %d", len(m.once), memoMaxOnce)
		}
	}
}

func entries(gen map[uint64][]*memoEntry) int {
	n := 0
	for _, es := range gen {
		n += len(es)
	}
	return n
}

// An answer that passed once is noted, not copied; an answer sent often stays kept while a stream of
// other answers, once or twice each, passes through many times the memo's bound.
func TestResponseMemoKeepsWhatRepeats(t *testing.T) {
	m := newResponseMemo()
	op := &openapi3.Operation{OperationID: "a"}
	check := func(b []byte) bool { // what checkResponse does: seen, else check and add
		k := m.key(op, "GET", 200, nil, b)
		if m.seen(k, op, "GET", 200, nil, b) {
			return true
		}
		m.add(k, op, "GET", 200, nil, b)
		return false
	}
	hot := []byte(`{"fixture":1}`)
	if check(hot) || check(hot) || !check(hot) {
		t.Fatal("an answer is not kept exactly from its second pass on")
	}
	if once := []byte(`{"once":1}`); check(once) || m.find(m.cur, m.key(op, "GET", 200, nil, once), op, "GET", 200, nil, once) != nil {
		t.Fatal("an answer that passed once was copied")
	}
	for i := range 4 * memoMaxEntries {
		b := []byte{byte(i), byte(i >> 8), byte(i >> 16)}
		check(b)
		check(b)
		if i%(memoMaxEntries/8) == 0 && !check(hot) {
			t.Fatalf("after %d other answers the answer sent often is no longer kept", i)
		}
	}
}
