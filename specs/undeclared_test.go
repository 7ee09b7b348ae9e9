package specs_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"reflect"
	"sort"
	"testing"

	"github.com/vendorctl/vendorctl/specs"
	"github.com/vendorctl/vendorctl/specs/internal/spectest"
)

func TestUndocumentedResponseProperties(t *testing.T) {
	spec := spectest.LoadFile(t, "undeclared.yaml")
	route, err := spec.FindRoute(http.MethodGet, "/pets")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		body string
		want []string
	}{
		{"all documented", `{"data":[{"kind":"cat","name":"Pus","lives":9},{"kind":"dog","bark":"voff"}],"meta":{"total":2}}`, nil},
		{"top-level extra", `{"data":[],"surprise":1}`, []string{"surprise"}},
		{"extra inside an array item", `{"data":[{"kind":"cat","colour":"grå"}]}`, []string{"data.0.colour"}},
		{"discriminator picks the branch", `{"data":[{"kind":"cat","bark":"voff"}]}`, []string{"data.0.bark"}},
		{"additionalProperties true stays open", `{"meta":{"total":1,"next":"x"}}`, nil},
		{"schema without properties stays open", `{"free":{"anything":true}}`, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := spec.ValidateResponse(context.Background(), httptest.NewRequest("GET", "/pets", nil), route, specs.Response{
				Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(tc.body),
			})
			var got []string
			for _, v := range specs.Violations(err) {
				if v.Message != specs.MsgUndocumented {
					t.Errorf("unexpected violation %v", v)
					continue
				}
				got = append(got, v.Field)
			}
			sort.Strings(got)
			if !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("undocumented fields %v, want %v", got, tc.want)
			}
		})
	}
}
