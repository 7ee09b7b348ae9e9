package mediaconnect_test

import (
	"context"
	"testing"

	"github.com/vendorctl/vendorctl/clients/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// BenchmarkGetCustomer is a client round trip over loopback against the in-process mock (validation
// on, one client token), with and without the client's own response validation.
func BenchmarkGetCustomer(b *testing.B) {
	mocks := mocktest.Start(b, mocktest.Only("mediaconnect"))
	creds := mocks.Credentials("mediaconnect")
	for _, tc := range []struct {
		name string
		opts []mediaconnect.Option
	}{
		{"plain", nil},
		{"clientValidation", []mediaconnect.Option{mediaconnect.WithValidation()}},
	} {
		client, err := mediaconnect.New(mocks.BaseURL("mediaconnect"), mediaconnect.Auth{
			ClientID: creds.ClientID, ClientSecret: creds.ClientSecret, TokenURL: creds.TokenURL,
		}, tc.opts...)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				if _, err := client.GetCustomer(ctx, 563457); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
