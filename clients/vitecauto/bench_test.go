package vitecauto_test

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/vendorctl/vendorctl/clients/vitecauto"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	mock "github.com/vendorctl/vendorctl/mocks/vitecauto"
)

// BenchmarkGetCustomer is a client round trip over loopback against the in-process mock (validation
// on), with and without the client's own response validation.
func BenchmarkGetCustomer(b *testing.B) {
	m, err := mock.New(mock.Config{Options: mockkit.Options{Journal: mockkit.NewJournal(0, 0)}})
	if err != nil {
		b.Fatal(err)
	}
	srv, err := mockkit.NewServer(nil, m)
	if err != nil {
		b.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	for _, tc := range []struct {
		name string
		opts []vitecauto.Option
	}{
		{"plain", nil},
		{"clientValidation", []vitecauto.Option{vitecauto.WithValidation()}},
	} {
		client, err := vitecauto.New(ts.URL+mock.Prefix, mock.DefaultAPIKey, tc.opts...)
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
