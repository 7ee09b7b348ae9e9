package record

import (
	"encoding/json"
	"slices"
	"strings"

	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
)

// mediaconnectPersonal are the personal fields of Mediaconnect: of a customer (schema CustomerInfo)
// the names, phones, e-mails, and the attached users' ids and credentials (an e-mail or a phone); of an
// address (the fields of CustomerSearchRequest that addresses.json keeps) the street, postal code,
// place and c/o line. departmentName and productCodes are kept.
var mediaconnectPersonal = map[string]map[string]anonymize.Kind{
	"customers": {
		"name.firstName":                       anonymize.GivenName,
		"name.middleName":                      anonymize.GivenName,
		"name.lastName":                        anonymize.FamilyName,
		"name.companyName":                     anonymize.CompanyName,
		"phoneNumbers.phoneNumber":             anonymize.Phone,
		"emails":                               anonymize.Email,
		"invoiceEmailAddress":                  anonymize.Email,
		"attachedUsers.credentials.credential": anonymize.Contact,
		"attachedUsers.uniqueId":               anonymize.Code,
	},
	"addresses": {
		"streetAddress": anonymize.Street,
		"postalCode":    anonymize.PostalCode,
		"postalPlace":   anonymize.City,
		"careOfAddress": anonymize.FullName,
	},
	// For the journal: the request bodies of a search and of a credential check.
	"search": {
		"firstName": anonymize.GivenName, "middleName": anonymize.GivenName, "lastName": anonymize.FamilyName,
		"companyName": anonymize.CompanyName, "streetAddress": anonymize.Street, "postalCode": anonymize.PostalCode,
		"postalPlace": anonymize.City, "careOfAddress": anonymize.FullName, "phoneNumber": anonymize.Phone,
		"email": anonymize.Email,
	},
	"check": {"credentials": anonymize.Contact},
}

// addressFields are the search request's fields that addresses.json keeps, with their zero values.
var addressFields = map[string]any{
	"streetAddress": "", "streetNumber": json.Number("0"), "entrance": "", "postalCode": "",
	"postalPlace": "", "countryCode": "", "careOfAddress": "",
}

// userMark is the collection naming the customer of the logged-in user (GET /v1/customer/info).
const userMark = "logged-in user"

// mediaconnect: every answer that lists customers (by number, the user's own, a search, a credential
// check) adds them to customers.json by customerNumber. The API answers no addresses, but a search
// finds only customers whose address holds each field it sent: those fields become the customer's
// entry in addresses.json (an entry of empty fields when no search found the customer), so the same
// search finds the customer in the recording. The logged-in user's customer comes first, and is the
// mock's test user when the recording lacks the default one.
var mediaconnect = &vendor{
	country: anonymize.Norway,
	schemas: map[string]string{"customers": "CustomerInfo", "addresses": "CustomerSearchRequest",
		"search": "CustomerSearchRequest", "check": "CredentialCheckRequest"},
	personal: mediaconnectPersonal,
	take: func(op string, x proxy.Exchange) ([]entry, error) {
		v, ok := object(x)
		if !ok {
			return nil, nil
		}
		switch op {
		case "listCustomerInfoClientMode":
			return customerEntries([]map[string]any{v}, nil)
		case "listCustomerInfo":
			es, err := customerEntries([]map[string]any{v}, nil)
			if err == nil && len(es) == 1 {
				es = append(es, entry{collection: userMark, id: es[0].id, value: map[string]any{}})
			}
			return es, err
		case "searchCustomer":
			return customerEntries(objects(v["customers"]), searchAddress(x.RequestBody))
		case "checkCustomerNumber":
			return customerEntries(objects(v["customers"]), nil)
		}
		return nil, nil
	},
	files: func(r *Recorder) (map[string]any, error) {
		customers := r.records("customers")
		if users := r.sets[userMark]; users != nil && len(users.order) > 0 {
			first := users.order[0]
			slices.SortStableFunc(customers, func(a, b map[string]any) int {
				ia, _ := idOf(a["customerNumber"])
				ib, _ := idOf(b["customerNumber"])
				switch {
				case ia == first && ib != first:
					return -1
				case ib == first && ia != first:
					return 1
				}
				return 0
			})
		}
		addrs := map[string]any{}
		for _, c := range customers {
			id, _ := idOf(c["customerNumber"])
			a := map[string]any{"productCodes": []any{}}
			for k, zero := range addressFields {
				a[k] = zero
			}
			if rec := r.sets["addresses"]; rec != nil && rec.byID[id] != nil {
				for k, val := range rec.byID[id] {
					a[k] = val
				}
			}
			addrs[id] = a
		}
		return map[string]any{"customers.json": nonNil(customers), "addresses.json": addrs}, nil
	},
}

// customerEntries keys customers by customerNumber; with addr, each also gets that address entry.
func customerEntries(customers []map[string]any, addr map[string]any) ([]entry, error) {
	es, err := keyed("customers", customers, "customerNumber")
	if err != nil || len(addr) == 0 {
		return es, err
	}
	for _, e := range slices.Clone(es) {
		es = append(es, entry{collection: "addresses", id: e.id, value: addr, merge: true})
	}
	return es, nil
}

// searchAddress is what a search request says of the address of every customer it finds: the address
// fields it set (productCode as a one-item productCodes).
func searchAddress(reqBody []byte) map[string]any {
	v, err := decodeJSON(reqBody)
	q, _ := v.(map[string]any)
	if err != nil || q == nil {
		return nil
	}
	out := map[string]any{}
	for k := range addressFields {
		switch val := q[k].(type) {
		case string:
			if strings.TrimSpace(val) != "" {
				out[k] = val
			}
		case json.Number:
			out[k] = val
		}
	}
	if p, ok := q["productCode"].(string); ok && strings.TrimSpace(p) != "" {
		out["productCodes"] = []any{p}
	}
	return out
}
