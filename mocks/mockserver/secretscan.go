package mockserver

import (
	"bytes"
	"strconv"
)

// The secret scans keep the JSON walk and the refusal of text bodies off bodies that name no
// secret. They look for the words Sensitive looks for, in any ASCII case, in one pass: a table of the
// byte pairs those words start with passes over most of a body with one look-up per byte, and only a
// position whose pair is in the table is compared in full.

// secretMarkers are the words Sensitive looks for inside a name.
var secretMarkers = [][]byte{[]byte("secret"), []byte("password"), []byte("passwd"), []byte("token"),
	[]byte("api_key"), []byte("apiKey"), []byte("api-key")}

// Two non-ASCII letters lower-case to ASCII ones (KELVIN SIGN to k, LATIN CAPITAL LETTER I WITH DOT
// ABOVE to i), as Sensitive's strings.ToLower does.
const (
	kelvinSign = "\u212a"
	dottedI    = "\u0130"
)

// pairSet holds byte pairs, one bit each.
type pairSet [1 << 16 / 64]uint64

func (s *pairSet) has(a, b byte) bool {
	k := uint16(a)<<8 | uint16(b)
	return s[k>>6]&(1<<(k&63)) != 0
}

// add puts the pair in, in every ASCII case.
func (s *pairSet) add(pair string) {
	for _, a := range caseForms(pair[0]) {
		for _, b := range caseForms(pair[1]) {
			k := uint16(a)<<8 | uint16(b)
			s[k>>6] |= 1 << (k & 63)
		}
	}
}

func caseForms(c byte) []byte {
	if 'a' <= c && c <= 'z' {
		return []byte{c, c - 'a' + 'A'}
	}
	return []byte{c}
}

// textPairs start the markers and the two letters; jsonPairs also start the names Sensitive takes
// whole (code, cookie, authorization) and an escape.
var textPairs, jsonPairs = func() (*pairSet, *pairSet) {
	text := new(pairSet)
	for _, p := range []string{"se", "pa", "to", "ap", kelvinSign[:2], dottedI[:2]} {
		text.add(p)
	}
	json := *text
	for _, p := range []string{`"c`, "co", "au", `\u`} {
		json.add(p)
	}
	return text, &json
}()

// mightHoldSecret is a cheap test of a text body for the markers, ignoring case, without copying it.
// A body with one of the two non-ASCII letters that lower-case to ASCII takes the exact, slower test.
func mightHoldSecret(body []byte) bool {
	found, odd := scanSecret(body, textPairs, false)
	if odd {
		lower := bytes.ToLower(body)
		for _, m := range secretMarkers {
			if bytes.Contains(lower, bytes.ToLower(m)) {
				return true
			}
		}
		return false
	}
	return found
}

// jsonMightHoldSecret is mightHoldSecret for a JSON body, whose keys are redacted by their decoded
// names: a key may spell a name with escapes ("pass\u0077ord" is "password"), so a body with an
// escaped letter takes the walk, and so does one with a name Sensitive takes whole (code, cookie,
// authorization) or with one of the two letters (the walk lower-cases the names as Sensitive does).
func jsonMightHoldSecret(body []byte) bool {
	found, odd := scanSecret(body, jsonPairs, true)
	return found || odd
}

// scanSecret reports whether body holds a marker (and, for JSON, a whole name or an escaped letter),
// and whether it holds one of the two non-ASCII letters, which only an exact test can judge.
func scanSecret(body []byte, pairs *pairSet, json bool) (found, odd bool) {
	if len(body) < 2 {
		return false, false
	}
	prev := body[0]
	for i, c := range body[1:] { // the pair at i is (prev, c)
		a := prev
		prev = c
		if !pairs.has(a, c) {
			continue
		}
		switch rest := body[i:]; rest[0] | 0x20 {
		case 's':
			found = hasPrefixFold(rest, "secret")
		case 'p':
			found = hasPrefixFold(rest, "password") || hasPrefixFold(rest, "passwd")
		case 't':
			found = hasPrefixFold(rest, "token")
		case 'a':
			found = hasPrefixFold(rest, "api_key") || hasPrefixFold(rest, "apikey") || hasPrefixFold(rest, "api-key") ||
				json && hasPrefixFold(rest, "authorization")
		case 'c':
			found = hasPrefixFold(rest, "cookie")
		case '"':
			found = hasPrefixFold(rest, `"code"`)
		case '\\' | 0x20:
			found = escapesALetter(rest)
		default:
			odd = odd || bytes.HasPrefix(rest, []byte(kelvinSign)) || bytes.HasPrefix(rest, []byte(dottedI))
		}
		if found {
			return true, odd
		}
	}
	return false, odd
}

// escapesALetter reports whether rest starts with a \uXXXX escape of a character a sensitive name
// can hold: an ASCII letter, '-', '_', or one of the two letters that lower-case to ASCII. The escapes
// that encoders write for '<', '>', '&' and control characters keep the fast path.
func escapesALetter(rest []byte) bool {
	if len(rest) < 6 || rest[0] != '\\' || rest[1] != 'u' {
		return false
	}
	r, err := strconv.ParseUint(string(rest[2:6]), 16, 32)
	if err != nil {
		return false
	}
	switch {
	case 'a' <= r|0x20 && r|0x20 <= 'z', r == '-', r == '_', r == 0x212a, r == 0x0130:
		return true
	}
	return false
}

// hasPrefixFold reports whether b starts with the lower-case ASCII word, ignoring ASCII case.
func hasPrefixFold(b []byte, word string) bool {
	if len(b) < len(word) {
		return false
	}
	for i := 0; i < len(word); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != word[i] {
			return false
		}
	}
	return true
}
