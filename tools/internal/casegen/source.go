// Package casegen generates test cases from OpenAPI schemas for conform's generative phase: values
// valid under a schema (positive), values that break exactly one of its constraints (negative), whole
// requests of an operation built from either, and the steps of stateful sequences along the spec's
// links. Every case is drawn from a Source, a recorded sequence of choices; shrinking a failing case is
// shrinking its choices (shorter, then smaller), so a failure is reported at its smallest.
//
// Scope: the schema features the vendors' specs use (types, formats, enums, ranges, lengths,
// patterns, required, nullable, allOf/oneOf/anyOf/not, discriminators, arrays, nested objects) and the
// runtime expressions of OpenAPI links that point into a request or a response.
//
// Non-goals: validating what it generates (the caller checks every case with the specs package and
// discards what does not fit), sending requests, and any knowledge of a vendor.
package casegen

import (
	"errors"
	"math/rand/v2"
	"time"
)

// Source yields the choices a generator makes. A fresh Source draws them from a seeded PRNG; a replay
// Source reads them from a recorded list (past its end every choice is 0, the simplest). Generators map
// choice 0 to their simplest value: the minimum length, the first enum member, an optional field left
// out.
type Source struct {
	rng    *rand.Rand // nil: replay
	replay []uint64
	pos    int
	record []uint64
	// limit caps the choices of one case (zero: 4096); past it every choice is 0, so generation ends.
	limit int
}

// NewSource returns a Source seeded with seed: the same seed draws the same choices.
func NewSource(seed uint64) *Source {
	return &Source{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Replay returns a Source that makes the recorded choices again.
func Replay(choices []uint64) *Source { return &Source{replay: choices} }

// Choices are the choices drawn so far.
func (s *Source) Choices() []uint64 { return append([]uint64(nil), s.record...) }

// Draw returns a choice in [0, n); 0 when n is 0.
func (s *Source) Draw(n uint64) uint64 {
	return s.pick(n, func() uint64 { return s.rng.Uint64N(n) })
}

// DrawAs is Draw whose fresh value is want (a biased choice: the edge of a range). A replay reads the
// recorded value, so shrinking lowers it like any other.
func (s *Source) DrawAs(n, want uint64) uint64 {
	return s.pick(n, func() uint64 { return min(want, n-1) })
}

// DrawNear is Draw whose fresh value is below near.
func (s *Source) DrawNear(n, near uint64) uint64 {
	return s.pick(n, func() uint64 { return s.rng.Uint64N(min(n, near)) })
}

func (s *Source) pick(n uint64, fresh func() uint64) uint64 {
	limit := s.limit
	if limit == 0 {
		limit = 4096
	}
	var v uint64
	switch {
	case n == 0 || len(s.record) >= limit:
	case s.rng != nil:
		v = fresh()
	case s.pos < len(s.replay):
		v = s.replay[s.pos] % n
	}
	s.pos++
	s.record = append(s.record, v)
	return v
}

// Intn returns a choice in [0, n) as an int (n <= 0: 0).
func (s *Source) Intn(n int) int {
	if n <= 0 {
		s.Draw(0)
		return 0
	}
	return int(s.Draw(uint64(n)))
}

// Bool returns true with probability 1/n (choice 0 is false).
func (s *Source) Bool(n int) bool { return s.Intn(n) == n-1 && n > 1 }

// Outcome is what a property says of one case: Key "" passes; any other key is a failure, and
// shrinking keeps only smaller cases that fail with the same key.
type Outcome struct {
	Key string
	// Discard says the case tested nothing (a stateful case whose first step was refused): it counts as
	// discarded, not as a case.
	Discard bool
}

// ErrDiscard is returned by a case builder for choices that give no usable case (the caller's
// validation refused it); the engine draws again.
var ErrDiscard = errors.New("casegen: case discarded")

// Engine runs a property over generated cases and shrinks the first failure.
type Engine struct {
	// Seed makes a run repeat exactly.
	Seed uint64
	// MaxExamples is the number of cases to try (zero: 100).
	MaxExamples int
	// MaxDiscards caps the cases discarded in a row (zero: 10 × MaxExamples).
	MaxDiscards int
	// MaxShrinks caps the cases tried while shrinking (zero: 300).
	MaxShrinks int
	// Deadline stops generation, and shrinking, when passed (zero: none).
	Deadline time.Time
	// Now is the clock the deadline is read with (nil: time.Now).
	Now func() time.Time
	// OnCase is called after each case run (nil: nothing); it drives progress bars.
	OnCase func(n int)
}

// Result is the outcome of Engine.Run.
type Result[C any] struct {
	// Cases run, and discarded (their choices made no usable case).
	Cases, Discarded int
	// TimedOut says the deadline stopped the run.
	TimedOut bool
	// Failure is the smallest failing case found (nil: none failed), with its key and choices.
	Failure *Failure[C]
}

// Failure is a failing case after shrinking.
type Failure[C any] struct {
	Case    C
	Key     string
	Choices []uint64
	// Shrinks is the number of smaller cases tried.
	Shrinks int
}

func (e *Engine) now() time.Time {
	if e.Now != nil {
		return e.Now()
	}
	return time.Now()
}

func (e *Engine) expired() bool { return !e.Deadline.IsZero() && !e.now().Before(e.Deadline) }

// Run builds cases with build and checks each with prop until one fails (then shrinks it), the
// examples are used up or the deadline passes.
func Run[C any](e *Engine, build func(*Source) (C, error), prop func(C) Outcome) Result[C] {
	maxEx := e.MaxExamples
	if maxEx == 0 {
		maxEx = 100
	}
	maxDiscards := e.MaxDiscards
	if maxDiscards == 0 {
		maxDiscards = 10 * maxEx
	}
	var res Result[C]
	src := NewSource(e.Seed)
	inRow := 0
	for res.Cases < maxEx && inRow < maxDiscards {
		if e.expired() {
			res.TimedOut = true
			return res
		}
		src.record, src.pos = nil, 0
		c, err := build(src)
		if err != nil {
			res.Discarded++
			inRow++
			continue
		}
		out := prop(c)
		if out.Discard && out.Key == "" {
			res.Discarded++
			inRow++
			continue
		}
		inRow = 0
		res.Cases++
		if e.OnCase != nil {
			e.OnCase(res.Cases)
		}
		if out.Key != "" {
			res.Failure = shrink(e, &Failure[C]{Case: c, Key: out.Key, Choices: src.Choices()}, build, prop)
			return res
		}
	}
	return res
}
