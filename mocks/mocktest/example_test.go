package mocktest_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/vendorctl/vendorctl/clients/mediaconnect"
	"github.com/vendorctl/vendorctl/clients/vitecauto"
	vitecautoapi "github.com/vendorctl/vendorctl/gen/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// In a test, call mocktest.Start(t); outside one (as here), New and Close.
func Example() {
	mocks, err := mocktest.New(mocktest.Only("vitecauto"))
	if err != nil {
		fmt.Println(err)
		return
	}
	defer mocks.Close()

	client, _ := vitecauto.New(mocks.BaseURL("vitecauto"), mocks.Credentials("vitecauto").APIKey)
	customer, err := client.GetCustomer(context.Background(), 998, 500190)
	fmt.Println(customer.Navn1, err)

	// Make the vendor fail, and see what your code does. The generated package of each API names its
	// operationIds, so a rule narrowed to one operation needs no look at the spec.
	if _, err := mocks.AddFault(mockserver.Rule{API: "vitecauto", OperationID: vitecautoapi.OpGetCustomer, Status: 500}); err != nil {
		fmt.Println(err)
	}
	_, err = client.GetCustomer(context.Background(), 998, 500190)
	fmt.Println(errors.Is(err, vitecauto.ErrServer))

	// Every request is in the journal, credentials redacted.
	for _, e := range mocks.Requests(mockserver.Filter{API: "vitecauto"}) {
		fmt.Println(e.Method, e.Path, e.Status, e.RequestHeaders["X-Api-Key"])
	}
	// Output:
	// KONTANT-SALG <nil>
	// true
	// GET /vitecauto/api/customer 200 [[REDACTED]]
	// GET /vitecauto/api/customer 500 [[REDACTED]]
}

// The README's test body, compiled here: in a test, Start runs the mocks until the test ends.
func Example_inATest() {
	testMyIntegration := func(t *testing.T) {
		mocks := mocktest.Start(t) // or mocktest.Start(t, mocktest.Only("vitecauto"))
		client, _ := vitecauto.New(mocks.BaseURL("vitecauto"), mocks.Credentials("vitecauto").APIKey)
		mc := mocks.Credentials("mediaconnect") // OAuth vendors: TokenURL (and AuthorizeURL) of the mock
		if _, err := mediaconnect.New(mocks.BaseURL("mediaconnect"), mediaconnect.Auth{
			ClientID: mc.ClientID, ClientSecret: mc.ClientSecret, TokenURL: mc.TokenURL}); err != nil {
			t.Fatal(err)
		}
		if _, err := mocks.AddFault(mockserver.Rule{API: "vitecauto", Status: 500}); err != nil {
			t.Fatal(err)
		}
		if _, err := client.GetCustomer(context.Background(), 998, 500190); !errors.Is(err, vitecauto.ErrServer) {
			t.Fatalf("the vendor's 500 came back as %v", err)
		}
		entries := mocks.Requests(mockserver.Filter{API: "vitecauto"})
		t.Log(len(entries), "requests journaled")
		mocks.Reset() // fixtures back, journal and faults cleared
	}
	_ = testMyIntegration
}
