package compat

import (
	"encoding/json"
	"net/url"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
)

// maxRefHops bounds a chain of $refs that point at $refs.
const maxRefHops = 64

// deref follows a $ref node to the schema it names. A $ref that cannot be
// resolved stays a ref node and is compared by its text.
func (d *differ) deref(n *snode) *snode {
	if n.kind != nRef {
		return n
	}
	if t, ok := d.derefs[n]; ok {
		return t
	}
	if d.derefs == nil {
		d.derefs = map[*snode]*snode{}
	}
	cur := n
	seen := map[*snode]bool{}
	for hops := 0; cur.kind == nRef && hops < maxRefHops; hops++ {
		if seen[cur] {
			// A $ref that names itself, directly or through others,
			// constrains nothing.
			cur = &snode{kind: nTrue, doc: n.doc, raw: true, ptr: n.ptr, top: true}
			break
		}
		seen[cur] = true
		next, ok := d.target(cur)
		if !ok {
			break
		}
		cur = next
	}
	d.derefs[n] = cur
	return cur
}

// target resolves one $ref: a JSON pointer or an anchor in the same
// document, a document's $id, or another registry schema through the
// Resolve option ("quotes_v1#/definitions/price").
func (d *differ) target(n *snode) (*snode, bool) {
	base, frag, _ := strings.Cut(n.ref, "#")
	if f, err := url.PathUnescape(frag); err == nil {
		frag = f
	}
	doc, prefix := n.doc, ""
	if base != "" {
		switch p, ok := n.doc.anchor(base); {
		case ok:
			prefix = p
		case n.doc.own(base):
		default:
			ext, ok := d.external(n.ref, n.doc.old)
			if !ok {
				return nil, false
			}
			doc = ext
		}
	}
	switch {
	case frag == "" || frag[0] == '/':
		return doc.node(prefix + frag)
	default:
		p, ok := doc.anchor("#" + frag)
		if !ok {
			p, ok = doc.anchor(frag)
		}
		if !ok {
			return nil, false
		}
		return doc.node(p)
	}
}

// own reports whether a $ref's document part names the document itself.
func (d *sdoc) own(base string) bool {
	base = strings.TrimSuffix(base, ".json")
	if d.main != nil && d.main.ID != "" && base == d.main.ID {
		return true
	}
	return d.rootID != "" && strings.TrimSuffix(strings.TrimSuffix(d.rootID, "#"), ".json") == base
}

// external loads another registry schema through the Resolve option.
// A document of the old side resolves through resolveOld when it is set.
func (d *differ) external(ref string, old bool) (*sdoc, bool) {
	resolve := d.resolve
	if old && d.resolveOld != nil {
		resolve = d.resolveOld
	}
	if resolve == nil {
		return nil, false
	}
	doc, ok := resolve(ref)
	if !ok || doc == nil {
		return nil, false
	}
	key := extKey{doc, old && d.resolveOld != nil}
	if s, ok := d.ext[key]; ok {
		return s, true
	}
	if d.ext == nil {
		d.ext = map[extKey]*sdoc{}
	}
	s := newSdoc(doc.Root, doc)
	s.old = key.old
	d.ext[key] = s
	return s, true
}

// anchor returns the pointer of the subschema whose $id or $anchor is name.
func (d *sdoc) anchor(name string) (string, bool) {
	if d.anchors == nil {
		d.anchors = map[string]string{}
		indexAnchors(d.root, "", 0, d.anchors)
	}
	p, ok := d.anchors[name]
	return p, ok
}

// indexAnchors records every $id and $anchor below v.
func indexAnchors(v any, ptr string, depth int, out map[string]string) {
	if depth > 2*maxBuildDepth {
		return
	}
	switch v := v.(type) {
	case map[string]any:
		if id, ok := v["$id"].(string); ok && ptr != "" {
			if _, dup := out[id]; !dup {
				out[id] = ptr
			}
		}
		if a, ok := v["$anchor"].(string); ok {
			if _, dup := out["#"+a]; !dup {
				out["#"+a] = ptr
			}
		}
		for k, c := range v {
			if k == "enum" || k == "const" || k == "default" || k == "examples" {
				continue
			}
			indexAnchors(c, ptr+"/"+document.EscapePointer(k), depth+1, out)
		}
	case []any:
		for i, c := range v {
			indexAnchors(c, ptr+"/"+itoa(i), depth+1, out)
		}
	}
}

// jsonEqual compares decoded JSON values; numbers by value.
func jsonEqual(a, b any) bool {
	switch a := a.(type) {
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !jsonEqual(av, bv) {
				return false
			}
		}
		return true
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !jsonEqual(a[i], bl[i]) {
				return false
			}
		}
		return true
	case json.Number:
		bn, ok := b.(json.Number)
		return ok && cmpNumber(a, bn) == 0
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case nil:
		return b == nil
	}
	return false
}

// valuesFit reports whether every value is of the kind a family node
// constrains: an enum of strings fits {"type": "string"}.
func valuesFit(values []any, n *snode) bool {
	for _, v := range values {
		switch v := v.(type) {
		case string:
			if n.kind != nString {
				return false
			}
		case json.Number:
			if n.kind != nNumber || n.integer && !isIntegral(v) {
				return false
			}
		case bool:
			if n.kind != nBoolean {
				return false
			}
		case nil:
			if n.kind != nNull {
				return false
			}
		case map[string]any:
			if n.kind != nObject {
				return false
			}
		case []any:
			if n.kind != nArray {
				return false
			}
		}
	}
	return len(values) > 0
}

func isIntegral(n json.Number) bool {
	return cmpNumber(json.Number(document.CanonicalNumber(string(n))), n) == 0 && !strings.ContainsAny(document.CanonicalNumber(string(n)), ".eE")
}

// typeName names what a node accepts, for messages.
func typeName(n *snode) string {
	switch n.kind {
	case nTrue:
		return "any value"
	case nFalse:
		return "no value"
	case nString:
		return "string"
	case nNumber:
		if n.integer {
			return "integer"
		}
		return "number"
	case nBoolean:
		return "boolean"
	case nNull:
		return "null"
	case nObject:
		return "object"
	case nArray:
		return "array"
	case nEnum:
		return n.enumKeyword
	case nNot:
		return "not"
	case nCond:
		return "if/then/else"
	case nRef:
		return "$ref " + n.ref
	case nCombined:
		if n.synthetic && n.crit == critAny {
			names := make([]string, len(n.subs))
			for i, s := range n.subs {
				names[i] = typeName(s)
			}
			return strings.Join(names, " or ")
		}
		return n.crit.keyword()
	}
	return "schema"
}
