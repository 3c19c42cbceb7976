package site

import (
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"

	"github.com/schemareg/schemareg/compiler/document"
)

// Limits of a field table: deeper nesting and rows past the limit are left
// to the raw JSON.
const (
	maxFieldDepth = 8
	maxFieldRows  = 1000
)

// fieldTable is a table of fields: the properties of an object, or of the
// items of an array.
type fieldTable struct {
	Caption string
	Rows    []*field
	// Omitted counts the fields left out past maxFieldRows.
	Omitted int
}

// field is one row of a field table.
type field struct {
	Name string
	// Path is the field's place in the document, "quote.bid" or
	// "conditions[]"; Anchor the id of its row, "field-" and an encoding of
	// the path that is a valid fragment for any property name.
	Path, Anchor  string
	Type          string
	Required      string // "yes", "no", or "" where it does not apply
	Constraints   []constraint
	Enum          []string // canonical JSON of each value
	Title         string
	Description   string
	Deprecated    bool
	Arrow         string
	ArrowNullable bool
	// Ref is the $ref the field's schema is given by; RefHref, from the
	// site root, the version page of the schema it points into, when that
	// is another document.
	Ref, RefHref, RefLabel string
	// Note says why a field is not expanded; NoteHref points at the row it
	// repeats.
	Note, NoteHref string
	Children       *fieldTable
}

// constraint is one validation keyword of a field, e.g. {"max length", "32"}.
type constraint struct {
	Name, Value string
}

// prop is a property of an object schema, with the document it belongs to.
type prop struct {
	name     string
	schema   any
	doc      *document.Document
	required bool
}

// fieldBuilder builds the field table of one document.
type fieldBuilder struct {
	sc      *scope
	rows    int
	omitted int
	// expanding maps the key of every schema being expanded to its row, to
	// stop at cycles.
	expanding map[string]*field
	paths     []string
}

// buildFields returns the field table of a version's document, and the path
// of every field in it for the search index. as is the document's Arrow
// schema, nil when it has none.
func buildFields(sc *scope, doc *document.Document, as *arrow.Schema, caption string) (*fieldTable, []string) {
	b := &fieldBuilder{sc: sc, expanding: map[string]*field{}}
	arrowFields := map[string]arrow.Field{}
	var order []string
	if as != nil {
		for _, f := range as.Fields() {
			arrowFields[f.Name] = f
			order = append(order, f.Name)
		}
	}
	r := sc.resolve(doc, doc.Root)
	m, _ := r.schema.(map[string]any)
	props := orderProps(b.objectProps(r.doc, m, 0), order)
	top := node{doc: r.doc}
	rows := b.propRows(top, props, func(name string) *arrow.Field {
		if f, ok := arrowFields[name]; ok {
			return &f
		}
		return nil
	})
	rows = append(rows, b.extraRows(top, m)...)
	return &fieldTable{Caption: caption, Rows: rows, Omitted: b.omitted}, b.paths
}

// node is where rows are being added: the document, and the path and anchor
// of the parent row.
type node struct {
	doc          *document.Document
	path, anchor string
	depth        int
}

func (n node) child(seg, anchorSeg string) (string, string) {
	if n.path == "" {
		return seg, anchorSeg
	}
	return n.path + "." + seg, n.anchor + "." + anchorSeg
}

// objectProps returns the properties of an object schema, with those of its
// allOf branches, sorted by name.
func (b *fieldBuilder) objectProps(doc *document.Document, m map[string]any, depth int) []prop {
	var out []prop
	index := map[string]int{}
	merge := func(ps []prop, required map[string]bool) {
		for _, p := range ps {
			if i, ok := index[p.name]; ok {
				out[i].required = out[i].required || p.required
				continue
			}
			index[p.name] = len(out)
			out = append(out, p)
		}
		for i := range out {
			out[i].required = out[i].required || required[out[i].name]
		}
	}
	props, _ := m["properties"].(map[string]any)
	required := requiredSet(m)
	own := make([]prop, 0, len(props))
	for name, s := range props {
		own = append(own, prop{name: name, schema: s, doc: doc, required: required[name]})
	}
	sort.Slice(own, func(i, j int) bool { return own[i].name < own[j].name })
	merge(own, required)
	if all, ok := m["allOf"].([]any); ok && depth < maxFieldDepth {
		for _, branch := range all {
			r := b.sc.resolve(doc, branch)
			if bm, ok := r.schema.(map[string]any); ok {
				merge(b.objectProps(r.doc, bm, depth+1), required)
			}
		}
	}
	return out
}

// orderProps puts the properties named in first ahead, in that order.
func orderProps(props []prop, first []string) []prop {
	if len(first) == 0 {
		return props
	}
	rank := make(map[string]int, len(first))
	for i, n := range first {
		rank[n] = i + 1
	}
	sort.SliceStable(props, func(i, j int) bool {
		ri, rj := rank[props[i].name], rank[props[j].name]
		switch {
		case ri != 0 && rj != 0:
			return ri < rj
		default:
			return ri != 0 && rj == 0
		}
	})
	return props
}

// propRows builds a row per property; arrowOf gives each one's Arrow field.
func (b *fieldBuilder) propRows(n node, props []prop, arrowOf func(string) *arrow.Field) []*field {
	var out []*field
	for _, p := range props {
		if b.rows >= maxFieldRows {
			b.omitted++
			continue
		}
		required := "no"
		if p.required {
			required = "yes"
		}
		var af *arrow.Field
		if arrowOf != nil {
			af = arrowOf(p.name)
		}
		path, anchor := n.child(p.name, anchorSegment(p.name))
		out = append(out, b.row(node{doc: p.doc, depth: n.depth}, p.name, path, anchor, p.schema, required, af))
	}
	return out
}

// row builds the row of one schema and, below it, the tables of what it nests.
func (b *fieldBuilder) row(n node, name, path, anchor string, schema any, required string, af *arrow.Field) *field {
	b.rows++
	b.paths = append(b.paths, path)
	f := &field{Name: name, Path: path, Anchor: "field-" + anchor, Required: required}
	raw, _ := schema.(map[string]any)
	r := b.sc.resolve(n.doc, schema)
	m, _ := r.schema.(map[string]any)
	if r.ref != "" {
		f.Ref = r.ref
		if dv := b.sc.versionOf(r.doc); dv != nil && dv != b.sc.self {
			f.RefHref = dv.id + "/" + dv.version.Version + "/index.html"
			f.RefLabel = dv.id + " " + dv.version.Version
		}
	}
	if r.broken {
		f.Note = "the $ref does not resolve in this registry"
	}
	f.Title = annotation(raw, m, "title")
	f.Description = annotation(raw, m, "description")
	f.Deprecated = raw["deprecated"] == true || m["deprecated"] == true
	f.Type = b.typeText(r, 0)
	f.Constraints = constraints(m)
	f.Enum = enumValues(m)
	if af != nil {
		f.Arrow, f.ArrowNullable = arrowTypeText(af.Type), af.Nullable
	}
	if im, ok := scalarItems(b.sc, r); ok {
		f.Enum = enumValues(im)
		for _, c := range constraints(im) {
			f.Constraints = append(f.Constraints, constraint{Name: "item " + c.Name, Value: c.Value})
		}
	}
	if r.key != "" {
		if above, ok := b.expanding[r.key]; ok {
			f.Note = "recursive: the same schema as " + above.Path
			f.NoteHref = "#" + above.Anchor
			return f
		}
		b.expanding[r.key] = f
		defer delete(b.expanding, r.key)
	}
	if n.depth+1 >= maxFieldDepth {
		if nests(m) {
			f.Note = "nested more than " + strconv.Itoa(maxFieldDepth) + " levels deep: see the raw JSON"
		}
		return f
	}
	child := node{doc: r.doc, path: path, anchor: anchor, depth: n.depth + 1}
	if rows := b.nested(child, m, af); len(rows) > 0 {
		f.Children = &fieldTable{Caption: "Fields of " + path, Rows: rows}
	}
	return f
}

// annotation returns a keyword of the referring schema, else of the schema
// its $ref resolved to.
func annotation(raw, resolved map[string]any, key string) string {
	if s, ok := raw[key].(string); ok {
		return s
	}
	s, _ := resolved[key].(string)
	return s
}

// nested builds the rows of what a schema nests: its properties, its items'
// fields, its anyOf and oneOf options.
func (b *fieldBuilder) nested(n node, m map[string]any, af *arrow.Field) []*field {
	var rows []*field
	if objectish(m) {
		rows = append(rows, b.propRows(n, b.objectProps(n.doc, m, 0), structField(af))...)
		rows = append(rows, b.extraRows(n, m)...)
	}
	if items, ok := m["items"]; ok && arrayish(m) {
		ir := b.sc.resolve(n.doc, items)
		im, _ := ir.schema.(map[string]any)
		elem := listElem(af)
		itemNode := node{doc: ir.doc, path: n.path + "[]", anchor: n.anchor + itemsMark, depth: n.depth}
		switch {
		case ir.key != "" && b.expanding[ir.key] != nil:
			// A recursive item: the row above says so through its type.
		case objectish(im):
			rows = append(rows, b.propRows(itemNode, b.objectProps(ir.doc, im, 0), structField(elem))...)
			rows = append(rows, b.extraRows(itemNode, im)...)
		case arrayish(im) && b.rows < maxFieldRows:
			rows = append(rows, b.row(node{doc: n.doc, depth: n.depth}, "[]", n.path+"[]", n.anchor+itemsMark, items, "", elem))
		}
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		options, _ := m[kw].([]any)
		if !structured(b.sc, n.doc, options) {
			continue
		}
		for i, o := range options {
			if b.rows >= maxFieldRows {
				b.omitted++
				continue
			}
			label := "option " + strconv.Itoa(i+1)
			rows = append(rows, b.row(node{doc: n.doc, depth: n.depth}, label, n.path+" ("+label+")", n.anchor+optionMark+strconv.Itoa(i+1), o, "", nil))
		}
	}
	return rows
}

// extraRows is the row of additionalProperties when it is a schema.
func (b *fieldBuilder) extraRows(n node, m map[string]any) []*field {
	ap, ok := m["additionalProperties"].(map[string]any)
	if !ok || b.rows >= maxFieldRows {
		return nil
	}
	path, anchor := n.child("*", otherMark)
	f := b.row(node{doc: n.doc, depth: n.depth}, "*", path, anchor, ap, "", nil)
	if f.Description == "" {
		f.Description = "Any other property."
	}
	return []*field{f}
}

// structured reports whether any option is an object with properties or an
// array, which get rows of their own; scalar options show in the type.
func structured(sc *scope, doc *document.Document, options []any) bool {
	for _, o := range options {
		m, _ := sc.resolve(doc, o).schema.(map[string]any)
		if _, ok := m["properties"]; ok {
			return true
		}
		if _, ok := m["items"]; ok {
			return true
		}
	}
	return false
}

// scalarItems returns the items schema of an array whose items nest nothing.
func scalarItems(sc *scope, r resolved) (map[string]any, bool) {
	m, _ := r.schema.(map[string]any)
	items, ok := m["items"].(map[string]any)
	if !ok || !arrayish(m) {
		return nil, false
	}
	im, _ := sc.resolve(r.doc, items).schema.(map[string]any)
	if im == nil || nests(im) {
		return nil, false
	}
	return im, true
}

// Markers of anchor segments that are not property names. An encoded name
// never has "~" followed by a letter past "f", so they cannot collide.
const (
	itemsMark  = "~items"
	optionMark = "~option"
	otherMark  = "~other"
)

// anchorSegment encodes a property name for an id and a URL fragment with
// the characters a URL leaves unescaped: letters, digits, "_" and "-" stay,
// every other byte becomes "~" and two hex digits. Segments are joined with
// ".", which the encoding never leaves in a name.
func anchorSegment(name string) string {
	const hex = "0123456789abcdef"
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('~')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	if b.Len() == 0 {
		return "~"
	}
	return b.String()
}
