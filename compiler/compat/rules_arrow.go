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
