package vitecmaklare_test

import (
	"context"
	"testing"

	"github.com/vendorctl/vendorctl/clients/vitecmaklare"
	"github.com/vendorctl/vendorctl/mocks/mocktest"
)

// BenchmarkGetContact is a client round trip over loopback against the in-process mock (validation
// on): JSON and XML, with and without the client's own response validation.
func BenchmarkGetContact(b *testing.B) {
	mocks := mocktest.Start(b, mocktest.Only("vitecmaklare"))
	creds := mocks.Credentials("vitecmaklare")
	for _, tc := range []struct {
		name string
		opts []vitecmaklare.Option
	}{
		{"json", nil},
		{"json/clientValidation", []vitecmaklare.Option{vitecmaklare.WithValidation()}},
		{"xml", []vitecmaklare.Option{vitecmaklare.WithXML()}},
		{"xml/clientValidation", []vitecmaklare.Option{vitecmaklare.WithXML(), vitecmaklare.WithValidation()}},
	} {
		client, err := vitecmaklare.New(mocks.BaseURL("vitecmaklare"), creds.User, creds.Password, tc.opts...)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			ctx := context.Background()
			for b.Loop() {
				if _, err := client.GetContact(ctx, "M30011", "C1001"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
