package mockserver

import (
	"bytes"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
	"unsafe"
)

func TestJournalIsBounded(t *testing.T) {
	j := NewJournal(3, 8)
	for i := range 5 {
		j.Record(Entry{API: "a", Method: "GET", Path: fmt.Sprintf("/p%d", i), Status: 200}, nil, nil, []byte("0123456789"), "", "text/plain")
	}
	got := j.Entries(Filter{})
	if len(got) != 3 || got[0].Path != "/p2" || got[2].Path != "/p4" || got[2].ID != 5 {
		t.Fatalf("ring holds %+v", got)
	}
	if got[0].ResponseBody != "01234567" || !got[0].Truncated {
		t.Fatalf("body not capped: %q", got[0].ResponseBody)
	}
	if l := j.Entries(Filter{Limit: 1}); len(l) != 1 || l[0].Path != "/p4" {
		t.Fatalf("limit keeps the newest: %+v", l)
	}
	j.Clear()
	if len(j.Entries(Filter{})) != 0 {
		t.Fatal("Clear left entries")
	}
}

// The ring grows with its entries up to its size: a new journal holds no buffer, and the entries come
// back oldest first while it grows, after it wraps and after a Clear.
func TestJournalRingGrowsAndWraps(t *testing.T) {
	j := NewJournal(3, 0)
	if cap(j.entries) != 0 {
		t.Fatalf("a new journal preallocates %d entries, want none", cap(j.entries))
	}
	add := func(from, to int) {
		for i := from; i < to; i++ {
			j.Record(Entry{API: "a", Method: "GET", Path: fmt.Sprintf("/p%d", i), Status: 200}, nil, nil, nil, "", "")
		}
	}
	paths := func() string {
		var out []string
		for _, e := range j.Entries(Filter{}) {
			out = append(out, e.Path)
		}
		return strings.Join(out, ",")
	}
	for _, step := range []struct {
		from, to int
		clear    bool
		want     string
	}{
		{0, 2, false, "/p0,/p1"},
		{2, 3, false, "/p0,/p1,/p2"},
		{3, 7, false, "/p4,/p5,/p6"},
		{7, 8, true, "/p7"},
		{8, 11, false, "/p8,/p9,/p10"},
	} {
		if step.clear {
			j.Clear()
		}
		add(step.from, step.to)
		if got := paths(); got != step.want {
			t.Fatalf("after /p%d../p%d: entries %s, want %s", step.from, step.to-1, got, step.want)
		}
	}
}

func TestJournalFilters(t *testing.T) {
	j := NewJournal(10, 0)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	j.Record(Entry{Time: t0, API: "a", Method: "GET", Path: "/a/x", Status: 200}, nil, nil, nil, "", "")
	j.Record(Entry{Time: t0.Add(time.Minute), API: "b", Method: "POST", Path: "/b/y", Status: 422}, nil, nil, nil, "", "")
	for name, tc := range map[string]struct {
		f    Filter
		want int
	}{
		"api":    {Filter{API: "b"}, 1},
		"method": {Filter{Method: "get"}, 1},
		"path":   {Filter{Path: "/a/"}, 1},
		"status": {Filter{Status: 422}, 1},
		"since":  {Filter{Since: t0.Add(30 * time.Second)}, 1},
		"all":    {Filter{}, 2},
	} {
		if got := j.Entries(tc.f); len(got) != tc.want {
			t.Errorf("%s: %d entries, want %d", name, len(got), tc.want)
		}
	}
}

func TestJournalRedactsSecrets(t *testing.T) {
	j := NewJournal(10, 0)
	h := http.Header{}
	h.Set("Authorization", "Basic bW9jay11c2VyOm1vY2stcGFzc3dvcmQ=")
	h.Set("X-Api-Key", "key-123")
	h.Set("Accept", "application/json")
	j.Record(Entry{API: "a", Query: map[string][]string{"client_secret": {"qs-secret"}, "companyId": {"998"}}}, h,
		[]byte("grant_type=client_credentials&client_id=c&client_secret=form-secret"),
		[]byte(`{"access_token":"tok-abc","refresh_token":"ref-def","token_type":"Bearer","expires_in":3600}`),
		"application/x-www-form-urlencoded", "application/json")
	j.Record(Entry{API: "a"}, nil, []byte(`{"password":"pw-1","nested":[{"apiKey":"k-2"}],"name":"Kari"}`), []byte("<x><token>xml-tok</token></x>"), "application/json", "application/xml")
	j.Record(Entry{API: "a"}, nil, []byte("--b\r\nContent-Disposition: form-data; name=\"client_secret\"\r\n\r\nmp-secret\r\n--b--"), nil, "multipart/form-data; boundary=b", "")
	var all strings.Builder
	for _, e := range j.Entries(Filter{}) {
		fmt.Fprintf(&all, "%v %v %s %s\n", e.Query, e.RequestHeaders, e.RequestBody, e.ResponseBody)
	}
	text := all.String()
	for _, secret := range []string{"bW9jay11c2Vy", "key-123", "qs-secret", "form-secret", "tok-abc", "ref-def", "pw-1", "k-2", "xml-tok", "mp-secret"} {
		if strings.Contains(text, secret) {
			t.Errorf("journal holds %q:\n%s", secret, text)
		}
	}
	for _, kept := range []string{"998", "application/json", "client_credentials", "Kari", "expires_in"} {
		if !strings.Contains(text, kept) {
			t.Errorf("journal lost the harmless %q:\n%s", kept, text)
		}
	}
}

func TestRuleValidate(t *testing.T) {
	known := []string{"a", "b"}
	for name, r := range map[string]Rule{
		"no api":              {Status: 500},
		"unknown api":         {API: "z", Status: 500},
		"probability":         {API: "a", Status: 500, Probability: 1.5},
		"two actions":         {API: "a", Status: 500, Reset: true},
		"does nothing":        {API: "a"},
		"bad drift":           {API: "a", Drift: "sideways"},
		"bad status":          {API: "a", Status: 42},
		"success status":      {API: "a", Status: 200},
		"redirect status":     {API: "a", Status: 399},
		"status 600":          {API: "a", Status: 600},
		"status 700":          {API: "a", Status: 700},
		"negative status":     {API: "a", Status: -500},
		"latency too long":    {API: "a", LatencyMS: 120_000},
		"negative retryAfter": {API: "a", Status: 429, RetryAfter: -1},
	} {
		if err := r.Validate(known); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	for name, r := range map[string]Rule{
		"status":  {API: "a", Status: 503},
		"400":     {API: "a", Status: 400},
		"599":     {API: "a", Status: 599},
		"latency": {API: "b", OperationID: "getX", LatencyMS: 10, Probability: 0.5},
		"drift":   {API: "a", Drift: DriftExtraField},
	} {
		if err := r.Validate(known); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestFaultsSeedRepeats(t *testing.T) {
	draw := func(seed uint64) string {
		f := NewFaults(seed)
		if _, err := f.Add(Rule{API: "a", Status: 500, Probability: 0.5}, nil); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for range 64 {
			if r, _ := f.Match("a", "op"); r != nil {
				b.WriteByte('x')
			} else {
				b.WriteByte('.')
			}
		}
		return b.String()
	}
	a, b := draw(42), draw(42)
	if a != b {
		t.Fatalf("same seed, different runs:\n%s\n%s", a, b)
	}
	if !strings.Contains(a, "x") || !strings.Contains(a, ".") {
		t.Fatalf("probability 0.5 drew %s", a)
	}
	if r, _ := NewFaults(1).Match("a", "op"); r != nil {
		t.Fatal("an empty rule set matched")
	}
}

// mightHoldSecret finds what a search in the lower-cased body finds, without lower-casing the body.
func TestMightHoldSecretMatchesLowerCaseSearch(t *testing.T) {
	for _, body := range []string{
		"", "secret", "SECRET", "xSeCrEtx", "secre", "password", "PassWord1", "token", "TOKEN", "tokn",
		"api_key", "API_KEY", "apikey", "ApiKey", "api-key", "API-Key", "api key", "passwd", "PASSWD", "passw", `{"name":"Kari","email":"k@x.no"}`,
		"to\u212aen", "api\u212aey", "\u0130", "p\u00e5ssword", "s\u00e9cret", "pass\x00word", "tok", "apik",
		"<x><Token>v</Token></x>", "grant_type=client_credentials&client_id=c", strings.Repeat("a", 100) + "Secret",
	} {
		if got, want := mightHoldSecret([]byte(body)), referenceTextScan([]byte(body)); got != want {
			t.Errorf("mightHoldSecret(%q) = %v, lower-case search says %v", body, got, want)
		}
	}
}

// The text cache gives what redactBody gives, for the same body and content type only, and shares it.
func TestTextCacheIsExact(t *testing.T) {
	c := newTextCache()
	secret := []byte(`{"access_token":"tok-abc","expires_in":3600}`)
	for i := range 2 {
		got, _ := c.text(secret, "application/json", 1000)
		if strings.Contains(got, "tok-abc") || !strings.Contains(got, "expires_in") {
			t.Fatalf("round %d: %q", i, got)
		}
	}
	plain := []byte("<token>xml-tok</token>")
	if got, _ := c.text(plain, "application/json", 1000); got != "[unparsable JSON body not recorded]" {
		t.Errorf("as JSON: %q", got)
	}
	if got, _ := c.text(plain, "application/xml", 1000); strings.Contains(got, "xml-tok") {
		t.Errorf("as XML: %q", got)
	}
	long := bytes.Repeat([]byte("a"), 20)
	a, cutA := c.text(long, "text/plain", 8)
	b, cutB := c.text(bytes.Clone(long), "text/plain", 8)
	if a != "aaaaaaaa" || !cutA || !cutB || unsafe.StringData(a) != unsafe.StringData(b) {
		t.Errorf("capped body: %q %v, %q %v, shared %v", a, cutA, b, cutB, unsafe.StringData(a) == unsafe.StringData(b))
	}
	long[0] = 'b' // the cache holds its own copy
	if got, _ := c.text(long, "text/plain", 8); got != "baaaaaaa" {
		t.Errorf("changed body: %q", got)
	}
	if got, cut := c.text(long, "text/plain", 12); got != "baaaaaaaaaaa" || !cut { // another cap, another text
		t.Errorf("same body, cap 12: %q %v", got, cut)
	}
}

// Journals made with SharedTexts share one text cache, each still keeping its own cap.
func TestSharedTextsKeepEachCap(t *testing.T) {
	a := NewJournalWith(JournalConfig{SharedTexts: true, BodyCap: 4})
	b := NewJournalWith(JournalConfig{SharedTexts: true, BodyCap: 6})
	if a.texts != b.texts || a.texts == NewJournalWith(JournalConfig{}).texts {
		t.Fatal("SharedTexts journals do not share one cache, or a plain journal shares it")
	}
	body := []byte("abcdefghij")
	a.Record(Entry{API: "x", Path: "/p"}, nil, nil, body, "", "text/plain")
	b.Record(Entry{API: "x", Path: "/p"}, nil, nil, body, "", "text/plain")
	if ea, eb := a.Entries(Filter{}), b.Entries(Filter{}); len(ea) != 1 || len(eb) != 1 || ea[0].ResponseBody != "abcd" || eb[0].ResponseBody != "abcdef" {
		t.Errorf("entries %+v and %+v, want bodies cut at 4 and 6", ea, eb)
	}
}

// headerBytes counts names and values as the header cap does.
func headerBytes(m map[string][]string) int {
	n := 0
	for k, vs := range m {
		n += len(k)
		for _, v := range vs {
			n += len(v)
		}
	}
	return n
}

// Headers, query and path past the header cap are cut at it and the entry says so; within it they are
// kept whole.
func TestJournalCapsHeaders(t *testing.T) {
	const limit = 256
	j := NewJournalWith(JournalConfig{HeaderCap: limit})
	small := http.Header{"Accept": {"application/json"}, "User-Agent": {"test"}}
	j.Record(Entry{API: "a", Path: "/p", Query: map[string][]string{"q": {"1"}}}, small, nil, nil, "", "")
	huge := http.Header{"Accept": {"application/json"}}
	for i := range 40 {
		huge.Set(fmt.Sprintf("X-Filler-%02d", i), strings.Repeat("v", 100))
	}
	longPath := "/p/" + strings.Repeat("\u00e5", 300) // two bytes a letter: the cut must not split one
	j.Record(Entry{API: "a", Path: longPath, Query: map[string][]string{"q": {strings.Repeat("x", 1000)}}}, huge, nil, nil, "", "")
	got := j.Entries(Filter{})
	if e := got[0]; e.HeadersTruncated || headerBytes(e.RequestHeaders) != headerBytes(small) || e.Path != "/p" {
		t.Errorf("small request: truncated %v, headers %v, path %q", e.HeadersTruncated, e.RequestHeaders, e.Path)
	}
	e := got[1]
	if !e.HeadersTruncated {
		t.Error("huge headers: the entry does not say they were cut")
	}
	for what, n := range map[string]int{"headers": headerBytes(e.RequestHeaders), "query": headerBytes(e.Query), "path": len(e.Path)} {
		if n > limit+len(truncatedMark) {
			t.Errorf("%s keep %d bytes, cap %d", what, n, limit)
		}
	}
	if !strings.HasSuffix(e.Path, truncatedMark) || !utf8.ValidString(e.Path) {
		t.Errorf("cut path %q: no marker or split letter", e.Path)
	}
	if q := e.Query["q"]; len(q) != 1 || !strings.HasSuffix(q[0], truncatedMark) {
		t.Errorf("cut query %v", e.Query)
	}
	if e.RequestHeaders["Accept"] == nil {
		t.Errorf("headers kept in name order lost Accept: %v", e.RequestHeaders)
	}
}

// Redaction goes by decoded names: a JSON key spelled with \u escapes, and form keys with percent
// escapes, are redacted as the plain names are; Sensitive's whole names (code) count in JSON too.
// Each body holds one secret, so that no other name sets off the redaction for it.
func TestJournalRedactsDecodedNames(t *testing.T) {
	for _, tc := range []struct{ body, ct, secret string }{
		{`{"pass\u0077ord":"pw-esc","name":"Kari"}`, "application/json", "pw-esc"},
		{`{"n":{"to\u006Ben":"tok-esc"},"name":"Kari"}`, "application/json", "tok-esc"},
		{`{"\u0061pi_key":"k-esc","name":"Kari"}`, "application/json", "k-esc"},
		{`{"passwd":"pw-plain","name":"Kari"}`, "application/json", "pw-plain"},
		{`{"CODE":"c-1","name":"Kari"}`, "application/json", "c-1"},
		{"name=Kari&client%5Fsecret=form-esc", "application/x-www-form-urlencoded", "form-esc"},
		{"name=Kari&pass%77ord=form-pw", "application/x-www-form-urlencoded", "form-pw"},
	} {
		j := NewJournal(10, 0)
		j.Record(Entry{API: "a"}, nil, []byte(tc.body), nil, tc.ct, "")
		got := j.Entries(Filter{})[0].RequestBody
		if strings.Contains(got, tc.secret) || !strings.Contains(got, "REDACTED") || !strings.Contains(got, "Kari") {
			t.Errorf("%s is journaled as %s", tc.body, got)
		}
	}
}

// The JSON walk is skipped only for bodies in which no decoded key can be sensitive.
func TestJSONMightHoldSecret(t *testing.T) {
	for body, want := range map[string]bool{
		`{"name":"Kari","postalCode":"0155"}`: false,
		`{"name":"A \u0026 B \u003cC\u003e"}`: false,
		`{"pass\u0077ord":"x"}`:               true,
		`{"\u0050assword":"x"}`:               true,
		`{"api\u002dkey":"x"}`:                true,
		`{"passwd":"x"}`:                      true,
		`{"Code":"x"}`:                        true,
		`{"cookie":"x"}`:                      true,
		`{"authorization":"x"}`:               true,
		`{"to\u212aen":"x"}`:                  true,
	} {
		if got := jsonMightHoldSecret([]byte(body)); got != want {
			t.Errorf("jsonMightHoldSecret(%s) = %v, want %v", body, got, want)
		}
	}
}

// With NoBodies the journal keeps every field but the bodies.
func TestJournalNoBodies(t *testing.T) {
	j := NewJournalWith(JournalConfig{NoBodies: true})
	j.Record(Entry{API: "a", Method: "POST", Path: "/p", Status: 201}, http.Header{"Accept": {"application/json"}},
		[]byte(`{"name":"Kari Nordmann"}`), []byte(`{"id":1,"name":"Kari Nordmann"}`), "application/json", "application/json")
	e := j.Entries(Filter{})[0]
	if e.RequestBody != "" || e.ResponseBody != "" || e.Truncated {
		t.Errorf("bodies kept: %q %q", e.RequestBody, e.ResponseBody)
	}
	if e.Path != "/p" || e.Status != 201 || e.RequestHeaders["Accept"] == nil {
		t.Errorf("other fields lost: %+v", e)
	}
}

// upperAnonymizer stands in for a real one: it upper-cases JSON bodies and queries, refuses the rest.
type upperAnonymizer struct{}

func (upperAnonymizer) Body(_ string, body []byte, ct string) ([]byte, bool) {
	if ct != "application/json" {
		return nil, false
	}
	return bytes.ToUpper(body), true
}

func (upperAnonymizer) Query(_ string, q map[string][]string) map[string][]string {
	out := map[string][]string{}
	for k, vs := range q {
		out[k] = []string{strings.ToUpper(vs[0])}
	}
	return out
}

// TestJournalAnonymize: the Anonymizer sees the query and both bodies before they are stored, a body
// it refuses is not kept, and credentials are still redacted.
func TestJournalAnonymize(t *testing.T) {
	j := NewJournalWith(JournalConfig{Anonymize: upperAnonymizer{}})
	j.Record(Entry{API: "a", Method: "POST", Path: "/p", Query: map[string][]string{"name": {"per"}, "api_key": {"k"}}},
		http.Header{"Authorization": {"Bearer t"}}, []byte(`{"name":"per","password":"pw"}`), []byte(`<x>per</x>`), "application/json", "application/xml")
	e := j.Entries(Filter{})[0]
	if e.Query["name"][0] != "PER" || e.Query["api_key"][0] != redacted {
		t.Errorf("query %v", e.Query)
	}
	if e.RequestBody != `{"NAME":"PER","PASSWORD":"[REDACTED]"}` {
		t.Errorf("request body %s", e.RequestBody)
	}
	if e.ResponseBody != notKeptPersonal {
		t.Errorf("response body %q", e.ResponseBody)
	}
}
