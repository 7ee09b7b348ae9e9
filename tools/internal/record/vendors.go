package record

import (
	"errors"
	"mime"
	"net/http"
	"strings"

	"github.com/vendorctl/vendorctl/specs/xmlcodec"
	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
	"github.com/vendorctl/vendorctl/tools/internal/proxy"
)

// vendor is how one vendor's answers become its mock's fixtures.
type vendor struct {
	country anonymize.Country
	// schemas names, for each collection, the spec's schema its records follow (the tests check the
	// personal fields against it).
	schemas map[string]string
	// personal is the vendor's list of personal fields: by collection, the path of each field and
	// what it holds.
	personal map[string]map[string]anonymize.Kind
	// queryFields are the query parameters that hold personal data (zero: none), for the journal.
	queryFields map[string]anonymize.Kind
	// take returns the records of a conforming answer to op (none for an answer without records).
	take func(op string, x proxy.Exchange) ([]entry, error)
	// files renders the fixture files from the records (the Recorder's mu is held).
	files func(r *Recorder) (map[string]any, error)
}

// vendors are the recording rules, by API name.
var vendors = map[string]*vendor{
	"vitecauto":    vitecAuto,
	"mediaconnect": mediaconnect,
	"vitecmaklare": vitecMaklare,
	"timewave":     timeWave,
}

var errNoRecord = errors.New("record: the answer holds no record of the expected shape")

// body decodes an answer's body: JSON, or XML by the schema the spec gives the answer's media type.
func body(x proxy.Exchange) (any, error) {
	media, _, _ := mime.ParseMediaType(x.Header.Get("Content-Type"))
	if media == "application/xml" || media == "text/xml" {
		resp := x.Route.Operation().Responses.Status(x.Status)
		if resp == nil || resp.Value == nil || resp.Value.Content.Get(media) == nil {
			return nil, errNoRecord
		}
		return xmlcodec.Decode(x.Body, resp.Value.Content.Get(media).Schema)
	}
	return decodeJSON(x.Body)
}

// object is a decoded answer when it is a JSON object of status 200 or 201.
func object(x proxy.Exchange) (map[string]any, bool) {
	if x.Status != http.StatusOK && x.Status != http.StatusCreated {
		return nil, false
	}
	v, err := body(x)
	if err != nil {
		return nil, false
	}
	m, ok := v.(map[string]any)
	return m, ok
}

// objects are the objects of a JSON array (others left out).
func objects(v any) []map[string]any {
	list, _ := v.([]any)
	var out []map[string]any
	for _, item := range list {
		if m, ok := item.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// keyed makes entries of collection from records, each identified by its identity properties joined
// by "/"; a record without one of them is errNoRecord.
func keyed(collection string, recs []map[string]any, identity ...string) ([]entry, error) {
	out := make([]entry, 0, len(recs))
	for _, rec := range recs {
		parts := make([]string, len(identity))
		for i, prop := range identity {
			id, ok := idOf(rec[prop])
			if !ok {
				return nil, errNoRecord
			}
			parts[i] = id
		}
		out = append(out, entry{collection: collection, id: strings.Join(parts, "/"), value: rec})
	}
	return out, nil
}
