package specs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
)

// recordCheck validates a TimeWave answer to GET target, with and without a record memo, and fails
// the test when the two disagree; it returns the violations.
func recordCheck(t testing.TB, spec *specs.Spec, memo *specs.RecordMemo, target string, body []byte) []specs.Violation {
	t.Helper()
	route, err := spec.FindRoute(http.MethodGet, target)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	header := http.Header{"Content-Type": {"application/json"}}
	whole := spec.ValidateResponse(context.Background(), req, route, specs.Response{Status: 200, Header: header, Body: body})
	split := spec.ValidateResponse(context.Background(), req, route, specs.Response{Status: 200, Header: header, Body: body, Records: memo})
	// The undocumented-property walk reports in map order: compare the violations as sets.
	sorted := func(err error) []specs.Violation {
		vs := specs.Violations(err)
		slices.SortFunc(vs, func(a, b specs.Violation) int { return strings.Compare(fmt.Sprint(a), fmt.Sprint(b)) })
		return vs
	}
	if (whole == nil) != (split == nil) || !reflect.DeepEqual(sorted(whole), sorted(split)) {
		t.Fatalf("with records: %v\nwhole: %v", split, whole)
	}
	return specs.Violations(split)
}

func page(t testing.TB, clients []json.RawMessage, currentPage int) []byte {
	t.Helper()
	body, err := json.Marshal(map[string]any{
		"data": clients, "current_page": currentPage, "last_page": 1, "per_page": 15, "total": len(clients),
		"from": 1, "to": len(clients),
	})
	if err != nil {
		t.Fatal(err)
	}
	return body
}

// remembered loads the TimeWave spec and returns a record memo that has checked a page of the first
// n fixture clients, and those clients.
func remembered(tb testing.TB, n int) (*specs.Spec, *specs.RecordMemo, []json.RawMessage) {
	tb.Helper()
	spec, err := specs.Load("timewave")
	if err != nil {
		tb.Fatal(err)
	}
	memo := specs.NewRecordMemo()
	clients := fixtureClients(tb)[:n]
	if vs := recordCheck(tb, spec, memo, "/clients", page(tb, clients, 1)); len(vs) != 0 {
		tb.Fatalf("the fixture page fails: %v", vs)
	}
	return spec, memo, clients
}

// A record that passed once is remembered by its bytes: a changed record (a wrong type, an
// undocumented property) in a page whose other records passed is still a violation, with the
// violations of the whole check; so is an envelope that breaks its schema around remembered records.
func TestRecordMemoNeverPassesAChangedAnswer(t *testing.T) {
	spec, memo, clients := remembered(t, 15)
	changed := func(i int, from, to string) []json.RawMessage {
		out := append([]json.RawMessage(nil), clients...)
		if !bytes.Contains(out[i], []byte(from)) {
			t.Fatalf("client %d has no %s", i, from)
		}
		out[i] = bytes.Replace(out[i], []byte(from), []byte(to), 1)
		return out
	}
	for name, tc := range map[string]struct {
		body  []byte
		field string
	}{
		"wrong type in a record":          {page(t, changed(3, `"status": "active"`, `"status": 7`), 1), "data.3.status"},
		"undocumented record property":    {page(t, changed(5, `"id": `, `"secret_field": 1, "id": `), 1), "data.5.secret_field"},
		"wrong type in a record's list":   {page(t, changed(6, `"city": "Sollentuna"`, `"city": 7`), 1), "data.6.addresses.0.city"},
		"undocumented in a nested record": {page(t, changed(7, `"firstname": `, `"nickname": "B", "firstname": `), 1), "data.7.contacts.0.nickname"},
		"envelope out of range":           {page(t, clients, 0), "current_page"},
		"record not an object":            {page(t, append(append([]json.RawMessage(nil), clients[:2]...), json.RawMessage(`"x"`)), 1), "data.2"},
		"trailing bytes after the value":  {append(page(t, clients, 1), []byte(` {"data": 1}`)...), ""},
	} {
		t.Run(name, func(t *testing.T) {
			vs := recordCheck(t, spec, memo, "/clients", tc.body)
			if tc.field == "" {
				return // recordCheck compared with the whole check
			}
			found := false
			for _, v := range vs {
				found = found || strings.HasPrefix(v.Field, tc.field)
			}
			if !found {
				t.Fatalf("no violation on %s: %v", tc.field, vs)
			}
		})
	}
	// The remembered version still passes, and one client of the page checked alone (GET /clients/{id}
	// answers {"data": client}) passes by the record it shares with the page.
	if vs := recordCheck(t, spec, memo, "/clients", page(t, clients, 1)); len(vs) != 0 {
		t.Fatalf("the fixture page fails after the changed ones: %v", vs)
	}
	one, _ := json.Marshal(map[string]any{"data": clients[0]})
	if vs := recordCheck(t, spec, memo, "/clients/1001", one); len(vs) != 0 {
		t.Fatalf("one client fails: %v", vs)
	}
}

// FuzzRecordMemo checks arbitrary bodies against GET /clients with a record memo that already holds
// the first 15 fixture clients and without one: the two checks agree, whatever the bytes (broken JSON around
// or inside remembered records, duplicate or escaped keys, trailing bytes).
func FuzzRecordMemo(f *testing.F) {
	spec, memo, clients := remembered(f, 15)
	good := page(f, clients, 1)
	f.Add(good)
	one := string(clients[0])
	for _, body := range []string{
		`{"data":[` + one + `,],"current_page":1,"last_page":1,"per_page":15,"total":1,"from":1,"to":1}`,
		`{"data":[` + one + `] "current_page":1}`,
		`{"data":[` + one + `}],"current_page":1}`,
		`{"data":[` + one + `],"current_page":1x,"last_page":1,"per_page":15,"total":1,"from":1,"to":1}`,
		`{"data":[` + one + `],"data":[` + one + `,"x"],"current_page":1,"last_page":1,"per_page":15,"total":1,"from":1,"to":1}`,
		`{"d\u0061ta":[` + one + `],"current_page":1,"last_page":1,"per_page":15,"total":1,"from":1,"to":1}`,
		`{"data":[` + one + one + `],"current_page":1}`,
		`{"data":[` + one[:len(one)-1] + `,"x":"\"}"}],"current_page":1}`,
		` {"data":[ ` + one + ` ],"current_page":1,"last_page":1,"per_page":15,"total":1,"from":1,"to":1} ` + "\n",
		`{"data":[` + one + `],"current_page":1,"last_page":1,"per_page":15,"total":1,"from":1,"to":1}{}`,
		`{"data":` + one + `}`, `{}`, `[]`, `null`, `{"data":[]}`, `{"data":[`,
		// Fields and shapes: a field null, of another type, missing or added; the same shape twice.
		`{"data":[` + strings.Replace(one, `"id":`, `"id":null,"x":`, 1) + `],"current_page":1,"last_page":1,"per_page":15,"total":1,"from":1,"to":1}`,
		`{"data":[` + strings.Replace(one, `"id":`, `"id":"1","y":`, 1) + `],"current_page":1,"last_page":1,"per_page":15,"total":1,"from":1,"to":1}`,
		`{"data":[` + one + `],"current_page":null,"last_page":1,"per_page":15,"total":"1","from":1,"to":1}`,
		`{"data":[` + one + `],"current_page":1,"last_page":1,"per_page":15,"from":1,"to":1,"extra":{}}`,
		`{"data":[` + one + `],"current_page":2,"last_page":2,"per_page":15,"total":16,"from":16,"to":16}`,
	} {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		recordCheck(t, spec, memo, "/clients", body)
	})
}

// Random edits of a remembered page (a byte deleted, doubled or replaced by a structural one) are
// checked with the record memo as they are without it.
func TestRecordMemoAgreesOnEditedPages(t *testing.T) {
	spec, memo, clients := remembered(t, 3)
	good := page(t, clients, 1)
	rng := rand.New(rand.NewPCG(20, 2))
	structural := []byte(`{}[],:" \1a-.`)
	passed := 0
	for range 600 {
		body := bytes.Clone(good)
		for range 1 + rng.IntN(2) {
			i := rng.IntN(len(body))
			switch rng.IntN(3) {
			case 0:
				body = append(body[:i], body[i+1:]...)
			case 1:
				body = append(body[:i+1], body[i:]...)
			default:
				body[i] = structural[rng.IntN(len(structural))]
			}
		}
		if len(recordCheck(t, spec, memo, "/clients", body)) == 0 {
			passed++
		}
	}
	t.Logf("%d of 600 edited pages pass", passed)
}
