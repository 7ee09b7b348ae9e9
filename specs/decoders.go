package specs

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/vendorctl/vendorctl/specs/xmlcodec"
)

// registerDecoders adds the body decoders that kin-openapi lacks or that are too lenient: JSON that
// refuses anything after its value (application/json, and text/json as application/json; "+json" types
// fall back to it) and XML (application/xml, text/xml; see xmlcodec.Decode). kin-openapi keeps its decoders
// in a process-wide registry guarded by a lock; registering the same decoder again is harmless, so every
// load does it and this package keeps no state of its own.
func registerDecoders() {
	openapi3filter.RegisterBodyDecoder("application/json", JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/json", JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/xml", xmlcodec.BodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/xml", xmlcodec.BodyDecoder)
}

// ErrTrailingData is the cause of the *openapi3filter.ParseError of a JSON body that holds something
// after its value (`{"a":1} x`, `{"a":1}{"b":2}`): such a body is not JSON (RFC 8259), although a
// streaming decoder would stop after the first value and take it.
var ErrTrailingData = errors.New("the body holds data after its JSON value")

// JSONBodyDecoder is kin-openapi's JSON body decoder that also refuses trailing data (ErrTrailingData).
func JSONBodyDecoder(body io.Reader, header http.Header, schema *openapi3.SchemaRef, encFn openapi3filter.EncodingFn) (any, error) {
	data, err := io.ReadAll(body)
	if err != nil {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Reason: "read JSON body", Cause: err}
	}
	value, err := openapi3filter.JSONBodyDecoder(bytes.NewReader(data), header, schema, encFn)
	if err != nil {
		return nil, err
	}
	// The first value decoded, so a body that is not one JSON value has something after it.
	if !json.Valid(data) {
		return nil, &openapi3filter.ParseError{Kind: openapi3filter.KindInvalidFormat, Cause: ErrTrailingData}
	}
	return value, nil
}
