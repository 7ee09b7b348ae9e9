package mockkit

import (
	"fmt"
	"net/http"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
)

// faultStatus is the error answered for a status rule.
func faultStatus(r *mockserver.Rule) *Error {
	e := &Error{Status: r.Status, Message: fmt.Sprintf("fault injected by rule %s", r.Name())}
	retry := r.RetryAfter
	if r.Status == http.StatusTooManyRequests && retry == 0 {
		retry = 1
	}
	if retry > 0 {
		e.Header = http.Header{"Retry-After": {fmt.Sprint(retry)}}
	}
	return e
}
