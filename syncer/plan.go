package syncer

import (
	"fmt"
	"maps"
	"runtime"
	"slices"
	"sync"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// kind says how a key may be written.
type kind int

const (
	// kindSchema is a version's canonical bytes: immutable, and a different
	// value already there is a mutated version.
	kindSchema kind = iota
	// kindBlob is a content-addressed value: immutable, named by its digest.
	kindBlob
	// kindIndex is an index shard of a generation: immutable.
	kindIndex
	// kindMirror is a latest mirror: overwritten when the latest changes.
	kindMirror
	// kindGeneration is the generation key.
	kindGeneration
)

// String names the kind in Write.Kind.
func (k kind) String() string {
	switch k {
	case kindSchema:
		return "schema"
	case kindBlob:
		return "blob"
	case kindIndex:
		return "index"
	case kindMirror:
		return "latest"
	default:
		return "generation"
	}
}

// write is one key to put.
type write struct {
	key   string
	value []byte
	kind  kind
	// id and version name the schema version of a kindSchema write.
	id, version string
}

// plan is everything a bundle puts into etcd, computed once per Publish.
type plan struct {
	gen      string
	source   bundle.Source
	b        *bundle.Bundle // for its files
	maxBytes int
	schemas  []schemaPlan // sorted by id
	entries  []etcdstore.Entry
	shards   [][]byte
}

// schemaPlan is one schema's values.
type schemaPlan struct {
	entry    etcdstore.Entry
	list     []byte // the VersionList value, named by entry.Versions
	versions []versionPlan
}

// versionPlan is one version's values; its bytes stay in the bundle.
type versionPlan struct {
	version, digest string
	metaRef         string
	meta            []byte
	arrow           string // the Arrow digest, "" when there is none
}

// planned is a schema's plan with the manifest entry it was computed from.
type planned struct {
	src  bundle.Schema
	plan schemaPlan
}

// newPlan computes the values of a bundle. A schema whose manifest entry
// equals the one in cache reuses its values: a sync that changes one
// schema encodes one schema. The version lists of a bundle that continues
// one on disk (Bundle.Base) are read from there. Every value must fit a
// transaction of maxBytes.
func newPlan(b *bundle.Bundle, maxBytes int, cache map[string]*planned) (*plan, map[string]*planned, error) {
	m := &b.Manifest
	p := &plan{gen: m.Generation, source: m.Source, b: b, maxBytes: maxBytes, schemas: make([]schemaPlan, len(m.Schemas))}
	done := make([]*planned, len(m.Schemas))
	// The values of one schema depend on nothing else: spread them over the CPUs.
	workers := min(runtime.GOMAXPROCS(0), 8)
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(m.Schemas); i += workers {
				if done[i], errs[w] = planOne(b, &m.Schemas[i], maxBytes, cache); errs[w] != nil {
					return
				}
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	next := make(map[string]*planned, len(m.Schemas))
	p.entries = make([]etcdstore.Entry, len(p.schemas))
	for i, d := range done {
		p.schemas[i] = d.plan
		p.entries[i] = d.plan.entry
		next[d.src.ID] = d
	}
	shards, err := encodeShards(p.entries)
	if err != nil {
		return nil, nil, err
	}
	p.shards = shards
	return p, next, nil
}

// planOne returns the values of one schema, from cache when it has them.
func planOne(b *bundle.Bundle, s *bundle.Schema, maxBytes int, cache map[string]*planned) (*planned, error) {
	if s.Versions == nil {
		if b.Base == nil {
			return nil, fmt.Errorf("%w: schema %q has no versions", bundle.ErrCorrupt, s.ID)
		}
		c := *s // load into a copy: the caller's bundle stays as it was
		if err := b.Base.LoadVersions(&c); err != nil {
			return nil, err
		}
		s = &c
	}
	if c, ok := cache[s.ID]; ok && sameSchema(&c.src, s) {
		return c, nil
	}
	sp, err := planSchema(s, maxBytes)
	if err != nil {
		return nil, err
	}
	src := *s
	src.Versions = append([]bundle.Version(nil), s.Versions...)
	return &planned{src: src, plan: sp}, nil
}

// sameSchema reports whether two manifest entries agree on every field
// planSchema reads.
func sameSchema(a, b *bundle.Schema) bool {
	if a.ID != b.ID || a.Path != b.Path || a.Latest != b.Latest || a.Deprecated != b.Deprecated ||
		a.Compatibility != b.Compatibility || a.Title != b.Title || a.Description != b.Description ||
		len(a.Versions) != len(b.Versions) {
		return false
	}
	for i := range a.Versions {
		v, w := &a.Versions[i], &b.Versions[i]
		if v.Version != w.Version || v.Digest != w.Digest || v.Size != w.Size || v.Path != w.Path ||
			v.Commit != w.Commit || v.Time != w.Time || v.Author != w.Author || v.Bump != w.Bump ||
			v.RequiredBump != w.RequiredBump || v.Compatible != w.Compatible || v.Arrow != w.Arrow ||
			!slices.Equal(v.Changes, w.Changes) || !maps.Equal(v.Deps, w.Deps) {
			return false
		}
	}
	return true
}

func planSchema(s *bundle.Schema, maxBytes int) (schemaPlan, error) {
	sp := schemaPlan{versions: make([]versionPlan, len(s.Versions))}
	list := etcdstore.VersionList{
		ID: s.ID, Path: s.Path, Latest: s.Latest, Deprecated: s.Deprecated,
		Compatibility: s.Compatibility, Title: s.Title, Description: s.Description,
		Versions: make([]etcdstore.VersionInfo, len(s.Versions)),
	}
	var latestDigest string
	for j := range s.Versions {
		v := &s.Versions[j]
		vp := versionPlan{version: v.Version, digest: v.Digest, arrow: v.Arrow}
		meta := etcdstore.VersionMeta{ID: s.ID, Version: v.Version, Path: v.Path, Changes: v.Changes}
		if j > 0 {
			meta.Previous = s.Versions[j-1].Version
		}
		var err error
		if vp.meta, err = etcdstore.EncodeValue(meta); err != nil {
			return sp, err
		}
		vp.metaRef = etcdstore.RefOf(vp.meta)
		for _, n := range []int{v.Size, len(vp.meta)} {
			if n > maxBytes {
				return sp, fmt.Errorf("schema %s version %s: a value of %d bytes is over the %d bytes an etcd transaction carries", s.ID, v.Version, n, maxBytes)
			}
		}
		list.Versions[j] = etcdstore.VersionInfo{
			Version: v.Version, GlobalID: v.GlobalID, Digest: v.Digest, Size: v.Size, Commit: v.Commit, Time: v.Time,
			Author: v.Author, Bump: v.Bump, RequiredBump: v.RequiredBump, Compatible: v.Compatible,
			Arrow: v.Arrow, Meta: vp.metaRef, Changes: len(v.Changes), Deps: v.Deps,
		}
		if v.Version == s.Latest {
			latestDigest = v.Digest
		}
		sp.versions[j] = vp
	}
	var err error
	if sp.list, err = etcdstore.EncodeValue(list); err != nil {
		return sp, err
	}
	if len(sp.list) > maxBytes {
		return sp, fmt.Errorf("schema %s: its version list of %d bytes is over the %d bytes an etcd transaction carries", s.ID, len(sp.list), maxBytes)
	}
	sp.entry = etcdstore.Entry{
		ID: s.ID, Latest: s.Latest, Digest: latestDigest, Deprecated: s.Deprecated,
		Compatibility: s.Compatibility, Title: s.Title, Versions: etcdstore.RefOf(sp.list), Count: len(s.Versions),
	}
	return sp, nil
}

// file returns a file of the bundle, from Files or from the bundle on disk
// it continues, checked against its digest: Publish never writes bytes the
// manifest does not name.
func (p *plan) file(name, digest string) ([]byte, error) {
	data, ok := p.b.Files[name]
	if !ok && p.b.Base != nil {
		var err error
		if data, err = p.b.Base.ReadFile(name); err != nil {
			return nil, fmt.Errorf("%w: %w", bundle.ErrCorrupt, err)
		}
		ok = true
	}
	if !ok {
		return nil, fmt.Errorf("%w: missing file %s", bundle.ErrCorrupt, name)
	}
	if got := bundle.Digest(data); got != digest {
		return nil, fmt.Errorf("%w: %s digests to %s, manifest says %s", bundle.ErrCorrupt, name, got, digest)
	}
	if len(data) > p.maxBytes {
		return nil, fmt.Errorf("%s: %d bytes is over the %d bytes an etcd transaction carries", name, len(data), p.maxBytes)
	}
	return data, nil
}

// encodeShards splits the index into shards of at most etcdstore.MaxShardBytes.
func encodeShards(entries []etcdstore.Entry) ([][]byte, error) {
	var shards [][]byte
	start, size := 0, 0
	flush := func(end int) error {
		data, err := etcdstore.EncodeValue(etcdstore.IndexShard{Schemas: entries[start:end]})
		if err != nil {
			return err
		}
		shards = append(shards, data)
		start, size = end, 0
		return nil
	}
	for i := range entries {
		e, err := etcdstore.EncodeValue(entries[i])
		if err != nil {
			return nil, err
		}
		if size > 0 && size+len(e)+1 > etcdstore.MaxShardBytes-32 {
			if err := flush(i); err != nil {
				return nil, err
			}
		}
		size += len(e) + 1
	}
	if start < len(entries) || len(shards) == 0 {
		if err := flush(len(entries)); err != nil {
			return nil, err
		}
	}
	return shards, nil
}

// current is the generation value the plan switches to.
func (p *plan) current(published string, pending bool) etcdstore.Current {
	return etcdstore.Current{
		Generation: p.gen, Commit: p.source.Commit, Commits: p.source.Commits, Time: p.source.Time,
		Published: published, Shards: len(p.shards), Schemas: len(p.schemas), MirrorsPending: pending,
	}
}

// changed returns the indexes of the schemas whose version list differs
// from the published index: only their keys can be missing from etcd, since
// a published index is written after every key it leads to.
func (p *plan) changed(published map[string]etcdstore.Entry) []int {
	var out []int
	for i := range p.schemas {
		e, ok := published[p.schemas[i].entry.ID]
		if !ok || e.Versions != p.schemas[i].entry.Versions {
			out = append(out, i)
		}
	}
	return out
}
