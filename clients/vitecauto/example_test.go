package vitecauto_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/vendorctl/vendorctl/clients/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// Fetch a customer from the mock vendor. Against production, use vitecauto.ProductionURL and your key.
func Example() {
	mocks, err := mocktest.New(mocktest.Only("vitecauto")) // in a test: mocktest.Start(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()

	client, err := vitecauto.New(mocks.BaseURL("vitecauto"), mocks.Credentials("vitecauto").APIKey, vitecauto.WithValidation())
	if err != nil {
		fmt.Println(err)
		return
	}
	customer, err := client.GetCustomer(context.Background(), 998, 500190)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(customer.Kundenummer, customer.Navn1, customer.Poststed)

	_, err = client.GetCustomer(context.Background(), 998, 1)
	var apiErr *vitecauto.APIError
	if errors.Is(err, vitecauto.ErrNotFound) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.Message)
	}
	// Output:
	// 500190 KONTANT-SALG OSLO 5
	// 404 Kunde ikke funnet
}
