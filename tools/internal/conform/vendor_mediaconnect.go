package conform

import "context"

// mediaconnectVendor: the client-mode searches are POSTs that change nothing; a customer found by a
// search is the one the customer-info endpoint gives for its number.
func mediaconnectVendor() Vendor {
	return Vendor{
		Safe: []string{"searchCustomer", "checkCustomerNumber"},
		// 400 is also how Mediaconnect answers its rules that no schema says: a search needs companyName
		// or lastName, streetAddress and postalCode or postalPlace, or phoneNumber, or email (an empty
		// string is not set); a changed name needs lastName or companyName.
		RuleStatuses: map[string][]int{"searchCustomer": {400}, "changeCustomerInfo": {400}},
		Flows: []Flow{{
			Name:        "search-info",
			Description: "searchCustomer by phone number, then listCustomerInfoClientMode for the customer number it found gives the same customer",
			Operations:  []string{"searchCustomer", "listCustomerInfoClientMode"},
			Run:         mediaconnectSearchInfo,
		}},
	}
}

func mediaconnectSearchInfo(ctx context.Context, s *Session) error {
	found, err := s.Call(ctx, "searchCustomer", Input{Example: "phone"})
	if err != nil {
		return err
	}
	number := lookupString(found.Body, "customers.0.customerNumber")
	if number == "" {
		return s.Errorf("the search found no customer to follow")
	}
	info, err := s.Call(ctx, "listCustomerInfoClientMode", Input{Path: map[string]string{"customerNumber": number}})
	if err != nil {
		return err
	}
	for _, field := range []string{"customerNumber", "name.lastName", "name.companyName", "invoiceEmailAddress"} {
		want, have := lookupString(found.Body, "customers.0."+field), lookupString(info.Body, field)
		if want != have {
			return s.Errorf("%s is %q, the search gave %q", field, have, want)
		}
	}
	return nil
}
