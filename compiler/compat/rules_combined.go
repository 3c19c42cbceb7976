package compat

import "sort"

// indexed is a subschema with its position in its allOf, anyOf or oneOf.
type indexed struct {
	n *snode
	i int
}

// dedupe drops subschemas equal to an earlier one: allOf [a, a] is allOf [a].
func dedupe(subs []*snode) []indexed {
	out := make([]indexed, 0, len(subs))
outer:
	for i, s := range subs {
		for _, p := range out {
			if !s.hasRef && !p.n.hasRef && jsonEqual(s.raw, p.n.raw) && s.kind == p.n.kind {
				continue outer
			}
		}
		out = append(out, indexed{s, i})
	}
	return out
}

// widerCriterion reports whether changing the rule from oc over n
// subschemas to uc over m accepts at least the same values: allOf to
// anyOf, oneOf to anyOf, or any rule over a single subschema, unless the
// new rule is an allOf of several.
func widerCriterion(oc criterion, n int, uc criterion, m int) bool {
	if uc == critAll && m > 1 {
		return false
	}
	return oc == critAll || n == 1 || oc == critOne && uc == critAny
}

// combined compares two allOf, anyOf or oneOf nodes.
func (d *differ) combined(o, u *snode, path string, depth int, conj bool) {
	os, us := dedupe(o.subs), dedupe(u.subs)
	if o.crit != u.crit {
		if !widerCriterion(o.crit, len(os), u.crit, len(us)) {
			d.emit(kCombinedTypeChanged, path, u, "", o.crit.keyword(), u.crit.keyword())
			return
		}
		d.emit(kCombinedTypeExtended, path, u, "", o.crit.keyword(), u.crit.keyword())
	}
	d.match(o, u, os, us, path, depth, conj)
}

// subPathOf is where a subschema's own changes are reported: under its
// keyword and its index in the old schema, as Confluent does; a type
// array's members are reported at the schema itself.
func subPathOf(n *snode, path string, i int) string {
	if n.synthetic {
		return path
	}
	return subPath(path, n.crit.keyword(), itoa(i))
}

// match pairs old subschemas with new ones they are compatible with, as
// many as possible, and reports the pairs' changes and what was added or
// dropped. Without a full pairing it reports the subschemas changed.
func (d *differ) match(o, u *snode, os, us []indexed, path string, depth int, conj bool) {
	n, m := len(os), len(us)
	inner := conj || o.crit == critAll
	diffs := make([][][]finding, n)
	edges := make([][]int, n)
	for i := range os {
		if d.limitHit {
			return
		}
		diffs[i] = make([][]finding, m)
		for j := range us {
			p := subPathOf(o, path, os[i].i)
			a, b := os[i].n, us[j].n
			diffs[i][j] = d.trial(func() { d.compare(a, b, p, depth+1, inner) })
			if d.compatibleAll(diffs[i][j]) {
				edges[i] = append(edges[i], j)
			}
		}
		// Try the closest candidates first: equal pairs win.
		sort.SliceStable(edges[i], func(x, y int) bool {
			return len(diffs[i][edges[i][x]]) < len(diffs[i][edges[i][y]])
		})
	}
	pairOf := bipartite(n, m, edges, func(i int) int {
		if len(edges[i]) == 0 {
			return int(^uint(0) >> 1)
		}
		return len(diffs[i][edges[i][0]])
	})
	matched := 0
	for _, j := range pairOf {
		if j >= 0 {
			matched++
		}
	}
	if matched < min(n, m) {
		d.emit(kCombinedTypeSubschemasChanged, path, u, "", n, m)
		return
	}
	for i, j := range pairOf {
		if j >= 0 {
			d.out = append(d.out, diffs[i][j]...)
		}
	}
	switch {
	case n < m && u.crit == critAll:
		d.emit(kProductTypeExtended, path, u, "", n, m)
	case n < m:
		d.emit(kSumTypeExtended, path, u, "", n, m)
	case n > m && o.crit == critAll:
		d.emit(kProductTypeNarrowed, path, u, "", n, m)
	case n > m:
		d.emit(kSumTypeNarrowed, path, u, "", n, m)
	}
}

// bipartite returns, for each left vertex, its right partner or -1, for a
// maximum matching (Kuhn's augmenting paths). Left vertices are tried in
// order of cost, the cost of their best edge, so close pairs are kept.
func bipartite(n, m int, edges [][]int, cost func(i int) int) []int {
	left := make([]int, n)
	right := make([]int, m)
	for i := range left {
		left[i] = -1
	}
	for j := range right {
		right[j] = -1
	}
	var seen []bool
	var try func(i int) bool
	try = func(i int) bool {
		for _, j := range edges[i] {
			if seen[j] {
				continue
			}
			seen[j] = true
			if right[j] < 0 || try(right[j]) {
				left[i], right[j] = j, i
				return true
			}
		}
		return false
	}
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return cost(order[a]) < cost(order[b]) })
	for _, i := range order {
		seen = make([]bool, m)
		try(i)
	}
	return left
}

// toCombined compares a plain schema with an allOf, anyOf or oneOf.
func (d *differ) toCombined(o, u *snode, path string, depth int, conj bool) {
	us := dedupe(u.subs)
	if u.crit == critAll {
		if len(us) == 1 {
			d.compare(o, us[0].n, path, depth+1, true)
			return
		}
		d.emit(kTypeChanged, path, u, "", typeName(o), typeName(u))
		return
	}
	// The old schema should be one of the alternatives: take the closest.
	best, bestFs, bestBad := -1, []finding(nil), 0
	for j, s := range us {
		target := s.n
		fs := d.trial(func() { d.compare(o, target, path, depth+1, conj) })
		bad := 0
		for _, f := range fs {
			if !f.kind.compatible(d.policy) {
				bad++
			}
		}
		similar := bad == 0 || d.deref(s.n).kind == o.kind
		if !similar {
			continue
		}
		if best < 0 || bad < bestBad || bad == bestBad && len(fs) < len(bestFs) {
			best, bestFs, bestBad = j, fs, bad
		}
	}
	if best < 0 {
		d.emit(kTypeChanged, path, u, "", typeName(o), typeName(u))
		return
	}
	d.out = append(d.out, bestFs...)
	if len(us) > 1 {
		d.emit(kSumTypeExtended, path, u, "", 1, len(us))
	}
}

// fromCombined compares an allOf, anyOf or oneOf with a plain schema: the
// plain schema reads as the same rule over itself alone.
func (d *differ) fromCombined(o, u *snode, path string, depth int, conj bool) {
	single := &snode{kind: nCombined, crit: o.crit, doc: u.doc, raw: u.raw, ptr: u.ptr, subs: []*snode{u}, hasRef: u.hasRef}
	d.match(o, single, dedupe(o.subs), []indexed{{u, 0}}, path, depth, conj)
}

// nots compares two not schemas: the inner change counts the other way.
func (d *differ) nots(o, u *snode, path string, depth int) {
	p := subPath(path, "not")
	fs := d.trial(func() { d.compare(u.not, o.not, p, depth+1, true) })
	switch {
	case len(fs) == 0:
	case d.compatibleAll(fs):
		d.emit(kNotTypeNarrowed, p, u.not, "", nil, nil)
	default:
		d.emit(kNotTypeExtended, p, u.not, "", nil, nil)
	}
}

// conds compares two if/then/else: a changed condition moves values
// between the branches, which breaks both ways; the branches compare as
// schemas, an absent branch accepting everything.
func (d *differ) conds(o, u *snode, path string, depth int) {
	p := subPath(path, "if")
	if fs := d.trial(func() { d.compare(o.ifS, u.ifS, p, depth+1, true) }); len(fs) > 0 {
		d.emit(kConditionChanged, p, u.ifS, "", nil, nil)
	}
	d.optional(o.thenS, u.thenS, subPath(path, "then"), kSchemaAdded, kSchemaRemoved, depth, true)
	d.optional(o.elseS, u.elseS, subPath(path, "else"), kSchemaAdded, kSchemaRemoved, depth, true)
}

// combinedKinds are the kinds the rules for allOf, anyOf, oneOf, not and if/then/else find, one row each.
var combinedKinds = map[kind]kindInfo{
	kTypeChanged: {name: "TYPE_CHANGED", policy: breaking, confluent: true,
		summary: "the type changed",
		text: func(f finding, data string) string {
			return "type changed from " + show2(f.old) + " to " + show2(f.new) + "; " + data + " no longer validates"
		}},
	kCombinedTypeExtended: {name: "COMBINED_TYPE_EXTENDED", policy: compatible, confluent: true,
		summary: "the combining keyword became more permissive",
		text: func(f finding, data string) string {
			return show2(f.old) + " became " + show2(f.new) + ", which accepts at least the same values"
		}},
	kCombinedTypeChanged: {name: "COMBINED_TYPE_CHANGED", policy: breaking, confluent: true,
		summary: "the combining keyword changed",
		text: func(f finding, data string) string {
			return show2(f.old) + " became " + show2(f.new) + "; " + data + " may no longer validate"
		}},
	kProductTypeExtended: {name: "PRODUCT_TYPE_EXTENDED", policy: breaking, confluent: true,
		summary: "a schema that every value must match was added",
		text: func(f finding, data string) string {
			return productText(f.new, "added") + "; " + data + " may not satisfy it"
		}},
	kProductTypeNarrowed: {name: "PRODUCT_TYPE_NARROWED", policy: compatible, confluent: true,
		summary: "a schema that every value had to match was removed",
		text: func(f finding, data string) string {
			return productText(f.old, "removed") + "; fewer constraints apply"
		}},
	kSumTypeExtended: {name: "SUM_TYPE_EXTENDED", policy: compatible, confluent: true,
		summary: "an alternative was added",
		text: func(f finding, data string) string {
			return "alternatives grew from " + show(f.old) + " to " + show(f.new) + "; " + data + " stays valid"
		}},
	kSumTypeNarrowed: {name: "SUM_TYPE_NARROWED", policy: breaking, confluent: true,
		summary: "an alternative was removed",
		text: func(f finding, data string) string {
			return "alternatives shrank from " + show(f.old) + " to " + show(f.new) + "; " + data + " may match only a removed one"
		}},
	kCombinedTypeSubschemasChanged: {name: "COMBINED_TYPE_SUBSCHEMAS_CHANGED", policy: breaking, confluent: true,
		summary: "the alternatives changed in a way that is not a superset",
		text: func(f finding, data string) string {
			return "the alternatives changed and not every old one has a compatible new one; " + data + " may no longer validate"
		}},
	kNotTypeExtended: {name: "NOT_TYPE_EXTENDED", policy: breaking, confluent: true,
		summary: "the schema under not accepts more, so fewer values pass",
		text: func(f finding, data string) string {
			return "the schema under not now matches more values, so fewer pass; " + data + " may be rejected"
		}},
	kNotTypeNarrowed: {name: "NOT_TYPE_NARROWED", policy: compatible, confluent: true,
		summary: "the schema under not accepts less, so more values pass",
		text: func(f finding, data string) string {
			return "the schema under not now matches fewer values, so more pass"
		}},
	kConditionChanged: {name: "CONDITION_CHANGED", policy: breaking,
		summary: "the if condition changed",
		text: func(f finding, data string) string {
			return "the if condition changed, so values move between then and else; " + data + " may no longer validate"
		}},
}
