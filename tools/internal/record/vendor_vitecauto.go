package record

import (
	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
)

// vitecAutoPersonal are the personal fields of a Vitec Autodata customer (schema Customer): names,
// the sort code made from the name, phones, e-mail, addresses, the bank account, the organisation
// number and the note. valin1..3 are undocumented; beside vapostnr and vapoststed they are taken to
// be the lines of a second address.
var vitecAutoPersonal = map[string]anonymize.Kind{
	"alphaSrtCode": anonymize.Code,
	"navn1":        anonymize.FullName,
	"navn2":        anonymize.FullName,
	"navn":         anonymize.FullName,
	"bankGnr":      anonymize.Code,
	"tlf":          anonymize.Phone,
	"mobil":        anonymize.Phone,
	"fax":          anonymize.Phone,
	"email":        anonymize.Email,
	"valin1":       anonymize.Street,
	"valin2":       anonymize.Street,
	"valin3":       anonymize.Street,
	"vapostnr":     anonymize.PostalCode,
	"vapoststed":   anonymize.City,
	"orgVeng":      anonymize.IdentityNumber,
	"adresse":      anonymize.Street,
	"poststed":     anonymize.City,
	"postnummer":   anonymize.PostalCode,
	"merknad":      anonymize.Text,
}

// vitecAuto: GET /api/customer answers one customer, kept by firmakode and kundenummer in
// customers.json.
var vitecAuto = &vendor{
	country:  anonymize.Norway,
	schemas:  map[string]string{"customers": "Customer"},
	personal: map[string]map[string]anonymize.Kind{"customers": vitecAutoPersonal},
	take: func(op string, x proxy.Exchange) ([]entry, error) {
		c, ok := object(x)
		if op != "getCustomer" || !ok {
			return nil, nil
		}
		return keyed("customers", []map[string]any{c}, "firmakode", "kundenummer")
	},
	files: func(r *Recorder) (map[string]any, error) {
		return map[string]any{"customers.json": nonNil(r.records("customers"))}, nil
	},
}

// nonNil makes an empty list encode as [].
func nonNil(recs []map[string]any) []map[string]any {
	if recs == nil {
		return []map[string]any{}
	}
	return recs
}
