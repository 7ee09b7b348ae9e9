package casegen

import (
	"regexp/syntax"
	"strings"
)

// maxRepeat caps the repetitions of an unbounded * or + in a pattern.
const maxRepeat = 6

// fromPattern draws a string that the regular expression pattern matches (anchors are honoured by
// generating from the start to the end).
func fromPattern(src *Source, pattern string) (string, error) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	emit(src, re.Simplify(), &b)
	return b.String(), nil
}

func emit(src *Source, re *syntax.Regexp, b *strings.Builder) {
	switch re.Op {
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
	case syntax.OpCharClass:
		b.WriteRune(classRune(src, re.Rune))
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteString(alphabet[src.Intn(len(alphabet)-1)])
	case syntax.OpCapture:
		emit(src, re.Sub[0], b)
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			emit(src, sub, b)
		}
	case syntax.OpAlternate:
		emit(src, re.Sub[src.Intn(len(re.Sub))], b)
	case syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat:
		lo, hi := repeatRange(re)
		for range lo + src.Intn(hi-lo+1) {
			emit(src, re.Sub[0], b)
		}
	}
}

func repeatRange(re *syntax.Regexp) (lo, hi int) {
	switch re.Op {
	case syntax.OpStar:
		return 0, maxRepeat
	case syntax.OpPlus:
		return 1, maxRepeat
	case syntax.OpQuest:
		return 0, 1
	}
	hi = re.Max
	if hi < 0 {
		hi = re.Min + maxRepeat
	}
	return re.Min, hi
}

// classRune draws a rune of a character class given as pairs of range ends.
func classRune(src *Source, ranges []rune) rune {
	if len(ranges) < 2 {
		return 'a'
	}
	i := 2 * src.Intn(len(ranges)/2)
	lo, hi := ranges[i], ranges[i+1]
	if hi-lo > 0xff { // a negated class: stay in printable ASCII when it allows it
		if lo <= 'a' && 'z' <= hi {
			lo, hi = 'a', 'z'
		}
	}
	return lo + rune(src.Intn(int(hi-lo)+1))
}
