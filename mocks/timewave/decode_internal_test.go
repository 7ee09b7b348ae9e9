package timewave

import (
	"bytes"
	"encoding/json"
	"net/mail"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// decodeBoth decodes data with decodeClients cut into parts of a few KB on 4 workers, and with
// encoding/json alone.
func decodeBoth(t *testing.T, data []byte) (fast, slow []record, fastErr, slowErr error) {
	t.Helper()
	defer func(n, procs int) { partBytes = n; runtime.GOMAXPROCS(procs) }(partBytes, runtime.GOMAXPROCS(4))
	partBytes = 4 << 10
	fast, fastErr = decodeClients(data)
	slow, slowErr = decodeClientsSerial(data)
	return fast, slow, fastErr, slowErr
}

// The parallel decoder without reflection gives exactly what encoding/json gives, for the fixtures as
// written, indented, on one line, and with what is less plain (escapes, surrogates, keys in another
// case, a repeated key, an exponent); and the same error for broken files.
func TestDecodeClientsIsEncodingJSON(t *testing.T) {
	data, err := os.ReadFile("fixtures/clients.json")
	if err != nil {
		t.Fatal(err)
	}
	var compact, indented bytes.Buffer
	if err := json.Compact(&compact, data); err != nil {
		t.Fatal(err)
	}
	if err := json.Indent(&indented, data, "", "    "); err != nil {
		t.Fatal(err)
	}
	c := compact.String()
	variants := map[string]string{"as written": string(data), "compact": c, "indented": indented.String(), "empty": " [ ] ",
		// one oddity per variant, so that each reaches the decoder without reflection
		"escapes":      strings.Replace(c, `"title":null`, `"title":"a \u0026 b \"c\" \\ \/ \t\n \u00e9"`, 3),
		"escaped key":  strings.Replace(c, `"status":"active"`, `"st\u0061tus":"act\u0069ve"`, 3),
		"surrogate":    strings.Replace(c, `"title":null`, `"title":"pair \ud83d\ude00, lone \ud83d"`, 1),
		"key case":     strings.Replace(c, `"first_name":`, `"FIRST_name":`, 5),
		"repeated key": strings.Replace(c, `"deleted":false,`, `"deleted":true,"deleted":false,`, 5),
		"exponent":     strings.Replace(c, `"hourpot":null`, `"hourpot":1.5e1`, 5),
	}
	for name, in := range variants {
		fast, slow, fastErr, slowErr := decodeBoth(t, []byte(in))
		if fastErr != nil || slowErr != nil {
			t.Fatalf("%s: errors %v, %v", name, fastErr, slowErr)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Errorf("%s: the decoders differ (%d and %d records)", name, len(fast), len(slow))
		}
	}
	for name, in := range map[string]string{
		"trailing comma": c[:len(c)-1] + ",]",
		"truncated":      c[:len(c)/2],
		"unknown key":    strings.Replace(c, `"www":`, `"colour":"red","www":`, 1),
		"wrong type":     strings.Replace(c, `"clientnbr":`, `"clientnbr":"x","n":`, 1),
		"not an array":   `{"id":1}`,
		"bad e-mail":     strings.Replace(c, `"email":"`, `"email":"not an address`, 1),
		"bad escape":     strings.Replace(c, `"phone":"`, `"phone":"\x`, 1),
		"control char":   strings.Replace(c, `"phone":"`, "\"phone\":\"\x01", 1),
	} {
		_, _, fastErr, slowErr := decodeBoth(t, []byte(in))
		if fastErr == nil || slowErr == nil || fastErr.Error() != slowErr.Error() {
			t.Errorf("%s: error %v, want encoding/json's %v", name, fastErr, slowErr)
		}
	}
}

// An address plainAddress passes is one net/mail reads as itself.
func TestPlainAddressIsWhatNetMailReads(t *testing.T) {
	for _, s := range []string{"a@b", "a.b@c.d", "-a@b", "a+b@c", "a@b-c.se", "client1001@example.se", "A_Z@X.SE", "a@-b",
		"a..b@c", ".a@b", "a@.b", "a@b.", "a@@b", "a@", "@b", "a b@c", "å@b", "a@b..c", "<a@b>", "a@[1.2.3.4]", "\"a\"@b", ""} {
		if !plainAddress([]byte(s)) {
			continue
		}
		if a, err := mail.ParseAddress(s); err != nil || a.Address != s {
			t.Errorf("plainAddress(%q) but net/mail reads %v, %v", s, a, err)
		}
	}
	if !plainAddress([]byte("client1001@example.se")) || plainAddress([]byte("a..b@c")) {
		t.Error("plainAddress is wrong on a plain or a broken address")
	}
}
