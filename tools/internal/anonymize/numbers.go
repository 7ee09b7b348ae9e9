package anonymize

import (
	"math/rand/v2"
	"strings"
	"unicode"
)

// The identity numbers: what their check digits are and how a synthetic one of the same form is drawn.

// LuhnValid reports whether the digits of s (other characters ignored) end in a valid Luhn check digit.
func LuhnValid(s string) bool {
	d := digitsOf(s)
	if len(d) < 2 {
		return false
	}
	return luhnDigit(d[:len(d)-1]) == d[len(d)-1]
}

// luhnDigit is the Luhn check digit of d (digit values 0-9), weights 2,1,2,... from the right of d.
func luhnDigit(d []int) int {
	sum := 0
	for i := range d {
		v := d[len(d)-1-i]
		if i%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// mod11Digit is the mod-11 check digit of d under weights (ok false when it would be 10: no valid
// number has these digits).
func mod11Digit(d, weights []int) (int, bool) {
	sum := 0
	for i, w := range weights {
		sum += d[i] * w
	}
	k := 11 - sum%11
	switch k {
	case 11:
		return 0, true
	case 10:
		return 0, false
	}
	return k, true
}

var (
	fnrWeights1 = []int{3, 7, 6, 1, 8, 9, 4, 5, 2}
	fnrWeights2 = []int{5, 4, 3, 2, 7, 6, 5, 4, 3, 2}
	orgWeightNO = []int{3, 2, 7, 6, 5, 4, 3, 2}
)

// FodselsnummerValid reports whether s is 11 digits whose two mod-11 check digits are right.
func FodselsnummerValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 11 {
		return false
	}
	k1, ok1 := mod11Digit(d, fnrWeights1)
	k2, ok2 := mod11Digit(d, fnrWeights2)
	return ok1 && ok2 && d[9] == k1 && d[10] == k2
}

// OrganisasjonsnummerValid reports whether s is 9 digits with a right mod-11 check digit.
func OrganisasjonsnummerValid(s string) bool {
	d := digitsOf(s)
	if len(d) != 9 {
		return false
	}
	k, ok := mod11Digit(d, orgWeightNO)
	return ok && d[8] == k
}

func digitsOf(s string) []int {
	var d []int
	for _, r := range s {
		if r >= '0' && r <= '9' {
			d = append(d, int(r-'0'))
		}
	}
	return d
}

// IDForm is the kind of identity number a value is, told by its digits.
type IDForm int

const (
	// FormUnknown is any other value: its digits are replaced, with no check digit.
	FormUnknown IDForm = iota
	// FormPersonnummer is a Swedish personnummer or samordningsnummer (day + 60): 10 or 12 digits.
	FormPersonnummer
	// FormOrganisationsnummer is a Swedish organisationsnummer: 10 digits, the third at least 2.
	FormOrganisationsnummer
	// FormFodselsnummer is a Norwegian fødselsnummer or D-nummer (day + 40): 11 digits.
	FormFodselsnummer
	// FormOrganisasjonsnummer is a Norwegian organisasjonsnummer: 9 digits.
	FormOrganisasjonsnummer
)

// ClassifyID tells the form of an identity number from its digits; a value with a letter (a Finnish
// henkilötunnus, say) is FormUnknown.
func ClassifyID(s string) IDForm {
	if strings.IndexFunc(s, unicode.IsLetter) >= 0 {
		return FormUnknown
	}
	d := digitsOf(s)
	switch len(d) {
	case 12:
		return FormPersonnummer
	case 10:
		if d[2] >= 2 {
			return FormOrganisationsnummer
		}
		return FormPersonnummer
	case 11:
		return FormFodselsnummer
	case 9:
		return FormOrganisasjonsnummer
	}
	return FormUnknown
}

// ValidID reports whether s has valid check digits for its form (false for FormUnknown).
func ValidID(s string) bool {
	switch ClassifyID(s) {
	case FormPersonnummer, FormOrganisationsnummer:
		d := digitsOf(s)
		return luhnDigit(d[len(d)-10:len(d)-1]) == d[len(d)-1]
	case FormFodselsnummer:
		return FodselsnummerValid(s)
	case FormOrganisasjonsnummer:
		return OrganisasjonsnummerValid(s)
	}
	return false
}

// idNormal is the key an identity number is mapped by: its digits, without a personnummer's century.
func idNormal(s string) string {
	d := digitsOf(s)
	if len(d) == 12 {
		d = d[2:]
	}
	var b strings.Builder
	for _, v := range d {
		b.WriteByte(byte('0' + v))
	}
	return b.String()
}

// synthID draws a number of in's form with valid check digits and writes it into in's layout
// (separators and their places kept).
func synthID(in string, rng *rand.Rand) string {
	d := digitsOf(in)
	var out []int
	switch ClassifyID(in) {
	case FormPersonnummer:
		out = synthPersonnummer(d, rng)
	case FormOrganisationsnummer:
		out = synthOrgSE(d, rng)
	case FormFodselsnummer:
		out = synthFodselsnummer(d, rng)
	case FormOrganisasjonsnummer:
		out = synthOrgNO(d, rng)
	default:
		return replaceDigits(in, rng, 0)
	}
	return layout(in, out)
}

// layout writes digits into the digit places of tmpl.
func layout(tmpl string, digits []int) string {
	var b strings.Builder
	i := 0
	for _, r := range tmpl {
		if r >= '0' && r <= '9' && i < len(digits) {
			b.WriteByte(byte('0' + digits[i]))
			i++
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// date draws a birth date between 1940 and 1999 (year, month, day; day at most 28).
func date(rng *rand.Rand) (year, month, day int) {
	return 1940 + rng.IntN(60), 1 + rng.IntN(12), 1 + rng.IntN(28)
}

func two(n int) []int { return []int{n / 10 % 10, n % 10} }

// synthPersonnummer keeps the century form (10 or 12 digits), samordningsnummer (day + 60) and the
// sex digit's parity of d.
func synthPersonnummer(d []int, rng *rand.Rand) []int {
	tail := d[len(d)-10:]
	samordning := tail[4]*10+tail[5] > 60
	year, month, day := date(rng)
	if samordning {
		day += 60
	}
	serial := rng.IntN(1000)
	if serial%2 != tail[8]%2 {
		serial = (serial + 1) % 1000
	}
	ten := append(append(append(two(year), two(month)...), two(day)...), serial/100, serial/10%10, serial%10)
	ten = append(ten, luhnDigit(ten))
	if len(d) == 12 {
		return append(two(year/100), ten...)
	}
	return ten
}

// synthOrgSE keeps the first digit (the legal form) of d; the third is at least 2.
func synthOrgSE(d []int, rng *rand.Rand) []int {
	out := []int{d[0], rng.IntN(10), 2 + rng.IntN(8)}
	for len(out) < 9 {
		out = append(out, rng.IntN(10))
	}
	return append(out, luhnDigit(out))
}

// synthFodselsnummer keeps a D-nummer (day + 40) of d; the individual number fits a 1900s birth year.
func synthFodselsnummer(d []int, rng *rand.Rand) []int {
	dnr := d[0]*10+d[1] > 40
	for {
		year, month, day := date(rng)
		if dnr {
			day += 40
		}
		ind := rng.IntN(500)
		out := append(append(append(two(day), two(month)...), two(year)...), ind/100, ind/10%10, ind%10)
		k1, ok1 := mod11Digit(out, fnrWeights1)
		if !ok1 {
			continue
		}
		out = append(out, k1)
		k2, ok2 := mod11Digit(out, fnrWeights2)
		if !ok2 {
			continue
		}
		return append(out, k2)
	}
}

// synthOrgNO keeps a first digit of 8 or 9 (else 9).
func synthOrgNO(d []int, rng *rand.Rand) []int {
	first := d[0]
	if first != 8 && first != 9 {
		first = 9
	}
	for {
		out := []int{first}
		for len(out) < 8 {
			out = append(out, rng.IntN(10))
		}
		if k, ok := mod11Digit(out, orgWeightNO); ok {
			return append(out, k)
		}
	}
}

// replaceDigits replaces every digit of s after the first keep digits, and every letter by a letter of
// the same case; everything else stays.
func replaceDigits(s string, rng *rand.Rand, keep int) string {
	var b strings.Builder
	seen := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			if seen < keep {
				b.WriteRune(r)
			} else {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
			seen++
		case r >= 'A' && r <= 'Z' || r == 'Å' || r == 'Ä' || r == 'Ö' || r == 'Æ' || r == 'Ø':
			b.WriteByte(byte('A' + rng.IntN(26)))
		case r >= 'a' && r <= 'z' || r == 'å' || r == 'ä' || r == 'ö' || r == 'æ' || r == 'ø':
			b.WriteByte(byte('a' + rng.IntN(26)))
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
