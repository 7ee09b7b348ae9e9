package timewave_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/vendorctl/vendorctl/clients/timewave"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// Create a client and find it again by e-mail. Against production, use timewave.ProductionURL and your
// API client's id and secret.
func Example() {
	mocks, err := mocktest.New(mocktest.Only("timewave")) // in a test: mocktest.Start(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()
	base, creds := mocks.BaseURL("timewave"), mocks.Credentials("timewave")

	api, err := timewave.New(base, creds.ClientID, creds.ClientSecret, timewave.WithValidation())
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
	mocks, err := mocktest.New(mocktest.Only("timewave")) // in a test: mocktest.Start(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()
	base, creds := mocks.BaseURL("timewave"), mocks.Credentials("timewave")
	api, _ := timewave.New(base, creds.ClientID, creds.ClientSecret)

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
	mocks, err := mocktest.New(mocktest.Only("timewave")) // in a test: mocktest.Start(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()
	base, creds := mocks.BaseURL("timewave"), mocks.Credentials("timewave")
	api, _ := timewave.New(base, creds.ClientID, creds.ClientSecret)

	email := timewave.PaymentEmail
	_, err = api.CreateClient(context.Background(), timewave.ClientCreate{
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
