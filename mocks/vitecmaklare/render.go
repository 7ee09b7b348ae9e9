package vitecmaklare

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/labstack/echo/v4"

	vitecmaklareapi "github.com/vendorctl/vendorctl/gen/vitecmaklare"
	"github.com/vendorctl/vendorctl/mocks/mockkit"
	"github.com/vendorctl/vendorctl/specs/xmlcodec"
)

// The vendor's (ASP.NET Web API's) error texts.
const (
	msgUnauthorized  = "Authorization has been denied for this request."
	msgInvalid       = "The request is invalid."
	msgServerError   = "An error has occurred."
	msgNoRouteDetail = "No route data was found for this request."
)

// The vendor's validation texts for the path parameters, keyed by parameter.
var paramMessages = map[string]string{
	"customerId": "Kund-id måste vara mellan 0 och 40 tecken",
	"contactId":  "Kontaktid måste vara mellan 0 och 40 tecken",
}

func msgForbidden(customerID string) string {
	return "Åtkomst saknas till kund-id " + customerID + "."
}

func msgContactNotFound(contactID string) string {
	return "Kontakten " + contactID + " hittades inte."
}

// body is an answer with its negotiated media type. It implements the generated response interface,
// so handlers return it; unlike the generated response types it sends "; charset=utf-8" as the vendor
// does.
type body struct {
	status int
	media  string
	data   []byte
}

func (b body) VisitGetContactResponse(w http.ResponseWriter) error {
	w.Header().Set("Content-Type", b.media+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b.data)))
	w.WriteHeader(b.status)
	_, err := w.Write(b.data)
	return err
}

var _ vitecmaklareapi.GetContactResponseObject = body{}

// httpError is ASP.NET Web API's HttpError: message, then messageDetail or modelState where present.
type httpError struct {
	Message       string              `json:"message"`
	MessageDetail string              `json:"messageDetail,omitempty"`
	ModelState    map[string][]string `json:"modelState,omitempty"`
}

// render writes every error in the vendor's shape, negotiated on Accept like a success.
func (m *Mock) render(c echo.Context, e *mockkit.Error) error {
	status, herr := m.vendorError(c, e)
	media := Negotiate(c.Request().Header.Values("Accept"))
	var data []byte
	if isXML(media) {
		data = herr.xml()
	} else {
		var err error
		if data, err = json.Marshal(herr); err != nil {
			return fmt.Errorf("encode error body: %w", err)
		}
	}
	w := c.Response()
	w.Header().Set("Content-Type", media+"; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(status)
	_, err := w.Write(data)
	return err
}

// vendorError maps an error of the mock to the status and body the vendor would send.
func (m *Mock) vendorError(c echo.Context, e *mockkit.Error) (int, httpError) {
	switch {
	case e.Status == http.StatusBadRequest:
		state := map[string][]string{}
		for _, v := range e.Violations {
			key := v.Field
			if key == "" {
				key = "request"
			}
			msg := v.Message
			if text, ok := paramMessages[key]; ok && v.In == "path" {
				msg = text
			}
			state[key] = append(state[key], msg)
		}
		if len(state) == 0 {
			state["request"] = []string{e.Message}
		}
		return e.Status, httpError{Message: msgInvalid, ModelState: state}
	case e.Status == http.StatusUnauthorized:
		return e.Status, httpError{Message: msgUnauthorized}
	case e.Status == http.StatusNotFound && mockkit.RouteOf(c) == nil:
		uri := m.spec.ServerURL() + c.Request().URL.EscapedPath()
		if q := c.Request().URL.RawQuery; q != "" {
			uri += "?" + q
		}
		return e.Status, httpError{
			Message:       "No HTTP resource was found that matches the request URI '" + uri + "'.",
			MessageDetail: msgNoRouteDetail,
		}
	case e.Status == http.StatusMethodNotAllowed:
		return e.Status, httpError{Message: "The requested resource does not support http method '" + c.Request().Method + "'."}
	case e.Status >= 500:
		return e.Status, httpError{Message: msgServerError}
	}
	return e.Status, httpError{Message: e.Message}
}

// xml writes an HttpError as Web API does: <Error> in no namespace, its members as elements in the
// order of the JSON object, each model-state key an element whose text is its messages joined by a
// space.
func (h httpError) xml() []byte {
	var b bytes.Buffer
	b.WriteString("<Error>")
	textElement(&b, "Message", h.Message)
	if h.MessageDetail != "" {
		textElement(&b, "MessageDetail", h.MessageDetail)
	}
	if h.ModelState != nil {
		b.WriteString("<ModelState>")
		keys := make([]string, 0, len(h.ModelState))
		for k := range h.ModelState {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			textElement(&b, xmlName(k), strings.Join(h.ModelState[k], " "))
		}
		b.WriteString("</ModelState>")
	}
	b.WriteString("</Error>")
	return b.Bytes()
}

func textElement(b *bytes.Buffer, name, text string) {
	escaped, err := xmlcodec.EscapeText(text)
	if err != nil { // a character XML cannot hold: write what it can
		escaped, _ = xmlcodec.EscapeText(strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r != 0xFFFE && r != 0xFFFF && !(r >= 0xD800 && r <= 0xDFFF)) {
				return r
			}
			return unicode.ReplacementChar
		}, strings.ToValidUTF8(text, "\uFFFD")))
	}
	b.WriteString("<" + name + ">")
	b.WriteString(escaped)
	b.WriteString("</" + name + ">")
}

// xmlName makes a model-state key usable as an element name.
func xmlName(key string) string {
	var b strings.Builder
	for i, r := range key {
		ok := r == '_' || unicode.IsLetter(r) || (i > 0 && (r == '-' || r == '.' || unicode.IsDigit(r)))
		if !ok {
			r = '_'
		}
		b.WriteRune(r)
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}
