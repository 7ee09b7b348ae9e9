package specs

import (
	"bytes"
	"encoding/json"
	"unicode/utf8"
)

// The split of a JSON answer into its envelope's fields and its records, in one pass over the bytes
// (encoding/json would validate the whole body once per level). The scanner checks the envelope's
// structure itself: braces, brackets, commas, colons and keys. Of each value it only finds the end,
// by matching brackets and strings; the value's bytes are then either decoded in full (decodeExact:
// the value must end exactly there) or equal to a record that was decoded in full before. Either way
// a value the scanner got wrong cannot pass. Keys with escapes or control characters are not split
// (the caller checks the answer whole).

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// stringEnd is the index after the closing quote of the string that opens at b[i], or -1.
func stringEnd(b []byte, i int) int {
	for j := i + 1; j < len(b); {
		k := bytes.IndexByte(b[j:], '"')
		if k < 0 {
			return -1
		}
		q := j + k
		escapes := 0
		for p := q - 1; p > i && b[p] == '\\'; p-- {
			escapes++
		}
		if escapes%2 == 0 {
			return q + 1
		}
		j = q + 1
	}
	return -1
}

// valueEnd is the index after the JSON value that starts at b[i], found by matching brackets and
// strings only, or -1.
func valueEnd(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				e := stringEnd(b, j)
				if e < 0 {
					return -1
				}
				j = e - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return -1
	default: // a number or a literal: up to the next delimiter
		j := i
		for j < len(b) && !isSpace(b[j]) && b[j] != ',' && b[j] != ']' && b[j] != '}' && b[j] != ':' && b[j] != '[' && b[j] != '{' && b[j] != '"' {
			j++
		}
		if j == i {
			return -1
		}
		return j
	}
}

// plainKey reports whether a key's raw bytes (inside the quotes) are the key itself: no escape, no
// control character, valid UTF-8.
func plainKey(k []byte) bool {
	for _, c := range k {
		if c == '\\' || c < 0x20 {
			return false
		}
	}
	return utf8.Valid(k)
}

// splitObject calls field for each member of the JSON object that is the whole of body (surrounding
// white space aside), in order, with its key and the bytes from the start of its value to the end of
// body; field returns the length of the value it took (valueEnd, or its own parse), or -1 to stop.
// It returns false when body is not such an object, a key is not plain, or field stopped.
func splitObject(body []byte, field func(key string, rest []byte) int) bool {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return false
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return skipSpace(body, i+1) == len(body)
	}
	for {
		if i >= len(body) || body[i] != '"' {
			return false
		}
		ke := stringEnd(body, i)
		if ke < 0 || !plainKey(body[i+1:ke-1]) {
			return false
		}
		key := string(body[i+1 : ke-1])
		i = skipSpace(body, ke)
		if i >= len(body) || body[i] != ':' {
			return false
		}
		i = skipSpace(body, i+1)
		if i >= len(body) {
			return false
		}
		n := field(key, body[i:])
		if n <= 0 {
			return false
		}
		i = skipSpace(body, i+n)
		if i >= len(body) {
			return false
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case '}':
			return skipSpace(body, i+1) == len(body)
		default:
			return false
		}
	}
}

// splitArray calls item for each element of the JSON array that opens rest, in order, and returns the
// array's length, or -1 when rest does not open with an array or item returns false.
func splitArray(rest []byte, item func(raw []byte) bool) int {
	if len(rest) < 2 || rest[0] != '[' {
		return -1
	}
	i := skipSpace(rest, 1)
	if i < len(rest) && rest[i] == ']' {
		return i + 1
	}
	for {
		ve := valueEnd(rest, i)
		if ve < 0 || !item(rest[i:ve]) {
			return -1
		}
		i = skipSpace(rest, ve)
		if i >= len(rest) {
			return -1
		}
		switch rest[i] {
		case ',':
			i = skipSpace(rest, i+1)
		case ']':
			return i + 1
		default:
			return -1
		}
	}
}

// decodeExact decodes one JSON value as decodeJSON does, and only when it is all of raw. Literals,
// numbers and strings without escapes are read straight from the bytes.
func decodeExact(raw []byte) (any, bool) {
	if len(raw) == 0 {
		return nil, false
	}
	switch c := raw[0]; {
	case c == 'n' && string(raw) == "null":
		return nil, true
	case c == 't' && string(raw) == "true":
		return true, true
	case c == 'f' && string(raw) == "false":
		return false, true
	case c == '-' || (c >= '0' && c <= '9'):
		if isJSONNumber(raw) {
			return json.Number(raw), true
		}
		return nil, false
	case c == '"' && len(raw) >= 2 && raw[len(raw)-1] == '"' && plainKey(raw[1:len(raw)-1]) && bytes.IndexByte(raw[1:len(raw)-1], '"') < 0:
		return string(raw[1 : len(raw)-1]), true
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil || dec.InputOffset() != int64(len(raw)) {
		return nil, false
	}
	return v, true
}

// isJSONNumber reports whether b is a number as JSON writes it: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func isJSONNumber(b []byte) bool {
	i := 0
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(b) && b[i] >= '0' && b[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(b) && b[i] == '0':
		i++
	case digits() == 0:
		return false
	}
	if i < len(b) && b[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(b) && (b[i] == 'e' || b[i] == 'E') {
		i++
		if i < len(b) && (b[i] == '+' || b[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(b)
}
