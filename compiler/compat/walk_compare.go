package compat

import (
	"regexp"
	"strconv"

	"github.com/schemareg/schemareg/compiler/document"
)

// Limits of one walk. Past them the walk stops and reports
// DIFF_LIMIT_EXCEEDED instead of recursing without end.
const (
	maxDiffDepth = 400     // nested subschemas, $refs included
	maxDiffSteps = 200_000 // schema pairs compared
)

// finding is one change found by a walk, before it becomes an api.Change.
type finding struct {
	kind kind
	path string // Confluent's form: "#/properties/side/enum"
	key  string // what the change is about, when not path (Arrow fields)
	ptr  string // JSON pointer of the change in doc, for its line
	doc  *sdoc
	old  any // the value before, for the message
	new  any // the value after
}

// pairKey names one comparison, for cycles and for pairs known equal.
type pairKey struct {
	o, u *snode
	conj bool
}

// differ walks two schemas side by side. One differ serves both
// directions of a Diff.
type differ struct {
	policy  Policy
	resolve func(ref string) (*document.Document, bool)
	// resolveOld resolves the references of the old side, when set.
	resolveOld func(ref string) (*document.Document, bool)
	ext        map[extKey]*sdoc
	derefs     map[*snode]*snode
	regexps    map[string]*regexp.Regexp
	stack      map[pairKey]bool
	same       map[pairKey]bool
	steps      int
	limitHit   bool
	out        []finding
}

// extKey is a referenced document as one side of a diff sees it.
type extKey struct {
	doc *document.Document
	old bool
}

func newDiffer(policy Policy, resolve func(string) (*document.Document, bool)) *differ {
	return &differ{policy: policy, resolve: resolve}
}

// walk returns the changes from schema a to schema b.
func (d *differ) walk(a, b *sdoc) []finding {
	d.out = nil
	d.limitHit = false
	d.steps = 0
	ra, okA := a.node("")
	rb, okB := b.node("")
	if okA && okB {
		d.compare(ra, rb, "#/", 0, false)
	}
	if d.limitHit && !hasKind(d.out, kDiffLimitExceeded) {
		// The limit was met inside a trial comparison, whose findings
		// were dropped: the verdict must still say so.
		d.emit(kDiffLimitExceeded, "#/", nil, "", maxDiffDepth, d.steps)
	}
	d.arrow(a, b)
	out := d.out
	d.out = nil
	return out
}

func hasKind(fs []finding, k kind) bool {
	for _, f := range fs {
		if f.kind == k {
			return true
		}
	}
	return false
}

// emit records a change at path; at is the node whose pointer, with
// suffix, locates it.
func (d *differ) emit(k kind, path string, at *snode, suffix string, old, new any) {
	f := finding{kind: k, path: path, old: old, new: new}
	if at != nil {
		f.ptr, f.doc = at.ptr+suffix, at.doc
	}
	d.out = append(d.out, f)
}

// trial runs fn with its findings kept apart, and returns them.
func (d *differ) trial(fn func()) []finding {
	saved := d.out
	d.out = nil
	fn()
	got := d.out
	d.out = saved
	return got
}

// compatibleAll reports whether every finding keeps old data valid.
func (d *differ) compatibleAll(fs []finding) bool {
	for _, f := range fs {
		if !f.kind.compatible(d.policy) {
			return false
		}
	}
	return true
}

// subPath appends JSON pointer tokens to a path in Confluent's form.
func subPath(path string, tokens ...string) string {
	for _, t := range tokens {
		if path == "#/" {
			path += document.EscapePointer(t)
		} else {
			path += "/" + document.EscapePointer(t)
		}
	}
	return path
}

// compare compares two schemas at path. conj is set below allOf, then,
// else, not and dependent schemas, where a schema is read together with
// its siblings: a type that only its keywords imply is not reported there.
func (d *differ) compare(o, u *snode, path string, depth int, conj bool) {
	if d.limitHit {
		return
	}
	d.steps++
	if depth > maxDiffDepth || d.steps > maxDiffSteps {
		d.limitHit = true
		d.emit(kDiffLimitExceeded, path, u, "", depth, d.steps)
		return
	}
	o, u = d.deref(o), d.deref(u)
	if o == u || d.sameNodes(o, u) {
		return
	}
	if !o.hasRef && !u.hasRef {
		d.dispatch(o, u, path, depth, conj)
		return
	}
	key := pairKey{o, u, conj}
	if d.stack[key] || d.same[key] {
		return // a cycle: the pair is being compared further up
	}
	if d.stack == nil {
		d.stack, d.same = map[pairKey]bool{}, map[pairKey]bool{}
	}
	d.stack[key] = true
	before := len(d.out)
	d.dispatch(o, u, path, depth, conj)
	delete(d.stack, key)
	if len(d.out) == before && !d.limitHit {
		d.same[key] = true
	}
}

// sameNodes reports whether two nodes model the same JSON the same way.
// Nodes with $refs are never the same: their targets may differ.
func (d *differ) sameNodes(o, u *snode) bool {
	if o.hasRef || u.hasRef || o.kind != u.kind || o.top != u.top || o.crit != u.crit ||
		o.integer != u.integer || o.enumKeyword != u.enumKeyword || o.synthetic != u.synthetic {
		return false
	}
	if o.ptr == "" || u.ptr == "" {
		return false // a root holds registry fields that are no change
	}
	return jsonEqual(o.raw, u.raw)
}

func (d *differ) dispatch(o, u *snode, path string, depth int, conj bool) {
	if o.top && u.top {
		d.annotations(o, u, path)
	}
	if isSynthAll(o) || isSynthAll(u) {
		d.facets(o, u, path, depth, conj)
		return
	}
	d.single(o, u, path, depth, conj)
}

func isSynthAll(n *snode) bool { return n.kind == nCombined && n.synthetic && n.crit == critAll }

func isFamily(n *snode) bool {
	switch n.kind {
	case nString, nNumber, nBoolean, nNull, nObject, nArray:
		return true
	}
	return false
}

// single compares two nodes that each constrain one kind of thing.
func (d *differ) single(o, u *snode, path string, depth int, conj bool) {
	switch {
	case o.kind == nOpaque || u.kind == nOpaque:
		if !jsonEqual(o.raw, u.raw) {
			d.limitHit = true
			d.emit(kDiffLimitExceeded, path, u, "", depth, d.steps)
		}
	case o.kind == nRef || u.kind == nRef:
		if o.kind != nRef || u.kind != nRef || o.ref != u.ref {
			d.emit(kReferenceChanged, path, u, "", refOf(o), refOf(u))
		}
	case o.kind == nFalse && u.kind == nFalse, o.kind == nTrue && u.kind == nTrue:
	case o.kind == nFalse:
		d.emit(kTypeExtended, path, u, "", typeName(o), typeName(u))
	case u.kind == nFalse:
		d.emit(kTypeNarrowed, path, u, "", typeName(o), typeName(u))
	case o.kind == nTrue && isFamily(u) && !u.typed:
		d.family(emptyLike(u, o), u, path, depth, conj)
	case u.kind == nTrue && isFamily(o) && !o.typed:
		d.family(o, emptyLike(o, u), path, depth, conj)
	case o.kind == nTrue && u.kind == nCond:
		d.emit(kConditionalAdded, path, u, "/if", nil, nil)
	case u.kind == nTrue && o.kind == nCond:
		d.emit(kConditionalRemoved, path, o, "/if", nil, nil)
	case o.kind == nTrue:
		d.emit(kTypeNarrowed, path, u, "", typeName(o), typeName(u))
	case u.kind == nTrue:
		d.emit(kTypeExtended, path, u, "", typeName(o), typeName(u))
	case o.kind == nCombined && u.kind == nCombined:
		d.combined(o, u, path, depth, conj)
	case u.kind == nCombined:
		d.toCombined(o, u, path, depth, conj)
	case o.kind == nCombined:
		d.fromCombined(o, u, path, depth, conj)
	case isFamily(o) && isFamily(u):
		if o.kind != u.kind {
			d.emit(kTypeChanged, path, u, "", typeName(o), typeName(u))
			return
		}
		d.family(o, u, path, depth, conj)
	case o.kind == nEnum && u.kind == nEnum:
		d.enums(o, u, path)
	case o.kind == nNot && u.kind == nNot:
		d.nots(o, u, path, depth)
	case o.kind == nCond && u.kind == nCond:
		d.conds(o, u, path, depth)
	case o.kind == nEnum && isFamily(u) && valuesFit(o.enumValues, u):
		d.emit(kTypeExtended, path, u, "", typeName(o), typeName(u))
	case isFamily(o) && u.kind == nEnum && valuesFit(u.enumValues, o):
		d.emit(kTypeNarrowed, path, u, "", typeName(o), typeName(u))
	default:
		d.emit(kTypeChanged, path, u, "", typeName(o), typeName(u))
	}
}

// emptyLike is a node of n's kind that constrains nothing: how {} reads
// next to a schema whose keywords imply its kind.
func emptyLike(n, at *snode) *snode {
	e := &snode{kind: n.kind, doc: at.doc, raw: at.raw, ptr: at.ptr}
	switch n.kind {
	case nString:
		e.stringPart = &stringPart{}
	case nNumber:
		e.numberPart = &numberPart{}
	case nObject:
		e.objectPart = &objectPart{}
	case nArray:
		e.arrayPart = &arrayPart{}
	}
	return e
}

func refOf(n *snode) string {
	if n.kind == nRef {
		return n.ref
	}
	return ""
}

// family compares two nodes of the same kind of value.
func (d *differ) family(o, u *snode, path string, depth int, conj bool) {
	narrowedToInteger := o.kind == nNumber && !o.integer && u.integer
	switch {
	case narrowedToInteger:
		d.emit(kTypeNarrowed, path, u, "/type", typeName(o), typeName(u))
	case o.kind == nNumber && o.integer && !u.integer:
		d.emit(kTypeExtended, path, u, "/type", typeName(o), typeName(u))
	case conj || o.typed == u.typed:
	case o.typed:
		d.emit(kTypeExtended, path, u, "", typeName(o), "any value")
	default:
		d.emit(kTypeNarrowed, path, u, "/type", "any value", typeName(u))
	}
	switch o.kind {
	case nString:
		d.strings(o, u, path)
	case nNumber:
		d.numbers(o, u, path)
	case nObject:
		d.objects(o, u, path, depth, conj)
	case nArray:
		d.arrays(o, u, path, depth, conj)
	}
}

// optional compares a subschema that may be absent on either side.
func (d *differ) optional(o, u *snode, path string, added, removed kind, depth int, conj bool) {
	oNone, uNone := o == nil || o.kind == nTrue, u == nil || u.kind == nTrue
	switch {
	case o == nil && u == nil:
	case o != nil && u != nil && !(oNone != uNone):
		d.compare(o, u, path, depth+1, conj)
	case oNone && uNone:
	case oNone:
		d.emit(added, path, u, "", nil, nil)
	default:
		d.emit(removed, path, o, "", nil, nil)
	}
}

// regexp returns a compiled pattern, nil when Go cannot compile it.
func (d *differ) regexp(pattern string) *regexp.Regexp {
	if re, ok := d.regexps[pattern]; ok {
		return re
	}
	if d.regexps == nil {
		d.regexps = map[string]*regexp.Regexp{}
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		re = nil
	}
	d.regexps[pattern] = re
	return re
}

func itoa(i int) string { return strconv.Itoa(i) }

// schemaKinds are the kinds about a subschema as a whole: added, removed, its type, its references, one row each.
var schemaKinds = map[kind]kindInfo{
	kTypeExtended: {name: "TYPE_EXTENDED", policy: compatible, confluent: true,
		summary: "the type accepts more values",
		text: func(f finding, data string) string {
			return "type widened from " + show2(f.old) + " to " + show2(f.new) + "; " + data + " stays valid"
		}},
	kTypeNarrowed: {name: "TYPE_NARROWED", policy: breaking, confluent: true,
		summary: "the type accepts fewer values",
		text: func(f finding, data string) string {
			return "type narrowed from " + show2(f.old) + " to " + show2(f.new) + "; " + data + " may no longer validate"
		}},
	kConditionalAdded: {name: "CONDITIONAL_ADDED", policy: breaking,
		summary: "an if/then/else was added",
		text: func(f finding, data string) string {
			return "if/then/else added; " + data + " may not satisfy its branches"
		}},
	kConditionalRemoved: {name: "CONDITIONAL_REMOVED", policy: compatible,
		summary: "the if/then/else was removed",
		text: func(f finding, data string) string {
			return "if/then/else removed"
		}},
	kReferenceChanged: {name: "REFERENCE_CHANGED", policy: breaking,
		summary: "a $ref that cannot be resolved changed",
		text: func(f finding, data string) string {
			return "$ref changed from " + show(f.old) + " to " + show(f.new) + " and cannot be resolved to compare them"
		}},
	kDiffLimitExceeded: {name: "DIFF_LIMIT_EXCEEDED", policy: breaking,
		summary: "the schemas are too deep or too large to compare further",
		text: func(f finding, data string) string {
			return "the schemas are too deep or too large to compare past this point; treat the change as breaking"
		}},
}
