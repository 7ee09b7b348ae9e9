package main

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/vendorctl/vendorctl/tools/internal/anonymize"
)

// fixtureRecords reads a mock's embedded fixture file (an array of records).
func fixtureRecords(t *testing.T, api, file string) []map[string]any {
	t.Helper()
	var out []map[string]any
	readJSON(t, filepath.Join("../../mocks", api, "fixtures", file), &out)
	return out
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// mediaconnectUserToken runs ConnectID's authorization code flow on base and returns the user token.
func mediaconnectUserToken(t *testing.T, base string) string {
	t.Helper()
	q := url.Values{"client_id": {"mock-client"}, "redirect_uri": {"http://127.0.0.1/cb"}, "response_type": {"code"}, "state": {"s"}}
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(base + "/connectid/user/oauth/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return oauthToken(t, base+"/connectid/user/oauth/token", url.Values{"grant_type": {"authorization_code"}, "code": {loc.Query().Get("code")},
		"redirect_uri": {"http://127.0.0.1/cb"}, "client_id": {"mock-client"}, "client_secret": {"mock-secret"}})
}

func oauthToken(t *testing.T, tokenURL string, form url.Values) string {
	t.Helper()
	resp, err := http.PostForm(tokenURL, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || tok.AccessToken == "" {
		t.Fatalf("token from %s: %d %v", tokenURL, resp.StatusCode, err)
	}
	return tok.AccessToken
}

func clientCredentials() url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_id": {"mock-client"}, "client_secret": {"mock-secret"}}
}

// exchange is one documented request: method, path (relative to the vendor's base), headers, body.
type exchange struct {
	method, path, body string
	header             map[string]string
}

// documentedRequests are the requests that read every documented record of each vendor's fixtures,
// as served by the mock at base; a Mediaconnect search by name and address is among them, and one
// Vitec Mäklare contact is read as XML.
func documentedRequests(t *testing.T, base string) map[string][]exchange {
	t.Helper()
	out := map[string][]exchange{}
	key := map[string]string{"x-api-key": "mock-api-key"}
	for _, c := range fixtureRecords(t, "vitecauto", "customers.json") {
		out["vitecauto"] = append(out["vitecauto"], exchange{method: "GET", header: key,
			path: fmt.Sprintf("/api/customer?companyId=%v&customerId=%v", c["firmakode"], c["kundenummer"])})
	}
	client := map[string]string{"Authorization": "Bearer " + oauthToken(t, base+"/connectid/user/oauth/token", clientCredentials())}
	out["mediaconnect"] = append(out["mediaconnect"],
		exchange{method: "GET", path: "/v1/customer/info", header: map[string]string{"Authorization": "Bearer " + mediaconnectUserToken(t, base)}},
		exchange{method: "POST", path: "/v1/client/customer/search", header: jsonHeader(client),
			body: `{"lastName": "Nilsen", "streetAddress": "Storgata", "postalCode": "0155"}`})
	for _, c := range fixtureRecords(t, "mediaconnect", "customers.json") {
		out["mediaconnect"] = append(out["mediaconnect"], exchange{method: "GET", header: client,
			path: fmt.Sprintf("/v1/client/customer/info/%v", c["customerNumber"])})
	}
	maklare := map[string]string{"Authorization": "Basic " + basicAuth("mock-user", "mock-password")}
	for _, c := range fixtureRecords(t, "vitecmaklare", "contacts.json") {
		if c["customerId"] == "M30011" {
			out["vitecmaklare"] = append(out["vitecmaklare"], exchange{method: "GET", header: maklare,
				path: fmt.Sprintf("/CRM/Contact/M30011/%v", c["id"])})
		}
	}
	xml := map[string]string{"Authorization": maklare["Authorization"], "Accept": "application/xml"}
	out["vitecmaklare"] = append(out["vitecmaklare"], exchange{method: "GET", header: xml, path: "/CRM/Contact/M30011/P1002"})
	tw := map[string]string{"Authorization": "Bearer " + timewaveToken(t, base)}
	out["timewave"] = append(out["timewave"], exchange{method: "GET", header: tw, path: "/clients?page[size]=1000"})
	for i, c := range fixtureRecords(t, "timewave", "clients.json") {
		if i%40 == 0 { // by id and by number, beside the page: one client each way
			out["timewave"] = append(out["timewave"],
				exchange{method: "GET", header: tw, path: fmt.Sprintf("/clients/%v", c["id"])},
				exchange{method: "GET", header: tw, path: fmt.Sprintf("/clients/findByNumber/%v", c["number"])})
		}
	}
	return out
}

func jsonHeader(h map[string]string) map[string]string {
	out := map[string]string{"Content-Type": "application/json"}
	for k, v := range h {
		out[k] = v
	}
	return out
}

// TestRecordAndReplay records every vendor through `vendorctl proxy --record` in front of `serve`,
// with every documented record read, then serves the recording: the mock starts, answers every
// recorded record through its documented reads, no original personal number, e-mail, phone or name
// is left under DIR, and every synthetic personal or organisation number has valid check digits.
func TestRecordAndReplay(t *testing.T) {
	upstream, _, _ := startServe(t)
	dir := t.TempDir()
	prefixes := map[string]string{"vitecauto": "/vitecauto", "mediaconnect": "/mediaconnect/capi", "vitecmaklare": "/vitecmaklare", "timewave": "/timewave/v3"}
	// One answer off the spec, which must not be recorded: a drifted Vitec Autodata customer.
	drifted := "/api/customer?companyId=998&customerId=500190"
	if st, b := post(t, upstream+"/__admin/faults", `{"api": "vitecauto", "drift": "wrong-type", "probability": 1}`); st != 200 && st != 201 {
		t.Fatalf("fault: %d %s", st, b)
	}
	requests := documentedRequests(t, upstream)
	for api, prefix := range prefixes {
		base, stderr, stop := startProxy(t, "--api", api, "--upstream", upstream+prefix, "--record", dir, "--anonymize-key", "test-key")
		if api == "vitecauto" {
			if st, _ := get(t, base+drifted, requests[api][0].header); st != 200 {
				t.Fatalf("drifted answer: %d", st)
			}
			if st := del(t, upstream+"/__admin/faults"); st != 204 && st != 200 {
				t.Fatalf("delete faults: %d", st)
			}
		}
		for _, x := range requests[api] {
			if st, b := send(t, x.method, base+x.path, "", x.body, x.header); st != 200 {
				t.Fatalf("%s %s %s through the proxy: %d %s", api, x.method, x.path, st, b)
			}
		}
		if err := stop(); err != nil {
			t.Fatalf("%s proxy: %v", api, err)
		}
		if !strings.Contains(stderr.String(), "recorded ") {
			t.Errorf("%s: no summary on stderr:\n%s", api, stderr.String())
		}
		if api == "vitecauto" && !strings.Contains(stderr.String(), "not recorded: 1 answers to getCustomer") {
			t.Errorf("the drifted answer is not reported:\n%s", stderr.String())
		}
	}
	for _, f := range []struct {
		api, file string
		want      int
	}{
		{"vitecauto", "customers.json", len(fixtureRecords(t, "vitecauto", "customers.json"))},
		{"mediaconnect", "customers.json", len(fixtureRecords(t, "mediaconnect", "customers.json"))},
		{"vitecmaklare", "contacts.json", len(requests["vitecmaklare"]) - 1}, // one contact read twice
		{"timewave", "clients.json", len(fixtureRecords(t, "timewave", "clients.json"))},
	} {
		if got := len(recorded(t, dir, filepath.Join(f.api, f.file))); got != f.want {
			t.Errorf("%s/%s: %d records, want %d (one per record read, however often)", f.api, f.file, got, f.want)
		}
	}
	if first := recorded(t, dir, "mediaconnect/customers.json")[0]["customerNumber"]; first != 563457.0 {
		t.Errorf("the logged-in user's customer is not first: %v", first)
	}
	checkNothingPersonalLeft(t, dir)
	checkIdentityNumbers(t, dir)
	replay(t, dir, prefixes)
}

// originals are the personal values of every fixture: e-mails, phones, personal and organisation
// numbers and names, told apart by their form and their property names (not by the recorder's lists).
func originals(t *testing.T) []string {
	t.Helper()
	nameKey := regexp.MustCompile(`(?i)^(first_?name|last_?name|middle_?name|company_?name|navn1?|name)$`)
	phone := regexp.MustCompile(`^\+?[0-9][0-9 ()-]{6,16}$`)
	id := regexp.MustCompile(`^[0-9]{6,8}[-+]?[0-9]{4,5}$`)
	var out []string
	// Words of reference data (work areas such as "Malmö/Lund", categories): not a person's, kept in a
	// recording, so a one-word name that is one of them cannot be looked for.
	referenceWords := map[string]bool{}
	var walk func(key string, v any, parent string)
	walk = func(key string, v any, parent string) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				walk(k, val, key)
			}
		case []any:
			for _, val := range x {
				walk(key, val, parent)
			}
		case string:
			// A "name" that is a category, client type, work area, bank or template is no person's.
			reference := key == "name" && parent != "" && parent != "name"
			switch {
			case strings.Contains(x, "@"), id.MatchString(x), phone.MatchString(x) && len(x) >= 8:
				out = append(out, x)
			case reference:
				for _, w := range strings.FieldsFunc(strings.ToLower(x), func(r rune) bool { return !unicode.IsLetter(r) }) {
					referenceWords[w] = true
				}
			case nameKey.MatchString(key) && len(x) >= 3:
				out = append(out, x)
			}
		}
	}
	for _, f := range []string{"vitecauto/fixtures/customers.json", "mediaconnect/fixtures/customers.json", "vitecmaklare/fixtures/contacts.json", "timewave/fixtures/clients.json"} {
		var v any
		readJSON(t, filepath.Join("../../mocks", f), &v)
		walk("", v, "")
	}
	if len(out) < 500 {
		t.Fatalf("only %d original values found: the walk is broken", len(out))
	}
	return slices.DeleteFunc(out, func(v string) bool { return referenceWords[strings.ToLower(v)] })
}

func checkNothingPersonalLeft(t *testing.T, dir string) {
	t.Helper()
	var all strings.Builder
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		files++
		all.Write(data)
		return err
	})
	if err != nil || files != 6 {
		t.Fatalf("%d files under DIR (%v), want 6", files, err)
	}
	lower := strings.ToLower(all.String())
	words := map[string]bool{}
	for _, w := range strings.FieldsFunc(lower, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) {
		words[w] = true
	}
	for _, v := range originals(t) {
		v = strings.ToLower(v)
		// One word (a given or family name) is looked for as a word, anything else as text.
		if strings.Contains(v, " ") || strings.ContainsAny(v, "@+-0123456789") {
			if strings.Contains(lower, v) {
				t.Errorf("original value %q is in the recording", v)
			}
		} else if words[v] {
			t.Errorf("original name %q is in the recording", v)
		}
	}
}

// checkIdentityNumbers: every personal or organisation number in the recording is valid.
func checkIdentityNumbers(t *testing.T, dir string) {
	t.Helper()
	keys := map[string]bool{"personal_number": true, "socialSecurityNumber": true, "corporateNumber": true, "orgVeng": true}
	checked := 0
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, val := range x {
				if s, ok := val.(string); ok && keys[k] && anonymize.ClassifyID(s) != anonymize.FormUnknown {
					checked++
					if !anonymize.ValidID(s) {
						t.Errorf("%s %q: check digits invalid", k, s)
					}
				}
				walk(val)
			}
		case []any:
			for _, val := range x {
				walk(val)
			}
		}
	}
	for _, f := range []string{"timewave/clients.json", "vitecmaklare/contacts.json", "vitecauto/customers.json"} {
		var v any
		readJSON(t, filepath.Join(dir, f), &v)
		walk(v)
	}
	if checked < 100 {
		t.Errorf("%d identity numbers checked, want the recording's (at least 100)", checked)
	}
}

// replay serves the recording and reads every recorded record back through the documented reads.
func replay(t *testing.T, dir string, prefixes map[string]string) {
	t.Helper()
	base, _, _ := startServe(t, "--fixtures", dir, "--journal-size", "10000")
	want := func(api, path string, header map[string]string, rec map[string]any, unwrap string) {
		t.Helper()
		st, body := get(t, base+prefixes[api]+path, header)
		var got map[string]any
		if err := json.Unmarshal(body, &got); st != 200 || err != nil {
			t.Fatalf("%s %s from the recording: %d %s", api, path, st, body)
		}
		if unwrap != "" {
			got = unwrapOne(t, got[unwrap])
		}
		if !reflect.DeepEqual(got, rec) {
			t.Errorf("%s %s: answer differs from the recorded record\n got %v\nwant %v", api, path, got, rec)
		}
	}
	key := map[string]string{"x-api-key": "mock-api-key"}
	for _, c := range recorded(t, dir, "vitecauto/customers.json") {
		want("vitecauto", fmt.Sprintf("/api/customer?companyId=%v&customerId=%v", c["firmakode"], c["kundenummer"]), key, c, "")
	}
	client := map[string]string{"Authorization": "Bearer " + oauthToken(t, base+"/connectid/user/oauth/token", clientCredentials())}
	customers := recorded(t, dir, "mediaconnect/customers.json")
	for _, c := range customers {
		want("mediaconnect", fmt.Sprintf("/v1/client/customer/info/%v", c["customerNumber"]), client, c, "")
	}
	want("mediaconnect", "/v1/customer/info", map[string]string{"Authorization": "Bearer " + mediaconnectUserToken(t, base)}, customers[0], "")
	maklare := map[string]string{"Authorization": "Basic " + basicAuth("mock-user", "mock-password")}
	for _, c := range recorded(t, dir, "vitecmaklare/contacts.json") {
		want("vitecmaklare", fmt.Sprintf("/CRM/Contact/%v/%v", c["customerId"], c["id"]), maklare, c, "")
	}
	tw := map[string]string{"Authorization": "Bearer " + timewaveToken(t, base)}
	for _, c := range recorded(t, dir, "timewave/clients.json") {
		want("timewave", fmt.Sprintf("/clients/%v", c["id"]), tw, c, "data")
		if number, ok := c["number"].(string); ok {
			want("timewave", "/clients/findByNumber/"+url.PathEscape(number), tw, c, "data")
		}
		want("timewave", fmt.Sprintf("/clients?filter[id]=%v", c["id"]), tw, c, "data")
		if email, ok := c["email"].(string); ok && email != "" {
			st, body := get(t, base+prefixes["timewave"]+"/clients?filter[email]="+url.QueryEscape(email), tw)
			if st != 200 || !strings.Contains(string(body), fmt.Sprintf(`"id":%v,`, c["id"])) {
				t.Errorf("filter[email] %s: %d, client %v not found", email, st, c["id"])
			}
		}
	}
	replaySearch(t, base, dir, client)
	replayLinks(t, base, customers, client)
	xml := map[string]string{"Authorization": maklare["Authorization"], "Accept": "application/xml"}
	contact := recorded(t, dir, "vitecmaklare/contacts.json")[0]
	if st, b := get(t, fmt.Sprintf("%s/vitecmaklare/CRM/Contact/%v/%v", base, contact["customerId"], contact["id"]), xml); st != 200 ||
		!strings.Contains(string(b), fmt.Sprintf("<Id>%v</Id>", contact["id"])) {
		t.Errorf("XML from the recording: %d %s", st, b)
	}
	checkJournalClean(t, base)
}

// replaySearch: the recorded search, with the recording's names and address, finds its customer.
func replaySearch(t *testing.T, base, dir string, client map[string]string) {
	t.Helper()
	var addrs map[string]map[string]any
	readJSON(t, filepath.Join(dir, "mediaconnect/addresses.json"), &addrs)
	for number, a := range addrs {
		if a["streetAddress"] == "" {
			continue
		}
		var c map[string]any
		for _, rec := range recorded(t, dir, "mediaconnect/customers.json") {
			if fmt.Sprint(rec["customerNumber"]) == number {
				c = rec
			}
		}
		q, _ := json.Marshal(map[string]any{"lastName": c["name"].(map[string]any)["lastName"], "streetAddress": a["streetAddress"], "postalCode": a["postalCode"]})
		st, body := send(t, "POST", base+"/mediaconnect/capi/v1/client/customer/search", "", string(q), jsonHeader(client))
		if st != 200 || !strings.Contains(string(body), `"customerNumber":`+number) {
			t.Errorf("search %s in the recording: %d %s", q, st, body)
		}
		return
	}
	t.Error("the recording holds no address from the search")
}

// replayLinks: a credential shared by two recorded customers (the same original, so the same
// replacement) finds both by the credential check.
func replayLinks(t *testing.T, base string, customers []map[string]any, client map[string]string) {
	t.Helper()
	holders := map[string][]string{}
	for _, c := range customers {
		raw, _ := json.Marshal(c["attachedUsers"])
		for _, m := range regexp.MustCompile(`"credential":"([^"]+)"`).FindAllStringSubmatch(string(raw), -1) {
			holders[m[1]] = append(holders[m[1]], fmt.Sprint(c["customerNumber"]))
		}
	}
	for cred, numbers := range holders {
		slices.Sort(numbers)
		if numbers = slices.Compact(numbers); len(numbers) < 2 {
			continue
		}
		q, _ := json.Marshal(map[string]any{"credentials": []string{cred}})
		st, body := send(t, "POST", base+"/mediaconnect/capi/v1/client/credential/customers/check", "", string(q), jsonHeader(client))
		for _, n := range numbers {
			if st != 200 || !strings.Contains(string(body), `"customerNumber":`+n) {
				t.Errorf("check %s in the recording: %d, customer %s not found: %s", cred, st, n, body)
			}
		}
		return
	}
	t.Error("no credential shared by two recorded customers")
}

// checkJournalClean: no answer from the recording violates the spec.
func checkJournalClean(t *testing.T, base string) {
	t.Helper()
	n := 0
	for _, api := range []string{"vitecauto", "mediaconnect", "vitecmaklare", "timewave"} {
		for _, e := range journalOf(t, base, api) {
			n++
			if vs, _ := e["violations"].([]any); len(vs) > 0 {
				t.Errorf("%s %v: %v", api, e["path"], vs)
			}
		}
	}
	if n < 1000 {
		t.Errorf("%d answers journaled, want every read of the replay", n)
	}
}

func recorded(t *testing.T, dir, file string) []map[string]any {
	t.Helper()
	var out []map[string]any
	readJSON(t, filepath.Join(dir, file), &out)
	if len(out) == 0 {
		t.Fatalf("%s holds no record", file)
	}
	return out
}

// unwrapOne is the one client of a TimeWave data value (an object, or a page of one).
func unwrapOne(t *testing.T, v any) map[string]any {
	t.Helper()
	if list, ok := v.([]any); ok {
		if len(list) != 1 {
			t.Fatalf("%d clients, want 1", len(list))
		}
		v = list[0]
	}
	m, _ := v.(map[string]any)
	return m
}

func basicAuth(user, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(user + ":" + password))
}
