package casegen

// shrink makes a failing case smaller: it deletes runs of choices, sets them to 0 and lowers each
// choice, keeping a change only when the case it makes still fails with the same key. It stops when a
// whole pass changes nothing, MaxShrinks cases were tried or the deadline passes.
func shrink[C any](e *Engine, f *Failure[C], build func(*Source) (C, error), prop func(C) Outcome) *Failure[C] {
	budget := e.MaxShrinks
	if budget == 0 {
		budget = 300
	}
	try := func(choices []uint64) bool {
		if f.Shrinks >= budget || e.expired() {
			return false
		}
		f.Shrinks++
		src := Replay(choices)
		c, err := build(src)
		if err != nil {
			return false
		}
		if prop(c).Key != f.Key {
			return false
		}
		used := src.Choices()
		if !smaller(used, f.Choices) {
			return false
		}
		f.Case, f.Choices = c, used
		return true
	}
	for improved := true; improved && f.Shrinks < budget && !e.expired(); {
		improved = zeroPass(f, try) || lowerPass(f, try) || deletePass(f, try)
	}
	return f
}

// smaller orders choice lists: shorter first, then lexicographically.
func smaller(a, b []uint64) bool {
	if len(a) != len(b) {
		return len(a) < len(b)
	}
	for i := range a {
		if a[i] != b[i] {
			return a[i] < b[i]
		}
	}
	return false
}

func deletePass[C any](f *Failure[C], try func([]uint64) bool) bool {
	improved := false
	for _, size := range []int{8, 4, 2, 1} {
		for i := 0; i+size <= len(f.Choices); {
			cand := append(append([]uint64(nil), f.Choices[:i]...), f.Choices[i+size:]...)
			if try(cand) {
				improved = true
				continue
			}
			i++
		}
	}
	return improved
}

func zeroPass[C any](f *Failure[C], try func([]uint64) bool) bool {
	improved := false
	for _, size := range []int{16, 4, 1} {
		for i := 0; i+size <= len(f.Choices); i++ {
			allZero := true
			cand := append([]uint64(nil), f.Choices...)
			for j := i; j < i+size; j++ {
				allZero = allZero && cand[j] == 0
				cand[j] = 0
			}
			if !allZero && try(cand) {
				improved = true
			}
		}
	}
	return improved
}

// lowerPass lowers each choice by binary search toward 0.
func lowerPass[C any](f *Failure[C], try func([]uint64) bool) bool {
	improved := false
	for i := 0; i < len(f.Choices); i++ {
		lo, hi := uint64(0), f.Choices[i]
		for lo < hi {
			mid := lo + (hi-lo)/2
			if i >= len(f.Choices) {
				break
			}
			cand := append([]uint64(nil), f.Choices...)
			cand[i] = mid
			if try(cand) {
				improved = true
				hi = mid
				if i >= len(f.Choices) || f.Choices[i] != mid {
					break
				}
			} else {
				lo = mid + 1
			}
		}
	}
	return improved
}
