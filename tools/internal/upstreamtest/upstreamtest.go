// Package upstreamtest holds stand-ins for live vendor APIs that tests of conform and proxy point at:
// a Vitec Autodata customer endpoint that answers as documented, and one whose answers have drifted
// from the spec.
package upstreamtest

import (
	_ "embed"
	"net/http"
	"strconv"
)

// APIKey is the x-api-key the stand-ins accept.
const APIKey = "upstream-test-key"

var (
	//go:embed testdata/customer-documented.json
	documentedCustomer []byte
	//go:embed testdata/customer-drifted.json
	driftedCustomer []byte
)

// DocumentedCustomer is the body the conformant stand-in answers for customer 998/500190.
func DocumentedCustomer() []byte { return append([]byte(nil), documentedCustomer...) }

// VitecAuto serves GET /api/customer (paths relative to the vendor's base URL) like Vitec Autodata.
//
// With drifted false it answers as the spec says: 401 {"error"} without the key, 400 {"error"} for a
// parameter that is not a positive integer, 404 {"error"} for an unknown customer and the documented
// record for 998/500190.
//
// With drifted true the record has drifted: kredLim is a string, kundenummer is missing and an
// undocumented field kundeType has appeared; and its 400 comes in the wrong shape ({"message"}).
func VitecAuto(drifted bool) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/customer", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("x-api-key") != APIKey {
			writeJSON(w, http.StatusUnauthorized, `{"error":"Ugyldig eller manglende API-nøkkel"}`)
			return
		}
		company, err1 := strconv.Atoi(r.URL.Query().Get("companyId"))
		customer, err2 := strconv.Atoi(r.URL.Query().Get("customerId"))
		if err1 != nil || err2 != nil || company < 1 || customer < 1 {
			if drifted {
				writeJSON(w, http.StatusBadRequest, `{"message":"The request is invalid."}`)
				return
			}
			writeJSON(w, http.StatusBadRequest, `{"error":"companyId and customerId must be positive integers"}`)
			return
		}
		if company != 998 || customer != 500190 {
			writeJSON(w, http.StatusNotFound, `{"error":"Kunde ikke funnet"}`)
			return
		}
		body := documentedCustomer
		if drifted {
			body = driftedCustomer
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("X-Upstream", "upstreamtest")
		_, _ = w.Write(body)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
