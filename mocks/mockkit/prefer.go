package mockkit

import (
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/labstack/echo/v4"

	"github.com/vendorctl/vendorctl/specs"
)

// preference is what a Prefer header asks of a mock, as Prism users know it:
// `Prefer: code=404`, `Prefer: example=notFound`, or both.
type preference struct {
	code    int
	example string
}

func parsePrefer(h http.Header) (preference, bool, error) {
	var p preference
	found := false
	for _, v := range h.Values("Prefer") {
		for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ';' }) {
			k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok {
				continue
			}
			val = strings.Trim(strings.TrimSpace(val), `"`)
			switch strings.ToLower(strings.TrimSpace(k)) {
			case "code":
				code, err := strconv.Atoi(val)
				if err != nil || code < 100 || code > 599 {
					return p, true, fmt.Errorf("Prefer: code=%s is not an HTTP status code", val)
				}
				p.code, found = code, true
			case "example":
				p.example, found = val, true
			}
		}
	}
	return p, found, nil
}

// prefer answers a request that carries `Prefer: code=N` and/or `Prefer: example=NAME` with the
// documented response and example, instead of calling the handler. It runs after authentication and
// request validation, so a forced answer still needs valid credentials and input.
func (a *api) prefer(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		pref, ok, err := parsePrefer(c.Request().Header)
		if !ok {
			return next(c)
		}
		if err != nil {
			return &Error{Status: http.StatusBadRequest, Message: err.Error()}
		}
		route := RouteOf(c)
		if route == nil || RequestViolations(c.Request().Context()) != nil {
			return next(c) // a body the handler refuses itself is refused, whatever is preferred
		}
		return answerFromSpec(c, route, pref)
	}
}

// answerFromSpec writes the documented response and example that pref picks (see pickResponse), marked
// with AnswerHeader.
func answerFromSpec(c echo.Context, route *specs.Route, pref preference) error {
	status, resp, err := pickResponse(route, pref)
	if err != nil {
		return err
	}
	for name, h := range resp.Headers {
		if h.Value != nil {
			c.Response().Header().Set(name, headerValue(h.Value))
		}
	}
	if len(resp.Content) == 0 {
		c.Response().Header().Set(AnswerHeader, AnswerExample)
		return c.NoContent(status)
	}
	ct, media := negotiate(resp.Content, c.Request().Header.Get("Accept"))
	value, err := pickExample(media, pref.example, route, status)
	if err != nil {
		return err
	}
	c.Response().Header().Set(AnswerHeader, AnswerExample)
	if s, isString := value.(string); isString && !specs.IsJSONMediaType(ct) {
		return c.Blob(status, ct, []byte(s))
	}
	body, err := json.Marshal(value)
	if err != nil {
		return fmt.Errorf("encode example: %w", err)
	}
	return c.Blob(status, ct, body)
}

// pickResponse finds the documented response for the preference: the code asked for, else the
// response holding the named example, else the first 2xx.
func pickResponse(route *specs.Route, pref preference) (int, *openapi3.Response, error) {
	responses := route.Operation().Responses
	codes := documentedCodes(responses)
	if pref.code != 0 {
		r := responses.Status(pref.code)
		if r == nil || r.Value == nil {
			return 0, nil, &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf(
				"Prefer: code=%d is not documented for %s; documented: %s", pref.code, route.OperationID(), strings.Join(codes, ", "))}
		}
		return pref.code, r.Value, nil
	}
	if pref.example != "" {
		for _, code := range codes {
			r := responses.Value(code)
			for _, media := range r.Value.Content {
				if _, ok := media.Examples[pref.example]; ok {
					n, _ := strconv.Atoi(code)
					return n, r.Value, nil
				}
			}
		}
		return 0, nil, &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf(
			"Prefer: example=%s: %s documents no example of that name", pref.example, route.OperationID())}
	}
	for _, code := range codes {
		if strings.HasPrefix(code, "2") {
			n, _ := strconv.Atoi(code)
			return n, responses.Value(code).Value, nil
		}
	}
	return 0, nil, &Error{Status: http.StatusBadRequest, Message: "no success response documented for " + route.OperationID()}
}

// documentedCodes lists the numeric status codes of the responses, sorted.
func documentedCodes(responses *openapi3.Responses) []string {
	var codes []string
	for code, r := range responses.Map() {
		if _, err := strconv.Atoi(code); err == nil && r.Value != nil {
			codes = append(codes, code)
		}
	}
	sort.Strings(codes)
	return codes
}

// negotiate picks the media type of the answer: the first one Accept names, else JSON, else any.
func negotiate(content openapi3.Content, accept string) (string, *openapi3.MediaType) {
	types := make([]string, 0, len(content))
	for ct := range content {
		types = append(types, ct)
	}
	sort.Strings(types)
	for _, part := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil || mt == "*/*" {
			continue
		}
		for _, ct := range types {
			if ct == mt || (strings.HasSuffix(mt, "/*") && strings.HasPrefix(ct, strings.TrimSuffix(mt, "*"))) {
				return ct, content[ct]
			}
		}
	}
	for _, ct := range types {
		if ct == "application/json" {
			return ct, content[ct]
		}
	}
	return types[0], content[types[0]]
}

func pickExample(media *openapi3.MediaType, name string, route *specs.Route, status int) (any, error) {
	if name != "" {
		if ex, ok := media.Examples[name]; ok && ex.Value != nil {
			return ex.Value.Value, nil
		}
		return nil, &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf(
			"Prefer: example=%s is not documented for %s %d", name, route.OperationID(), status)}
	}
	if media.Example != nil {
		return media.Example, nil
	}
	names := make([]string, 0, len(media.Examples))
	for n := range media.Examples {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if ex := media.Examples[n]; ex != nil && ex.Value != nil {
			return ex.Value.Value, nil
		}
	}
	if media.Schema != nil && media.Schema.Value != nil && media.Schema.Value.Example != nil {
		return media.Schema.Value.Example, nil
	}
	return nil, &Error{Status: http.StatusBadRequest, Message: fmt.Sprintf(
		"%s %d documents no example to answer with", route.OperationID(), status)}
}

// headerValue is the documented example of a response header, or a value of its type.
func headerValue(h *openapi3.Header) string {
	if h.Example != nil {
		return fmt.Sprint(h.Example)
	}
	if s := h.Schema; s != nil && s.Value != nil {
		if s.Value.Example != nil {
			return fmt.Sprint(s.Value.Example)
		}
		if s.Value.Default != nil {
			return fmt.Sprint(s.Value.Default)
		}
		if s.Value.Type.Is("integer") || s.Value.Type.Is("number") {
			return "1"
		}
	}
	return "example"
}
