package site

import (
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
)

// maxRefHops bounds a chain of $refs, as the compiler does.
const maxRefHops = 32

// docSet holds every published version's document, parsed on first use, so
// one schema's pages can resolve $refs into the versions of another.
type docSet struct {
	byID map[string][]*docVersion // publication order
	// byURL finds a document by its root $id, for $refs by URL; built once,
	// from the latest versions.
	byURLOnce sync.Once
	byURL     *validate.Registry
}

// docVersion is one version and, while it is in use, its document.
type docVersion struct {
	id      string
	version *bundle.Version
	at      time.Time
	data    []byte

	mu  sync.Mutex
	doc *document.Document
	err error
	// pinned keeps the document of a version other documents refer to.
	pinned bool
}

// newDocSet indexes the versions of a bundle; it parses nothing yet.
func newDocSet(b *bundle.Bundle) (*docSet, error) {
	s := &docSet{byID: make(map[string][]*docVersion, len(b.Manifest.Schemas))}
	for i := range b.Manifest.Schemas {
		sc := &b.Manifest.Schemas[i]
		list := make([]*docVersion, 0, len(sc.Versions))
		for j := range sc.Versions {
			v := &sc.Versions[j]
			data, ok := b.Files[bundle.SchemaFile(sc.ID, v.Version)]
			if !ok {
				return nil, fmt.Errorf("schema %s %s: %s is not in the bundle", sc.ID, v.Version, bundle.SchemaFile(sc.ID, v.Version))
			}
			at, _ := time.Parse(time.RFC3339Nano, v.Time)
			list = append(list, &docVersion{id: sc.ID, version: v, at: at, data: data})
		}
		s.byID[sc.ID] = list
	}
	return s, nil
}

// document parses the version's canonical bytes, or returns the document
// parsed before and not released since.
func (d *docVersion) document() (*document.Document, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.doc == nil && d.err == nil {
		d.doc, d.err = document.ParseDocument(bundle.SchemaFile(d.id, d.version.Version), d.data)
		if d.err != nil {
			d.err = fmt.Errorf("parse %s %s: %w", d.id, d.version.Version, d.err)
		}
	}
	return d.doc, d.err
}

// pin keeps the document once parsed: other documents refer to it.
func (d *docVersion) pin() {
	d.mu.Lock()
	d.pinned = true
	d.mu.Unlock()
}

// release drops the document unless it is pinned, so a site of many
// versions does not hold every parsed document at once.
func (d *docVersion) release() {
	d.mu.Lock()
	if !d.pinned {
		d.doc = nil
	}
	d.mu.Unlock()
}

// asOf returns the version of schema id that was the latest at t: the last
// one published at or before t, or the first when all came later.
func (s *docSet) asOf(id string, t time.Time) *docVersion {
	list := s.byID[id]
	if len(list) == 0 {
		return nil
	}
	best := list[0]
	for _, dv := range list {
		if !dv.at.After(t) {
			best = dv
		}
	}
	return best
}

// latestRegistry indexes the latest document of every schema by $id.
func (s *docSet) latestRegistry() *validate.Registry {
	s.byURLOnce.Do(func() {
		ids := make([]string, 0, len(s.byID))
		for id := range s.byID {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		var docs []*document.Document
		for _, id := range ids {
			list := s.byID[id]
			if d, err := list[len(list)-1].document(); err == nil {
				if _, ok := d.Object()["$id"].(string); ok {
					docs = append(docs, d)
				}
			}
		}
		s.byURL = validate.NewRegistry(docs...)
	})
	return s.byURL
}

// scope is what a version's $refs reach, as of its publication.
type scope struct {
	self *docVersion
	reg  *validate.Registry // nil when the document refers to no other
	// where names the version each reachable document is.
	where map[*document.Document]*docVersion
}

// scopeFor collects the documents dv refers to, directly or through them,
// each at the version that was the latest when dv was published.
func (s *docSet) scopeFor(dv *docVersion) (*scope, error) {
	doc, err := dv.document()
	if err != nil {
		return nil, err
	}
	sc := &scope{self: dv, where: map[*document.Document]*docVersion{doc: dv}}
	docs := []*document.Document{doc}
	queue := []*document.Document{doc}
	refers := false
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		for _, ref := range externalRefs(d.Root) {
			refers = true
			target := s.refTarget(ref, dv)
			if target == nil {
				continue
			}
			target.pin()
			td, err := target.document()
			if err != nil {
				continue
			}
			if _, seen := sc.where[td]; seen {
				continue
			}
			sc.where[td] = target
			docs = append(docs, td)
			queue = append(queue, td)
		}
	}
	if refers {
		sc.reg = validate.NewRegistry(docs...)
	}
	return sc, nil
}

// refTarget finds the version a $ref outside its document names, for the
// pages of root: the version a pinned reference names; else the version
// root is pinned to; else, for a version published before versions
// recorded their pins, the schema as of root's publication, or a document
// by its $id.
func (s *docSet) refTarget(ref string, root *docVersion) *docVersion {
	base, _, _ := strings.Cut(ref, "#")
	base = strings.TrimSuffix(base, ".json")
	if id, version := validate.SplitPin(base); version != "" {
		return s.exact(id, version)
	}
	if pins := root.version.Deps; pins != nil {
		id := base
		if _, ok := s.byID[id]; !ok {
			d, ok := s.latestRegistry().Resolve(ref)
			if !ok {
				return nil
			}
			id = d.ID
		}
		if version, ok := pins[id]; ok {
			if dv := s.exact(id, version); dv != nil {
				return dv
			}
		}
	}
	t := root.at
	if dv := s.asOf(base, t); dv != nil {
		return dv
	}
	d, ok := s.latestRegistry().Resolve(ref)
	if !ok {
		return nil
	}
	list := s.byID[d.ID]
	if len(list) == 0 {
		return nil
	}
	return list[len(list)-1]
}

// exact returns the given version of schema id, nil when there is none.
func (s *docSet) exact(id, version string) *docVersion {
	for _, dv := range s.byID[id] {
		if dv.version.Version == version {
			return dv
		}
	}
	return nil
}

// externalRefs lists the distinct $refs of a document that point outside
// it, in a stable order.
func externalRefs(root any) []string {
	seen := map[string]bool{}
	var out []string
	var walk func(v any, data bool)
	walk = func(v any, data bool) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok && !data {
				if base, _, _ := strings.Cut(ref, "#"); base != "" && !seen[ref] {
					seen[ref] = true
					out = append(out, ref)
				}
			}
			for k, x := range v {
				walk(x, data || k == "enum" || k == "const" || k == "default" || k == "examples")
			}
		case []any:
			for _, x := range v {
				walk(x, data)
			}
		}
	}
	walk(root, false)
	sort.Strings(out)
	return out
}

// resolved is a schema after following its $refs.
type resolved struct {
	doc    *document.Document // the document the schema belongs to
	schema any
	key    string // names the schema for cycle detection; "" when reached without a $ref
	ref    string // the first $ref followed, as written
	broken bool   // a $ref did not resolve
}

// resolve follows the $refs of schema, which belongs to doc.
func (sc *scope) resolve(doc *document.Document, schema any) resolved {
	r := resolved{doc: doc, schema: schema}
	for range maxRefHops {
		m, ok := r.schema.(map[string]any)
		if !ok {
			return r
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return r
		}
		if r.ref == "" {
			r.ref = ref
		}
		base, frag, _ := strings.Cut(ref, "#")
		target := r.doc
		if base != "" {
			if sc.reg == nil {
				r.broken = true
				return r
			}
			d, ok := sc.reg.Resolve(ref)
			if !ok {
				r.broken = true
				return r
			}
			target = d
		}
		ptr, err := url.PathUnescape(frag)
		if err != nil {
			r.broken = true
			return r
		}
		v, ok := document.LookupPointer(target.Root, ptr)
		if !ok {
			r.broken = true
			return r
		}
		r.doc, r.schema = target, v
		r.key = sc.name(target) + "#" + ptr
	}
	r.broken = true // a chain longer than maxRefHops, or a loop of $refs
	return r
}

// name identifies a document of the scope for cycle detection.
func (sc *scope) name(d *document.Document) string {
	if dv, ok := sc.where[d]; ok {
		return dv.id + "@" + dv.version.Version
	}
	return d.Path
}

// versionOf returns the version a document of the scope is.
func (sc *scope) versionOf(d *document.Document) *docVersion {
	return sc.where[d]
}
