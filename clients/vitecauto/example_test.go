package vitecauto_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/vendorctl/vendorctl/clients/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	mock "github.com/vendorctl/vendorctl/mocks/vitecauto"
)

// Fetch a customer from the mock vendor. Against production, use vitecauto.ProductionURL and your key.
func Example() {
	m, _ := mock.New(mock.Config{})
	srv, _ := mockkit.NewServer(nil, m)
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()

	client, err := vitecauto.New(ts.URL+"/vitecauto", "mock-api-key", vitecauto.WithValidation())
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
