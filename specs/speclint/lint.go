package speclint

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"go.yaml.in/yaml/v3"

	"github.com/vendorctl/vendorctl/specs"
)

// The rules of Lint and CheckChangelog. A spec passes when it breaks none of them; each Issue names
// the rule it breaks.
const (
	// RuleOperationID: every operation has an operationId.
	RuleOperationID = "operation-id"
	// RuleOperationSummary: every operation has a summary.
	RuleOperationSummary = "operation-summary"
	// RuleOperationSecurity: every operation has a security requirement, its own or the document's. An
	// operation open to anonymous callers (`security: []`, or an empty requirement `{}`) must be an OAuth
	// token endpoint or say why in an x-doc-note that mentions auth, security, credentials, tokens or keys.
	RuleOperationSecurity = "operation-security"
	// RuleResponseSuccess: every operation documents a 2xx response.
	RuleResponseSuccess = "response-2xx"
	// RuleResponseClientError: every operation documents a 4xx response.
	RuleResponseClientError = "response-4xx"
	// RuleResponseExample: every media type of every response that has a body has an example (example or
	// examples).
	RuleResponseExample = "response-example"
	// RuleStringMaxLength: every string schema (a property, a parameter, a header, an array's items) that
	// is not an enum, is not pattern-constrained and has no self-limiting format (date, date-time, email,
	// uuid) has a maxLength, or states that the vendor's doc gives no limit: its x-doc-note or description
	// (or that of the parameter, header, array or object that holds it) says so, with "no" and "limit"
	// in one sentence ("The doc gives no length limit.", "No limits are documented.").
	RuleStringMaxLength = "string-max-length"
	// RuleUnusedComponent: every component (schemas, responses, parameters, examples, requestBodies,
	// headers, securitySchemes) is reachable from the paths or the security requirements.
	RuleUnusedComponent = "unused-component"
	// RuleChangelogVersion: the newest (first) "## " heading of the CHANGELOG.md beside the spec names
	// info.version. (That info.version is set, Load already checks: kin-openapi rejects a spec without.)
	RuleChangelogVersion = "changelog-version"
	// RuleNoYAMLAnchor: the YAML text has no anchor (&name), alias (*name) or merge key (<<): other
	// OpenAPI tools reject them, so reuse goes through components and $ref.
	RuleNoYAMLAnchor = "no-yaml-anchor"
)

// Issue is one place where a spec breaks one of the project's authoring rules.
type Issue struct {
	// Rule is one of the Rule constants, e.g. "string-max-length".
	Rule string
	// Where names the place: "GET /clients", "GET /clients parameter filter[email]",
	// "components.schemas.Client.properties.name".
	Where   string
	Message string
}

func (i Issue) String() string { return i.Where + ": " + i.Message + " [" + i.Rule + "]" }

// Lint checks the spec against the authoring rules that kin-openapi's validation does not cover (see
// the Rule constants) and returns every issue, sorted by place.
func Lint(s *specs.Spec) []Issue {
	l := &linter{doc: s.Doc()}
	l.operations()
	l.walk()
	l.components()
	l.yamlAnchors(s.Source())
	sort.SliceStable(l.issues, func(i, j int) bool {
		a, b := l.issues[i], l.issues[j]
		if a.Where != b.Where {
			return a.Where < b.Where
		}
		return a.Rule < b.Rule
	})
	return l.issues
}

type linter struct {
	doc    *openapi3.T
	issues []Issue
}

func (l *linter) add(rule, where, format string, args ...any) {
	l.issues = append(l.issues, Issue{Rule: rule, Where: where, Message: fmt.Sprintf(format, args...)})
}

// operation is one operation of the document with its path and method.
type operation struct {
	path, method string
	op           *openapi3.Operation
}

func (o operation) where() string { return o.method + " " + o.path }

func (l *linter) eachOperation() []operation {
	var ops []operation
	if l.doc.Paths == nil {
		return nil
	}
	paths := l.doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		item := l.doc.Paths.Value(p)
		methods := make([]string, 0, 8)
		for m := range item.Operations() {
			methods = append(methods, m)
		}
		sort.Strings(methods)
		for _, m := range methods {
			ops = append(ops, operation{path: p, method: m, op: item.GetOperation(m)})
		}
	}
	return ops
}

var authWords = regexp.MustCompile(`(?i)auth|secur|credential|token|api[- ]?key|anonym|public`)

func (l *linter) operations() {
	for _, o := range l.eachOperation() {
		op, where := o.op, o.where()
		if strings.TrimSpace(op.OperationID) == "" {
			l.add(RuleOperationID, where, "operation has no operationId")
		}
		if strings.TrimSpace(op.Summary) == "" {
			l.add(RuleOperationSummary, where, "operation has no summary")
		}
		l.security(o)
		l.responses(o)
	}
}

func (l *linter) security(o operation) {
	reqs := l.doc.Security
	if o.op.Security != nil {
		reqs = *o.op.Security
	}
	anonymous := len(reqs) == 0
	for _, r := range reqs {
		if len(r) == 0 {
			anonymous = true
		}
	}
	if !anonymous {
		return
	}
	if o.op.Security == nil {
		l.add(RuleOperationSecurity, o.where(), "operation has no security requirement, and neither has the document")
		return
	}
	if l.isTokenEndpoint(o) {
		return
	}
	if note := docNote(o.op.Extensions); authWords.MatchString(note) {
		return
	}
	l.add(RuleOperationSecurity, o.where(), "operation is open to anonymous callers without an x-doc-note saying why (an OAuth token endpoint is exempt)")
}

// isTokenEndpoint reports whether the operation is the tokenUrl of an OAuth flow of the spec, or takes
// an OAuth grant_type in its request body.
func (l *linter) isTokenEndpoint(o operation) bool {
	base := ""
	if len(l.doc.Servers) > 0 {
		base = strings.TrimSuffix(l.doc.Servers[0].URL, "/")
	}
	for _, ref := range l.doc.Components.SecuritySchemes {
		if ref == nil || ref.Value == nil || ref.Value.Flows == nil {
			continue
		}
		f := ref.Value.Flows
		for _, flow := range []*openapi3.OAuthFlow{f.ClientCredentials, f.AuthorizationCode, f.Password, f.Implicit} {
			if flow == nil || flow.TokenURL == "" {
				continue
			}
			if flow.TokenURL == base+o.path || flow.TokenURL == o.path {
				return true
			}
			if u, err := url.Parse(flow.TokenURL); err == nil && !u.IsAbs() && u.Path == o.path {
				return true
			}
		}
	}
	if o.op.RequestBody != nil && o.op.RequestBody.Value != nil {
		for _, mt := range o.op.RequestBody.Value.Content {
			if mt.Schema != nil && mt.Schema.Value != nil && mt.Schema.Value.Properties["grant_type"] != nil {
				return true
			}
		}
	}
	return false
}

func (l *linter) responses(o operation) {
	var ok2xx, ok4xx bool
	if o.op.Responses == nil {
		l.add(RuleResponseSuccess, o.where(), "operation has no responses")
		return
	}
	codes := make([]string, 0, o.op.Responses.Len())
	for code := range o.op.Responses.Map() {
		codes = append(codes, code)
	}
	sort.Strings(codes)
	for _, code := range codes {
		switch {
		case strings.HasPrefix(code, "2"):
			ok2xx = true
		case strings.HasPrefix(code, "4"):
			ok4xx = true
		}
	}
	if !ok2xx {
		l.add(RuleResponseSuccess, o.where(), "operation documents no 2xx response")
	}
	if !ok4xx {
		l.add(RuleResponseClientError, o.where(), "operation documents no 4xx response")
	}
}

// noLimit is what a note says when the vendor's doc gives no length limit for a string: "no" and
// "limit" (or "limits") in one sentence, a few words apart ("The doc gives no length limit", "No limits
// are documented").
var noLimit = regexp.MustCompile(`(?i)\bno\b[^.;:]{0,40}\blimits?\b`)

var selfLimitingFormats = map[string]bool{"date": true, "date-time": true, "email": true, "uuid": true}

// walk visits every response and schema once: the component schemas, parameters, headers, responses
// and request bodies under their component names, and what is inline in the operations under the
// operation. A $ref is not followed (its target is visited as a component). It checks the examples of
// the responses and the string schemas.
func (l *linter) walk() {
	c := l.doc.Components
	if c != nil {
		for _, name := range sortedKeys(c.Schemas) {
			l.schema(c.Schemas[name], "components.schemas."+name, nil)
		}
		for _, name := range sortedKeys(c.Parameters) {
			l.parameter(c.Parameters[name], "components.parameters."+name)
		}
		for _, name := range sortedKeys(c.Headers) {
			l.header(c.Headers[name], "components.headers."+name)
		}
		for _, name := range sortedKeys(c.Responses) {
			l.response(c.Responses[name], "components.responses."+name)
		}
		for _, name := range sortedKeys(c.RequestBodies) {
			if rb := c.RequestBodies[name]; rb != nil && rb.Ref == "" && rb.Value != nil {
				l.content(rb.Value.Content, "components.requestBodies."+name)
			}
		}
	}
	if l.doc.Paths == nil {
		return
	}
	paths := l.doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	for _, p := range paths {
		for _, pref := range l.doc.Paths.Value(p).Parameters {
			l.parameter(pref, p)
		}
	}
	for _, o := range l.eachOperation() {
		where := o.where()
		for _, pref := range o.op.Parameters {
			l.parameter(pref, where)
		}
		if rb := o.op.RequestBody; rb != nil && rb.Ref == "" && rb.Value != nil {
			l.content(rb.Value.Content, where+" request")
		}
		if o.op.Responses != nil {
			for _, code := range sortedKeys(o.op.Responses.Map()) {
				l.response(o.op.Responses.Value(code), where+" response "+code)
			}
		}
	}
}

func (l *linter) parameter(ref *openapi3.ParameterRef, where string) {
	if ref == nil || ref.Ref != "" || ref.Value == nil {
		return
	}
	p := ref.Value
	if !strings.HasPrefix(where, "components.") {
		where += " parameter " + p.Name
	}
	l.schema(p.Schema, where, []string{p.Description, docNote(p.Extensions)})
}

func (l *linter) header(ref *openapi3.HeaderRef, where string) {
	if ref == nil || ref.Ref != "" || ref.Value == nil {
		return
	}
	h := ref.Value
	l.schema(h.Schema, where, []string{h.Description, docNote(h.Extensions)})
}

func (l *linter) response(ref *openapi3.ResponseRef, where string) {
	if ref == nil || ref.Ref != "" || ref.Value == nil {
		return
	}
	for _, name := range sortedKeys(ref.Value.Headers) {
		l.header(ref.Value.Headers[name], where+" header "+name)
	}
	for _, ct := range sortedKeys(ref.Value.Content) {
		if mt := ref.Value.Content[ct]; mt == nil || mt.Example == nil && len(mt.Examples) == 0 {
			l.add(RuleResponseExample, where+" "+ct, "response body has no example")
		}
	}
	l.content(ref.Value.Content, where)
}

func (l *linter) content(content openapi3.Content, where string) {
	for _, ct := range sortedKeys(content) {
		if mt := content[ct]; mt != nil {
			l.schema(mt.Schema, where+" "+ct, nil)
		}
	}
}

// schema checks a string schema and walks into the members of a composite one. notes are the texts of
// what holds the schema (parameter, header, array, object), which may say that there is no limit.
func (l *linter) schema(ref *openapi3.SchemaRef, where string, notes []string) {
	if ref == nil || ref.Ref != "" || ref.Value == nil {
		return
	}
	s := ref.Value
	own := append(append([]string(nil), notes...), s.Description, docNote(s.Extensions))
	if s.Type != nil && s.Type.Includes(openapi3.TypeString) && s.MaxLength == nil && len(s.Enum) == 0 &&
		s.Pattern == "" && !selfLimitingFormats[s.Format] && !anyMatch(noLimit, own) {
		l.add(RuleStringMaxLength, where, "string has no maxLength; give the doc's limit, or say in an x-doc-note that the doc gives no limit")
	}
	for _, name := range sortedKeys(s.Properties) {
		// An object's notes cover its properties; the notes of what holds the object do not.
		l.schema(s.Properties[name], where+".properties."+name, []string{s.Description, docNote(s.Extensions)})
	}
	if s.Items != nil {
		l.schema(s.Items, where+".items", own)
	}
	if s.AdditionalProperties.Schema != nil {
		l.schema(s.AdditionalProperties.Schema, where+".additionalProperties", own)
	}
	for kind, members := range map[string]openapi3.SchemaRefs{"allOf": s.AllOf, "anyOf": s.AnyOf, "oneOf": s.OneOf} {
		for i, m := range members {
			l.schema(m, fmt.Sprintf("%s.%s.%d", where, kind, i), own)
		}
	}
	if s.Not != nil {
		l.schema(s.Not, where+".not", own)
	}
}

// components reports every component that nothing reachable from the paths or the security
// requirements refers to.
func (l *linter) components() {
	c := l.doc.Components
	if c == nil {
		return
	}
	tree, err := toTree(l.doc)
	if err != nil {
		l.add(RuleUnusedComponent, "components", "cannot walk the document: %v", err)
		return
	}
	root, _ := tree.(map[string]any)
	comps, _ := root["components"].(map[string]any)
	used := map[string]bool{}
	var queue []any
	queue = append(queue, root["paths"], root["webhooks"])
	mark := func(ref string) {
		const prefix = "#/components/"
		if !strings.HasPrefix(ref, prefix) || used[ref] {
			return
		}
		used[ref] = true
		kind, name, ok := strings.Cut(strings.TrimPrefix(ref, prefix), "/")
		if !ok {
			return
		}
		if group, ok := comps[kind].(map[string]any); ok {
			queue = append(queue, group[unescapePointer(name)])
		}
	}
	for len(queue) > 0 {
		node := queue[0]
		queue = queue[1:]
		walkRefs(node, mark)
	}
	// Security schemes are referred to by name from the security requirements.
	reqs := append(openapi3.SecurityRequirements(nil), l.doc.Security...)
	for _, o := range l.eachOperation() {
		if o.op.Security != nil {
			reqs = append(reqs, *o.op.Security...)
		}
	}
	for _, r := range reqs {
		for name := range r {
			used["#/components/securitySchemes/"+name] = true
		}
	}
	groups := map[string][]string{
		"schemas":         sortedKeys(c.Schemas),
		"responses":       sortedKeys(c.Responses),
		"parameters":      sortedKeys(c.Parameters),
		"examples":        sortedKeys(c.Examples),
		"requestBodies":   sortedKeys(c.RequestBodies),
		"headers":         sortedKeys(c.Headers),
		"securitySchemes": sortedKeys(c.SecuritySchemes),
		"links":           sortedKeys(c.Links),
		"callbacks":       sortedKeys(c.Callbacks),
	}
	for _, kind := range sortedKeys(groups) {
		for _, name := range groups[kind] {
			if !used["#/components/"+kind+"/"+escapePointer(name)] {
				l.add(RuleUnusedComponent, "components."+kind+"."+name, "component is not used by any operation")
			}
		}
	}
}

// walkRefs calls mark for every $ref and every discriminator mapping target under node.
func walkRefs(node any, mark func(string)) {
	switch n := node.(type) {
	case map[string]any:
		if ref, ok := n["$ref"].(string); ok {
			mark(ref)
		}
		if d, ok := n["discriminator"].(map[string]any); ok {
			if mapping, ok := d["mapping"].(map[string]any); ok {
				for _, target := range mapping {
					if s, ok := target.(string); ok {
						mark(s)
					}
				}
			}
		}
		for _, v := range n {
			walkRefs(v, mark)
		}
	case []any:
		for _, v := range n {
			walkRefs(v, mark)
		}
	}
}

// toTree turns the document into plain maps and slices, with its $refs as written.
func toTree(doc *openapi3.T) (any, error) {
	raw, err := json.Marshal(doc)
	if err != nil {
		return nil, err
	}
	var tree any
	if err := json.Unmarshal(raw, &tree); err != nil {
		return nil, err
	}
	return tree, nil
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

func unescapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~1", "/"), "~0", "~")
}

func docNote(ext map[string]any) string {
	if s, ok := ext["x-doc-note"].(string); ok {
		return s
	}
	return ""
}

func anyMatch(re *regexp.Regexp, texts []string) bool {
	for _, t := range texts {
		if re.MatchString(t) {
			return true
		}
	}
	return false
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// yamlAnchors reports every anchor, alias and merge key of the YAML text (nothing for JSON or text that
// does not parse: Load has already parsed it).
func (l *linter) yamlAnchors(source []byte) {
	var root yaml.Node
	if len(source) == 0 || yaml.Unmarshal(source, &root) != nil {
		return
	}
	var visit func(n *yaml.Node)
	visit = func(n *yaml.Node) {
		where := fmt.Sprintf("line %d", n.Line)
		switch {
		case n.Kind == yaml.AliasNode:
			l.add(RuleNoYAMLAnchor, where, "YAML alias *%s: reuse through components and $ref", n.Value)
		case n.Anchor != "":
			l.add(RuleNoYAMLAnchor, where, "YAML anchor &%s: reuse through components and $ref", n.Anchor)
		}
		for i, c := range n.Content {
			if n.Kind == yaml.MappingNode && i%2 == 0 && c.Kind == yaml.ScalarNode && c.Tag == "!!merge" {
				l.add(RuleNoYAMLAnchor, fmt.Sprintf("line %d", c.Line), "YAML merge key <<: write the keys out, or reuse through $ref")
			}
			visit(c)
		}
	}
	visit(&root)
}

// CheckChangelog checks the text of the CHANGELOG.md beside a spec: its newest (first) "## " heading
// must name version, as a word ("## 1.2.0 — ...", "## [1.2.0]", "## v1.2.0").
func CheckChangelog(changelog []byte, version string) []Issue {
	heading := ""
	sc := bufio.NewScanner(bytes.NewReader(changelog))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "## ") {
			heading = strings.TrimSpace(strings.TrimPrefix(line, "## "))
			break
		}
	}
	switch {
	case heading == "":
		return []Issue{{Rule: RuleChangelogVersion, Where: "CHANGELOG.md", Message: "no '## VERSION' heading"}}
	case version == "":
		return []Issue{{Rule: RuleChangelogVersion, Where: "CHANGELOG.md", Message: "the spec has no info.version to compare with"}}
	}
	words := strings.FieldsFunc(heading, func(r rune) bool {
		return !(r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || strings.ContainsRune(".-+", r))
	})
	for _, w := range words {
		if strings.TrimPrefix(w, "v") == strings.TrimPrefix(version, "v") {
			return nil
		}
	}
	return []Issue{{Rule: RuleChangelogVersion, Where: "CHANGELOG.md",
		Message: fmt.Sprintf("the newest heading %q does not name info.version %s", "## "+heading, version)}}
}
