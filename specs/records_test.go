package specs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
)

// recordCheck validates a TimeWave answer to GET target, with and without a record memo, and fails
// the test when the two disagree; it returns the violations.
func recordCheck(t *testing.T, spec *specs.Spec, memo *specs.RecordMemo, target string, body []byte) []specs.Violation {
	t.Helper()
	route, err := spec.FindRoute(http.MethodGet, target)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodGet, target, nil)
	header := http.Header{"Content-Type": {"application/json"}}
	whole := spec.ValidateResponse(context.Background(), req, route, specs.Response{Status: 200, Header: header, Body: body})
	split := spec.ValidateResponse(context.Background(), req, route, specs.Response{Status: 200, Header: header, Body: body, Records: memo})
	if (whole == nil) != (split == nil) || !reflect.DeepEqual(specs.Violations(whole), specs.Violations(split)) {
		t.Fatalf("with records: %v\nwhole: %v", split, whole)
	}
	return specs.Violations(split)
}

func page(t *testing.T, clients []json.RawMessage, currentPage int) []byte {
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

// A record that passed once is remembered by its bytes: a changed record (a wrong type, an
// undocumented property) in a page whose other records passed is still a violation, with the
// violations of the whole check; so is an envelope that breaks its schema around remembered records.
func TestRecordMemoNeverPassesAChangedAnswer(t *testing.T) {
	spec, err := specs.Load("timewave")
	if err != nil {
		t.Fatal(err)
	}
	memo := specs.NewRecordMemo()
	clients := fixtureClients(t)[:15]
	if vs := recordCheck(t, spec, memo, "/clients", page(t, clients, 1)); len(vs) != 0 {
		t.Fatalf("the fixture page fails: %v", vs)
	}
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
		"wrong type in a record":         {page(t, changed(3, `"status": "active"`, `"status": 7`), 1), "data.3.status"},
		"undocumented record property":   {page(t, changed(5, `"id": `, `"secret_field": 1, "id": `), 1), "data.5.secret_field"},
		"envelope out of range":          {page(t, clients, 0), "current_page"},
		"record not an object":           {page(t, append(append([]json.RawMessage(nil), clients[:2]...), json.RawMessage(`"x"`)), 1), "data.2"},
		"trailing bytes after the value": {append(page(t, clients, 1), []byte(` {"data": 1}`)...), ""},
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
