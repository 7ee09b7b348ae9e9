package anonymize

import (
	"fmt"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// digitString draws n digits.
func digitString(t *rapid.T, n int, label string) string {
	var b strings.Builder
	for i := range n {
		b.WriteByte(byte('0' + rapid.IntRange(0, 9).Draw(t, fmt.Sprintf("%s%d", label, i))))
	}
	return b.String()
}

// idInput draws an identity number of one of the forms, in one of its layouts; its own check digits
// may be wrong (the output's must not be).
func idInput(t *rapid.T) (string, IDForm) {
	d := digitString(t, 12, "d")
	switch rapid.IntRange(0, 6).Draw(t, "layout") {
	case 0:
		return "19" + d[:6] + "-" + d[6:10], FormPersonnummer
	case 1:
		return "20" + d[:10], FormPersonnummer
	case 2:
		return "8504" + string('6'+byte(rapid.IntRange(0, 2).Draw(t, "samordning"))) + d[:1] + "+" + d[1:5], FormPersonnummer
	case 3:
		return d[:2] + "1" + d[2:5] + "-" + d[5:9], FormPersonnummer
	case 4:
		return d[:2] + string('2'+byte(rapid.IntRange(0, 7).Draw(t, "third"))) + d[2:5] + "-" + d[5:9], FormOrganisationsnummer
	case 5:
		return d[:11], FormFodselsnummer
	}
	return d[:3] + " " + d[3:6] + " " + d[6:9], FormOrganisasjonsnummer
}

// TestIdentityNumbers: every generated number has the input's form and layout and valid check digits;
// a samordningsnummer stays one, a D-nummer stays one, an organisation number keeps its first digit.
func TestIdentityNumbers(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		in, form := idInput(t)
		key := []byte(rapid.StringN(0, 16, -1).Draw(t, "key"))
		out := New(key, Sweden).Replace(IdentityNumber, in)
		if got := ClassifyID(out); got != form {
			t.Fatalf("%s → %s: form %d, want %d", in, out, got, form)
		}
		if !ValidID(out) {
			t.Fatalf("%s → %s: check digits invalid", in, out)
		}
		if len(out) != len(in) || strings.Map(keepSeparators, out) != strings.Map(keepSeparators, in) {
			t.Fatalf("%s → %s: layout changed", in, out)
		}
		di, do := digitsOf(in), digitsOf(out)
		switch form {
		case FormPersonnummer:
			ti, to := di[len(di)-10:], do[len(do)-10:]
			if (ti[4]*10+ti[5] > 60) != (to[4]*10+to[5] > 60) {
				t.Fatalf("%s → %s: samordningsnummer not kept", in, out)
			}
			if month := to[2]*10 + to[3]; month < 1 || month > 12 {
				t.Fatalf("%s → %s: month %d", in, out, month)
			}
			if ti[8]%2 != to[8]%2 {
				t.Fatalf("%s → %s: sex digit's parity changed", in, out)
			}
		case FormFodselsnummer:
			if (di[0]*10+di[1] > 40) != (do[0]*10+do[1] > 40) {
				t.Fatalf("%s → %s: D-nummer not kept", in, out)
			}
		case FormOrganisationsnummer:
			if di[0] != do[0] {
				t.Fatalf("%s → %s: first digit changed", in, out)
			}
		case FormOrganisasjonsnummer:
			if do[0] != 8 && do[0] != 9 {
				t.Fatalf("%s → %s: first digit %d", in, out, do[0])
			}
		}
	})
}

func keepSeparators(r rune) rune {
	if r >= '0' && r <= '9' {
		return 'n'
	}
	return r
}

// TestDeterministicPerKey: one key maps an input alike every time, and alike in its other forms
// (century, case, phone prefix); another key maps it otherwise.
func TestDeterministicPerKey(t *testing.T) {
	kinds := []Kind{IdentityNumber, GivenName, FamilyName, FullName, CompanyName, Email, Phone, Street, PostalCode, City, Code}
	rapid.Check(t, func(t *rapid.T) {
		in, _ := idInput(t)
		k := rapid.SampledFrom(kinds).Draw(t, "kind")
		if k != IdentityNumber && k != Phone && k != PostalCode && k != Code {
			in = rapid.StringMatching(`[A-ZÅÄÖ][a-zåäöø]{2,10}( [A-Z][a-z]{2,8})?`).Draw(t, "word")
		}
		if k == Email {
			in = strings.ToLower(in[:1]) + "x@example.no"
		}
		key := []byte(rapid.StringN(1, 16, -1).Draw(t, "key"))
		a, b := New(key, Norway).Replace(k, in), New(key, Norway).Replace(k, in)
		if a != b {
			t.Fatalf("%q under one key: %q then %q", in, a, b)
		}
		if a == in {
			t.Fatalf("%q kept", in)
		}
	})
	m := New([]byte("k"), Sweden)
	for _, tc := range []struct {
		k    Kind
		a, b string
	}{
		{IdentityNumber, "19780412-3524", "780412-3524"},
		{Email, "Ola.Nordmann@Hotmail.no", "ola.nordmann@hotmail.no"},
		{FamilyName, "HANSEN", "Hansen"},
		{Street, "Storgata", "storgata"},
	} {
		a, b := m.Replace(tc.k, tc.a), m.Replace(tc.k, tc.b)
		same := strings.EqualFold(a, b)
		if tc.k == IdentityNumber {
			same = strings.HasSuffix(a, b) // the century is the only difference
		}
		if !same {
			t.Errorf("%q → %q and %q → %q: forms of one value map apart", tc.a, a, tc.b, b)
		}
	}
	if a, b := m.Replace(Phone, "+4791123456"), m.Replace(Phone, "+47 911 23 456"); digitsOfString(a) != digitsOfString(b) {
		t.Errorf("one phone in two layouts: %q, %q", a, b)
	}
	differ := 0
	for i := range 20 {
		in := fmt.Sprintf("19%02d0412-35%02d", 40+i, i)
		x, _ := NewRandom(Sweden)
		y, _ := NewRandom(Sweden)
		if x.Replace(IdentityNumber, in) != y.Replace(IdentityNumber, in) {
			differ++
		}
	}
	if differ < 19 {
		t.Errorf("two random keys gave the same number %d times in 20", 20-differ)
	}
}

func digitsOfString(s string) string { return string(digitBytes(s)) }

// TestForms: each replacement keeps the input's form.
func TestForms(t *testing.T) {
	m := New([]byte("forms"), Sweden)
	for _, tc := range []struct {
		k    Kind
		in   string
		want string // a regular expression the output matches
	}{
		{Phone, "+4712345678", `^\+471\d{7}$`},
		{Phone, "+46 733 98 76 54", `^\+46 7\d\d \d\d \d\d \d\d$`},
		{Phone, "070-123 45 67", `^070-\d{3} \d\d \d\d$`},
		{Email, "per.hansen@example.no", `^[a-z.]+\d\d@example\.no$`},
		{PostalCode, "111 34", `^\d{3} \d\d$`},
		{PostalCode, "0155", `^\d{4}$`},
		{PostalCode, "41106", `^\d{5}$`},
		{Street, "Sveavägen 44", `^\pL+ \d+$`},
		{Street, "Storgata", `^\pL+$`},
		{City, "OSLO 5", `^[\p{Lu} ]+$`},
		{CompanyName, "Hansen Elektro AS", ` AS$`},
		{FullName, "Bjørnstad Kari", `^\pL+ \pL+$`},
		{URL, "https://www.bergstromsbygg.example.se", `^https://www\.[a-z]+\.example\.se$`},
		{Code, "BJØR", `^[A-Z]{4}$`},
		{Keep, "Per", `^Per$`},
		{GivenName, "", `^$`},
		{Text, " ", `^ $`},
		{Code, "\u0000", "^\u0000$"},
	} {
		got := m.Replace(tc.k, tc.in)
		if !matches(tc.want, got) {
			t.Errorf("Replace(%d, %q) = %q, want the form %s", tc.k, tc.in, got, tc.want)
		}
	}
}

// TestClassifyID: forms by digits; a value with a letter is no Nordic number.
func TestClassifyID(t *testing.T) {
	for in, want := range map[string]IDForm{
		"19780412-3524": FormPersonnummer, "780472-3524": FormPersonnummer, "556677-8899": FormOrganisationsnummer,
		"15057612345": FormFodselsnummer, "923 609 016": FormOrganisasjonsnummer, "010145-123A": FormUnknown, "12": FormUnknown,
	} {
		if got := ClassifyID(in); got != want {
			t.Errorf("ClassifyID(%q) = %d, want %d", in, got, want)
		}
	}
	if out := New([]byte("k"), Sweden).Replace(IdentityNumber, "010145-123A"); !matches(`^\d{6}-\d{3}[A-Z]$`, out) || out == "010145-123A" {
		t.Errorf("a Finnish id became %q", out)
	}
}
