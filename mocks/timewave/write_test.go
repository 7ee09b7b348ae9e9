package timewave_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/vendorctl/vendorctl/mocks/timewave"
)

func TestGetAndFindByNumber(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	all := fixtures(t)
	t.Run("every fixture as stored", func(t *testing.T) {
		p := e.list("page[size]=1000")
		if !reflect.DeepEqual(p.Data, all) {
			t.Fatal("GET /clients does not answer the fixtures as they are")
		}
	})
	t.Run("by id", func(t *testing.T) {
		if got := e.get(1002); !reflect.DeepEqual(got, all[1]) {
			t.Fatalf("client 1002 = %v", got)
		}
	})
	t.Run("by number", func(t *testing.T) {
		status, body := e.call(http.MethodGet, "/clients/findByNumber/10002", nil)
		var res struct{ Data map[string]any }
		mustJSON(t, body, &res)
		if status != 200 || res.Data["id"] != 1002.0 {
			t.Fatalf("%d %s", status, body)
		}
	})
	cases := []struct {
		name, path string
		status     int
		message    string
	}{
		{"unknown id", "/clients/999999", 404, `No query results for model [App\Models\Client] 999999`},
		{"unknown number", "/clients/findByNumber/NOPE-1", 404, `No query results for model [App\Models\Client] NOPE-1`},
		{"id zero", "/clients/0", 400, "The id must be at least 1."},
		{"id not a number", "/clients/abc", 400, "The id must be an integer."},
		{"unknown path", "/customers", 404, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, body := e.call(http.MethodGet, tc.path, nil)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, body)
			}
			var res struct{ Message string }
			mustJSON(t, body, &res)
			if res.Message == "" || (tc.message != "" && res.Message != tc.message) {
				t.Errorf("message %q, want %q", res.Message, tc.message)
			}
		})
	}
	t.Run("method not allowed", func(t *testing.T) {
		status, body := e.call(http.MethodDelete, "/clients/1001", nil)
		if status != 405 || !strings.Contains(string(body), `"message"`) {
			t.Fatalf("%d %s", status, body)
		}
	})
}

func create(t *testing.T, e *env, body any) map[string]any {
	t.Helper()
	status, data := e.call(http.MethodPost, "/clients", body)
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, data)
	}
	var res struct{ Data map[string]any }
	mustJSON(t, data, &res)
	return res.Data
}

func TestCreate(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	got := create(t, e, map[string]any{
		"status":             "prospect",
		"company_name":       "Sjöbergs Fastighetsservice AB",
		"number":             "K-2024-77",
		"personal_number":    "556812-3458",
		"email":              "info@sjobergsfastighet.example.se",
		"secondary_email":    "faktura@sjobergsfastighet.example.se",
		"payment_type":       2,
		"paymentterms":       "30",
		"vat":                "SE556812345801",
		"www":                "https://www.sjobergsfastighet.example.se",
		"clienttype_id":      2,
		"bank_id":            2,
		"employee_id":        3,
		"invoicetemplate_id": 2,
		"invoice_fee_id":     77,
		"hourpot":            2.5,
		"has_hourpot":        true,
		"full_reduction_pot": 2,
		"reference_name":     "Lars Sjöberg",
		"references":         []any{map[string]any{"name": "Inköpsorder", "description": "PO-2024-0112"}, map[string]any{"name": "Projekt"}},
		"comment":            "Fönsterputs kontor, kvartalsvis.",
		"address":            map[string]any{"address": "Vintergatan 7", "postal_code": "722 15", "city": "Västerås", "workarea_id": 6},
		"invoice_address":    map[string]any{"address": "Box 1123", "postal_code": "411 05", "city": "Göteborg"},
		"unknown_key":        "ignored",
	})
	checks := map[string]any{
		"id": 1261.0, "clientnbr": 10261.0, "number": "K-2024-77", "type": 2.0, "status": "prospect",
		"paymenttype": 2.0, "deleted": false, "hourpot": 2.5, "has_hourpot": true, "full_reduction_pot": 2.0,
		"invoice_fee_id": 77.0, "employee_id": 3.0, "title": nil, "first_name": nil,
		"clienttype": map[string]any{"id": 2.0, "name": "Företag"},
		"bank":       map[string]any{"id": 2.0, "bid": "HANDSESS", "enar": "6000", "name": "Handelsbanken"},
		"contacts":   []any{},
		"references": []any{
			map[string]any{"id": 553.0, "name": "Inköpsorder", "description": "PO-2024-0112"},
			map[string]any{"id": 554.0, "name": "Projekt", "description": nil},
		},
	}
	for k, v := range checks {
		if !reflect.DeepEqual(got[k], v) {
			t.Errorf("%s = %#v, want %#v", k, got[k], v)
		}
	}
	for _, k := range []string{"vat", "comment", "reference_name", "payment_type", "bank_id", "clienttype_id", "address"} {
		if _, ok := got[k]; ok {
			t.Errorf("the response has the write-only field %s", k)
		}
	}
	addrs, _ := got["addresses"].([]any)
	if len(addrs) != 2 {
		t.Fatalf("addresses %v", got["addresses"])
	}
	main, inv := addrs[0].(map[string]any), addrs[1].(map[string]any)
	if main["address"] != "Vintergatan 7" || main["is_delivery"] != true || main["is_invoice"] != false ||
		!reflect.DeepEqual(main["workarea"], map[string]any{"id": 6.0, "name": "Västerås"}) || main["client_id"] != 1261.0 || main["id"] != 3381.0 {
		t.Errorf("address %v", main)
	}
	if inv["address"] != "Box 1123" || inv["is_delivery"] != false || inv["is_invoice"] != true || inv["workarea"] != nil || inv["id"] != 3382.0 {
		t.Errorf("invoice address %v", inv)
	}
	if !reflect.DeepEqual(e.get(1261), got) {
		t.Error("GET answers something else than the create")
	}
	if p := e.list("filter[email]=info@sjobergsfastighet.example.se"); !slices.Equal(ids(p.Data), []int{1261}) {
		t.Errorf("filter[email] finds %v", ids(p.Data))
	}
	if _, body := e.call(http.MethodGet, "/clients/findByNumber/K-2024-77", nil); !strings.Contains(string(body), `"id":1261`) {
		t.Errorf("findByNumber: %s", body)
	}

	t.Run("defaults", func(t *testing.T) {
		got := create(t, e, map[string]any{"first_name": "Märta", "last_name": "Åkesson", "address": map[string]any{"address": "Storgatan 1"}})
		checks := map[string]any{
			"id": 1262.0, "clientnbr": 10262.0, "type": 1.0, "status": "active", "paymenttype": 1.0, "deleted": false,
			"has_hourpot": false, "hourpot": nil, "full_reduction_pot": 0.0, "number": nil, "bank": nil, "clienttype": nil,
			"references": []any{},
		}
		for k, v := range checks {
			if !reflect.DeepEqual(got[k], v) {
				t.Errorf("%s = %#v, want %#v", k, got[k], v)
			}
		}
		a := got["addresses"].([]any)[0].(map[string]any)
		if a["is_delivery"] != true || a["is_invoice"] != true {
			t.Errorf("a lone address is both delivery and invoice address: %v", a)
		}
	})
	t.Run("empty body", func(t *testing.T) {
		got := create(t, e, map[string]any{})
		if got["id"] != 1263.0 || !reflect.DeepEqual(got["addresses"], []any{}) {
			t.Errorf("%v", got)
		}
	})
	t.Run("delivery address only", func(t *testing.T) {
		got := create(t, e, map[string]any{"delivery_address": map[string]any{"city": "Luleå", "workarea_id": 10}})
		a := got["addresses"].([]any)
		if len(a) != 1 || a[0].(map[string]any)["is_delivery"] != true || a[0].(map[string]any)["is_invoice"] != false {
			t.Errorf("%v", a)
		}
	})
	t.Run("number is not unique", func(t *testing.T) {
		got := create(t, e, map[string]any{"number": "10001"})
		if got["number"] != "10001" {
			t.Fatalf("%v", got["number"])
		}
		if _, body := e.call(http.MethodGet, "/clients/findByNumber/10001", nil); !strings.Contains(string(body), `"id":1001`) {
			t.Errorf("findByNumber with a shared number answers the lowest id: %s", body)
		}
	})
}

// rejected asserts a 422 naming field with text (when given), and that nothing was stored.
func rejected(t *testing.T, e *env, method, path string, body any, field, text string) {
	t.Helper()
	before := e.total()
	status, data := e.call(method, path, body)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %s", status, data)
	}
	var ve validationError
	mustJSON(t, data, &ve)
	msgs, ok := ve.Errors[field]
	if !ok || len(msgs) == 0 {
		t.Fatalf("errors lack %q: %s", field, data)
	}
	if text != "" && !slices.Contains(msgs, text) {
		t.Errorf("errors[%s] = %q, want %q", field, msgs, text)
	}
	if ve.Message == "" {
		t.Error("empty message")
	}
	if after := e.total(); after != before {
		t.Errorf("a rejected write changed the total from %d to %d", before, after)
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	type rule struct {
		name     string
		ok       map[string]any // accepted
		bad      map[string]any // rejected
		field    string         // named in errors
		text     string
		skipGood bool
	}
	long := func(n int) string { return strings.Repeat("å", n) }
	email := func(n int) string { return strings.Repeat("a", n-len("@example.se")) + "@example.se" }
	www := func(n int) string { return "https://example.se/" + strings.Repeat("a", n-len("https://example.se/")) }
	var rules []rule
	for field, max := range map[string]int{
		"title": 255, "number": 32, "phone": 45, "mobile": 45, "paymentterms": 4, "fax": 128, "vat": 45,
		"workphone": 45, "secondary_email": 245, "first_name": 64, "last_name": 64, "company_name": 128,
		"personal_number": 45, "comment": 255,
	} {
		rules = append(rules, rule{"max " + field, map[string]any{field: long(max)}, map[string]any{field: long(max + 1)}, field,
			fmt.Sprintf("The %s must not be greater than %d characters.", strings.ReplaceAll(field, "_", " "), max), false})
	}
	rules = append(rules,
		rule{"max email", map[string]any{"email": email(245)}, map[string]any{"email": email(246)}, "email", "The email must not be greater than 245 characters.", false},
		rule{"email format", map[string]any{"email": "kund@example.se"}, map[string]any{"email": "kund.example.se"}, "email", "The email must be a valid email address.", false},
		rule{"email without a dot in the domain", nil, map[string]any{"email": "kund@localhost"}, "email", "The email must be a valid email address.", true},
		rule{"max www", map[string]any{"www": www(255)}, map[string]any{"www": www(256)}, "www", "The www must not be greater than 255 characters.", false},
		rule{"www url", map[string]any{"www": "https://www.example.se"}, map[string]any{"www": "www.example.se"}, "www", "The www must be a valid URL.", false},
		rule{"hourpot min 0", map[string]any{"hourpot": 0}, map[string]any{"hourpot": -0.5}, "hourpot", "The hourpot must be at least 0.", false},
		rule{"hourpot numeric", map[string]any{"hourpot": 7.25}, map[string]any{"hourpot": "7"}, "hourpot", "The hourpot must be a number.", false},
		rule{"taxreduction_percentage min 0", map[string]any{"taxreduction_percentage": 0}, map[string]any{"taxreduction_percentage": -1}, "taxreduction_percentage", "The taxreduction percentage must be at least 0.", false},
		rule{"full_reduction_pot enum", map[string]any{"full_reduction_pot": 2}, map[string]any{"full_reduction_pot": 3}, "full_reduction_pot", "The selected full reduction pot is invalid.", false},
		rule{"full_reduction_pot min 0", nil, map[string]any{"full_reduction_pot": -1}, "full_reduction_pot", "The selected full reduction pot is invalid.", true},
		rule{"status enum", map[string]any{"status": "inactive"}, map[string]any{"status": "aktiv"}, "status", "The selected status is invalid.", false},
		rule{"payment_type enum", map[string]any{"payment_type": 9}, map[string]any{"payment_type": 5}, "payment_type", "The selected payment type is invalid.", false},
		rule{"has_hourpot boolean", map[string]any{"has_hourpot": false}, map[string]any{"has_hourpot": "ja"}, "has_hourpot", "The has hourpot field must be true or false.", false},
		rule{"employee_id integer", map[string]any{"employee_id": 12}, map[string]any{"employee_id": 1.5}, "employee_id", "The employee id must be an integer.", false},
		rule{"null is not accepted", nil, map[string]any{"first_name": nil}, "first_name", "The first name must be a string.", true},
		rule{"exists in employees", map[string]any{"employee_id": 1}, map[string]any{"employee_id": 13}, "employee_id", "The selected employee id is invalid.", false},
		rule{"exists in invoicetemplates", map[string]any{"invoicetemplate_id": 3}, map[string]any{"invoicetemplate_id": 4}, "invoicetemplate_id", "The selected invoicetemplate id is invalid.", false},
		rule{"exists in banks", map[string]any{"bank_id": 8}, map[string]any{"bank_id": 9}, "bank_id", "The selected bank id is invalid.", false},
		rule{"exists in clienttypes", map[string]any{"clienttype_id": 5}, map[string]any{"clienttype_id": 6}, "clienttype_id", "The selected clienttype id is invalid.", false},
		rule{"exists in workareas (address)", map[string]any{"address": map[string]any{"workarea_id": 1}}, map[string]any{"address": map[string]any{"workarea_id": 11}}, "address.workarea_id", "The selected address.workarea id is invalid.", false},
		rule{"exists in workareas (delivery_address)", map[string]any{"delivery_address": map[string]any{"workarea_id": 10}}, map[string]any{"delivery_address": map[string]any{"workarea_id": 0}}, "delivery_address.workarea_id", "The selected delivery address.workarea id is invalid.", false},
		rule{"exists in workareas (invoice_address)", map[string]any{"invoice_address": map[string]any{"workarea_id": 2}}, map[string]any{"invoice_address": map[string]any{"workarea_id": 99}}, "invoice_address.workarea_id", "", false},
		rule{"secondary_email with payment_type 2", map[string]any{"payment_type": 2, "secondary_email": "faktura@example.se"}, map[string]any{"payment_type": 2}, "secondary_email", "The secondary email field is required when payment type is 2.", false},
		rule{"secondary_email empty with payment_type 2", map[string]any{"payment_type": 1}, map[string]any{"payment_type": 2, "secondary_email": "  "}, "secondary_email", "The secondary email field is required when payment type is 2.", false},
		rule{"secondary_email null with payment_type 2", nil, map[string]any{"payment_type": 2, "secondary_email": nil}, "secondary_email", "The secondary email field is required when payment type is 2.", true},
		rule{"reference without id", map[string]any{"references": []any{map[string]any{"name": long(64), "description": long(255)}}}, map[string]any{"references": []any{map[string]any{"name": "A"}, map[string]any{"id": 1, "name": "Ordernummer"}}}, "references.1.id", "The references.1.id field is prohibited.", false},
		rule{"reference name required", nil, map[string]any{"references": []any{map[string]any{"description": "x"}}}, "references.0.name", "The references.0.name field is required.", true},
		rule{"reference name max", nil, map[string]any{"references": []any{map[string]any{"name": long(65)}}}, "references.0.name", "The references.0.name must not be greater than 64 characters.", true},
		rule{"reference description max", nil, map[string]any{"references": []any{map[string]any{"name": "A", "description": long(256)}}}, "references.0.description", "The references.0.description must not be greater than 255 characters.", true},
		rule{"references an array", nil, map[string]any{"references": map[string]any{"name": "A"}}, "references", "The references must be an array.", true},
		rule{"invoice_fee_id has no exists rule", map[string]any{"invoice_fee_id": 999}, map[string]any{"invoice_fee_id": "3"}, "invoice_fee_id", "The invoice fee id must be an integer.", false},
	)
	for _, status := range []string{"prospect", "active", "inactive", "deleted"} {
		rules = append(rules, rule{"status " + status, map[string]any{"status": status}, nil, "", "", false})
	}
	for _, pt := range []int{1, 2, 3, 4, 7, 8, 9} {
		rules = append(rules, rule{fmt.Sprint("payment_type ", pt), map[string]any{"payment_type": pt, "secondary_email": "f@example.se"}, nil, "", "", false})
	}
	for _, frp := range []int{0, 1} {
		rules = append(rules, rule{fmt.Sprint("full_reduction_pot ", frp), map[string]any{"full_reduction_pot": frp}, nil, "", "", false})
	}
	for _, r := range rules {
		t.Run(r.name, func(t *testing.T) {
			if r.ok != nil && !r.skipGood {
				got := create(t, e, r.ok)
				for k, v := range r.ok {
					if k == "payment_type" {
						k = "paymenttype"
					}
					if gv, present := got[k]; present && fmt.Sprint(gv) != fmt.Sprint(v) && k != "references" {
						t.Errorf("stored %s = %v, sent %v", k, gv, v)
					}
				}
			}
			if r.bad != nil {
				rejected(t, e, http.MethodPost, "/clients", r.bad, r.field, r.text)
			}
		})
	}
	t.Run("all errors at once", func(t *testing.T) {
		before := e.total()
		status, data := e.call(http.MethodPost, "/clients", map[string]any{
			"first_name": long(65), "email": "nope", "payment_type": 2, "employee_id": 99,
			"references": []any{map[string]any{"id": 4, "name": "A"}},
		})
		var ve validationError
		mustJSON(t, data, &ve)
		if status != 422 {
			t.Fatalf("%d %s", status, data)
		}
		for _, f := range []string{"first_name", "email", "secondary_email", "employee_id", "references.0.id"} {
			if len(ve.Errors[f]) != 1 {
				t.Errorf("errors[%s] = %q", f, ve.Errors[f])
			}
		}
		if ve.Message != "The email must be a valid email address. (and 4 more errors)" {
			t.Errorf("message %q", ve.Message)
		}
		if e.total() != before {
			t.Error("stored")
		}
	})
	t.Run("malformed bodies are 400", func(t *testing.T) {
		for _, body := range []string{`{`, `[]`, `null`, `"x"`} {
			before := e.total()
			status, data := e.call(http.MethodPost, "/clients", body)
			var ve validationError
			mustJSON(t, data, &ve)
			if status != 400 || ve.Message == "" || ve.Errors == nil {
				t.Errorf("%s: %d %s", body, status, data)
			}
			if e.total() != before {
				t.Errorf("%s stored a client", body)
			}
		}
		status, _, data := e.raw(http.MethodPost, "/clients", "text/plain", strings.NewReader("first_name=x"), e.token)
		if status != 400 {
			t.Errorf("text/plain: %d %s", status, data)
		}
		status, _, data = e.raw(http.MethodPost, "/clients", "APPLICATION/JSON", strings.NewReader(`{"first_name":"Versal"}`), e.token)
		if status != 201 {
			t.Errorf("JSON in upper case: %d %s", status, data)
		}
	})
	t.Run("body over 1 MiB", func(t *testing.T) {
		status, data := e.call(http.MethodPost, "/clients", map[string]any{"comment": strings.Repeat("x", 1<<20)})
		if status != 413 || !strings.Contains(string(data), `"message"`) {
			t.Fatalf("%d %.200s", status, data)
		}
	})
}

func TestUpdate(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	before := e.get(1002)
	status, data := e.call(http.MethodPut, "/clients/1002", map[string]any{
		"phone":        "031-15 42 99",
		"payment_type": 3,
		"bank_id":      3,
		"references":   []any{map[string]any{"id": 501, "name": "Kostnadsställe 2"}},
		"address":      map[string]any{"address": "ignored: create-only"},
		"vat":          "SE556677889901",
	})
	if status != 200 {
		t.Fatalf("%d %s", status, data)
	}
	var res struct{ Data map[string]any }
	mustJSON(t, data, &res)
	after := res.Data
	changed := map[string]any{
		"phone":       "031-15 42 99",
		"paymenttype": 3.0,
		"bank":        map[string]any{"id": 3.0, "bid": "ESSESESS", "enar": "5000", "name": "SEB"},
		"references":  []any{map[string]any{"id": 501.0, "name": "Kostnadsställe 2", "description": "KS 4410"}},
	}
	for k, v := range after {
		want, isChanged := changed[k]
		if !isChanged {
			want = before[k]
		}
		if !reflect.DeepEqual(v, want) {
			t.Errorf("%s = %#v, want %#v", k, v, want)
		}
	}
	if !reflect.DeepEqual(e.get(1002), after) {
		t.Error("GET answers something else than the update")
	}

	t.Run("company_name sets type", func(t *testing.T) {
		status, data := e.call(http.MethodPut, "/clients/1001", map[string]any{"company_name": "Lindqvist Konsult AB", "clienttype_id": 2})
		if status != 200 || !strings.Contains(string(data), `"type":2`) || !strings.Contains(string(data), `"clienttype":{"id":2,"name":"Företag"}`) {
			t.Fatalf("%d %s", status, data)
		}
	})
	t.Run("empty body changes nothing", func(t *testing.T) {
		before := e.get(1003)
		status, _ := e.call(http.MethodPut, "/clients/1003", map[string]any{})
		if status != 200 || !reflect.DeepEqual(e.get(1003), before) {
			t.Fatal("changed")
		}
	})
	t.Run("unknown client", func(t *testing.T) {
		if status, data := e.call(http.MethodPut, "/clients/999999", map[string]any{"phone": "1"}); status != 404 {
			t.Fatalf("%d %s", status, data)
		}
		// Route-model binding comes before validation.
		if status, data := e.call(http.MethodPut, "/clients/999999", map[string]any{"payment_type": 2}); status != 404 {
			t.Fatalf("invalid body for an unknown client: %d %s", status, data)
		}
	})

	cases := []struct {
		name  string
		body  map[string]any
		field string
		text  string
	}{
		{"reference without id", map[string]any{"references": []any{map[string]any{"name": "Ny"}}}, "references.0.id", "The references.0.id field is required."},
		{"reference without name", map[string]any{"references": []any{map[string]any{"id": 501}}}, "references.0.name", "The references.0.name field is required."},
		{"reference of another client", map[string]any{"references": []any{map[string]any{"id": 501, "name": "A"}, map[string]any{"id": 502, "name": "B"}}}, "references.1.id", "The selected references.1.id is invalid."},
		{"secondary_email with payment_type 2", map[string]any{"payment_type": 2, "phone": "08-1"}, "secondary_email", "The secondary email field is required when payment type is 2."},
		{"max length", map[string]any{"last_name": strings.Repeat("ö", 65)}, "last_name", "The last name must not be greater than 64 characters."},
		{"email", map[string]any{"email": "a@"}, "email", "The email must be a valid email address."},
		{"exists in employees", map[string]any{"employee_id": 0}, "employee_id", "The selected employee id is invalid."},
		{"exists in invoicetemplates", map[string]any{"invoicetemplate_id": 9}, "invoicetemplate_id", "The selected invoicetemplate id is invalid."},
		{"exists in banks", map[string]any{"bank_id": 9}, "bank_id", "The selected bank id is invalid."},
		{"exists in clienttypes", map[string]any{"clienttype_id": 9}, "clienttype_id", "The selected clienttype id is invalid."},
		{"status enum", map[string]any{"status": "borttagen"}, "status", "The selected status is invalid."},
		{"hourpot min", map[string]any{"hourpot": -1}, "hourpot", "The hourpot must be at least 0."},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := e.get(1002)
			rejected(t, e, http.MethodPut, "/clients/1002", tc.body, tc.field, tc.text)
			if after := e.get(1002); !reflect.DeepEqual(after, before) {
				t.Errorf("a rejected update changed the client")
			}
		})
	}
	t.Run("secondary_email given with payment_type 2", func(t *testing.T) {
		status, data := e.call(http.MethodPut, "/clients/1001", map[string]any{"payment_type": 2, "secondary_email": "faktura@example.se"})
		if status != 200 {
			t.Fatalf("%d %s", status, data)
		}
	})
}

// A rejected write changes nothing: the total, the record, and the next id.
func TestFailedWriteLeavesStoreUnchanged(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	total := e.total()
	record := e.get(1002)
	bad := []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/clients", map[string]any{"first_name": "Ida", "payment_type": 2}},
		{http.MethodPost, "/clients", map[string]any{"first_name": "Ida", "references": []any{map[string]any{"id": 501, "name": "x"}}}},
		{http.MethodPost, "/clients", map[string]any{"first_name": "Ida", "address": map[string]any{"workarea_id": 77}}},
		{http.MethodPost, "/clients", `{"first_name": "Ida",`},
		{http.MethodPut, "/clients/1002", map[string]any{"phone": "1", "references": []any{map[string]any{"id": 501, "name": "ok"}, map[string]any{"id": 9999, "name": "x"}}}},
		{http.MethodPut, "/clients/1002", map[string]any{"phone": "1", "bank_id": 99}},
	}
	for _, b := range bad {
		if status, data := e.call(b.method, b.path, b.body); status/100 != 4 {
			t.Fatalf("%s %s: %d %s", b.method, b.path, status, data)
		}
	}
	if e.total() != total {
		t.Errorf("total %d, want %d", e.total(), total)
	}
	if !reflect.DeepEqual(e.get(1002), record) {
		t.Error("client 1002 changed")
	}
	if got := create(t, e, map[string]any{"first_name": "Ida"}); got["id"] != 1261.0 || got["clientnbr"] != 10261.0 {
		t.Errorf("the next create got id %v clientnbr %v: a rejected write took a number", got["id"], got["clientnbr"])
	}
}

func TestConcurrentCreates(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	const n = 40
	total := e.total()
	var wg sync.WaitGroup
	results := make([]map[string]any, n)
	errs := make(chan string, n)
	for i := range n {
		wg.Go(func() {
			status, data := e.call(http.MethodPost, "/clients", map[string]any{"first_name": fmt.Sprint("Kund ", i), "email": fmt.Sprintf("kund%d@example.se", i)})
			if status != http.StatusCreated {
				errs <- fmt.Sprintf("create %d: %d %s", i, status, data)
				return
			}
			var res struct{ Data map[string]any }
			if err := json.Unmarshal(data, &res); err != nil {
				errs <- err.Error()
				return
			}
			results[i] = res.Data
		})
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
	if got := e.total(); got != total+n {
		t.Fatalf("total %d, want %d", got, total+n)
	}
	seenID, seenNbr := map[float64]bool{}, map[float64]bool{}
	for i, r := range results {
		if r == nil {
			continue
		}
		id, nbr := r["id"].(float64), r["clientnbr"].(float64)
		if seenID[id] || seenNbr[nbr] {
			t.Errorf("create %d: duplicate id %v or clientnbr %v", i, id, nbr)
		}
		seenID[id], seenNbr[nbr] = true, true
		if id <= 1260 || id > 1260+n || nbr <= 10260 || nbr > 10260+n {
			t.Errorf("create %d: id %v clientnbr %v out of range", i, id, nbr)
		}
		if got := e.get(int(id)); got["email"] != fmt.Sprintf("kund%d@example.se", i) {
			t.Errorf("client %v holds %v", id, got["email"])
		}
	}
}

func TestReset(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	create(t, e, map[string]any{"first_name": "Tillfällig"})
	if status, _ := e.call(http.MethodPut, "/clients/1001", map[string]any{"phone": "0"}); status != 200 {
		t.Fatal("update")
	}
	if err := e.mock.Reset(); err != nil {
		t.Fatal(err)
	}
	if e.total() != 260 {
		t.Errorf("total after reset %d", e.total())
	}
	if !reflect.DeepEqual(e.get(1001), fixtures(t)[0]) {
		t.Error("client 1001 not back to its fixture")
	}
	if got := create(t, e, map[string]any{}); got["id"] != 1261.0 {
		t.Errorf("id after reset %v", got["id"])
	}
	state, _ := json.Marshal(e.mock.State())
	if !strings.Contains(string(state), `"clients":[`) || !strings.Contains(string(state), `"workareas"`) {
		t.Errorf("state %.200s", state)
	}
}

// Mocks built from the embedded fixtures share them read-only: writes to one mock are seen neither by
// another running beside it nor by one built after, nor by the first one after its Reset.
func TestMocksShareNoWrites(t *testing.T) {
	first, second := newEnv(t, timewave.Config{}), newEnv(t, timewave.Config{})
	create(t, first, map[string]any{"first_name": "Bara hos den första"})
	if status, data := first.call(http.MethodPut, "/clients/1001", map[string]any{"phone": "0"}); status != 200 {
		t.Fatalf("update: %d %s", status, data)
	}
	if first.total() != 261 || first.get(1001)["phone"] != "0" {
		t.Fatalf("the first mock lost its own writes: total %d, phone %v", first.total(), first.get(1001)["phone"])
	}
	for name, e := range map[string]*env{"beside": second, "built after": newEnv(t, timewave.Config{})} {
		if e.total() != 260 || !reflect.DeepEqual(e.get(1001), fixtures(t)[0]) {
			t.Errorf("a mock %s sees the first mock's writes: total %d, client 1001 %v", name, e.total(), e.get(1001))
		}
	}
	if err := first.mock.Reset(); err != nil {
		t.Fatal(err)
	}
	if first.total() != 260 || !reflect.DeepEqual(first.get(1001), fixtures(t)[0]) {
		t.Errorf("after Reset: total %d, client 1001 %v", first.total(), first.get(1001))
	}
}

// The handler answers a body that breaks the schema: an unknown client is 404 before the body is
// looked at, and the schema's errors come with the rules' errors in one 422, even when a value has a
// type the generated body cannot hold.
func TestBodyViolationsAnsweredByTheHandler(t *testing.T) {
	e := newEnv(t, timewave.Config{})
	if status, data := e.call(http.MethodPut, "/clients/999999", map[string]any{"employee_id": "x"}); status != 404 {
		t.Errorf("unknown client, wrong type: %d %s", status, data)
	}
	before := e.total()
	status, data := e.call(http.MethodPost, "/clients", map[string]any{"employee_id": 99, "clienttype_id": "1", "first_name": strings.Repeat("a", 65)})
	var ve validationError
	mustJSON(t, data, &ve)
	if status != 422 {
		t.Fatalf("%d %s", status, data)
	}
	want := map[string]string{
		"employee_id":   "The selected employee id is invalid.",
		"clienttype_id": "The clienttype id must be an integer.",
		"first_name":    "The first name must not be greater than 64 characters.",
	}
	for f, text := range want {
		if len(ve.Errors[f]) != 1 || ve.Errors[f][0] != text {
			t.Errorf("errors[%s] = %q, want %q", f, ve.Errors[f], text)
		}
	}
	if len(ve.Errors) != len(want) {
		t.Errorf("errors %v", ve.Errors)
	}
	if e.total() != before {
		t.Error("stored")
	}
	status, data = e.call(http.MethodPut, "/clients/1002", map[string]any{"bank_id": 99, "has_hourpot": "ja"})
	mustJSON(t, data, &ve)
	if status != 422 || len(ve.Errors["bank_id"]) != 1 || len(ve.Errors["has_hourpot"]) != 1 {
		t.Errorf("update: %d %s", status, data)
	}
}
