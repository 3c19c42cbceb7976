package site

import (
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
)

// requiredSet returns the names a schema's "required" lists.
func requiredSet(m map[string]any) map[string]bool {
	out := map[string]bool{}
	list, _ := m["required"].([]any)
	for _, r := range list {
		if s, ok := r.(string); ok {
			out[s] = true
		}
	}
	return out
}

// nests reports whether a schema has fields of its own to show below it:
// properties, items or options.
func nests(m map[string]any) bool {
	return objectish(m) && (m["properties"] != nil || m["allOf"] != nil) || arrayish(m) && m["items"] != nil ||
		m["anyOf"] != nil || m["oneOf"] != nil
}

// typeNames returns the names a schema's "type" gives, string or list.
func typeNames(m map[string]any) []string {
	switch t := m["type"].(type) {
	case string:
		return []string{t}
	case []any:
		var out []string
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// hasType reports whether a schema's "type" names the type.
func hasType(m map[string]any, name string) bool {
	for _, t := range typeNames(m) {
		if t == name {
			return true
		}
	}
	return false
}

// objectish reports whether a schema describes an object.
func objectish(m map[string]any) bool {
	if m == nil {
		return false
	}
	if len(typeNames(m)) > 0 {
		return hasType(m, "object")
	}
	return m["properties"] != nil || m["allOf"] != nil || m["additionalProperties"] != nil
}

// arrayish reports whether a schema describes an array.
func arrayish(m map[string]any) bool {
	if m == nil {
		return false
	}
	if len(typeNames(m)) > 0 {
		return hasType(m, "array")
	}
	return m["items"] != nil
}

// structField returns a function giving the Arrow field of each property of
// a struct, or nil when af is not a struct.
func structField(af *arrow.Field) func(string) *arrow.Field {
	if af == nil {
		return nil
	}
	st, ok := af.Type.(*arrow.StructType)
	if !ok {
		return nil
	}
	return func(name string) *arrow.Field {
		if f, ok := st.FieldByName(name); ok {
			return &f
		}
		return nil
	}
}

// listElem returns the element field of a list, or nil.
func listElem(af *arrow.Field) *arrow.Field {
	if af == nil {
		return nil
	}
	lt, ok := af.Type.(*arrow.ListType)
	if !ok {
		return nil
	}
	f := lt.ElemField()
	return &f
}

// arrowTypeText names an Arrow type: its own String, but "struct" for a
// struct, whose fields have rows of their own, and "list<...>" for a list.
func arrowTypeText(t arrow.DataType) string {
	switch t := t.(type) {
	case *arrow.StructType:
		return "struct"
	case *arrow.ListType:
		return "list<" + arrowTypeText(t.Elem()) + ">"
	}
	return t.String()
}

// typeText describes the type of a resolved schema in a few words:
// "string (date-time)", "array of integer", "string | null".
func (b *fieldBuilder) typeText(r resolved, depth int) string {
	m, ok := r.schema.(map[string]any)
	if !ok {
		switch {
		case r.broken:
			return "unresolved $ref"
		case r.schema == false:
			return "nothing"
		}
		return "any"
	}
	if r.broken {
		return "unresolved $ref"
	}
	var parts []string
	for _, t := range typeNames(m) {
		switch t {
		case "string":
			if f, ok := m["format"].(string); ok {
				t += " (" + f + ")"
			}
		case "array":
			t = b.arrayText(r, m, depth)
		}
		parts = append(parts, t)
	}
	if len(parts) > 0 {
		return strings.Join(parts, " | ")
	}
	switch {
	case m["properties"] != nil || m["additionalProperties"] != nil:
		return "object"
	case m["items"] != nil:
		return b.arrayText(r, m, depth)
	case m["const"] != nil:
		return "const"
	case m["enum"] != nil:
		return "enum"
	}
	for _, kw := range []string{"anyOf", "oneOf"} {
		if options, ok := m[kw].([]any); ok && depth < 3 {
			texts := make([]string, 0, len(options))
			for _, o := range options {
				texts = append(texts, b.typeText(b.sc.resolve(r.doc, o), depth+1))
			}
			return strings.Join(texts, " | ")
		}
	}
	if m["allOf"] != nil {
		return "all of"
	}
	return "any"
}

func (b *fieldBuilder) arrayText(r resolved, m map[string]any, depth int) string {
	items, ok := m["items"]
	switch {
	case !ok:
		return "array"
	case depth >= 3:
		return "array"
	}
	if _, tuple := items.([]any); tuple {
		return "array (tuple)"
	}
	return "array of " + b.typeText(b.sc.resolve(r.doc, items), depth+1)
}
