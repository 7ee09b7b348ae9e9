package vitecmaklare_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/vendorctl/vendorctl/clients/vitecmaklare"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// Fetch contacts of the three types and switch on their type. Against production, use
// vitecmaklare.ProductionURL and your user name and password.
func Example() {
	mocks, err := mocktest.New(mocktest.Only("vitecmaklare")) // in a test: mocktest.Start(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()
	base, creds := mocks.BaseURL("vitecmaklare"), mocks.Credentials("vitecmaklare")

	client, err := vitecmaklare.New(base, creds.User, creds.Password, vitecmaklare.WithValidation())
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, id := range []string{"P1001", "C1001", "D1001"} {
		contact, err := client.GetContact(context.Background(), "M30011", id)
		if err != nil {
			fmt.Println(err)
			return
		}
		switch c := contact.(type) {
		case *vitecmaklare.PersonContact:
			fmt.Println(c.Id, "person:", *c.FirstName, *c.LastName, c.WantsToBeMatched, c.ChangedAt.Format("2006-01-02T15:04:05.0000000Z07:00"))
		case *vitecmaklare.CompanyContact:
			fmt.Println(c.Id, "company:", *c.Name, *c.CorporateNumber)
		case *vitecmaklare.DeceasedEstateContact:
			fmt.Println(c.Id, "deceased estate:", *c.Name, *c.Address.City)
		}
	}
	// Output:
	// P1001 person: Åsa Lindström Yes 2025-09-18T14:05:12.1655267+02:00
	// C1001 company: Öresunds Fastighetsförvaltning AB 556677-8899
	// D1001 deceased estate: Dödsbo efter Gösta Nyström Stockholm
}

// Ask for the vendor's DataContract XML; it is decoded into the same types.
func ExampleWithXML() {
	mocks, err := mocktest.New(mocktest.Only("vitecmaklare")) // in a test: mocktest.Start(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()
	base, creds := mocks.BaseURL("vitecmaklare"), mocks.Credentials("vitecmaklare")

	client, err := vitecmaklare.New(base, creds.User, creds.Password, vitecmaklare.WithXML(), vitecmaklare.WithValidation())
	if err != nil {
		fmt.Println(err)
		return
	}
	contact, err := client.GetContact(context.Background(), "M30011", "P1002")
	if err != nil {
		fmt.Println(err)
		return
	}
	p := contact.(*vitecmaklare.PersonContact)
	fmt.Println(contact.ContactType(), *p.FirstName, p.AgentId == nil, p.GdprApprovalDate == nil, len(*p.Categories))
	// Output:
	// Person Björn true true 0
}

// Errors are *APIError values that errors.Is matches against the sentinels.
func ExampleAPIError() {
	mocks, err := mocktest.New(mocktest.Only("vitecmaklare")) // in a test: mocktest.Start(t)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()
	base, creds := mocks.BaseURL("vitecmaklare"), mocks.Credentials("vitecmaklare")

	client, _ := vitecmaklare.New(base, creds.User, creds.Password)
	_, err = client.GetContact(context.Background(), "M40022", "P2001")
	var apiErr *vitecmaklare.APIError
	if errors.Is(err, vitecmaklare.ErrForbidden) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.Message)
	}
	_, err = client.GetContact(context.Background(), "M30011", "P9999")
	fmt.Println(errors.Is(err, vitecmaklare.ErrNotFound), err)

	wrong, _ := vitecmaklare.New(base, creds.User, "wrong")
	_, err = wrong.GetContact(context.Background(), "M30011", "P1001")
	fmt.Println(errors.Is(err, vitecmaklare.ErrUnauthorized))
	// Output:
	// 403 Åtkomst saknas till kund-id M40022.
	// true vitecmaklare: 404 Not Found: Kontakten P9999 hittades inte.
	// true
}
