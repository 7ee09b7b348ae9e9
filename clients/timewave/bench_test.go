package timewave_test

import (
	"context"
	"testing"

	"github.com/vendorctl/vendorctl/clients/timewave"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// BenchmarkListClients is a client round trip over loopback against the in-process mock (validation
// on, one shared token): the default page of clients and one client, with and without the client's
// own response validation.
func BenchmarkListClients(b *testing.B) {
	mocks := mocktest.Start(b, mocktest.Only("timewave"))
	creds := mocks.Credentials("timewave")
	for _, tc := range []struct {
		name string
		opts []timewave.Option
	}{
		{"plain", nil},
		{"clientValidation", []timewave.Option{timewave.WithValidation()}},
	} {
		api, err := timewave.New(mocks.BaseURL("timewave"), creds.ClientID, creds.ClientSecret, tc.opts...)
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		b.Run("page/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := api.ListClients(ctx); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run("get/"+tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := api.GetClient(ctx, 1001); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
