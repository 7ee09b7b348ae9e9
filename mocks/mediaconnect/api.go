package mediaconnect

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	mediaconnectapi "github.com/vendorctl/vendorctl/gen/mediaconnect"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/mocks/oauth"
	"github.com/vendorctl/vendorctl/specs"
)

// Messages of the API. The vendor's own texts are used where the doc has them.
const (
	// MsgSearchRule answers a search that does not meet the documented rule.
	MsgSearchRule = "Search requires companyName or lastName, streetAddress and postalCode or postalPlace; or phoneNumber; or email"
	// MsgTooManyCustomers is the doc's text for a search matching more than 5 customers.
	MsgTooManyCustomers = "Number of customers in response are limited to 5 customers"
	// MaxSearchResults is the documented limit of a search answer.
	MaxSearchResults = 5

	msgNoToken        = "Missing access token"
	msgBadAuthHeader  = "Malformed Authorization header: a token must follow the scheme Bearer"
	msgWrongScheme    = "The Authorization header must use the scheme Bearer"
	msgInvalidToken   = "Invalid access token"
	msgExpiredToken   = "Access token expired"
	msgClientToken    = "This operation needs a user token (authorization code grant); a client token was sent"
	msgUnknownUser    = "The user of this token no longer exists"
	msgTooManyRequest = "Too many requests, retry later"
	userScheme        = "Authorization_Code"
)

// tokenKey holds the caller's token in the request context.
type tokenKey struct{}

func tokenOf(ctx context.Context) (oauth.Token, bool) {
	t, ok := ctx.Value(tokenKey{}).(oauth.Token)
	return t, ok
}

// authenticate checks the bearer token of every operation (all are secured), the kind of token the
// operation needs, and the per-client rate limit.
func (m *Mock) authenticate(c echo.Context, route *specs.Route) error {
	raw, err := oauth.BearerToken(c.Request().Header)
	switch {
	case errors.Is(err, oauth.ErrNoCredentials):
		return invalidToken(msgNoToken)
	case errors.Is(err, oauth.ErrWrongScheme):
		return invalidToken(msgWrongScheme)
	case err != nil:
		return invalidToken(msgBadAuthHeader)
	}
	tok, err := m.tokens.Lookup(raw)
	switch {
	case errors.Is(err, oauth.ErrTokenExpired):
		return invalidToken(msgExpiredToken)
	case err != nil:
		return invalidToken(msgInvalidToken)
	}
	if tok.Kind != oauth.KindClient && tok.Kind != oauth.KindUser { // a refresh token or a code
		return invalidToken(msgInvalidToken)
	}
	if needsUser(route) && tok.Kind != oauth.KindUser {
		return invalidToken(msgClientToken)
	}
	if ok, wait := m.limiter.Allow(tok.ClientID); !ok {
		return &mockkit.Error{Status: http.StatusTooManyRequests, Message: msgTooManyRequest,
			Header: http.Header{"Retry-After": {strconv.Itoa(oauth.RetryAfterSeconds(wait))}}}
	}
	req := c.Request()
	c.SetRequest(req.WithContext(context.WithValue(req.Context(), tokenKey{}, tok)))
	return nil
}

// needsUser reports whether the operation needs a logged-in user (the Authorization_Code scheme).
func needsUser(route *specs.Route) bool {
	sec := route.Operation().Security
	if sec == nil {
		return false
	}
	for _, req := range *sec {
		if _, ok := req[userScheme]; ok {
			return true
		}
	}
	return false
}

func invalidToken(desc string) *mockkit.Error {
	return &mockkit.Error{
		Status: http.StatusUnauthorized, Code: "invalid_token", Message: desc,
		Header: http.Header{"Www-Authenticate": {fmt.Sprintf(`Bearer error="invalid_token", error_description=%q`, desc)}},
	}
}

// render writes 401 as an OAuth 2.0 bearer-token error and every other error in the vendor's
// {"exceptionType", "errorMessage"} shape.
func render(c echo.Context, e *mockkit.Error) error {
	if e.Status == http.StatusUnauthorized {
		code := e.Code
		if code == "" {
			code = "invalid_token"
		}
		desc := e.Message
		return c.JSON(e.Status, mediaconnectapi.OAuthError{Error: code, ErrorDescription: &desc})
	}
	msg := e.Message
	if len(e.Violations) > 0 {
		msg = violationsMessage(mockkit.RouteOf(c), e.Violations)
	}
	status := e.Status
	if status == http.StatusUnsupportedMediaType { // only 400 is documented for a body the API cannot read
		status, msg = http.StatusBadRequest, "Content-Type must be application/json"
		e = &mockkit.Error{Status: status, Message: msg}
	}
	return c.JSON(status, mediaconnectapi.ApiError{ExceptionType: exceptionType(e), ErrorMessage: msg})
}

// violationsMessage joins the violations of a refused request, replacing kin-openapi's text for the
// search rule (a failed anyOf at the body root) with the rule itself.
func violationsMessage(route *specs.Route, vs []specs.Violation) string {
	search := route != nil && route.OperationID() == "searchCustomer"
	parts := make([]string, 0, len(vs))
	for _, v := range vs {
		if search && v.In == "body" && v.Field == "" && v.Keyword == "anyOf" {
			parts = append(parts, MsgSearchRule)
			continue
		}
		parts = append(parts, v.String())
	}
	return strings.Join(parts, "; ")
}

func exceptionType(e *mockkit.Error) string {
	if e.Code != "" {
		return e.Code
	}
	switch {
	case e.Status == http.StatusBadRequest:
		return "ValidationException"
	case e.Status == http.StatusForbidden:
		return "ForbiddenException"
	case e.Status == http.StatusNotFound:
		return "NotFoundException"
	case e.Status == http.StatusMethodNotAllowed:
		return "MethodNotAllowedException"
	case e.Status == http.StatusRequestEntityTooLarge:
		return "PayloadTooLargeException"
	case e.Status == http.StatusRequestURITooLong:
		return "UriTooLongException"
	case e.Status == http.StatusTooManyRequests:
		return "TooManyRequestsException"
	case e.Status >= 500:
		return "InternalServerErrorException"
	}
	return "ClientException"
}

func apiError(exceptionType, format string, args ...any) mediaconnectapi.ApiError {
	return mediaconnectapi.ApiError{ExceptionType: exceptionType, ErrorMessage: fmt.Sprintf(format, args...)}
}

// ListCustomerInfoClientMode implements the generated strict server interface.
func (m *Mock) ListCustomerInfoClientMode(_ context.Context, req mediaconnectapi.ListCustomerInfoClientModeRequestObject) (mediaconnectapi.ListCustomerInfoClientModeResponseObject, error) {
	info, ok := m.get(req.CustomerNumber)
	if !ok {
		return mediaconnectapi.ListCustomerInfoClientMode404JSONResponse{NotFoundJSONResponse: mediaconnectapi.NotFoundJSONResponse(
			apiError("NotFoundException", "Customer %d not found", req.CustomerNumber))}, nil
	}
	return mediaconnectapi.ListCustomerInfoClientMode200JSONResponse(info), nil
}

// SearchCustomer implements the generated strict server interface.
func (m *Mock) SearchCustomer(_ context.Context, req mediaconnectapi.SearchCustomerRequestObject) (mediaconnectapi.SearchCustomerResponseObject, error) {
	if req.Body == nil || !searchRuleMet(req.Body) {
		return mediaconnectapi.SearchCustomer400JSONResponse{BadRequestJSONResponse: mediaconnectapi.BadRequestJSONResponse(
			apiError("ValidationException", "%s", MsgSearchRule))}, nil
	}
	found := m.search(req.Body)
	if len(found) > MaxSearchResults {
		return mediaconnectapi.SearchCustomer403JSONResponse{ForbiddenJSONResponse: mediaconnectapi.ForbiddenJSONResponse(
			apiError("ForbiddenException", "%s (%d match; narrow the search, e.g. with firstName, streetNumber or productCode)",
				MsgTooManyCustomers, len(found)))}, nil
	}
	return mediaconnectapi.SearchCustomer200JSONResponse{Customers: found}, nil
}

// CheckCustomerNumber implements the generated strict server interface.
func (m *Mock) CheckCustomerNumber(_ context.Context, req mediaconnectapi.CheckCustomerNumberRequestObject) (mediaconnectapi.CheckCustomerNumberResponseObject, error) {
	var creds []string
	if req.Body != nil {
		creds = req.Body.Credentials
	}
	return mediaconnectapi.CheckCustomerNumber200JSONResponse{Customers: m.check(creds)}, nil
}

// userCustomer is the customer number of the logged-in user of ctx.
func userCustomer(ctx context.Context) (int, error) {
	tok, ok := tokenOf(ctx)
	if !ok || tok.Kind != oauth.KindUser {
		return 0, invalidToken(msgClientToken)
	}
	n, err := strconv.Atoi(tok.Subject)
	if err != nil {
		return 0, invalidToken(msgUnknownUser)
	}
	return n, nil
}

// ListCustomerInfo implements the generated strict server interface.
func (m *Mock) ListCustomerInfo(ctx context.Context, _ mediaconnectapi.ListCustomerInfoRequestObject) (mediaconnectapi.ListCustomerInfoResponseObject, error) {
	n, err := userCustomer(ctx)
	if err != nil {
		return nil, err
	}
	info, ok := m.get(n)
	if !ok {
		return nil, invalidToken(msgUnknownUser)
	}
	return mediaconnectapi.ListCustomerInfo200JSONResponse(info), nil
}

// ChangeCustomerInfo implements the generated strict server interface.
func (m *Mock) ChangeCustomerInfo(ctx context.Context, req mediaconnectapi.ChangeCustomerInfoRequestObject) (mediaconnectapi.ChangeCustomerInfoResponseObject, error) {
	n, err := userCustomer(ctx)
	if err != nil {
		return nil, err
	}
	found, err := m.change(n, req.Body)
	switch {
	case !found:
		return nil, invalidToken(msgUnknownUser)
	case err != nil:
		return mediaconnectapi.ChangeCustomerInfo400JSONResponse{BadRequestJSONResponse: mediaconnectapi.BadRequestJSONResponse(
			apiError("ValidationException", "%s", err.Error()))}, nil
	}
	return mediaconnectapi.ChangeCustomerInfo200JSONResponse{Success: true}, nil
}
