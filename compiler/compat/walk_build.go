package compat

import (
	"encoding/json"
	"strconv"

	"github.com/schemareg/schemareg/compiler/document"
)

// family builds the node of one kind of value from the keywords of m that
// constrain it. typed reports whether "type" names the kind.
func (b *builder) family(m map[string]any, base *snode, name string, depth int, typed bool) *snode {
	n := *base
	n.typed = typed
	switch name {
	case "string":
		n.kind, n.stringPart = nString, &stringPart{}
		n.minLength, _ = m["minLength"].(json.Number)
		n.maxLength, _ = m["maxLength"].(json.Number)
		n.pattern = constrainingPattern(m)
		n.format = stringKeyword(m, "format")
		n.encoding = stringKeyword(m, "contentEncoding")
		n.mediaType = stringKeyword(m, "contentMediaType")
	case "number", "integer":
		n.kind, n.integer, n.numberPart = nNumber, name == "integer", &numberPart{}
		n.lower = readBound(m, "minimum", "exclusiveMinimum", 1)
		n.upper = readBound(m, "maximum", "exclusiveMaximum", -1)
		n.multipleOf, _ = m["multipleOf"].(json.Number)
	case "boolean":
		n.kind = nBoolean
	case "null":
		n.kind = nNull
	case "object":
		n.kind, n.objectPart = nObject, &objectPart{}
		b.objectKeywords(m, &n, depth)
	case "array":
		n.kind, n.arrayPart = nArray, &arrayPart{}
		b.arrayKeywords(m, &n, depth)
	default:
		return nil
	}
	n.hasRef = subtreeHasRef(&n)
	return &n
}

func stringKeyword(m map[string]any, k string) *string {
	if s, ok := m[k].(string); ok {
		return &s
	}
	return nil
}

// readBound reads a lower (sign 1) or upper (sign -1) limit from the
// inclusive keyword and the exclusive one, in its draft-04 boolean form or
// its later numeric form. When both limit, the tighter one holds.
func readBound(m map[string]any, inclusive, exclusive string, sign int) bound {
	var b bound
	if v, ok := m[inclusive].(json.Number); ok {
		b = bound{set: true, value: v}
	}
	switch e := m[exclusive].(type) {
	case bool:
		if e && b.set {
			b.exclusive = true
		}
	case json.Number:
		if !b.set || sign*cmpNumber(e, b.value) >= 0 {
			b = bound{set: true, value: e, exclusive: true}
		}
	}
	return b
}

func (b *builder) objectKeywords(m map[string]any, n *snode, depth int) {
	ptr := n.ptr
	if props, ok := m["properties"].(map[string]any); ok {
		n.props = make(map[string]*snode, len(props))
		n.propOrder = sortedKeys(props)
		for _, k := range n.propOrder {
			n.props[k] = b.child(props[k], ptr+"/properties/"+document.EscapePointer(k), depth)
		}
	}
	if list, ok := m["required"].([]any); ok {
		n.required = map[string]bool{}
		for _, e := range list {
			if s, ok := e.(string); ok && !n.required[s] {
				n.required[s] = true
				n.reqOrder = append(n.reqOrder, s)
			}
		}
	}
	if v, ok := m["additionalProperties"]; ok {
		n.additional = b.child(v, ptr+"/additionalProperties", depth)
	}
	if v, ok := m["unevaluatedProperties"]; ok {
		n.unevalProps = b.child(v, ptr+"/unevaluatedProperties", depth)
	}
	if pats, ok := m["patternProperties"].(map[string]any); ok {
		n.patterns = make(map[string]*snode, len(pats))
		n.patOrder = sortedKeys(pats)
		for _, k := range n.patOrder {
			n.patterns[k] = b.child(pats[k], ptr+"/patternProperties/"+document.EscapePointer(k), depth)
		}
	}
	for _, kw := range [...]string{"dependencies", "dependentRequired", "dependentSchemas"} {
		deps, ok := m[kw].(map[string]any)
		if !ok {
			continue
		}
		for _, k := range sortedKeys(deps) {
			if n.depKeyword == nil {
				n.depKeyword = map[string]string{}
				n.depArrays = map[string][]string{}
				n.depSchemas = map[string]*snode{}
			}
			if _, dup := n.depKeyword[k]; dup {
				continue
			}
			n.depKeyword[k] = kw
			n.depOrder = append(n.depOrder, k)
			if list, isList := deps[k].([]any); isList && kw != "dependentSchemas" {
				names := []string{}
				for _, e := range list {
					if s, ok := e.(string); ok {
						names = append(names, s)
					}
				}
				n.depArrays[k] = names
				continue
			}
			n.depSchemas[k] = b.child(deps[k], ptr+"/"+kw+"/"+document.EscapePointer(k), depth)
		}
	}
	sortStrings(n.depOrder)
	if v, ok := m["propertyNames"]; ok {
		if c := b.child(v, ptr+"/propertyNames", depth); c.kind != nTrue {
			n.propNames = c // a schema every name matches constrains nothing
		}
	}
	n.minProps, _ = m["minProperties"].(json.Number)
	n.maxProps, _ = m["maxProperties"].(json.Number)
}

func (b *builder) arrayKeywords(m map[string]any, n *snode, depth int) {
	ptr := n.ptr
	prefixItems, hasPrefix := m["prefixItems"].([]any)
	modern := b.doc.modern() || hasPrefix
	readPrefix := func(list []any, kw string) {
		n.prefixKw = kw
		n.prefix = make([]*snode, len(list))
		for i, s := range list {
			n.prefix[i] = b.child(s, ptr+"/"+kw+"/"+strconv.Itoa(i), depth)
		}
	}
	if hasPrefix {
		readPrefix(prefixItems, "prefixItems")
	}
	switch items := m["items"].(type) {
	case nil:
	case []any:
		if !hasPrefix {
			readPrefix(items, "items")
		}
	case bool:
		if modern {
			n.addItems, n.addItemsKw = b.child(items, ptr+"/items", depth), "items"
		} else {
			n.items = trueToNil(b.child(items, ptr+"/items", depth))
		}
	default:
		if hasPrefix {
			n.addItems, n.addItemsKw = b.child(items, ptr+"/items", depth), "items"
		} else {
			n.items = trueToNil(b.child(items, ptr+"/items", depth))
		}
	}
	if v, ok := m["additionalItems"]; ok && n.addItems == nil && !modern {
		n.addItems, n.addItemsKw = b.child(v, ptr+"/additionalItems", depth), "additionalItems"
	}
	if v, ok := m["unevaluatedItems"]; ok {
		n.unevalItems = b.child(v, ptr+"/unevaluatedItems", depth)
	}
	if v, ok := m["contains"]; ok {
		n.contains = b.child(v, ptr+"/contains", depth)
	}
	n.minItems, _ = m["minItems"].(json.Number)
	n.maxItems, _ = m["maxItems"].(json.Number)
	n.uniqueItems, _ = m["uniqueItems"].(bool)
	if n.contains != nil {
		n.minContains, _ = m["minContains"].(json.Number)
		if n.minContains == "" {
			n.minContains = "1" // the default when contains is present
		}
		n.maxContains, _ = m["maxContains"].(json.Number)
	}
}

// trueToNil drops a subschema that accepts everything: writing it or not is
// the same schema.
func trueToNil(n *snode) *snode {
	if n != nil && n.kind == nTrue && !n.hasAnnotations() {
		return nil
	}
	return n
}

// hasAnnotations reports whether a schema object holds any keyword at all.
func (n *snode) hasAnnotations() bool {
	m, ok := n.raw.(map[string]any)
	return ok && len(m) > 0
}
