package specs

import (
	"github.com/getkin/kin-openapi/openapi3filter"
)

// registerDecoders adds the body decoders that kin-openapi lacks: text/json (as application/json) and
// XML (application/xml, text/xml; see DecodeXML). kin-openapi keeps its decoders in a process-wide
// registry guarded by a lock; registering the same decoder again is harmless, so every load does it
// and this package keeps no state of its own.
func registerDecoders() {
	if json := openapi3filter.RegisteredBodyDecoder("application/json"); json != nil {
		openapi3filter.RegisterBodyDecoder("text/json", json)
	}
	openapi3filter.RegisterBodyDecoder("application/xml", XMLBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/xml", XMLBodyDecoder)
}
