package validate

import (
	"net/url"
	"sort"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
)

// Dependency is a registry schema a version reaches through its $refs,
// directly or through other schemas, at the version it is pinned to.
type Dependency struct {
	ID      string
	Version string
	Doc     *document.Document
}

// Dependencies returns every registry schema d reaches through $refs, by
// id, by pinned version ("instruments_v1@1.2.0") or by $id URL, followed
// transitively, in id order. An unpinned reference reaches the version the
// registry holds now: that is the version it is pinned to when d is
// published. A version's effective schema holds one version of each
// schema: two references that reach one schema at two versions are a
// Problem at the second. A reference the registry cannot resolve is left
// out; Compile reports it.
func (r *Registry) Dependencies(d *document.Document) ([]Dependency, error) {
	byID := map[string]Dependency{}
	from := map[string]string{} // id → the reference that first reached it, for messages
	queue := []*document.Document{d}
	seen := map[*document.Document]bool{d: true}
	for len(queue) > 0 {
		cur := queue[0]
		queue = queue[1:]
		for _, ref := range Outgoing(cur) {
			dep, ok := r.LookupTarget(ref.Target)
			if !ok || dep.ID == "" {
				continue
			}
			version := dep.Version.String()
			if dep.ID == d.ID {
				if dep.Digest != d.Digest && cur == d {
					return nil, d.ProblemAt(ref.Pointer, "$ref %s names another version of %s itself; refer to a location in this document with \"#/...\"", ref.Text, d.ID)
				}
				continue
			}
			if prev, ok := byID[dep.ID]; ok {
				if prev.Doc.Digest != dep.Digest && cur == d {
					return nil, d.ProblemAt(ref.Pointer, "$ref %s reaches %s %s, but %s reaches %s %s; a version depends on one version of each schema: pin both references to the same version", ref.Text, dep.ID, version, from[dep.ID], dep.ID, prev.Version)
				}
				if prev.Doc.Digest != dep.Digest {
					return nil, d.ProblemAt("", "%s reaches %s at two versions, %s and %s (through %s); a version depends on one version of each schema: pin %s to one version", d.ID, dep.ID, prev.Version, version, cur.ID, dep.ID)
				}
				continue
			}
			byID[dep.ID] = Dependency{ID: dep.ID, Version: version, Doc: dep}
			from[dep.ID] = ref.Text
			if !seen[dep] {
				seen[dep] = true
				queue = append(queue, dep)
			}
		}
	}
	out := make([]Dependency, 0, len(byID))
	for _, dep := range byID {
		out = append(out, dep)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// outRef is a $ref of a document to another document.
type Ref struct {
	Pointer, Text, Target string
}

// outgoing returns the references of d that name another document, in
// key order: the target is the referenced document's URL, fragment
// removed. References to d itself, to the resources it embeds and to the
// drafts' meta-schemas are left out.
func Outgoing(d *document.Document) []Ref {
	if !HasExternalRef(d.Root) {
		// Most documents refer to no other: one pass says so.
		return nil
	}
	base, err := url.Parse(location(d))
	if err != nil {
		return nil
	}
	own := ownResources(d, base)
	var refs []Ref
	scan(d.Root, base, d.Dialect == document.Draft04, nil, func(ptr string, m map[string]any, scope *url.URL) bool {
		for _, kw := range [...]string{"$ref", "$dynamicRef", "$recursiveRef"} {
			ref, ok := m[kw].(string)
			if !ok {
				continue
			}
			u, err := url.Parse(ref)
			if err != nil {
				continue
			}
			t := noFragment(scope.ResolveReference(u))
			if own[t] || builtinMeta(t) {
				continue
			}
			refs = append(refs, Ref{Pointer: ptr + "/" + kw, Text: ref, Target: t})
		}
		return true
	})
	return refs
}

// lookupTarget finds the document a reference's URL names, with or
// without a ".json" suffix.
func (r *Registry) LookupTarget(u string) (*document.Document, bool) {
	if d, ok := r.lookupURL(strings.TrimSuffix(u, ".json")); ok {
		return d, true
	}
	return r.lookupURL(u)
}

// Pins maps each dependency's id to its version.
func Pins(deps []Dependency) map[string]string {
	if len(deps) == 0 {
		return nil
	}
	m := make(map[string]string, len(deps))
	for _, d := range deps {
		m[d.ID] = d.Version
	}
	return m
}

// HasExternalRef reports whether a schema has a $ref to another document.
func HasExternalRef(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		for k, x := range v {
			switch k {
			case "$ref", "$dynamicRef", "$recursiveRef":
				if ref, ok := x.(string); ok && (ref == "" || ref[0] != '#') {
					return true
				}
			case "enum", "const", "examples", "default":
				continue
			}
			if HasExternalRef(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if HasExternalRef(x) {
				return true
			}
		}
	}
	return false
}
