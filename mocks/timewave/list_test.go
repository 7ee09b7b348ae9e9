package timewave_test

import (
	"cmp"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/timewave"
)

func num(v any) float64 { f, _ := v.(float64); return f }

// want returns the ids of the fixture clients for which keep holds, ascending.
func want(all []map[string]any, keep func(c map[string]any) bool) []int {
	var out []int
	for _, c := range all {
		if keep(c) {
			out = append(out, int(num(c["id"])))
		}
	}
	slices.Sort(out)
	return out
}

func TestListFilters(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	all := fixtures(t)
	id := func(c map[string]any) int { return int(num(c["id"])) }
	cases := []struct {
		name  string
		query string
		keep  func(c map[string]any) bool
	}{
		{"no filter", "", func(map[string]any) bool { return true }},
		{"id", "filter[id]=1042", func(c map[string]any) bool { return id(c) == 1042 }},
		{"unknown id", "filter[id]=5", func(map[string]any) bool { return false }},
		{"id gt", "filter[id][gt]=1250", func(c map[string]any) bool { return id(c) > 1250 }},
		{"id lt", "filter[id][lt]=1010", func(c map[string]any) bool { return id(c) < 1010 }},
		{"id between is inclusive", "filter[id][between]=1100,1105", func(c map[string]any) bool { return id(c) >= 1100 && id(c) <= 1105 }},
		{"id between reversed matches nothing", "filter[id][between]=1105,1100", func(map[string]any) bool { return false }},
		{"id between negative", "filter[id][between]=-5,1003", func(c map[string]any) bool { return id(c) <= 1003 }},
		{"gt and lt", "filter[id][gt]=1020&filter[id][lt]=1031", func(c map[string]any) bool { return id(c) > 1020 && id(c) < 1031 }},
		{"gt and between", "filter[id][gt]=1102&filter[id][between]=1100,1105", func(c map[string]any) bool { return id(c) > 1102 && id(c) <= 1105 }},
		{"id and gt", "filter[id]=1050&filter[id][gt]=1050", func(map[string]any) bool { return false }},
		{"status", "filter[status]=prospect", func(c map[string]any) bool { return c["status"] == "prospect" }},
		{"status deleted is not deleted", "filter[status]=deleted", func(c map[string]any) bool { return c["status"] == "deleted" }},
		{"number", "filter[number]=10002", func(c map[string]any) bool { return c["number"] == "10002" }},
		{"deleted true", "filter[deleted]=true", func(c map[string]any) bool { return c["deleted"] == true }},
		{"deleted 1", "filter[deleted]=1", func(c map[string]any) bool { return c["deleted"] == true }},
		{"deleted false", "filter[deleted]=false", func(c map[string]any) bool { return c["deleted"] == false }},
		{"deleted 0", "filter[deleted]=0", func(c map[string]any) bool { return c["deleted"] == false }},
		{"email", "filter[email]=anna.lindqvist@example.se", func(c map[string]any) bool { return c["email"] == "anna.lindqvist@example.se" }},
		{"email is case-sensitive", "filter[email]=Anna.Lindqvist@example.se", func(map[string]any) bool { return false }},
		{"personal number", "filter[personal_number]=556677-8899", func(c map[string]any) bool { return c["personal_number"] == "556677-8899" }},
		{"status and deleted", "filter[status]=active&filter[deleted]=true", func(c map[string]any) bool { return c["status"] == "active" && c["deleted"] == true }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := e.list(tc.query + "&page[size]=1000")
			expected := want(all, tc.keep)
			if got := ids(p.Data); !slices.Equal(got, expected) {
				t.Fatalf("ids %v, want %v", got, expected)
			}
			if p.Total != len(expected) {
				t.Errorf("total %d, want %d", p.Total, len(expected))
			}
		})
	}
	// The filters that match something do (a test of the fixtures as much as of the mock).
	for _, q := range []string{"filter[status]=prospect", "filter[deleted]=true", "filter[number]=10002", "filter[email]=anna.lindqvist@example.se", "filter[personal_number]=556677-8899"} {
		if e.list(q).Total == 0 {
			t.Errorf("%s matches no fixture", q)
		}
	}
}

// sortValue is the independent reading of a sort field: nil for null, else a string or a number.
func sortValue(c map[string]any, field string) any {
	v := c[field]
	if b, ok := v.(bool); ok {
		if b {
			return 1.0
		}
		return 0.0
	}
	return v
}

func compareValues(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	if s, ok := a.(string); ok {
		return strings.Compare(s, b.(string))
	}
	return cmp.Compare(a.(float64), b.(float64))
}

func TestListSort(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	fields := []string{"id", "status", "title", "number", "deleted", "phone", "mobile", "paymentterms", "email", "clientnbr",
		"employee_id", "paymenttype", "hourpot", "fax", "workphone", "has_hourpot", "secondary_email", "www",
		"invoicetemplate_id", "first_name", "last_name", "company_name", "personal_number", "invoice_fee_id"}
	for _, field := range fields {
		for _, desc := range []bool{false, true} {
			sort := field
			if desc {
				sort = "-" + field
			}
			t.Run(sort, func(t *testing.T) {
				// 100 clients keep the (validated) answers small; every field varies among them.
				p := e.list("sort=" + sort + "&filter[id][lt]=1101&page[size]=1000")
				if len(p.Data) != 100 {
					t.Fatalf("%d clients", len(p.Data))
				}
				distinct := map[string]bool{}
				for i := 1; i < len(p.Data); i++ {
					a, b := p.Data[i-1], p.Data[i]
					c := compareValues(sortValue(a, field), sortValue(b, field))
					if desc {
						c = -c
					}
					if c > 0 {
						t.Fatalf("position %d: %v before %v", i, a[field], b[field])
					}
					if c == 0 && num(a["id"]) >= num(b["id"]) {
						t.Fatalf("position %d: tie not in id order (%v, %v)", i, a["id"], b["id"])
					}
					k, _ := json.Marshal(b[field])
					distinct[string(k)] = true
				}
				if len(distinct) < 2 {
					t.Errorf("the fixtures have one value of %s: the sort is not exercised", field)
				}
				if desc && sortValue(p.Data[0], field) == nil && sortValue(p.Data[len(p.Data)-1], field) != nil {
					t.Errorf("descending: null first")
				}
			})
		}
	}
	t.Run("default is id ascending", func(t *testing.T) {
		p := e.list("page[size]=1000")
		if !slices.IsSorted(ids(p.Data)) {
			t.Fatal("not in id order")
		}
	})
	t.Run("sort and filter and page", func(t *testing.T) {
		all := e.list("sort=-last_name&filter[status]=active&page[size]=1000").Data
		second := e.list("sort=-last_name&filter[status]=active&page[size]=10&page[number]=2").Data
		if !reflect.DeepEqual(ids(second), ids(all[10:20])) {
			t.Fatalf("page 2 of 10 %v, want %v", ids(second), ids(all[10:20]))
		}
	})
}

func TestListPaging(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	ptr := func(n int) *int { return &n }
	cases := []struct {
		name                         string
		query                        string
		current, last, per, total, n int
		from, to                     *int
		firstID                      int
	}{
		{"default", "", 1, 18, 15, 260, 15, ptr(1), ptr(15), 1001},
		{"page 2", "page=2", 2, 18, 15, 260, 15, ptr(16), ptr(30), 1016},
		{"last page", "page=18", 18, 18, 15, 260, 5, ptr(256), ptr(260), 1256},
		{"past the end", "page=19", 19, 18, 15, 260, 0, nil, nil, 0},
		{"far past the end", "page=9999999999", 9999999999, 18, 15, 260, 0, nil, nil, 0},
		{"page[size] alone", "page[size]=100", 1, 3, 100, 260, 100, ptr(1), ptr(100), 1001},
		{"page[size] wins over page", "page[size]=100&page=2", 1, 3, 100, 260, 100, ptr(1), ptr(100), 1001},
		{"page[size] with page[number]", "page[size]=100&page[number]=3&page=2", 3, 3, 100, 260, 60, ptr(201), ptr(260), 1201},
		{"page[size] past the end", "page[size]=100&page[number]=4", 4, 3, 100, 260, 0, nil, nil, 0},
		{"page[number] alone", "page[number]=2", 2, 18, 15, 260, 15, ptr(16), ptr(30), 1016},
		{"the largest page", "page[size]=1000", 1, 1, 1000, 260, 260, ptr(1), ptr(260), 1001},
		{"exact pages", "page[size]=130&page[number]=2", 2, 2, 130, 260, 130, ptr(131), ptr(260), 1131},
		{"empty result", "filter[id]=1", 1, 1, 15, 0, 0, nil, nil, 0},
		{"empty result page 2", "filter[id]=1&page=2", 2, 1, 15, 0, 0, nil, nil, 0},
		{"one per page", "page[size]=1&page[number]=260", 260, 260, 1, 260, 1, ptr(260), ptr(260), 1260},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := e.list(tc.query)
			if p.CurrentPage != tc.current || p.LastPage != tc.last || p.PerPage != tc.per || p.Total != tc.total || len(p.Data) != tc.n {
				t.Fatalf("current %d last %d per %d total %d n %d; want %d %d %d %d %d",
					p.CurrentPage, p.LastPage, p.PerPage, p.Total, len(p.Data), tc.current, tc.last, tc.per, tc.total, tc.n)
			}
			if !reflect.DeepEqual(p.From, tc.from) || !reflect.DeepEqual(p.To, tc.to) {
				t.Errorf("from %v to %v", deref(p.From), deref(p.To))
			}
			if tc.n > 0 && ids(p.Data)[0] != tc.firstID {
				t.Errorf("first id %d, want %d", ids(p.Data)[0], tc.firstID)
			}
		})
	}
	t.Run("envelope keys", func(t *testing.T) {
		_, body := e.call(http.MethodGet, "/clients?page=19", nil)
		var raw map[string]json.RawMessage
		mustJSON(t, body, &raw)
		for _, k := range []string{"data", "current_page", "last_page", "per_page", "total", "from", "to"} {
			if _, ok := raw[k]; !ok {
				t.Errorf("envelope lacks %s: %s", k, body)
			}
		}
		if string(raw["data"]) != "[]" || string(raw["from"]) != "null" || string(raw["to"]) != "null" {
			t.Errorf("empty page: %s", body)
		}
	})
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func TestListBadQuery(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	cases := []struct {
		name, query, field, text string
	}{
		{"unknown sort field", "sort=vat", "sort", "The selected sort is invalid."},
		{"sort on two fields", "sort=id,-last_name", "sort", "The selected sort is invalid."},
		{"between without comma", "filter[id][between]=1001", "filter[id][between]", "The filter[id][between] format is invalid."},
		{"between with letters", "filter[id][between]=a,b", "filter[id][between]", "The filter[id][between] format is invalid."},
		{"between overflowing", "filter[id][between]=1,99999999999999999999", "filter[id][between]", "The filter[id][between] format is invalid."},
		{"gt not a number", "filter[id][gt]=ten", "filter[id][gt]", "The filter[id][gt] must be an integer."},
		{"lt a decimal", "filter[id][lt]=1.5", "filter[id][lt]", "The filter[id][lt] must be an integer."},
		{"id zero", "filter[id]=0", "filter[id]", "The filter[id] must be at least 1."},
		{"unknown status", "filter[status]=aktiv", "filter[status]", "The selected filter[status] is invalid."},
		{"deleted yes", "filter[deleted]=yes", "filter[deleted]", "The filter[deleted] field must be true or false."},
		{"page size over max", "page[size]=1001", "page[size]", "The page[size] must not be greater than 1000."},
		{"page size zero", "page[size]=0", "page[size]", "The page[size] must be at least 1."},
		{"page zero", "page=0", "page", "The page must be at least 1."},
		{"page number zero", "page[size]=10&page[number]=0", "page[number]", "The page[number] must be at least 1."},
		{"filter on a field that is not filterable", "filter[last_name]=Lindqvist", "filter[last_name]", "The filter[last_name] filter is not allowed."},
		{"unknown operator", "filter[id][gte]=5", "filter[id][gte]", "The filter[id][gte] filter is not allowed."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.call(http.MethodGet, "/clients?"+tc.query, nil)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d: %s", status, body)
			}
			var ve validationError
			mustJSON(t, body, &ve)
			if got := ve.Errors[tc.field]; len(got) != 1 || got[0] != tc.text {
				t.Fatalf("errors[%s] = %q, want %q (body %s)", tc.field, got, tc.text, body)
			}
			if ve.Message != tc.text {
				t.Errorf("message %q, want %q", ve.Message, tc.text)
			}
		})
	}
	t.Run("several errors", func(t *testing.T) {
		_, body := e.call(http.MethodGet, "/clients?sort=vat&page=0&page[number]=0", nil)
		var ve validationError
		mustJSON(t, body, &ve)
		if len(ve.Errors) != 3 || !strings.HasSuffix(ve.Message, "(and 2 more errors)") {
			t.Fatalf("body %s", body)
		}
	})
}

// A page is encoded once per state of the store: a create, an update and a reset all show in the next
// answer to the very same request.
func TestListFollowsEveryChange(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	const q = "filter[id][between]=1001,1002&sort=-id"
	phoneOf := func() any {
		p := e.list(q)
		if len(p.Data) == 0 || p.Data[0]["id"] != 1002.0 {
			t.Fatalf("first of %s: %v", q, p.Data)
		}
		return p.Data[0]["phone"]
	}
	fixture := phoneOf()
	phoneOf() // served from the cache
	if status, body := e.call(http.MethodPut, "/clients/1002", map[string]any{"phone": "031-15 42 99"}); status != http.StatusOK {
		t.Fatalf("update: %d %s", status, body)
	}
	if got := phoneOf(); got != "031-15 42 99" {
		t.Fatalf("after the update: phone %v", got)
	}
	total := e.total()
	if status, body := e.call(http.MethodPost, "/clients", map[string]any{"name": "Ny Kund AB", "type": 2, "clienttype_id": 2}); status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	if got := e.total(); got != total+1 {
		t.Fatalf("after the create: total %d, want %d", got, total+1)
	}
	if err := e.mock.Reset(); err != nil {
		t.Fatal(err)
	}
	if got := phoneOf(); got != fixture {
		t.Fatalf("after the reset: phone %v, want %v", got, fixture)
	}
	if got := e.total(); got != total {
		t.Fatalf("after the reset: total %d, want %d", got, total)
	}
}
