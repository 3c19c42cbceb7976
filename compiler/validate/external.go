package validate

import (
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
)

// checkExternal refuses a document with a $ref the registry cannot serve,
// or an embedded resource whose $schema it cannot, before the JSON Schema
// compiler sees it: the first in key order, so that a document with
// several gets the same problem every time, at the line of the reference.
// Nothing is fetched: Load answers from the registry or refuses.
func (r *Registry) checkExternal(d *document.Document) error {
	base, err := url.Parse(location(d))
	if err != nil {
		return nil
	}
	own := ownResources(d, base)
	var at, kw, target string
	scan(d.Root, base, d.Dialect == document.Draft04, nil, func(ptr string, m map[string]any, scope *url.URL) bool {
		if ref, ok := m["$ref"].(string); ok {
			if u, err := url.Parse(ref); err == nil {
				t := noFragment(scope.ResolveReference(u))
				if !own[t] && !builtinMeta(t) && !r.loadable(t) {
					at, kw, target = ptr+"/$ref", "$ref", t
					return false
				}
			}
		}
		if s, ok := m["$schema"].(string); ok && ptr != "" && m["$id"] != nil {
			if _, known := document.NormalizeDialect(s); !known && !r.loadable(noFragment(parseLoose(s))) {
				at, kw, target = ptr+"/$schema", "$schema", s
				return false
			}
		}
		return true
	})
	if target == "" {
		return nil
	}
	_, lerr := r.Load(target)
	return d.ProblemAt(at, "%s %s: %v", kw, trimRegistryBase(target), lerr)
}

// ownResources returns the URLs of d, located at base, and of the
// resources it embeds: a $ref to one stays inside d.
func ownResources(d *document.Document, base *url.URL) map[string]bool {
	own := map[string]bool{strings.TrimSuffix(base.String(), "#"): true}
	scan(d.Root, base, d.Dialect == document.Draft04, func(_ string, _ map[string]any, id *url.URL) bool {
		own[noFragment(id)] = true
		return true
	}, nil)
	return own
}

// loadable reports whether Load serves the document at u.
func (r *Registry) loadable(u string) bool {
	if _, ok := r.lookupURL(strings.TrimSuffix(u, ".json")); ok {
		return true
	}
	_, ok := r.lookupURL(u)
	return ok
}

// scan walks the schema objects of a document in key order with the base
// URL in scope at each, skipping values that are data (enum, const,
// examples, default) and the arrow block. It calls ids for each "$id"
// that sets a new base, and visit for each object; either returns false
// to stop the walk.
//
// In a draft-04 document, "id" below the root is the base URI keyword too;
// the root's "id" is the registry's own field.
func scan(v any, base *url.URL, draft04 bool, ids, visit func(ptr string, m map[string]any, scope *url.URL) bool) {
	var walk func(v any, ptr string, scope *url.URL) bool
	walk = func(v any, ptr string, scope *url.URL) bool {
		switch v := v.(type) {
		case map[string]any:
			id, ok := v["$id"].(string)
			if !ok && draft04 && ptr != "" {
				id, ok = v["id"].(string)
			}
			if ok {
				if u, err := url.Parse(id); err == nil {
					scope = scope.ResolveReference(u)
					if ids != nil && !ids(ptr, v, scope) {
						return false
					}
				}
			}
			if visit != nil && !visit(ptr, v, scope) {
				return false
			}
			keys := make([]string, 0, len(v))
			for k := range v {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				switch k {
				case "enum", "const", "examples", "default", document.FieldArrow:
					continue
				}
				if !walk(v[k], ptr+"/"+document.EscapePointer(k), scope) {
					return false
				}
			}
		case []any:
			for i, e := range v {
				if !walk(e, ptr+"/"+strconv.Itoa(i), scope) {
					return false
				}
			}
		}
		return true
	}
	walk(v, "", base)
}

func noFragment(u *url.URL) string {
	c := *u
	c.Fragment, c.RawFragment = "", ""
	return c.String()
}

func parseLoose(s string) *url.URL {
	if u, err := url.Parse(s); err == nil {
		return u
	}
	return &url.URL{Opaque: s}
}

// builtinMeta reports whether u names a meta-schema of a JSON Schema draft:
// the validator holds these, so a $ref to one needs no network.
func builtinMeta(u string) bool {
	rest, ok := strings.CutPrefix(strings.TrimSuffix(u, "#"), "http://json-schema.org/")
	if !ok {
		rest, ok = strings.CutPrefix(strings.TrimSuffix(u, "#"), "https://json-schema.org/")
	}
	if !ok {
		return false
	}
	switch rest {
	case "draft-04/schema", "draft-06/schema", "draft-07/schema",
		"draft/2019-09/schema", "draft/2019-09/meta/core", "draft/2019-09/meta/applicator",
		"draft/2019-09/meta/validation", "draft/2019-09/meta/meta-data", "draft/2019-09/meta/format",
		"draft/2019-09/meta/content",
		"draft/2020-12/schema", "draft/2020-12/meta/core", "draft/2020-12/meta/applicator",
		"draft/2020-12/meta/unevaluated", "draft/2020-12/meta/validation", "draft/2020-12/meta/meta-data",
		"draft/2020-12/meta/format-annotation", "draft/2020-12/meta/format-assertion", "draft/2020-12/meta/content":
		return true
	}
	return false
}
