package validate

import (
	"sort"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
)

// RegistryURL is the absolute URL a registry schema is known by inside a
// bundled document: "schemareg:///schemas/quotes_v1". A reference by id
// ("instruments_v1#/definitions/symbol") resolves against it to the
// embedded resource of that id. Nothing is ever fetched from it.
func RegistryURL(id string) string { return registryBase + id }

// Bundled returns d as one self-contained document, in canonical form:
// every document of deps (d's dependencies at the versions it is pinned
// to) is embedded as a resource of its own under "$defs" (under
// "definitions" for drafts before 2019-09), keyed by its id, so that a
// JSON Schema validator resolves every $ref of d without the registry.
//
// Each embedded resource keeps its own "$id"; one without gets its
// RegistryURL, and d gets its RegistryURL as "$id" when it has none. A
// dependency referred to with a pinned version ("instruments_v1@1.2.0") is
// embedded a second time under that name and URL. A dependency with an
// "$id" of its own is reached by that URL only. A document with no
// dependency is its own bundled form: its canonical bytes as they are.
func Bundled(d *document.Document, deps []*document.Document) []byte {
	root, ok := schemaRoot(d).(map[string]any)
	if !ok || len(deps) == 0 {
		return d.Canonical
	}
	out := make(map[string]any, len(root)+2)
	for k, v := range root {
		out[k] = v
	}
	if _, has := out["$id"]; !has && d.ID != "" {
		out["$id"] = RegistryURL(d.ID)
	}
	key := "$defs"
	switch d.Dialect {
	case document.Draft04, document.Draft06, document.Draft07, "":
		key = "definitions"
	}
	defs := map[string]any{}
	if existing, ok := out[key].(map[string]any); ok {
		for k, v := range existing {
			defs[k] = v
		}
	}
	pinned := pinnedRefs(append([]*document.Document{d}, deps...))
	embed := func(name, url string, dep *document.Document) {
		res, ok := schemaRoot(dep).(map[string]any)
		if !ok {
			return
		}
		c := make(map[string]any, len(res)+1)
		for k, v := range res {
			c[k] = v
		}
		if _, has := c["$id"]; !has {
			c["$id"] = url
		} else if url != RegistryURL(dep.ID) {
			return
		}
		for _, taken := defs[name]; taken; _, taken = defs[name] {
			name = "schemareg:" + name
		}
		defs[name] = c
	}
	sorted := append([]*document.Document(nil), deps...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].ID < sorted[j].ID })
	for _, dep := range sorted {
		embed(dep.ID, RegistryURL(dep.ID), dep)
		if pin := dep.ID + PinSeparator + dep.Version.String(); pinned[pin] {
			embed(pin, RegistryURL(pin), dep)
		}
	}
	if len(defs) > 0 {
		out[key] = defs
	}
	return document.Canonical(out)
}

// pinnedRefs returns the "id@version" names the references of docs to
// other registry schemas use.
func pinnedRefs(docs []*document.Document) map[string]bool {
	out := map[string]bool{}
	for _, d := range docs {
		for _, ref := range Outgoing(d) {
			name, ok := strings.CutPrefix(strings.TrimSuffix(ref.Target, ".json"), registryBase)
			if _, version := SplitPin(name); ok && version != "" {
				out[name] = true
			}
		}
	}
	return out
}
