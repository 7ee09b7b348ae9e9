package mockserver

import (
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/vendorctl/vendorctl/specs"
)

// Journal defaults.
const (
	DefaultJournalSize = 1000
	DefaultBodyCap     = 16 << 10
	// DefaultHeaderCap bounds the bytes (names and values) of an entry's request headers, and as much
	// again of its query and of its path.
	DefaultHeaderCap = 8 << 10
	redacted         = "[REDACTED]"
	// truncatedMark ends a header value, query value or path that was cut at the header cap.
	truncatedMark = "[truncated]"
)

// JournalConfig configures NewJournalWith.
type JournalConfig struct {
	// Size is how many entries the journal keeps, the newest (zero: DefaultJournalSize).
	Size int
	// BodyCap is how many bytes of each body an entry keeps (zero: DefaultBodyCap).
	BodyCap int
	// HeaderCap is how many bytes of request headers an entry keeps, and of its query and its path
	// each; past it values are cut, marked with [truncated], or left out (zero: DefaultHeaderCap).
	HeaderCap int
	// NoBodies keeps no request or response bodies, for fixtures and recordings that hold personal
	// data (zero: bodies kept, capped and redacted).
	NoBodies bool
	// Anonymize replaces personal data in the query and the bodies of an entry before it is stored;
	// credentials are redacted as without it (zero: kept as sent; serve --journal-anonymize sets it).
	Anonymize Anonymizer
	// SharedTexts keeps the journal texts of recent bodies in one cache for every journal made so,
	// instead of one of its own: for many small journals, such as sessions' (zero: its own).
	SharedTexts bool
	// Feed receives every entry once it is stored, for live subscribers (zero: none).
	Feed *Feed
	// Session labels every entry (Entry.Session) with the session the journal belongs to (zero: the
	// default server, no label).
	Session string
}

// Anonymizer replaces personal data in what the journal keeps of an exchange.
type Anonymizer interface {
	// Body returns body with personal data replaced; ok false means it cannot be, and is not kept.
	Body(api string, body []byte, contentType string) (out []byte, ok bool)
	// Query returns query with personal data replaced.
	Query(api string, query map[string][]string) map[string][]string
}

// notKeptPersonal stands for a body the Anonymizer could not treat.
const notKeptPersonal = "[body not recorded: it may hold personal data]"

// Entry is one request the mocks answered, as the journal keeps it: secrets redacted, bodies capped.
type Entry struct {
	ID   uint64    `json:"id"`
	Time time.Time `json:"time"`
	API  string    `json:"api"`
	// Session is the session that served the request (empty: the default server).
	Session     string              `json:"session,omitempty"`
	OperationID string              `json:"operationId,omitempty"`
	Method      string              `json:"method"`
	Path        string              `json:"path"`
	Query       map[string][]string `json:"query,omitempty"`
	Status      int                 `json:"status"`
	DurationMS  float64             `json:"durationMs"`
	// RequestHeaders are the request's headers, credentials redacted.
	RequestHeaders map[string][]string `json:"requestHeaders,omitempty"`
	RequestBody    string              `json:"requestBody,omitempty"`
	ResponseBody   string              `json:"responseBody,omitempty"`
	// Truncated says a body was longer than the cap.
	Truncated bool `json:"truncated,omitempty"`
	// HeadersTruncated says the request headers, the query or the path were longer than the header
	// cap: what lies past it is left out, and a value cut at it ends in [truncated].
	HeadersTruncated bool `json:"headersTruncated,omitempty"`
	// Fault names the fault rule that shaped the answer, if any.
	Fault string `json:"fault,omitempty"`
	// Violations are the contract violations found in the request and the response.
	Violations []JournalViolation `json:"violations,omitempty"`
}

// JournalViolation is a violation with the side it was found on.
type JournalViolation struct {
	Kind specs.Kind `json:"kind"`
	specs.Violation
	// Injected says a fault rule (the entry's Fault) wrote the answer off-spec on purpose (an
	// undocumented status, a drift): it is no violation of the mock's own.
	Injected bool `json:"injected,omitempty"`
}

// Journal is a bounded ring buffer of entries, safe for concurrent use. Recording copies at most the
// body cap of each body and redacts secrets before anything is stored. The ring grows with the entries
// up to its size, so a journal that records little costs little.
type Journal struct {
	mu sync.Mutex
	// entries grows to cfg.Size; once full, next is where the next entry goes (the oldest entry).
	entries []Entry
	next    int
	lastID  uint64
	cfg     JournalConfig
	texts   *textCache
}

// NewJournal keeps the last size entries (default DefaultJournalSize), bodies capped at bodyCap bytes
// (default DefaultBodyCap), headers at DefaultHeaderCap.
func NewJournal(size, bodyCap int) *Journal {
	return NewJournalWith(JournalConfig{Size: size, BodyCap: bodyCap})
}

// NewJournalWith returns an empty journal configured by cfg.
func NewJournalWith(cfg JournalConfig) *Journal {
	if cfg.Size <= 0 {
		cfg.Size = DefaultJournalSize
	}
	if cfg.BodyCap <= 0 {
		cfg.BodyCap = DefaultBodyCap
	}
	if cfg.HeaderCap <= 0 {
		cfg.HeaderCap = DefaultHeaderCap
	}
	texts := newTextCache()
	if cfg.SharedTexts {
		texts = sharedTexts()
	}
	return &Journal{cfg: cfg, texts: texts}
}

// Record stores an entry built from a finished exchange.
func (j *Journal) Record(e Entry, reqHeader http.Header, reqBody, respBody []byte, reqCT, respCT string) {
	if j == nil {
		return
	}
	limit := j.cfg.HeaderCap
	var cutQuery, cutHeaders, cutPath bool
	e.Query = redactValuesInPlace(e.Query)
	if j.cfg.Anonymize != nil && len(e.Query) > 0 {
		e.Query = j.cfg.Anonymize.Query(e.API, e.Query)
	}
	e.Query, cutQuery = capValues(e.Query, limit)
	e.RequestHeaders, cutHeaders = capValues(redactHeader(reqHeader), limit)
	if len(e.Path) > limit {
		e.Path, cutPath = cutText(e.Path, limit)+truncatedMark, true
	}
	e.HeadersTruncated = cutQuery || cutHeaders || cutPath
	if !j.cfg.NoBodies {
		var cut1, cut2 bool
		e.RequestBody, cut1 = j.bodyText(e.API, reqBody, reqCT)
		e.ResponseBody, cut2 = j.bodyText(e.API, respBody, respCT)
		e.Truncated = cut1 || cut2
	}
	e.Session = j.cfg.Session
	j.mu.Lock()
	j.lastID++
	e.ID = j.lastID
	if len(j.entries) < j.cfg.Size {
		j.entries = append(j.entries, e)
	} else {
		j.entries[j.next] = e
		j.next = (j.next + 1) % len(j.entries)
	}
	j.mu.Unlock()
	j.cfg.Feed.publish(e)
}

// Feed is the feed the journal publishes its entries to (nil: none).
func (j *Journal) Feed() *Feed {
	if j == nil {
		return nil
	}
	return j.cfg.Feed
}

// Session is the session the journal labels its entries with ("" for the default server).
func (j *Journal) Session() string {
	if j == nil {
		return ""
	}
	return j.cfg.Session
}

// bodyText is what an entry keeps of a body: credentials redacted, personal data replaced when the
// journal anonymizes, capped.
func (j *Journal) bodyText(api string, body []byte, ct string) (string, bool) {
	if j.cfg.Anonymize != nil && len(body) > 0 {
		out, ok := j.cfg.Anonymize.Body(api, body, ct)
		if !ok {
			return notKeptPersonal, false
		}
		body = out
	}
	return j.texts.text(body, ct, j.cfg.BodyCap)
}

// Filter selects journal entries; zero fields match everything.
type Filter struct {
	API    string
	Method string
	// Path matches entries whose path starts with it.
	Path   string
	Status int
	Since  time.Time
	// Limit keeps the newest Limit entries.
	Limit int
}

// Entries returns the entries that match f, oldest first.
func (j *Journal) Entries(f Filter) []Entry {
	j.mu.Lock()
	all := make([]Entry, 0, len(j.entries))
	all = append(all, j.entries[j.next:]...) // oldest first: the ring wraps at next once full
	all = append(all, j.entries[:j.next]...)
	j.mu.Unlock()
	out := make([]Entry, 0, len(all))
	for _, e := range all {
		if (f.API != "" && e.API != f.API) || (f.Method != "" && !strings.EqualFold(e.Method, f.Method)) ||
			(f.Path != "" && !strings.HasPrefix(e.Path, f.Path)) || (f.Status != 0 && e.Status != f.Status) ||
			(!f.Since.IsZero() && e.Time.Before(f.Since)) {
			continue
		}
		out = append(out, e)
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out
}

// Clear empties the journal.
func (j *Journal) Clear() {
	j.mu.Lock()
	defer j.mu.Unlock()
	clear(j.entries)
	j.entries, j.next = j.entries[:0], 0
}

// Sensitive reports whether a header, query parameter, form field or JSON key names a secret.
func Sensitive(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie", "set-cookie", "code":
		return true
	}
	for _, s := range []string{"secret", "password", "passwd", "token", "api-key", "api_key", "apikey", "x-api-key"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// redactHeader copies a header with its secrets redacted; the values share one backing array.
func redactHeader(h http.Header) map[string][]string {
	if len(h) == 0 {
		return nil
	}
	n := 0
	for _, vs := range h {
		n += len(vs)
	}
	values := make([]string, 0, n)
	out := make(map[string][]string, len(h))
	for k, vs := range h {
		if Sensitive(k) {
			out[k] = []string{redacted}
			continue
		}
		start := len(values)
		values = append(values, vs...)
		out[k] = values[start:len(values):len(values)]
	}
	return out
}

// capValues keeps the values of m, in name order, until names and values add up to limit bytes: the
// value that crosses it is cut and marked, the ones after it are left out. It returns m itself when
// m is within the limit, and reports whether anything was cut.
func capValues(m map[string][]string, limit int) (map[string][]string, bool) {
	size := 0
	for k, vs := range m {
		size += len(k)
		for _, v := range vs {
			size += len(v)
		}
	}
	if size <= limit {
		return m, false
	}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	out := make(map[string][]string)
	left := limit
	for _, k := range names {
		if left <= len(k) {
			break
		}
		left -= len(k)
		for _, v := range m[k] {
			if len(v) > left {
				out[k] = append(out[k], cutText(v, left)+truncatedMark)
				return out, true
			}
			out[k] = append(out[k], v)
			left -= len(v)
		}
	}
	return out, true
}

// cutText returns the longest prefix of s of at most n bytes that does not split a UTF-8 sequence.
func cutText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// redactValuesInPlace redacts the secrets of a map the caller owns (a freshly parsed query).
func redactValuesInPlace(v map[string][]string) map[string][]string {
	if len(v) == 0 {
		return nil
	}
	for k := range v {
		if Sensitive(k) {
			v[k] = []string{redacted}
		}
	}
	return v
}

func redactValues(v map[string][]string) map[string][]string {
	if len(v) == 0 {
		return nil
	}
	out := make(map[string][]string, len(v))
	for k, vs := range v {
		if Sensitive(k) {
			out[k] = []string{redacted}
			continue
		}
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// redactBody returns the body as text with secrets replaced, capped at limit bytes.
func redactBody(body []byte, contentType string, limit int) (string, bool) {
	if len(body) == 0 {
		return "", false
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	switch {
	case strings.HasPrefix(mt, "multipart/"):
		return "[multipart body not recorded]", false
	case mt == "application/x-www-form-urlencoded":
		if vals, err := url.ParseQuery(string(body)); err == nil {
			body = []byte(url.Values(redactValues(vals)).Encode())
		} else {
			return "[unparsable form body not recorded]", false
		}
	case strings.HasSuffix(mt, "json") && jsonMightHoldSecret(body):
		var v any
		if err := json.Unmarshal(body, &v); err != nil {
			return "[unparsable JSON body not recorded]", false
		}
		if out, err := json.Marshal(redactJSON(v)); err == nil {
			body = out
		}
	case !strings.HasSuffix(mt, "json") && mightHoldSecret(body):
		// Text and XML bodies are kept unless they look like they carry credentials.
		return "[body not recorded: it may hold credentials]", false
	}
	if len(body) > limit {
		return string(body[:limit]), true
	}
	return string(body), false
}

func redactJSON(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if Sensitive(k) {
				t[k] = redacted
				continue
			}
			t[k] = redactJSON(val)
		}
	case []any:
		for i, val := range t {
			t[i] = redactJSON(val)
		}
	}
	return v
}
