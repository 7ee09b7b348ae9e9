package vitecauto_test

import (
	"context"
	"testing"

	"github.com/vendorctl/vendorctl/clients/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// BenchmarkGetCustomer is a client round trip over loopback against the in-process mock (validation
// on), with and without the client's own response validation.
func BenchmarkGetCustomer(b *testing.B) {
	mocks := mocktest.Start(b, mocktest.Only("vitecauto"))
	for _, tc := range []struct {
		name string
		opts []vitecauto.Option
	}{
		{"plain", nil},
		{"clientValidation", []vitecauto.Option{vitecauto.WithValidation()}},
	} {
		client, err := vitecauto.New(mocks.BaseURL("vitecauto"), mocks.Credentials("vitecauto").APIKey, tc.opts...)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				if _, err := client.GetCustomer(ctx, 998, 500190); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
