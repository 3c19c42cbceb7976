package server

import (
	"context"
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// parsedVersion is a parsed version, cached by digest, with the registry ids
// its $refs name outside itself.
type parsedVersion struct {
	doc  *document.Document
	refs []string
	// pinned marks a dependency reached by a reference that names its
	// version: it answers to that reference only, not to its id.
	pinned bool
}

// document returns the parsed document of a version.
func (s *Server) document(ctx context.Context, id string, info *etcdstore.VersionInfo) (*parsedVersion, error) {
	v, err := s.cache.load(ctx, ckey{kind: kindDoc, a: info.Digest}, func(ctx context.Context) (any, int64, error) {
		rp, err := s.schemaRep(ctx, id, info)
		if err != nil {
			return nil, 0, err
		}
		d, err := parseDocument(id, rp.body)
		if err != nil {
			return nil, 0, err
		}
		return d, int64(len(rp.body))*8 + 1024, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*parsedVersion), nil
}

// parseDocument parses a document of the registry. Published bytes always
// parse; a document from a client may not, and the error says where.
func parseDocument(id string, data []byte) (*parsedVersion, error) {
	d, err := document.ParseDocument(id+".json", data)
	if err != nil {
		return nil, &Error{Kind: ErrInvalid, Message: err.Error()}
	}
	return &parsedVersion{doc: d, refs: externalRefs(d.Root, d.ID)}, nil
}

// externalRefs returns, sorted, the registry ids the $refs of a document
// name ("quotes_v1#/definitions/price" names quotes_v1), self excluded;
// a pinned reference is named with its version ("instruments_v1@1.2.0").
func externalRefs(root any, self string) []string {
	set := map[string]bool{}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if ref, ok := c.(string); ok && k == "$ref" {
					base, _, _ := strings.Cut(ref, "#")
					base = strings.TrimSuffix(base, ".json")
					id, version := validate.SplitPin(base)
					if id != self && bundle.ValidID(id) && (version == "" || validVersion(version)) {
						set[base] = true
					}
					continue
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(root)
	refs := make([]string, 0, len(set))
	for id := range set {
		refs = append(refs, id)
	}
	sort.Strings(refs)
	return refs
}

// deps returns the latest version, in g, of every schema the $refs of docs
// reach, transitively, and a signature of them ("id@digest ..."): a
// validator compiled against them stays right while the signature does. A
// pinned reference reaches the version it names. A $ref to a schema g
// lacks is left out; compiling then says what is missing. deps serves
// documents that are not published: a published version uses pinnedDeps.
func (s *Server) deps(ctx context.Context, g *generation, docs ...*parsedVersion) ([]*parsedVersion, string, error) {
	self := map[string]bool{}
	var queue []string
	for _, d := range docs {
		self[d.doc.ID] = true
		queue = append(queue, d.refs...)
	}
	seen := map[string]bool{}
	var deps []*parsedVersion
	var sig []string
	for len(queue) > 0 {
		ref := queue[0]
		queue = queue[1:]
		if seen[ref] || self[ref] {
			continue
		}
		seen[ref] = true
		id, version := validate.SplitPin(ref)
		if version == "" {
			version = latest
		}
		d, info, err := s.versionDocument(ctx, g, id, version)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return nil, "", err
		}
		deps = append(deps, &parsedVersion{doc: d.doc, refs: d.refs, pinned: ref != id})
		sig = append(sig, ref+"="+info.Digest)
		queue = append(queue, d.refs...)
	}
	sort.Strings(sig)
	return deps, strings.Join(sig, " "), nil
}

// pinnedDeps returns the documents a published version depends on, each
// at the version the version was published with, and their signature. A
// version published before versions recorded their pins depends on the
// latest versions, as deps finds them.
func (s *Server) pinnedDeps(ctx context.Context, g *generation, d *parsedVersion, info *etcdstore.VersionInfo) ([]*parsedVersion, string, error) {
	if info.Deps == nil {
		return s.deps(ctx, g, d)
	}
	ids := slices.Sorted(maps.Keys(info.Deps))
	deps := make([]*parsedVersion, 0, len(ids))
	sig := make([]string, 0, len(ids))
	for _, id := range ids {
		dd, _, err := s.versionDocument(ctx, g, id, info.Deps[id])
		if err != nil {
			return nil, "", err
		}
		deps = append(deps, dd)
		sig = append(sig, id+"@"+info.Deps[id])
	}
	return deps, strings.Join(sig, " "), nil
}

// withPins returns a published version's document, the documents it is
// pinned to and their signature (pinnedDeps).
func (s *Server) withPins(ctx context.Context, g *generation, id string, info *etcdstore.VersionInfo) (*parsedVersion, []*parsedVersion, string, error) {
	d, err := s.document(ctx, id, info)
	if err != nil {
		return nil, nil, "", err
	}
	deps, sig, err := s.pinnedDeps(ctx, g, d, info)
	if err != nil {
		return nil, nil, "", err
	}
	return d, deps, sig, nil
}

// versionDocument returns the parsed document of a version of g.
func (s *Server) versionDocument(ctx context.Context, g *generation, id, version string) (*parsedVersion, *etcdstore.VersionInfo, error) {
	_, info, err := s.version(ctx, g, id, version)
	if err != nil {
		return nil, nil, err
	}
	d, err := s.document(ctx, id, info)
	if err != nil {
		return nil, nil, err
	}
	return d, info, nil
}

// newRegistry returns a registry of deps, then docs: a document replaces a
// dependency of the same id.
func newRegistry(deps []*parsedVersion, docs ...*parsedVersion) *validate.Registry {
	reg := validate.NewRegistry()
	for _, d := range deps {
		if d.pinned {
			reg.AddPinned(d.doc)
		} else {
			reg.Add(d.doc)
		}
	}
	for _, d := range docs {
		reg.Add(d.doc)
	}
	return reg
}

func validVersion(v string) bool {
	_, err := semver.Parse(v)
	return err == nil
}
