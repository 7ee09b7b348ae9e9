package timewave_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/vendorctl/vendorctl/clients/timewave"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	mock "github.com/vendorctl/vendorctl/mocks/timewave"
)

// startMock serves the TimeWave mock in-process and returns its base URL (what
// http://127.0.0.1:8080/timewave/v3 is under vendorctl serve).
func startMock() (string, func()) {
	m, _ := mock.New(mock.Config{})
	srv, _ := mockkit.NewServer(nil, m)
	ts := httptest.NewServer(srv.Handler())
	return ts.URL + mock.Prefix, ts.Close
}

// Create a client and find it again by e-mail. Against production, use timewave.ProductionURL and your
// API client's id and secret.
func Example() {
	base, stop := startMock()
	defer stop()

	api, err := timewave.New(base, "mock-client", "mock-secret", timewave.WithValidation())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()
	email := timewave.PaymentEmail
	created, err := api.CreateClient(ctx, timewave.ClientCreate{
		CompanyName:    ptr("Sjöbergs Fastighetsservice AB"),
		Email:          ptr[timewave.Email]("info@sjobergsfastighet.example.se"),
		PaymentType:    &email,
		SecondaryEmail: ptr("faktura@sjobergsfastighet.example.se"),
		ClienttypeId:   ptr(2),
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(created.Id, created.Clientnbr, *created.CompanyName, created.Clienttype.Name)

	page, err := api.ListClients(ctx, timewave.FilterEmail("info@sjobergsfastighet.example.se"))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(page.Total, page.Data[0].Id)
	// Output:
	// 1261 10261 Sjöbergs Fastighetsservice AB Företag
	// 1 1261
}

// Walk every client that matches, page after page.
func ExampleAPI_AllClients() {
	base, stop := startMock()
	defer stop()
	api, _ := timewave.New(base, "mock-client", "mock-secret")

	n := 0
	var first timewave.Client
	for c, err := range api.AllClients(context.Background(),
		timewave.FilterStatus(timewave.StatusProspect), timewave.SortAsc(timewave.SortClientnbr), timewave.PageSize(10)) {
		if err != nil {
			fmt.Println(err)
			return
		}
		if n == 0 {
			first = c
		}
		n++
	}
	fmt.Println(n, "prospects; the first is", first.Clientnbr)
	// Output:
	// 39 prospects; the first is 10009
}

// A rejected write is a *ValidationError with Laravel's messages by field; nothing is stored.
func ExampleValidationError() {
	base, stop := startMock()
	defer stop()
	api, _ := timewave.New(base, "mock-client", "mock-secret")

	email := timewave.PaymentEmail
	_, err := api.CreateClient(context.Background(), timewave.ClientCreate{
		FirstName:   ptr("Åsa"),
		PaymentType: &email, // e-mail invoices need secondary_email
		References:  &[]timewave.ReferenceCreate{{Name: "Ordernummer"}},
	})
	var verr *timewave.ValidationError
	if errors.As(err, &verr) && errors.Is(err, timewave.ErrValidation) {
		for _, f := range verr.Fields() {
			fmt.Println(f+":", verr.Field(f)[0])
		}
	}
	// Output:
	// secondary_email: The secondary email field is required when payment type is 2.
}
