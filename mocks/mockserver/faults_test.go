package mockserver

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A rule naming an operation its API does not have is refused, and the error lists the API's
// operationIds; an API that was never added as a target takes any operationId.
func TestFaultsCheckOperationID(t *testing.T) {
	f := NewFaults(1)
	f.AddTarget("a", []string{"postItem", "getItem", "getItem"})
	err := f.Check(Rule{API: "a", OperationID: "getItems", Status: 500}, []string{"a", "b"})
	if err == nil || !strings.Contains(err.Error(), `"getItems"`) || !strings.Contains(err.Error(), "getItem, postItem") {
		t.Fatalf("unknown operationId: %v", err)
	}
	if _, err := f.Add(Rule{API: "a", OperationID: "getItems", Status: 500}, nil); err == nil || len(f.Rules()) != 0 {
		t.Fatalf("Add took a rule of an unknown operationId: %v %v", err, f.Rules())
	}
	for _, r := range []Rule{
		{API: "a", OperationID: "getItem", Status: 500},
		{API: "a", Status: 500},
		{API: "b", OperationID: "anything", Status: 500},
	} {
		if err := f.Check(r, []string{"a", "b"}); err != nil {
			t.Errorf("%+v: %v", r, err)
		}
	}
	both := f.Check(Rule{API: "a", OperationID: "nope", Status: 200}, nil)
	if both == nil || !strings.Contains(both.Error(), "nope") || !strings.Contains(both.Error(), "400 to 599") {
		t.Fatalf("both problems named: %v", both)
	}
}

// A rules file is read as strictly as the admin API's body: an unknown key or anything after the
// array is an error.
func TestLoadRulesIsStrict(t *testing.T) {
	dir := t.TempDir()
	for name, tc := range map[string]struct {
		body string
		ok   bool
	}{
		"array":               {`[{"api":"a","status":503}]` + "\n", true},
		"unknown key":         {`[{"api":"a","status":503,"bogus":1}]`, false},
		"text after":          {`[{"api":"a","status":503}] x`, false},
		"a second array":      {`[{"api":"a","status":503}][]`, false},
		"an object, no array": {`{"api":"a","status":503}`, false},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "-")+".json")
		if err := os.WriteFile(path, []byte(tc.body), 0o600); err != nil {
			t.Fatal(err)
		}
		rules, err := LoadRules(path)
		if (err == nil) != tc.ok {
			t.Errorf("%s: rules %v, err %v; want ok=%v", name, rules, err, tc.ok)
		}
	}
}
