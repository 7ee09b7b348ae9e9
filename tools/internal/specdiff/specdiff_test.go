package specdiff_test

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/vendorctl/vendorctl/tools/internal/specdiff"
)

func version(t *testing.T, name string) specdiff.Version {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return specdiff.Version{Name: name, Data: data}
}

// want is one expected change: its rule, level and operation.
type want struct {
	id        string
	level     specdiff.Level
	operation string
}

func TestCompare(t *testing.T) {
	versionNotBumped := want{"api-version-not-bumped", specdiff.Warning, ""}
	cases := []struct {
		name      string
		newFile   string
		identical bool
		breaking  bool
		want      []want
	}{
		{"same spec", "base.yaml", true, false, nil},
		{"description only", "description-only.yaml", false, false, nil},
		{"removed endpoint", "removed-endpoint.yaml", false, true, []want{
			{"api-path-removed-without-deprecation", specdiff.Error, "GET /items/{id}"},
			versionNotBumped,
		}},
		{"removed required response property", "removed-required-response-property.yaml", false, true, []want{
			{"response-required-property-removed", specdiff.Error, "GET /items"},
			{"response-required-property-removed", specdiff.Error, "POST /items"},
			{"response-required-property-removed", specdiff.Error, "GET /items/{id}"},
			versionNotBumped,
		}},
		{"added required request parameter", "added-required-request-param.yaml", false, true, []want{
			{"new-required-request-parameter", specdiff.Error, "GET /items"},
			versionNotBumped,
		}},
		{"narrowed enums", "narrowed-enum.yaml", false, true, []want{
			{"request-parameter-enum-value-removed", specdiff.Error, "GET /items"},
			{"request-property-enum-value-removed", specdiff.Error, "POST /items"},
			versionNotBumped,
		}},
		{"added optional response property", "added-optional-field.yaml", false, false, []want{
			{"response-optional-property-added", specdiff.Info, "GET /items"},
			{"response-optional-property-added", specdiff.Info, "POST /items"},
			{"response-optional-property-added", specdiff.Info, "GET /items/{id}"},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			report, err := specdiff.Compare(version(t, "base.yaml"), version(t, tc.newFile))
			if err != nil {
				t.Fatal(err)
			}
			if report.Identical != tc.identical {
				t.Errorf("Identical = %v, want %v", report.Identical, tc.identical)
			}
			if report.HasBreaking() != tc.breaking {
				t.Errorf("HasBreaking = %v, want %v", report.HasBreaking(), tc.breaking)
			}
			var got []want
			for _, c := range report.Changes {
				got = append(got, want{c.ID, c.Level, c.Operation})
				if c.Text == "" {
					t.Errorf("change %s has no text", c.ID)
				}
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("changes:\n got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestCompareReverseIsNotBreaking(t *testing.T) {
	// Adding an endpoint back (new has what old lacks) is an addition, not a break.
	report, err := specdiff.Compare(version(t, "removed-endpoint.yaml"), version(t, "base.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if report.HasBreaking() || len(report.Changes) != 1 || report.Changes[0].ID != "endpoint-added" {
		t.Fatalf("changes = %+v, want one endpoint-added", report.Changes)
	}
}

func TestCompareLoadErrors(t *testing.T) {
	good := version(t, "base.yaml")
	for _, tc := range []struct {
		name string
		data string
	}{
		{"not yaml", "{{{"},
		{"not openapi", "hello: world\n"},
		{"dangling reference", strings.Replace(string(good.Data), `"#/components/schemas/NewItem"`, `"#/components/schemas/Nothing"`, 1)},
		{"openapi field alone", "openapi: 3.0.3\n"},
		{"operation without responses", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get: {}\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bad := specdiff.Version{Name: "bad.yaml", Data: []byte(tc.data)}
			if _, err := specdiff.Compare(bad, good); !errors.Is(err, specdiff.ErrLoad) || !strings.Contains(err.Error(), "bad.yaml") {
				t.Errorf("old: err = %v, want ErrLoad naming bad.yaml", err)
			}
			if _, err := specdiff.Compare(good, bad); !errors.Is(err, specdiff.ErrLoad) {
				t.Errorf("new: err = %v, want ErrLoad", err)
			}
		})
	}
}

func TestWriteText(t *testing.T) {
	cases := []struct {
		name, newFile string
		all           bool
		contains      []string
		excludes      []string
	}{
		{"identical", "base.yaml", false, []string{"no changes\n"}, nil},
		{"description only", "description-only.yaml", true, []string{"only descriptions, examples or extensions differ"}, nil},
		{"breaking grouped by operation", "removed-required-response-property.yaml", false,
			[]string{"GET /items\n  error   removed the required property", "POST /items\n", "GET /items/{id}\n", "(whole spec)\n  warning", "4 breaking changes (3 errors, 1 warning); 4 changes in all\n"}, nil},
		{"non-breaking hidden by default", "added-optional-field.yaml", false,
			[]string{"no breaking changes; 3 changes in all (--all lists the 3 others)\n"}, []string{"GET /items"}},
		{"non-breaking shown with all", "added-optional-field.yaml", true,
			[]string{"GET /items\n  info    added the optional property `items/note`", "no breaking changes; 3 changes in all\n"}, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			report, err := specdiff.Compare(version(t, "base.yaml"), version(t, tc.newFile))
			if err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			if err := report.WriteText(&b, tc.all); err != nil {
				t.Fatal(err)
			}
			for _, s := range tc.contains {
				if !strings.Contains(b.String(), s) {
					t.Errorf("output lacks %q:\n%s", s, b.String())
				}
			}
			for _, s := range tc.excludes {
				if strings.Contains(b.String(), s) {
					t.Errorf("output has %q:\n%s", s, b.String())
				}
			}
		})
	}
}

func TestGroups(t *testing.T) {
	changes := []specdiff.Change{
		{ID: "a", Operation: "GET /a"}, {ID: "b", Operation: "GET /a"}, {ID: "c", Operation: "POST /a"}, {ID: "d"},
	}
	groups := specdiff.Groups(changes)
	if len(groups) != 3 || len(groups[0].Changes) != 2 || groups[1].Operation != "POST /a" || groups[2].Operation != "" {
		t.Fatalf("groups = %+v", groups)
	}
}
