package compat

import (
	"encoding/json"
	"strconv"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
)

// arrowCol is one field of a document's arrow block, as the diff sees it.
type arrowCol struct {
	index    int
	name     string
	typ      document.ArrowType
	nullable bool
}

// arrowCols reads the arrow block of a document root; ok is false when the
// document has none.
func arrowCols(root any) (cols map[string]arrowCol, order []string, ok bool) {
	obj, _ := root.(map[string]any)
	block, isObj := obj[document.FieldArrow].(map[string]any)
	if !isObj {
		return nil, nil, false
	}
	list, _ := block["fields"].([]any)
	required := map[string]bool{}
	if req, ok := obj["required"].([]any); ok {
		for _, r := range req {
			if s, ok := r.(string); ok {
				required[s] = true
			}
		}
	}
	props, _ := obj["properties"].(map[string]any)
	cols = map[string]arrowCol{}
	for i, f := range list {
		fm, _ := f.(map[string]any)
		name, _ := fm["name"].(string)
		if name == "" {
			continue
		}
		if _, dup := cols[name]; dup {
			continue
		}
		c := arrowCol{index: i, name: name, typ: readArrowType(fm["type"])}
		if n, ok := fm["nullable"].(bool); ok {
			c.nullable = n
		} else {
			c.nullable = !required[name] || allowsNull(props[name])
		}
		cols[name] = c
		order = append(order, name)
	}
	return cols, order, true
}

// allowsNull reports whether a property schema's type includes null.
func allowsNull(schema any) bool {
	m, _ := schema.(map[string]any)
	switch t := m["type"].(type) {
	case string:
		return t == "null"
	case []any:
		for _, e := range t {
			if e == "null" {
				return true
			}
		}
	}
	return false
}

func readArrowType(v any) document.ArrowType {
	var t document.ArrowType
	switch v := v.(type) {
	case string:
		t.Name = v
	case map[string]any:
		t.Name, _ = v["name"].(string)
		t.Unit, _ = v["unit"].(string)
		t.Timezone, _ = v["timezone"].(string)
		if n, ok := v["precision"].(json.Number); ok {
			t.Precision, _ = strconv.Atoi(string(n))
		}
		if n, ok := v["scale"].(json.Number); ok {
			t.Scale, _ = strconv.Atoi(string(n))
		}
	}
	t.Name = strings.ToLower(t.Name)
	return t
}

// arrow compares the arrow blocks of two document roots.
func (d *differ) arrow(a, b *sdoc) {
	oc, oorder, oHas := arrowCols(a.root)
	uc, uorder, uHas := arrowCols(b.root)
	at := func(doc *sdoc, ptr string) *snode { return &snode{doc: doc, ptr: ptr} }
	switch {
	case !oHas && !uHas:
		return
	case !oHas:
		d.emitKey(kArrowAdded, "#/arrow", "arrow", at(b, "/arrow"), nil, nil)
		return
	case !uHas:
		d.emitKey(kArrowRemoved, "#/arrow", "arrow", at(a, "/arrow"), nil, nil)
		return
	}
	for _, name := range uorder {
		u := uc[name]
		ptr := "/arrow/fields/" + itoa(u.index)
		path, key := "#"+ptr, "arrow:"+name
		o, inOld := oc[name]
		if !inOld {
			k := kArrowFieldAdded
			if u.nullable {
				k = kArrowNullableFieldAdded
			}
			d.emitKey(k, path, key, at(b, ptr), name, u.typ)
			continue
		}
		switch {
		case o.typ == u.typ:
		case arrowWidens(o.typ, u.typ):
			d.emitKey(kArrowTypeWidened, path+"/type", key, at(b, ptr+"/type"), o.typ, u.typ)
		case arrowWidens(u.typ, o.typ):
			d.emitKey(kArrowTypeNarrowed, path+"/type", key, at(b, ptr+"/type"), o.typ, u.typ)
		default:
			d.emitKey(kArrowTypeChanged, path+"/type", key, at(b, ptr+"/type"), o.typ, u.typ)
		}
		switch {
		case !o.nullable && u.nullable:
			d.emitKey(kArrowNullabilityRelaxed, path+"/nullable", key, at(b, ptr), name, nil)
		case o.nullable && !u.nullable:
			d.emitKey(kArrowNullabilityTightened, path+"/nullable", key, at(b, ptr), name, nil)
		}
	}
	for _, name := range oorder {
		if _, kept := uc[name]; kept {
			continue
		}
		o := oc[name]
		ptr := "/arrow/fields/" + itoa(o.index)
		k := kArrowFieldRemoved
		if o.nullable {
			k = kArrowNullableFieldRemoved
		}
		d.emitKey(k, "#"+ptr, "arrow:"+name, at(a, ptr), name, o.typ)
	}
}

// emitKey records a change whose identity is key rather than its path.
func (d *differ) emitKey(k kind, path, key string, n *snode, old, new any) {
	d.emit(k, path, n, "", old, new)
	d.out[len(d.out)-1].key = key
}

// arrowWidth orders the Arrow types that widen into each other: within a
// chain a later type holds every value of an earlier one.
func arrowWidens(from, to document.ArrowType) bool {
	chains := [...][]string{
		{"int8", "int16", "int32", "int64"},
		{"uint8", "uint16", "uint32", "uint64"},
		{"float16", "float32", "float64"},
		{"utf8", "large_utf8"},
		{"binary", "large_binary"},
		{"date32", "date64"},
	}
	for _, c := range chains {
		i, j := indexOf(c, from.Name), indexOf(c, to.Name)
		if i >= 0 && j >= 0 {
			return i < j
		}
	}
	// Unsigned into a wider signed integer, integers into floats exactly.
	bits := map[string]int{"int8": 8, "int16": 16, "int32": 32, "int64": 64,
		"uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64, "float16": 11, "float32": 24, "float64": 53}
	fb, tb := bits[from.Name], bits[to.Name]
	switch {
	case fb == 0 || tb == 0:
	case strings.HasPrefix(from.Name, "uint") && strings.HasPrefix(to.Name, "int"):
		return tb > fb
	case strings.HasPrefix(to.Name, "float") && !strings.HasPrefix(from.Name, "float"):
		return tb >= fb
	}
	if isDecimal(from.Name) && isDecimal(to.Name) {
		return to.Scale >= from.Scale && to.Precision-to.Scale >= from.Precision-from.Scale &&
			!(from.Name == "decimal256" && to.Name == "decimal128")
	}
	return false
}

func isDecimal(name string) bool {
	return name == "decimal" || name == "decimal128" || name == "decimal256"
}

func indexOf(list []string, s string) int {
	for i, e := range list {
		if e == s {
			return i
		}
	}
	return -1
}

// arrowKinds are the kinds the Arrow rules find, one row each.
var arrowKinds = map[kind]kindInfo{
	kArrowAdded: {name: "ARROW_ADDED", policy: compatible,
		summary: "an arrow block was added",
		text: func(f finding, data string) string {
			return "arrow block added"
		}},
	kArrowRemoved: {name: "ARROW_REMOVED", policy: breaking,
		summary: "the arrow block was removed",
		text: func(f finding, data string) string {
			return "arrow block removed; Arrow readers lose the column types"
		}},
	kArrowNullableFieldAdded: {name: "ARROW_NULLABLE_FIELD_ADDED", policy: compatible,
		summary: "a nullable Arrow field was added",
		text: func(f finding, data string) string {
			return "nullable Arrow field " + show(f.old) + " added as " + show(f.new) + "; old batches read it as null"
		}},
	kArrowFieldAdded: {name: "ARROW_FIELD_ADDED", policy: breaking,
		summary: "a non-nullable Arrow field was added",
		text: func(f finding, data string) string {
			return "non-nullable Arrow field " + show(f.old) + " added as " + show(f.new) + "; " + data + " has no value for it"
		}},
	kArrowNullableFieldRemoved: {name: "ARROW_NULLABLE_FIELD_REMOVED", policy: compatible,
		summary: "a nullable Arrow field was removed",
		text: func(f finding, data string) string {
			return "nullable Arrow field " + show(f.old) + " removed"
		}},
	kArrowFieldRemoved: {name: "ARROW_FIELD_REMOVED", policy: breaking,
		summary: "a non-nullable Arrow field was removed",
		text: func(f finding, data string) string {
			return "non-nullable Arrow field " + show(f.old) + " removed; readers that need it break"
		}},
	kArrowTypeWidened: {name: "ARROW_TYPE_WIDENED", policy: compatible,
		summary: "an Arrow type was widened",
		text: func(f finding, data string) string {
			return "Arrow type widened from " + show(f.old) + " to " + show(f.new) + "; every old value fits"
		}},
	kArrowTypeNarrowed: {name: "ARROW_TYPE_NARROWED", policy: breaking,
		summary: "an Arrow type was narrowed",
		text: func(f finding, data string) string {
			return "Arrow type narrowed from " + show(f.old) + " to " + show(f.new) + "; " + data + " may not fit"
		}},
	kArrowTypeChanged: {name: "ARROW_TYPE_CHANGED", policy: breaking,
		summary: "an Arrow type changed",
		text: func(f finding, data string) string {
			return "Arrow type changed from " + show(f.old) + " to " + show(f.new) + "; " + data + " does not convert"
		}},
	kArrowNullabilityRelaxed: {name: "ARROW_NULLABILITY_RELAXED", policy: compatible,
		summary: "an Arrow field became nullable",
		text: func(f finding, data string) string {
			return "Arrow field " + show(f.old) + " became nullable"
		}},
	kArrowNullabilityTightened: {name: "ARROW_NULLABILITY_TIGHTENED", policy: breaking,
		summary: "an Arrow field became non-nullable",
		text: func(f finding, data string) string {
			return "Arrow field " + show(f.old) + " became non-nullable; " + data + " may hold nulls"
		}},
}
