package mockserver

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

// Drift kinds: a response that deliberately violates the spec.
const (
	DriftMissingRequired = "missing-required"
	DriftWrongType       = "wrong-type"
	DriftExtraField      = "extra-field"
)

// Rule is one fault injection rule. Every field but API is optional.
type Rule struct {
	// ID is assigned when the rule is added.
	ID int `json:"id"`
	// API is the vendor the rule applies to.
	API string `json:"api"`
	// OperationID narrows the rule to one operation.
	OperationID string `json:"operationId,omitempty"`
	// Probability that a matching request is hit, 0 < p <= 1 (default 1).
	Probability float64 `json:"probability,omitempty"`
	// LatencyMS delays the answer; LatencyJitterMS adds up to that much more, at random.
	LatencyMS       int `json:"latencyMs,omitempty"`
	LatencyJitterMS int `json:"latencyJitterMs,omitempty"`
	// Status answers with this status in the vendor's error shape instead of calling the handler.
	Status int `json:"status,omitempty"`
	// RetryAfter is the Retry-After (seconds) of a 429 or 503 status (default 1 for 429).
	RetryAfter int `json:"retryAfter,omitempty"`
	// Reset closes the connection without an answer.
	Reset bool `json:"reset,omitempty"`
	// Truncate sends the headers and part of the body, then closes the connection.
	Truncate bool `json:"truncate,omitempty"`
	// Drift sends a response that violates the spec: missing-required, wrong-type or extra-field.
	Drift string `json:"drift,omitempty"`
}

// Validate checks a rule for the known APIs (nil: any API name).
func (r *Rule) Validate(knownAPIs []string) error {
	var errs []error
	if r.API == "" {
		errs = append(errs, errors.New("api is required"))
	} else if knownAPIs != nil && !slices.Contains(knownAPIs, r.API) {
		errs = append(errs, fmt.Errorf("unknown api %q (known: %v)", r.API, knownAPIs))
	}
	if r.Probability < 0 || r.Probability > 1 {
		errs = append(errs, errors.New("probability must be between 0 and 1"))
	}
	if r.LatencyMS < 0 || r.LatencyJitterMS < 0 || r.LatencyMS+r.LatencyJitterMS > 60_000 {
		errs = append(errs, errors.New("latencyMs and latencyJitterMs must be between 0 and 60000 in all"))
	}
	if r.Status != 0 && (r.Status < 400 || r.Status > 599) {
		errs = append(errs, fmt.Errorf("status %d is not an error status: want 400 to 599", r.Status))
	}
	if r.RetryAfter < 0 {
		errs = append(errs, errors.New("retryAfter must not be negative"))
	}
	switch r.Drift {
	case "", DriftMissingRequired, DriftWrongType, DriftExtraField:
	default:
		errs = append(errs, fmt.Errorf("drift must be %s, %s or %s", DriftMissingRequired, DriftWrongType, DriftExtraField))
	}
	actions := 0
	for _, on := range []bool{r.Status != 0, r.Reset, r.Truncate, r.Drift != ""} {
		if on {
			actions++
		}
	}
	if actions > 1 {
		errs = append(errs, errors.New("choose one of status, reset, truncate and drift"))
	}
	if actions == 0 && r.LatencyMS == 0 && r.LatencyJitterMS == 0 {
		errs = append(errs, errors.New("the rule does nothing: set latencyMs, status, reset, truncate or drift"))
	}
	return errors.Join(errs...)
}

// ShapesAnswer reports whether the rule writes the answer (a status or a drift) instead of the mock,
// so that the answer's violations are the rule's doing; a latency-only rule (or none) leaves the
// mock's own answer.
func (r *Rule) ShapesAnswer() bool {
	return r != nil && (r.Status != 0 || r.Drift != "")
}

// Name names the rule in the journal and in its fault answers: its id, api and operationId.
func (r *Rule) Name() string {
	if r.OperationID != "" {
		return fmt.Sprintf("#%d %s/%s", r.ID, r.API, r.OperationID)
	}
	return fmt.Sprintf("#%d %s", r.ID, r.API)
}

// Faults holds the fault rules of a server, safe for concurrent use. Probabilities draw from a
// generator seeded once, so a seed makes a run repeatable.
type Faults struct {
	mu     sync.Mutex
	rules  []Rule
	lastID int
	rng    *rand.Rand
	// operations are the operationIds of each API a rule may name (AddTarget), sorted.
	operations map[string][]string
}

// AddTarget tells the rules the operationIds of an API, so that a rule naming another operation of
// it is refused. NewAPI does it for every API built with these faults; an API never added takes any
// operationId.
func (f *Faults) AddTarget(api string, operationIDs []string) {
	ids := slices.Clone(operationIDs)
	slices.Sort(ids)
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.operations == nil {
		f.operations = map[string][]string{}
	}
	f.operations[api] = slices.Compact(ids)
}

// Check validates a rule for the known APIs (nil: any API name) and the operations AddTarget gave.
func (f *Faults) Check(r Rule, knownAPIs []string) error {
	err := r.Validate(knownAPIs)
	if r.OperationID == "" {
		return err
	}
	f.mu.Lock()
	ids, ok := f.operations[r.API]
	f.mu.Unlock()
	if ok && !slices.Contains(ids, r.OperationID) {
		err = errors.Join(err, fmt.Errorf("unknown operationId %q of %s (its operationIds: %s)", r.OperationID, r.API, strings.Join(ids, ", ")))
	}
	return err
}

// NewFaults returns an empty rule set; seed 0 picks a random seed.
func NewFaults(seed uint64) *Faults {
	if seed == 0 {
		seed = rand.Uint64()
	}
	return &Faults{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Add checks (see Check) and adds a rule, returning it with its ID.
func (f *Faults) Add(r Rule, knownAPIs []string) (Rule, error) {
	if err := f.Check(r, knownAPIs); err != nil {
		return Rule{}, err
	}
	if r.Probability == 0 {
		r.Probability = 1
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastID++
	r.ID = f.lastID
	f.rules = append(f.rules, r)
	return r, nil
}

// Rules returns the rules in the order they were added.
func (f *Faults) Rules() []Rule {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.rules)
}

// Clear removes every rule.
func (f *Faults) Clear() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.rules = nil
}

// Remove removes the rule with id; it reports whether there was one.
func (f *Faults) Remove(id int) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.rules)
	f.rules = slices.DeleteFunc(f.rules, func(r Rule) bool { return r.ID == id })
	return len(f.rules) < n
}

// RemoveAPI removes every rule of api and returns how many there were.
func (f *Faults) RemoveAPI(api string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := len(f.rules)
	f.rules = slices.DeleteFunc(f.rules, func(r Rule) bool { return r.API == api })
	return n - len(f.rules)
}

// Operations are the operationIds a rule may name, by API (the APIs AddTarget was given), sorted.
func (f *Faults) Operations() map[string][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make(map[string][]string, len(f.operations))
	for api, ids := range f.operations {
		out[api] = slices.Clone(ids)
	}
	return out
}

// Match returns the first rule for api/operationID that fires this time, with its latency drawn.
func (f *Faults) Match(api, operationID string) (*Rule, time.Duration) {
	if f == nil {
		return nil, 0
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.rules {
		r := &f.rules[i]
		if r.API != api || (r.OperationID != "" && r.OperationID != operationID) {
			continue
		}
		if r.Probability < 1 && f.rng.Float64() >= r.Probability {
			continue
		}
		delay := time.Duration(r.LatencyMS) * time.Millisecond
		if r.LatencyJitterMS > 0 {
			delay += time.Duration(f.rng.IntN(r.LatencyJitterMS+1)) * time.Millisecond
		}
		rule := *r
		return &rule, delay
	}
	return nil, 0
}

// LoadRules reads a JSON array of rules from a file, as strictly as POST /__admin/faults: no unknown
// key, nothing after the array.
func LoadRules(path string) ([]Rule, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read fault rules: %w", err)
	}
	var rules []Rule
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err = dec.Decode(&rules)
	if err == nil {
		err = nothingAfter(dec)
	}
	if err != nil {
		return nil, fmt.Errorf("decode fault rules %s: %w", path, err)
	}
	return rules, nil
}
