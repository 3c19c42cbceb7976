package site

import (
	"regexp"
	"regexp/syntax"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// maxPatternExample bounds the length of a string made up for a pattern.
const maxPatternExample = 64

// patternCache remembers the strings made up for patterns, which the
// versions of a schema repeat. It is safe for concurrent use.
type patternCache struct {
	mu sync.Mutex
	m  map[string]patternResult
}

type patternResult struct {
	s  string
	ok bool
}

// example returns patternExample's string, made up once per pattern and
// bounds.
func (c *patternCache) example(pattern string, minLen, maxLen int) (string, bool) {
	key := strconv.Itoa(minLen) + " " + strconv.Itoa(maxLen) + " " + pattern
	c.mu.Lock()
	r, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return r.s, r.ok
	}
	r.s, r.ok = patternExample(pattern, minLen, maxLen)
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]patternResult{}
	}
	c.m[key] = r
	c.mu.Unlock()
	return r.s, r.ok
}

// patternExample makes up a short string that matches a pattern and the
// length bounds (maxLen < 0: none). It takes the first alternative, the
// fewest repetitions and a plain character of each class; when that is too
// short it repeats more. ok is false when no string it tries fits.
func patternExample(pattern string, minLen, maxLen int) (string, bool) {
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return "", false
	}
	matcher, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	re = re.Simplify()
	for _, reps := range []int{0, 1, max(minLen, 2)} {
		var b strings.Builder
		if !writeMatch(&b, re, reps) {
			continue
		}
		s := b.String()
		n := utf8.RuneCountInString(s)
		if n < minLen || maxLen >= 0 && n > maxLen || n > maxPatternExample || !matcher.MatchString(s) {
			continue
		}
		return s, true
	}
	return "", false
}

// writeMatch writes a string re matches, repeating an open-ended repetition
// reps times beyond its minimum; false when re matches nothing it can write.
func writeMatch(b *strings.Builder, re *syntax.Regexp, reps int) bool {
	if b.Len() > maxPatternExample*4 {
		return false
	}
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		b.WriteString(string(re.Rune))
		return true
	case syntax.OpCharClass:
		r, ok := pickRune(re.Rune)
		if ok {
			b.WriteRune(r)
		}
		return ok
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		b.WriteByte('x')
		return true
	case syntax.OpCapture:
		return writeMatch(b, re.Sub[0], reps)
	case syntax.OpStar, syntax.OpQuest:
		n := reps
		if re.Op == syntax.OpQuest {
			n = min(reps, 1)
		}
		for range n {
			if !writeMatch(b, re.Sub[0], reps) {
				return false
			}
		}
		return true
	case syntax.OpPlus:
		for range 1 + reps {
			if !writeMatch(b, re.Sub[0], reps) {
				return false
			}
		}
		return true
	case syntax.OpRepeat:
		n := re.Min
		if re.Max < 0 || re.Max > re.Min {
			n += reps
			if re.Max >= 0 {
				n = min(n, re.Max)
			}
		}
		for range n {
			if !writeMatch(b, re.Sub[0], reps) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		for _, sub := range re.Sub {
			if !writeMatch(b, sub, reps) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		return len(re.Sub) > 0 && writeMatch(b, re.Sub[0], reps)
	}
	return false
}

// pickRune picks a plain character of a class given as ranges: an upper-case
// letter, a lower-case letter or a digit when the class has one.
func pickRune(ranges []rune) (rune, bool) {
	for _, want := range []rune{'A', 'a', '0'} {
		for i := 0; i+1 < len(ranges); i += 2 {
			if ranges[i] <= want && want <= ranges[i+1] {
				return want, true
			}
		}
	}
	for i := 0; i+1 < len(ranges); i += 2 {
		lo := max(ranges[i], ' '+1)
		if lo <= ranges[i+1] && lo < utf8.MaxRune {
			return lo, true
		}
	}
	return 0, false
}
