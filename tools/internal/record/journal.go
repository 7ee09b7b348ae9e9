package record

import (
	"encoding/json"
	"maps"
	"mime"
	"strings"

	"github.com/vendorctl/vendorctl/mocks/mockserver"
	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
)

// envelopes are the keys whose values hold a vendor's records inside an answer: TimeWave's data,
// Mediaconnect's customers.
var envelopes = []string{"data", "customers"}

// Journal is the mockserver.Anonymizer of serve --journal-anonymize: a JSON body has its personal
// fields replaced as a recording does (the vendor's lists, at the body's root and inside its
// envelopes), a query its personal filters; a body of any other type (XML, a form) is not kept.
// ConnectID's token and authorize exchanges, which hold no personal data, are kept as they are.
type Journal struct {
	mappers map[string]*anonymize.Mapper
}

var _ mockserver.Anonymizer = (*Journal)(nil)

// NewJournal replaces under key (nil: a random key per vendor).
func NewJournal(key []byte) (*Journal, error) {
	j := &Journal{mappers: map[string]*anonymize.Mapper{}}
	for api, v := range vendors {
		if key != nil {
			j.mappers[api] = anonymize.New(key, v.country)
			continue
		}
		m, err := anonymize.NewRandom(v.country)
		if err != nil {
			return nil, err
		}
		j.mappers[api] = m
	}
	return j, nil
}

// journalFields are all personal fields of a vendor, of its records and of its request bodies.
func journalFields(v *vendor) map[string]anonymize.Kind {
	out := map[string]anonymize.Kind{}
	for _, fields := range v.personal {
		maps.Copy(out, fields)
	}
	return out
}

// Body implements mockserver.Anonymizer.
func (j *Journal) Body(api string, body []byte, contentType string) ([]byte, bool) {
	v, ok := vendors[api]
	if !ok {
		return body, true
	}
	media, _, _ := mime.ParseMediaType(contentType)
	if !strings.HasSuffix(media, "json") {
		return nil, false
	}
	value, err := decodeJSON(body)
	if err != nil {
		return nil, false
	}
	fields, m := journalFields(v), j.mappers[api]
	value = replaceFields(value, "", fields, m)
	if obj, ok := value.(map[string]any); ok {
		for _, env := range envelopes {
			if inner, ok := obj[env]; ok {
				obj[env] = replaceFields(inner, "", fields, m)
			}
		}
	}
	out, err := json.Marshal(value)
	if err != nil {
		return nil, false
	}
	return out, true
}

// Query implements mockserver.Anonymizer.
func (j *Journal) Query(api string, query map[string][]string) map[string][]string {
	v, ok := vendors[api]
	if !ok || len(v.queryFields) == 0 {
		return query
	}
	out := make(map[string][]string, len(query))
	for name, values := range query {
		k, personal := v.queryFields[name]
		if !personal {
			out[name] = values
			continue
		}
		replaced := make([]string, len(values))
		for i, s := range values {
			replaced[i] = j.mappers[api].Replace(k, s)
		}
		out[name] = replaced
	}
	return out
}
