package mediaconnect_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"golang.org/x/oauth2"

	"github.com/vendorctl/vendorctl/clients/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// Search customers in client mode: only the client's credentials are needed. Against production, use
// mediaconnect.ProductionURL and leave Auth.TokenURL empty; against a mock, its TokenURL is required.
func Example() {
	// In a test, mocktest.Start(t) does this and stops the mocks at the end.
	mocks, err := mocktest.New(mocktest.Only("mediaconnect"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()
	creds := mocks.Credentials("mediaconnect")

	client, err := mediaconnect.New(mocks.BaseURL("mediaconnect"), mediaconnect.Auth{
		ClientID:     creds.ClientID,
		ClientSecret: creds.ClientSecret,
		TokenURL:     creds.TokenURL,
	}, mediaconnect.WithValidation())
	if err != nil {
		fmt.Println(err)
		return
	}
	ctx := context.Background()

	// Six Hansens live in Storgata, 0155 Oslo: more than the 5 a search may return.
	hansens := mediaconnect.Search{LastName: "Hansen", StreetAddress: "Storgata", PostalCode: "0155"}
	_, err = client.SearchCustomers(ctx, hansens)
	var apiErr *mediaconnect.APIError
	if errors.Is(err, mediaconnect.ErrTooManyCustomers) && errors.As(err, &apiErr) {
		fmt.Println(apiErr.Status, apiErr.ExceptionType)
	}

	// Narrowed by first name.
	hansens.FirstName = "Per"
	customers, err := client.SearchCustomers(ctx, hansens)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, c := range customers {
		fmt.Println(*c.CustomerNumber, *c.Name.FirstName, *c.Name.LastName)
	}

	// By phone number.
	customers, _ = client.SearchCustomers(ctx, mediaconnect.Search{PhoneNumber: "+4712345678"})
	fmt.Println(*customers[0].CustomerNumber, *customers[0].Name.CompanyName)
	// Output:
	// 403 ForbiddenException
	// 512034 Per Hansen
	// 563457 Company International Ltd
}

// Act for a logged-in user: the authorization code flow with golang.org/x/oauth2 against the mock's
// ConnectID, which logs in its test user (customer 563457) at once.
func Example_userMode() {
	mocks, err := mocktest.New(mocktest.Only("mediaconnect"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()
	creds := mocks.Credentials("mediaconnect")
	ctx := context.Background()

	conf := &oauth2.Config{
		ClientID:     creds.ClientID,
		ClientSecret: creds.ClientSecret,
		// Production: mediaconnect.Endpoint(mediaconnect.ProductionURL).
		Endpoint:    oauth2.Endpoint{AuthURL: creds.AuthorizeURL, TokenURL: creds.TokenURL, AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL: "http://127.0.0.1:8765/callback",
	}
	// The user's browser goes to the authorize URL; ConnectID redirects it back with a code.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(conf.AuthCodeURL("state-42"))
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	callback, _ := url.Parse(resp.Header.Get("Location"))
	fmt.Println("state:", callback.Query().Get("state"))

	tok, err := conf.Exchange(ctx, callback.Query().Get("code"))
	if err != nil {
		fmt.Println(err)
		return
	}
	client, err := mediaconnect.New(mocks.BaseURL("mediaconnect"), mediaconnect.Auth{User: conf.TokenSource(ctx, tok)},
		mediaconnect.WithValidation())
	if err != nil {
		fmt.Println(err)
		return
	}
	me, err := client.GetUserCustomer(ctx)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*me.CustomerNumber, *me.Name.FirstName, *me.Name.LastName)

	// Replace the customer's data: what is left out is cleared.
	err = client.ChangeUserCustomer(ctx, mediaconnect.CustomerInfoChange{
		Name:   &mediaconnect.Name{FirstName: mediaconnect.Ptr("Ola"), LastName: mediaconnect.Ptr("Nordmann-Fjeld")},
		Emails: &[]mediaconnect.Email{"ola@example.no"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	me, _ = client.GetUserCustomer(ctx)
	fmt.Println(*me.Name.LastName, (*me.Emails)[0], me.PhoneNumbers == nil)
	// Output:
	// state: state-42
	// 563457 Ola Nordmann
	// Nordmann-Fjeld ola@example.no true
}
