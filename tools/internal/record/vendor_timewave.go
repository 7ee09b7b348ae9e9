package record

import (
	"encoding/json"
	"maps"
	"slices"

	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
)

// timeWavePersonal are the personal fields of a TimeWave client (schema Client): the client's and its
// contacts' names, personal or organisation numbers, phones and e-mails; the addresses (street, c/o,
// town, postal code, door and alarm codes, housing association); the home page and the invoice
// references (a person's name and a note).
var timeWavePersonal = map[string]anonymize.Kind{
	"first_name":                    anonymize.GivenName,
	"last_name":                     anonymize.FamilyName,
	"company_name":                  anonymize.CompanyName,
	"personal_number":               anonymize.IdentityNumber,
	"phone":                         anonymize.Phone,
	"mobile":                        anonymize.Phone,
	"fax":                           anonymize.Phone,
	"workphone":                     anonymize.Phone,
	"email":                         anonymize.Email,
	"secondary_email":               anonymize.Email,
	"www":                           anonymize.URL,
	"addresses.address":             anonymize.Street,
	"addresses.co_address":          anonymize.FullName,
	"addresses.city":                anonymize.City,
	"addresses.postal_code":         anonymize.PostalCode,
	"addresses.port_code":           anonymize.Code,
	"addresses.alarm_code":          anonymize.Code,
	"addresses.housing_association": anonymize.CompanyName,
	"contacts.firstname":            anonymize.GivenName,
	"contacts.lastname":             anonymize.FamilyName,
	"contacts.phone":                anonymize.Phone,
	"contacts.mobile":               anonymize.Phone,
	"contacts.fax":                  anonymize.Phone,
	"contacts.workphone":            anonymize.Phone,
	"contacts.email":                anonymize.Email,
	"contacts.personal_number":      anonymize.IdentityNumber,
	"references.name":               anonymize.FullName,
	"references.description":        anonymize.Text,
}

// timeWaveUpdatePersonal are the personal fields of a client update (schema ClientUpdate, for the
// journal): the client's own fields and the reference name.
var timeWaveUpdatePersonal = map[string]anonymize.Kind{
	"first_name": anonymize.GivenName, "last_name": anonymize.FamilyName, "company_name": anonymize.CompanyName,
	"personal_number": anonymize.IdentityNumber, "phone": anonymize.Phone, "mobile": anonymize.Phone,
	"fax": anonymize.Phone, "workphone": anonymize.Phone, "email": anonymize.Email,
	"secondary_email": anonymize.Email, "www": anonymize.URL, "reference_name": anonymize.FullName,
}

// timeWaveCreatePersonal are those of a new client (schema ClientCreate): an update's, the three
// addresses, the references and the comment.
var timeWaveCreatePersonal = func() map[string]anonymize.Kind {
	out := maps.Clone(timeWaveUpdatePersonal)
	for _, a := range []string{"address", "delivery_address", "invoice_address"} {
		out[a+".address"], out[a+".city"], out[a+".postal_code"] = anonymize.Street, anonymize.City, anonymize.PostalCode
	}
	out["references.name"], out["references.description"] = anonymize.FullName, anonymize.Text
	out["comment"] = anonymize.Text
	return out
}()

// timeWaveOps are the operations whose answer holds clients: a page in data, or one client in data.
var timeWaveOps = map[string]bool{"listClients": true, "getClient": true, "findClientByNumber": true, "createClient": true, "updateClient": true}

// timeWave: every client answered (a page, by id, by number, created, updated) is kept by id in
// clients.json. reference.json holds the rows the clients name: banks, client types and work areas as
// answered, and the employees, invoice templates and invoice fees by id only (the API answers no more
// of them). A table no client names gets one placeholder row, since the mock needs every table.
var timeWave = &vendor{
	country:  anonymize.Sweden,
	schemas:  map[string]string{"clients": "Client", "create": "ClientCreate", "update": "ClientUpdate"},
	personal: map[string]map[string]anonymize.Kind{"clients": timeWavePersonal, "create": timeWaveCreatePersonal, "update": timeWaveUpdatePersonal},
	queryFields: map[string]anonymize.Kind{
		"filter[email]":           anonymize.Email,
		"filter[personal_number]": anonymize.IdentityNumber,
	},
	take: func(op string, x proxy.Exchange) ([]entry, error) {
		v, ok := object(x)
		if !timeWaveOps[op] || !ok {
			return nil, nil
		}
		clients := objects(v["data"])
		if one, isObject := v["data"].(map[string]any); isObject {
			clients = []map[string]any{one}
		}
		return keyed("clients", clients, "id")
	},
	files: func(r *Recorder) (map[string]any, error) {
		clients := sortedByNumber(nonNil(r.records("clients")), "id")
		return map[string]any{"clients.json": clients, "reference.json": timeWaveReference(clients)}, nil
	},
}

// timeWaveReference derives the reference tables from the clients.
func timeWaveReference(clients []map[string]any) map[string]any {
	rows := map[string]map[string]map[string]any{}
	add := func(table string, row any) {
		m, ok := row.(map[string]any)
		if !ok {
			return
		}
		id, ok := idOf(m["id"])
		if !ok {
			return
		}
		if rows[table] == nil {
			rows[table] = map[string]map[string]any{}
		}
		rows[table][id] = m
	}
	addID := func(table string, id any) {
		if n, ok := id.(json.Number); ok {
			add(table, map[string]any{"id": n})
		}
	}
	for _, c := range clients {
		add("banks", c["bank"])
		add("clienttypes", c["clienttype"])
		addID("employees", c["employee_id"])
		addID("invoicetemplates", c["invoicetemplate_id"])
		addID("invoicefees", c["invoice_fee_id"])
		for _, a := range objects(c["addresses"]) {
			add("workareas", a["workarea"])
		}
		for _, ct := range objects(c["contacts"]) {
			add("clienttypes", ct["clienttype"])
		}
	}
	placeholders := map[string]map[string]any{
		"employees":        {"id": json.Number("1")},
		"invoicetemplates": {"id": json.Number("1")},
		"invoicefees":      {"id": json.Number("1")},
		"banks":            {"id": json.Number("1"), "bid": "-", "enar": "-", "name": "(not recorded)"},
		"clienttypes":      {"id": json.Number("1"), "name": "(not recorded)"},
		"workareas":        {"id": json.Number("1"), "name": "(not recorded)"},
	}
	out := map[string]any{}
	for table, placeholder := range placeholders {
		list := []map[string]any{placeholder}
		if len(rows[table]) > 0 {
			list = sortedByNumber(slices.Collect(maps.Values(rows[table])), "id")
		}
		out[table] = list
	}
	return out
}
