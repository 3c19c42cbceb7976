package compat

import "regexp/syntax"

// Keywords that constrain nothing are read as absent, so that writing them
// or not is no change: a pattern every string matches, and the item schema
// of an array written as a tuple and a rest that say the same.

// maxVacuousPattern bounds the patterns inspected; a longer one is taken
// to constrain.
const maxVacuousPattern = 256

// matchesEverything reports whether every string matches pattern under
// ECMA-262's search semantics ("" and ".*" and unanchored "a*" do): the
// pattern matches the empty string and holds no assertion, so it matches
// the empty prefix of any string. A pattern Go cannot parse constrains.
func matchesEverything(pattern string) bool {
	if len(pattern) > maxVacuousPattern {
		return false
	}
	re, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return false
	}
	return !hasAssertion(re) && matchesEmpty(re)
}

func hasAssertion(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, s := range re.Sub {
		if hasAssertion(s) {
			return true
		}
	}
	return false
}

// matchesEmpty reports whether re, free of assertions, matches "".
func matchesEmpty(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpStar, syntax.OpQuest:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 0
	case syntax.OpCapture, syntax.OpPlus:
		return matchesEmpty(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min == 0 || matchesEmpty(re.Sub[0])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if !matchesEmpty(s) {
				return false
			}
		}
		return true
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if matchesEmpty(s) {
				return true
			}
		}
	}
	return false
}

// constrainingPattern returns the pattern keyword of m, nil when it is
// absent or matches every string.
func constrainingPattern(m map[string]any) *string {
	p := stringKeyword(m, "pattern")
	if p != nil && matchesEverything(*p) {
		return nil
	}
	return p
}

// tupleView reads an array schema whose items is one schema as the tuple
// form of like: that schema at each of like's positions, and for the rest.
// {"items": S} and {"items": [S], "additionalItems": S} accept the same
// arrays, and are compared as such.
func tupleView(n, like *snode) *snode {
	if len(n.prefix) > 0 || len(like.prefix) == 0 || n.items == nil || n.addItems != nil {
		return n
	}
	v := *n
	a := *n.arrayPart
	a.prefix = make([]*snode, len(like.prefix))
	for i := range a.prefix {
		a.prefix[i] = n.items
	}
	a.prefixKw = like.prefixKw
	a.addItems, a.addItemsKw = n.items, "additionalItems"
	if like.addItemsKw != "" {
		a.addItemsKw = like.addItemsKw
	}
	a.items = nil
	v.arrayPart = &a
	return &v
}
