package vitecmaklare

import (
	"strconv"
	"strings"
)

// The media types the API writes, in the order ASP.NET Web API's default formatters list them.
const (
	MediaJSON     = "application/json"
	MediaTextJSON = "text/json"
	MediaXML      = "application/xml"
	MediaTextXML  = "text/xml"
)

var offers = [...]string{MediaJSON, MediaTextJSON, MediaXML, MediaTextXML}

// isXML reports whether a negotiated media type is one of the XML ones.
func isXML(media string) bool { return media == MediaXML || media == MediaTextXML }

// mediaRange is one entry of an Accept header.
type mediaRange struct {
	typ, sub string
	q        int // thousandths, 0..1000
}

// Negotiate chooses the media type of an answer from the values of the request's Accept headers (see
// the package doc): the highest q wins, q=0 excludes, a tie goes to the more specific range and then to
// the order application/json, text/json, application/xml, text/xml; JSON when nothing is acceptable.
func Negotiate(accept []string) string {
	ranges := parseAccept(accept)
	best, bestQ, bestSpecificity := "", 0, -1
	for _, offer := range offers {
		q, specificity := quality(offer, ranges)
		if q <= 0 {
			continue
		}
		if q > bestQ || (q == bestQ && specificity > bestSpecificity) {
			best, bestQ, bestSpecificity = offer, q, specificity
		}
	}
	if best == "" {
		return MediaJSON
	}
	return best
}

// quality is the q of the most specific range that matches offer (2 type/subtype, 1 type/*, 0 */*),
// or 0 and -1 when none does.
func quality(offer string, ranges []mediaRange) (q, specificity int) {
	typ, sub, _ := strings.Cut(offer, "/")
	specificity = -1
	for _, r := range ranges {
		s := -1
		switch {
		case r.typ == typ && r.sub == sub:
			s = 2
		case r.typ == typ && r.sub == "*":
			s = 1
		case r.typ == "*" && r.sub == "*":
			s = 0
		}
		if s > specificity {
			q, specificity = r.q, s
		}
	}
	if specificity < 0 {
		return 0, -1
	}
	return q, specificity
}

// parseAccept reads the ranges of Accept header values. Entries that are not media ranges, or whose q
// is not a valid qvalue, are skipped.
func parseAccept(values []string) []mediaRange {
	var out []mediaRange
	for _, v := range values {
		for _, entry := range strings.Split(v, ",") {
			mt, params, _ := strings.Cut(entry, ";")
			typ, sub, ok := strings.Cut(strings.ToLower(strings.TrimSpace(mt)), "/")
			if !ok || !token(typ) || !token(sub) || (typ == "*" && sub != "*") {
				continue
			}
			q, ok := qParam(params)
			if !ok {
				continue
			}
			out = append(out, mediaRange{typ: typ, sub: sub, q: q})
		}
	}
	return out
}

// qParam finds q among the parameters (1000 when absent).
func qParam(params string) (int, bool) {
	for _, p := range strings.Split(params, ";") {
		name, value, _ := strings.Cut(p, "=")
		if !strings.EqualFold(strings.TrimSpace(name), "q") {
			continue
		}
		return qValue(strings.TrimSpace(value))
	}
	return 1000, true
}

// qValue parses an RFC 9110 qvalue ("0", "0.5", "1.000") into thousandths.
func qValue(s string) (int, bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if (whole != "0" && whole != "1") || len(frac) > 3 {
		return 0, false
	}
	for _, c := range frac {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	n := 0
	if frac != "" {
		v, err := strconv.Atoi((frac + "00")[:3])
		if err != nil {
			return 0, false
		}
		n = v
	}
	if whole == "1" {
		if n != 0 {
			return 0, false
		}
		return 1000, true
	}
	return n, true
}

func token(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if c <= ' ' || c >= 0x7f || strings.ContainsRune(`()<>@,;:\"/[]?={}`, c) {
			return false
		}
	}
	return true
}
