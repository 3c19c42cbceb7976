package compat

import (
	"encoding/json"
	"sort"
	"strconv"

	"github.com/schemareg/schemareg/compiler/document"
)

// The diff engine works on a model of each schema, built once per document:
// every schema object becomes one node, or, when it combines keywords of
// several kinds (a type with an enum, properties with an allOf), a synthetic
// allOf node whose parts are the kinds. This is how Confluent's and
// Apicurio's checkers see a schema, so the changes line up with theirs.

// nodeKind is what a schema node constrains.
type nodeKind uint8

const (
	nTrue     nodeKind = iota // {} or true: any value
	nFalse                    // false: no value
	nString                   // string keywords, typed or implied
	nNumber                   // number keywords; integer when n.integer
	nBoolean                  // "type": "boolean"
	nNull                     // "type": "null"
	nObject                   // object keywords
	nArray                    // array keywords
	nEnum                     // enum or const
	nCombined                 // allOf, anyOf or oneOf
	nNot                      // not
	nCond                     // if, then, else
	nRef                      // a $ref not (yet) resolved
	nOpaque                   // too deep to model: compared as JSON
)

// criterion is a combined node's rule.
type criterion uint8

const (
	critAll criterion = iota
	critAny
	critOne
)

func (c criterion) keyword() string {
	switch c {
	case critAny:
		return "anyOf"
	case critOne:
		return "oneOf"
	}
	return "allOf"
}

// maxBuildDepth bounds how deep the model of one document goes; deeper
// subschemas are compared as plain JSON.
const maxBuildDepth = 200

// sdoc is one schema document being compared.
type sdoc struct {
	root    any
	dialect string
	nodes   map[string]*snode // by JSON pointer: the roots of $ref targets
	anchors map[string]string // $id and $anchor values → JSON pointer
	rootID  string
	main    *document.Document // the Document, when there is one: for lines
	old     bool               // on the old side of a diff whose sides resolve apart
}

// bound is a numeric lower or upper limit.
type bound struct {
	set       bool
	value     json.Number
	exclusive bool
}

// stringPart holds the string keywords.
type stringPart struct {
	minLength, maxLength json.Number
	pattern, format      *string
	encoding, mediaType  *string
}

// numberPart holds the number keywords.
type numberPart struct {
	lower, upper bound
	multipleOf   json.Number
}

// objectPart holds the object keywords.
type objectPart struct {
	props       map[string]*snode
	propOrder   []string
	required    map[string]bool
	reqOrder    []string
	additional  *snode // additionalProperties; nil when absent
	unevalProps *snode
	patterns    map[string]*snode
	patOrder    []string
	depArrays   map[string][]string
	depSchemas  map[string]*snode
	depOrder    []string
	depKeyword  map[string]string // the keyword each dependency was read from
	propNames   *snode
	minProps    json.Number
	maxProps    json.Number
}

// arrayPart holds the array keywords.
type arrayPart struct {
	items       *snode   // one schema for every item
	prefix      []*snode // a schema per position
	prefixKw    string   // "items" or "prefixItems"
	addItems    *snode   // items after the prefix; nil when absent
	addItemsKw  string   // "additionalItems" or "items"
	unevalItems *snode
	contains    *snode
	minItems    json.Number
	maxItems    json.Number
	minContains json.Number
	maxContains json.Number
	uniqueItems bool
}

// snode is one schema in the model.
type snode struct {
	kind nodeKind
	doc  *sdoc
	raw  any    // the schema object or boolean the node models
	ptr  string // JSON pointer of raw in doc, "" for the root
	// top marks the node that stands for the whole schema object; it
	// carries the annotations. The parts of a synthetic allOf are not top.
	top    bool
	typed  bool // the "type" keyword names the kind (else keywords imply it)
	hasRef bool // the subtree holds a $ref

	integer bool // nNumber: "type": "integer"

	// The keywords of each kind of value, set on nodes of that kind only.
	*stringPart
	*numberPart
	*objectPart
	*arrayPart

	enumValues   []any
	enumKeyword  string // "enum" or "const"
	crit         criterion
	subs         []*snode
	synthetic    bool // a synthetic allOf of a schema's kinds, or a type array
	not          *snode
	ifS          *snode
	thenS, elseS *snode
	ref          string
}

// Keyword groups, by the kind of value they constrain.
var (
	stringKeywords = [...]string{"minLength", "maxLength", "pattern", "format", "contentEncoding", "contentMediaType"}
	numberKeywords = [...]string{"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"}
	objectKeywords = [...]string{"properties", "required", "additionalProperties", "patternProperties", "dependencies",
		"dependentRequired", "dependentSchemas", "propertyNames", "minProperties", "maxProperties", "unevaluatedProperties"}
	arrayKeywords = [...]string{"items", "prefixItems", "additionalItems", "unevaluatedItems", "contains",
		"minItems", "maxItems", "uniqueItems", "minContains", "maxContains"}
)

// newSdoc prepares a decoded schema document for diffing.
func newSdoc(root any, main *document.Document) *sdoc {
	d := &sdoc{root: root, main: main, nodes: map[string]*snode{}}
	if main != nil {
		d.dialect = main.Dialect
	}
	if obj, ok := root.(map[string]any); ok {
		if d.dialect == "" {
			for _, k := range [...]string{"$schema", document.FieldSchema} {
				if s, ok := obj[k].(string); ok {
					if norm, ok := document.NormalizeDialect(s); ok {
						d.dialect = norm
						break
					}
				}
			}
		}
		d.rootID, _ = obj["$id"].(string)
	}
	return d
}

// modern reports whether the document uses the 2019-09 or 2020-12 dialect.
func (d *sdoc) modern() bool {
	return d.dialect == document.Draft2019 || d.dialect == document.Draft2020
}

// node returns the model of the schema at a JSON pointer, building it once.
func (d *sdoc) node(ptr string) (*snode, bool) {
	if n, ok := d.nodes[ptr]; ok {
		return n, true
	}
	raw, ok := document.LookupPointer(d.root, ptr)
	if !ok {
		return nil, false
	}
	b := builder{doc: d}
	n := b.build(raw, ptr, 0, ptr == "")
	d.nodes[ptr] = n
	return n, true
}

// builder builds the model of one schema value.
type builder struct {
	doc *sdoc
}

func (b *builder) build(v any, ptr string, depth int, root bool) *snode {
	switch v := v.(type) {
	case bool:
		if v {
			return &snode{kind: nTrue, doc: b.doc, raw: v, ptr: ptr, top: true}
		}
		return &snode{kind: nFalse, doc: b.doc, raw: v, ptr: ptr, top: true}
	case map[string]any:
		if depth > maxBuildDepth {
			return &snode{kind: nOpaque, doc: b.doc, raw: v, ptr: ptr, top: true}
		}
		return b.object(v, ptr, depth, root)
	}
	// Not a schema: compare it as JSON.
	return &snode{kind: nOpaque, doc: b.doc, raw: v, ptr: ptr, top: true}
}

// object builds a schema object: one node per kind of keyword it holds.
func (b *builder) object(m map[string]any, ptr string, depth int, root bool) *snode {
	base := snode{doc: b.doc, raw: m, ptr: ptr}
	if ref, ok := m["$ref"].(string); ok && !b.doc.modern() {
		// Before 2019-09, $ref replaces every keyword beside it.
		n := base
		n.kind, n.ref, n.top, n.hasRef = nRef, ref, true, true
		return &n
	}
	var facets []*snode
	add := func(n *snode) {
		facets = append(facets, n)
	}
	switch t := m["type"].(type) {
	case string:
		if f := b.family(m, &base, t, depth, true); f != nil {
			add(f)
		}
	case []any:
		var members []*snode
		seen := map[string]bool{}
		for _, e := range t {
			s, ok := e.(string)
			if !ok || seen[s] {
				continue
			}
			seen[s] = true
			if f := b.family(m, &base, s, depth, true); f != nil {
				members = append(members, f)
			}
		}
		switch len(members) {
		case 0:
			f := base
			f.kind = nFalse
			add(&f)
		case 1:
			add(members[0])
		default:
			c := base
			c.kind, c.crit, c.subs, c.synthetic = nCombined, critAny, members, true
			add(&c)
		}
	default:
		for _, family := range [...]string{"string", "number", "object", "array"} {
			if hasAny(m, family) {
				add(b.family(m, &base, family, depth, false))
			}
		}
	}
	if c, ok := m["const"]; ok {
		e := base
		e.kind, e.enumValues, e.enumKeyword = nEnum, []any{c}, "const"
		add(&e)
	}
	if list, ok := m["enum"].([]any); ok {
		e := base
		e.kind, e.enumValues, e.enumKeyword = nEnum, list, "enum"
		add(&e)
	}
	for _, c := range [...]criterion{critAll, critAny, critOne} {
		list, ok := m[c.keyword()].([]any)
		if !ok {
			continue
		}
		n := base
		n.kind, n.crit = nCombined, c
		for i, s := range list {
			n.subs = append(n.subs, b.child(s, ptr+"/"+c.keyword()+"/"+strconv.Itoa(i), depth))
		}
		add(&n)
	}
	if s, ok := m["not"]; ok {
		n := base
		n.kind, n.not = nNot, b.child(s, ptr+"/not", depth)
		if n.not.kind == nTrue {
			// not {} and not true accept nothing, as false does.
			n.kind, n.not = nFalse, nil
		}
		add(&n)
	}
	if s, ok := m["if"]; ok {
		n := base
		n.kind, n.ifS = nCond, b.child(s, ptr+"/if", depth)
		if t, ok := m["then"]; ok {
			n.thenS = b.child(t, ptr+"/then", depth)
		}
		if e, ok := m["else"]; ok {
			n.elseS = b.child(e, ptr+"/else", depth)
		}
		add(&n)
	}
	if ref, ok := m["$ref"].(string); ok {
		n := base
		n.kind, n.ref, n.hasRef = nRef, ref, true
		add(&n)
	}
	var n *snode
	switch len(facets) {
	case 0:
		t := base
		t.kind = nTrue
		n = &t
	case 1:
		n = facets[0]
	default:
		c := base
		c.kind, c.crit, c.subs, c.synthetic = nCombined, critAll, facets, true
		n = &c
	}
	n.top = true
	n.hasRef = subtreeHasRef(n)
	return n
}

// child builds a subschema one level down.
func (b *builder) child(v any, ptr string, depth int) *snode {
	return b.build(v, ptr, depth+1, false)
}

// hasAny reports whether m holds a keyword of a kind of value.
func hasAny(m map[string]any, family string) bool {
	var list []string
	switch family {
	case "string":
		list = stringKeywords[:]
	case "number":
		list = numberKeywords[:]
	case "object":
		list = objectKeywords[:]
	case "array":
		list = arrayKeywords[:]
	}
	for _, k := range list {
		if _, ok := m[k]; ok && (k != "pattern" || constrainingPattern(m) != nil) {
			return true
		}
	}
	return false
}

// subtreeHasRef reports whether a node or any node below it holds a $ref.
// Top nodes below have their flag already; the parts of a node are walked.
func subtreeHasRef(n *snode) bool {
	if n == nil {
		return false
	}
	if n.kind == nRef {
		return true
	}
	found := false
	n.children(func(c *snode) {
		switch {
		case found || c == nil:
		case c.top:
			found = c.hasRef
		default:
			found = subtreeHasRef(c)
		}
	})
	return found
}

// children calls fn for every direct subschema of n.
func (n *snode) children(fn func(*snode)) {
	if n.objectPart != nil {
		for _, k := range n.propOrder {
			fn(n.props[k])
		}
		for _, k := range n.patOrder {
			fn(n.patterns[k])
		}
		for _, k := range n.depOrder {
			if s := n.depSchemas[k]; s != nil {
				fn(s)
			}
		}
		for _, s := range [...]*snode{n.additional, n.unevalProps, n.propNames} {
			if s != nil {
				fn(s)
			}
		}
	}
	if n.arrayPart != nil {
		for _, s := range [...]*snode{n.items, n.addItems, n.unevalItems, n.contains} {
			if s != nil {
				fn(s)
			}
		}
		for _, s := range n.prefix {
			fn(s)
		}
	}
	for _, s := range [...]*snode{n.not, n.ifS, n.thenS, n.elseS} {
		if s != nil {
			fn(s)
		}
	}
	for _, s := range n.subs {
		fn(s)
	}
}

// sortedKeys returns the keys of a JSON object in order.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
