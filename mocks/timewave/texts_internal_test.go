package timewave

import (
	"testing"

	"github.com/vendorctl/vendorctl/specs"
)

// The vendor's texts follow from the keyword, its limit and the field: a validator that rewords its
// messages changes none of them.
func TestLaravelTextsIgnoreTheValidatorsWording(t *testing.T) {
	const nonsense = "zxq: the validator's wording changed"
	for _, c := range []struct {
		v    specs.Violation
		want string
	}{
		{specs.Violation{Field: "first_name", Keyword: "maxLength", Limit: int64(64)}, "The first name must not be greater than 64 characters."},
		{specs.Violation{Field: "number", Keyword: "minLength", Limit: int64(2)}, "The number must be at least 2 characters."},
		{specs.Violation{Field: "hourpot", Keyword: "minimum", Limit: float64(0)}, "The hourpot must be at least 0."},
		{specs.Violation{Field: "taxreduction_percentage", Keyword: "maximum", Limit: 0.5}, "The taxreduction percentage must not be greater than 0.5."},
		{specs.Violation{Field: "references.0.name", Keyword: "required"}, "The references.0.name field is required."},
		{specs.Violation{Field: "status", Keyword: "enum", Limit: []any{"active"}}, "The selected status is invalid."},
		{specs.Violation{Field: "email", Keyword: "format", Limit: "email"}, "The email must be a valid email address."},
		{specs.Violation{Field: "www", Keyword: "format", Limit: "uri"}, "The www must be a valid URL."},
		{specs.Violation{Field: "number", Keyword: "pattern", Limit: "^[0-9]+$"}, "The number format is invalid."},
		{specs.Violation{Field: "first_name", Keyword: "nullable", Type: "string"}, "The first name must be a string."},
		{specs.Violation{Field: "has_hourpot", Keyword: "type", Limit: "boolean"}, "The has hourpot field must be true or false."},
		{specs.Violation{Field: "employee_id", Keyword: "type", Limit: "integer"}, "The employee id must be an integer."},
		{specs.Violation{Field: "references", Keyword: "type", Limit: "array"}, "The references must be an array."},
		{specs.Violation{Field: "page[size]", Keyword: "type", Limit: "integer"}, "The page[size] must be an integer."},
		{specs.Violation{Field: "comment", Keyword: "uniqueItems"}, "The comment is invalid."},
	} {
		c.v.In, c.v.Message = "body", nonsense
		if got := laravelText(c.v); got != c.want {
			t.Errorf("%s %s: %q, want %q", c.v.Field, c.v.Keyword, got, c.want)
		}
	}
	fe := bodyErrors([]specs.Violation{
		{In: "body", Keyword: "not", Message: nonsense},
		{In: "body", Field: "references.1", Keyword: "not", Message: nonsense},
	})
	if got := fe["secondary_email"]; len(got) != 1 || got[0] != msgSecondaryEmailRequired {
		t.Errorf("root not: %q", got)
	}
	if got := fe["references.1.id"]; len(got) != 1 || got[0] != "The references.1.id field is prohibited." {
		t.Errorf("reference not: %q", got)
	}
}
