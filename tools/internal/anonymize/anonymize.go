// Package anonymize replaces personal data by synthetic values of the same form, deterministically
// under a key: the same input gives the same output for one key, so links between records hold, and a
// new random key gives other outputs.
//
// Scope: Swedish personnummer and samordningsnummer, Norwegian fødselsnummer and D-nummer, Swedish
// organisationsnummer and Norwegian organisasjonsnummer (each with valid check digits, its layout kept);
// names, company names, e-mail addresses, phone numbers (a +46/+47 or 0 prefix kept), street
// addresses, postal codes and towns (realistic Nordic ones from small lists), free text and codes.
// Which field holds which Kind is the caller's (one list per vendor).
//
// Non-goals: finding personal data in free text (a Text field is replaced whole); uniqueness (two
// inputs may map to one output); secrecy of the key (it is an HMAC key, not encryption).
package anonymize

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"unicode"
)

// Kind is what a field holds, and so how it is replaced.
type Kind int

const (
	// Keep leaves the value as it is (the zero Kind).
	Keep Kind = iota
	// IdentityNumber is a personal or organisation number; its form is told by its digits (ClassifyID).
	IdentityNumber
	// GivenName, FamilyName, FullName and CompanyName are names ("Per", "Hansen", "Hansen Per",
	// "Hansen Elektro AS"; a company's legal form is kept).
	GivenName
	FamilyName
	FullName
	CompanyName
	// Email is an e-mail address; Phone a phone number; Contact either, told by an "@".
	Email
	Phone
	Contact
	// Street is a street address (a number kept when there is one), PostalCode a postal code (Norwegian
	// four digits, Swedish five with or without the space), City a town.
	Street
	PostalCode
	City
	// Text is free text (a note), replaced whole.
	Text
	// Code is any other identifier (a bank account, a door code, a sort code): each digit and letter
	// replaced, the rest kept.
	Code
	// URL is a web address, replaced by one under example.<tld>.
	URL
)

// Country is the country a Mapper draws addresses from when a value does not tell.
type Country int

const (
	// Sweden is the zero Country.
	Sweden Country = iota
	Norway
)

// KeySize is the length of a random key.
const KeySize = 32

// Mapper replaces values under one key. It has no mutable state and is safe for concurrent use.
type Mapper struct {
	key     []byte
	country Country
}

// New returns a Mapper keyed by key (any length; an empty key is a key like any other).
func New(key []byte, country Country) *Mapper {
	return &Mapper{key: append([]byte(nil), key...), country: country}
}

// NewRandom returns a Mapper under a fresh random key: its outputs differ from every other Mapper's.
func NewRandom(country Country) (*Mapper, error) {
	key := make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("anonymize: random key: %w", err)
	}
	return New(key, country), nil
}

// rng is the random stream for one input of one class: its seed is the HMAC of both under the key.
func (m *Mapper) rng(class, normal string, attempt int) *mrand.Rand {
	h := hmac.New(sha256.New, m.key)
	fmt.Fprintf(h, "%s\x00%d\x00%s", class, attempt, normal)
	var seed [32]byte
	copy(seed[:], h.Sum(nil))
	return mrand.New(mrand.NewChaCha8(seed))
}

// Replace returns the synthetic value for s of kind k. Empty and blank strings, and strings holding
// only control characters, are kept; so is any value of kind Keep. The output differs from s.
func (m *Mapper) Replace(k Kind, s string) string {
	if k == Keep || strings.TrimFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) == "" {
		return s
	}
	if k == Contact {
		k = Phone
		if strings.Contains(s, "@") {
			k = Email
		}
	}
	class, normal := classOf(k, s)
	for attempt := 0; ; attempt++ {
		out := m.synth(k, s, m.rng(class, normal, attempt))
		if out != s || attempt > 8 {
			return out
		}
	}
}

// classOf is the class and the normal form an input is keyed by: forms of one value (case, spacing,
// a personnummer's century, a phone's prefix) share a key, so they map alike.
func classOf(k Kind, s string) (class, normal string) {
	switch k {
	case IdentityNumber:
		return "id", idNormal(s)
	case Phone:
		_, rest := splitPhone(s)
		return "phone", string(digitBytes(rest))
	case Email:
		return "email", strings.ToLower(strings.TrimSpace(s))
	}
	return fmt.Sprintf("k%d", k), strings.ToLower(strings.Join(strings.Fields(s), " "))
}

func (m *Mapper) synth(k Kind, s string, rng *mrand.Rand) string {
	switch k {
	case IdentityNumber:
		return synthID(s, rng)
	case GivenName:
		return sameCase(s, pick(rng, givenNames))
	case FamilyName:
		return sameCase(s, pick(rng, familyNames))
	case FullName:
		return sameCase(s, fullName(s, rng))
	case CompanyName:
		return sameCase(s, companyName(s, rng))
	case Email:
		return email(s, rng)
	case Phone:
		prefix, rest := splitPhone(s)
		keep := 1 // the Norwegian mobile's 4 or 9, the Swedish area code's first digit
		if strings.HasPrefix(rest, "7") && !strings.HasPrefix(prefix, "+47") && !strings.HasPrefix(prefix, "0047") {
			keep = 2 // a Swedish mobile's 07X
		}
		return prefix + replaceDigits(rest, rng, keep)
	case Street:
		return sameCase(s, m.street(s, rng))
	case PostalCode:
		return m.postalCode(s, rng)
	case City:
		return sameCase(s, m.city(s, rng))
	case Text:
		if m.countryOf(s) == Norway {
			return pick(rng, notesNO)
		}
		return pick(rng, notesSE)
	case URL:
		return "https://www." + strings.ToLower(strings.ReplaceAll(pick(rng, companyWords), "ø", "o")) + ".example." + tld(s, "se")
	}
	return replaceDigits(s, rng, 0)
}

func pick[T any](rng *mrand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// sameCase upper-cases out when s has letters and all of them are upper case.
func sameCase(s, out string) string {
	if strings.ToUpper(s) == s && strings.ToLower(s) != s {
		return strings.ToUpper(out)
	}
	return out
}

// fullName keeps the number of words: one word is a family name, more a given and a family name.
func fullName(s string, rng *mrand.Rand) string {
	if len(strings.Fields(s)) < 2 {
		return pick(rng, familyNames)
	}
	return pick(rng, givenNames) + " " + pick(rng, familyNames)
}

func companyName(s string, rng *mrand.Rand) string {
	out := pick(rng, companyWords) + " " + pick(rng, companyTrades)
	if f := strings.Fields(s); len(f) > 1 && legalForms[f[len(f)-1]] {
		out += " " + f[len(f)-1]
	}
	return out
}

func email(s string, rng *mrand.Rand) string {
	local := strings.ToLower(pick(rng, givenNames) + "." + pick(rng, familyNames))
	local = strings.NewReplacer("å", "a", "ä", "a", "ö", "o", "ø", "o", "æ", "ae").Replace(local)
	return fmt.Sprintf("%s%d@example.%s", local, 10+rng.IntN(90), tld(s, "com"))
}

// tld is the top-level domain of an address or URL when it is se, no or com, else def.
func tld(s, def string) string {
	host := strings.ToLower(s)
	if i := strings.Index(host, "://"); i >= 0 {
		host = host[i+3:]
	}
	host, _, _ = strings.Cut(host, "/")
	for _, t := range []string{"se", "no", "com"} {
		if strings.HasSuffix(host, "."+t) {
			return t
		}
	}
	return def
}

// splitPhone splits a phone number into the prefix kept (an international +46 or +47, 0046, 0047, or
// a national trunk 0, with the separators after it) and the rest.
func splitPhone(s string) (prefix, rest string) {
	for _, p := range []string{"+46", "+47", "0046", "0047", "0"} {
		if strings.HasPrefix(s, p) {
			n := len(p)
			for n < len(s) && strings.ContainsRune(" -()", rune(s[n])) {
				n++
			}
			return s[:n], s[n:]
		}
	}
	return "", s
}

func digitBytes(s string) []byte {
	var b []byte
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b = append(b, s[i])
		}
	}
	return b
}

// countryOf tells the country of a value from its letters, else the Mapper's.
func (m *Mapper) countryOf(s string) Country {
	switch {
	case strings.ContainsAny(s, "æøÆØ"):
		return Norway
	case strings.ContainsAny(s, "äöÄÖ"):
		return Sweden
	}
	return m.country
}

func (m *Mapper) street(s string, rng *mrand.Rand) string {
	list := streetsSE
	if m.countryOf(s) == Norway {
		list = streetsNO
	}
	out := pick(rng, list)
	if strings.ContainsAny(s, "0123456789") {
		out += fmt.Sprintf(" %d", 1+rng.IntN(60))
	}
	return out
}

// postalCode keeps the form: four digits are Norwegian, five Swedish (with the space if s has it).
func (m *Mapper) postalCode(s string, rng *mrand.Rand) string {
	switch d := digitBytes(s); {
	case len(d) == 4 && len(strings.TrimSpace(s)) == 4:
		return pick(rng, placesNO).code
	case len(d) == 5:
		code := pick(rng, placesSE).code
		if !strings.Contains(s, " ") {
			code = strings.ReplaceAll(code, " ", "")
		}
		return code
	}
	return replaceDigits(s, rng, 0)
}

func (m *Mapper) city(s string, rng *mrand.Rand) string {
	if m.countryOf(s) == Norway {
		return pick(rng, placesNO).city
	}
	return pick(rng, placesSE).city
}
