package record

import (
	"bytes"
	"encoding/json"
	"errors"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
)

// branches are a schema and the schemas its allOf, oneOf and anyOf combine, recursively.
func branches(s *openapi3.Schema) []*openapi3.Schema {
	out := []*openapi3.Schema{s}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, ref := range group {
			out = append(out, branches(ref.Value)...)
		}
	}
	return out
}

// property is the schema of a dotted path under s (arrays do not add to a path), nil when none.
func property(s *openapi3.Schema, path string) *openapi3.Schema {
	for s != nil && s.Items != nil {
		s = s.Items.Value
	}
	if path == "" || s == nil {
		return s
	}
	head, rest, _ := strings.Cut(path, ".")
	for _, b := range branches(s) {
		if p := b.Properties[head]; p != nil {
			if found := property(p.Value, rest); found != nil {
				return found
			}
		}
	}
	return nil
}

// emailPaths are the paths of every property under s whose format is email.
func emailPaths(s *openapi3.Schema, prefix string, depth int, out map[string]bool) {
	for s.Items != nil {
		s = s.Items.Value
	}
	if s.Format == "email" && prefix != "" {
		out[prefix] = true
	}
	if depth > 6 {
		return
	}
	for _, b := range branches(s) {
		for name, p := range b.Properties {
			path := name
			if prefix != "" {
				path = prefix + "." + name
			}
			emailPaths(p.Value, path, depth+1, out)
		}
	}
}

// TestPersonalFieldsFollowTheSpec: every personal field a vendor lists is a string property of its
// collection's schema in the spec, and every property the spec formats as an e-mail is listed.
func TestPersonalFieldsFollowTheSpec(t *testing.T) {
	for api, v := range vendors {
		spec, err := specs.Load(api)
		if err != nil {
			t.Fatal(err)
		}
		for coll, fields := range v.personal {
			ref := spec.Doc().Components.Schemas[v.schemas[coll]]
			if ref == nil {
				t.Fatalf("%s %s: no schema %q", api, coll, v.schemas[coll])
			}
			for path := range fields {
				p := property(ref.Value, path)
				if p == nil || !p.Type.Is("string") {
					t.Errorf("%s %s: %s is not a string property of %s", api, coll, path, v.schemas[coll])
				}
			}
			emails := map[string]bool{}
			emailPaths(ref.Value, "", 0, emails)
			for path := range emails {
				if _, kept := addressFields[path]; coll == "addresses" && !kept {
					continue // addresses.json keeps only the search request's address fields
				}
				if k := fields[path]; k != anonymize.Email && k != anonymize.Contact {
					t.Errorf("%s %s: %s is an e-mail in the spec but not listed as one", api, coll, path)
				}
			}
		}
	}
}

// conforming is an exchange the proxy found conforming: method, path and JSON answer.
func conforming(t testing.TB, spec *specs.Spec, method, target string, status int, body, reqBody string) proxy.Exchange {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(reqBody))
	route, err := spec.FindRouteRequest(req)
	if err != nil {
		t.Fatal(err)
	}
	return proxy.Exchange{Route: route, Request: req, RequestBody: []byte(reqBody), Status: status,
		Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(body), Conforms: true}
}

func readFile(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatal(err)
	}
}

// TestMergesByIdentity: a TimeWave client in a page, by id and by number is one client, the newest
// copy; an answer that does not conform is counted and left out; the reference tables come from the
// clients, with a placeholder row for a table none names.
func TestMergesByIdentity(t *testing.T) {
	spec, err := specs.Load("timewave")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r, err := New(Config{API: "timewave", Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	client := func(id int, name string) string {
		c := map[string]any{"id": id, "number": "N" + name, "first_name": name, "employee_id": 7,
			"clienttype": map[string]any{"id": 2, "name": "Företag"}, "bank": nil, "addresses": []any{}}
		b, _ := json.Marshal(c)
		return string(b)
	}
	r.Observe(conforming(t, spec, "GET", "/clients?page=1", 200, `{"data":[`+client(1, "Anna")+`,`+client(2, "Bo")+`]}`, ""))
	r.Observe(conforming(t, spec, "GET", "/clients/1", 200, `{"data":`+client(1, "Anna2")+`}`, ""))
	r.Observe(conforming(t, spec, "GET", "/clients/findByNumber/NAnna", 200, `{"data":`+client(1, "Anna3")+`}`, ""))
	off := conforming(t, spec, "GET", "/clients/3", 200, `{"data":`+client(3, "Cia")+`}`, "")
	off.Conforms = false
	r.Observe(off)
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	var clients []map[string]any
	readFile(t, filepath.Join(dir, "timewave", "clients.json"), &clients)
	if len(clients) != 2 || clients[0]["first_name"] != "Anna3" || clients[1]["first_name"] != "Bo" {
		t.Fatalf("clients: %v", clients)
	}
	if got := r.Skipped(); !maps.Equal(got, map[string]int{"getClient": 1}) {
		t.Errorf("skipped %v", got)
	}
	var ref map[string][]map[string]any
	readFile(t, filepath.Join(dir, "timewave", "reference.json"), &ref)
	if len(ref["employees"]) != 1 || ref["employees"][0]["id"] != 7.0 || ref["clienttypes"][0]["name"] != "Företag" {
		t.Errorf("reference tables from the clients: %v", ref)
	}
	if len(ref["banks"]) != 1 || ref["banks"][0]["name"] != "(not recorded)" {
		t.Errorf("a table no client names: %v", ref["banks"])
	}
}

// TestFlush: nothing recorded writes nothing; files are replaced whole, no temporary file is left.
func TestFlush(t *testing.T) {
	spec, err := specs.Load("vitecauto")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r, err := New(Config{API: "vitecauto", Dir: dir, Mapper: anonymize.New([]byte("k"), anonymize.Norway)})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "vitecauto")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("an empty recording wrote files: %v", err)
	}
	r.Observe(conforming(t, spec, "GET", "/api/customer?companyId=998&customerId=1", 200,
		`{"firmakode":"998","kundenummer":"1","navn1":"Bjørnstad Kari","email":"kari@example.no"}`, ""))
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, "vitecauto"))
	if len(entries) != 1 || entries[0].Name() != "customers.json" {
		t.Fatalf("files: %v", entries)
	}
	data, _ := os.ReadFile(filepath.Join(dir, "vitecauto", "customers.json"))
	if bytes.Contains(data, []byte("Bjørnstad")) || bytes.Contains(data, []byte("kari@")) || !bytes.Contains(data, []byte(`"kundenummer": "1"`)) {
		t.Fatalf("personal data kept or identity lost:\n%s", data)
	}
	if _, err := New(Config{API: "nope", Dir: dir}); !errors.Is(err, ErrUnknownAPI) {
		t.Errorf("unknown API: %v", err)
	}
	if got := slices.Sorted(maps.Keys(vendors)); !slices.Equal(got, specs.Names()) {
		t.Errorf("recording rules for %v, specs %v", got, specs.Names())
	}
}

// TestConcurrentObserveAndFlush: exchanges observed while the recording is written (run with -race)
// all end up in it.
func TestConcurrentObserveAndFlush(t *testing.T) {
	spec, err := specs.Load("vitecauto")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	r, err := New(Config{API: "vitecauto", Dir: dir, Mapper: anonymize.New(nil, anonymize.Norway)})
	if err != nil {
		t.Fatal(err)
	}
	exchanges := make([][]proxy.Exchange, 4)
	for w := range exchanges {
		for i := range 25 {
			n := strconv.Itoa(w*100 + i + 1)
			exchanges[w] = append(exchanges[w], conforming(t, spec, "GET", "/api/customer?companyId=998&customerId="+n, 200,
				`{"firmakode":"998","kundenummer":"`+n+`","navn1":"Kari Nordmann"}`, ""))
		}
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 50 {
			if err := r.Flush(); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	var wg sync.WaitGroup
	for _, xs := range exchanges {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, x := range xs {
				r.Observe(x)
			}
		}()
	}
	wg.Wait()
	<-done
	if err := r.Flush(); err != nil {
		t.Fatal(err)
	}
	var customers []map[string]any
	readFile(t, filepath.Join(dir, "vitecauto", "customers.json"), &customers)
	if len(customers) != 100 {
		t.Fatalf("%d customers recorded, want 100", len(customers))
	}
}
