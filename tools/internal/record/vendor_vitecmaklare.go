package record

import (
	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
)

// vitecMaklarePersonal are the personal fields of a Vitec Mäklare CRM contact (schema CrmContact and
// its three types): names, personnummer and organisationsnummer, phones, address, e-mails, home page
// and note. categories.name is a category, not a person, and is kept.
var vitecMaklarePersonal = map[string]anonymize.Kind{
	"firstName":             anonymize.GivenName,
	"lastName":              anonymize.FamilyName,
	"name":                  anonymize.CompanyName,
	"socialSecurityNumber":  anonymize.IdentityNumber,
	"corporateNumber":       anonymize.IdentityNumber,
	"telephone.home":        anonymize.Phone,
	"telephone.work":        anonymize.Phone,
	"telephone.cell":        anonymize.Phone,
	"telephone.other":       anonymize.Phone,
	"telephone.switch":      anonymize.Phone,
	"address.streetAddress": anonymize.Street,
	"address.zipCode":       anonymize.PostalCode,
	"address.city":          anonymize.City,
	"email.emailAddress":    anonymize.Email,
	"email.emailAddress2":   anonymize.Email,
	"homePage":              anonymize.URL,
	"note":                  anonymize.Text,
}

// vitecMaklare: GET /CRM/Contact/{customerId}/{contactId} answers one contact (JSON or XML), kept by
// customerId and id in contacts.json in its JSON form.
var vitecMaklare = &vendor{
	country:  anonymize.Sweden,
	schemas:  map[string]string{"contacts": "CrmContact"},
	personal: map[string]map[string]anonymize.Kind{"contacts": vitecMaklarePersonal},
	take: func(op string, x proxy.Exchange) ([]entry, error) {
		c, ok := object(x)
		if op != "getContact" || !ok {
			return nil, nil
		}
		return keyed("contacts", []map[string]any{c}, "customerId", "id")
	},
	files: func(r *Recorder) (map[string]any, error) {
		return map[string]any{"contacts.json": nonNil(r.records("contacts"))}, nil
	},
}
