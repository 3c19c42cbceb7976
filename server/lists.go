package server

import (
	"context"
	"fmt"
	"strconv"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// The JSON shapes of the lists, api.SchemaList and api.VersionList, are
// those of the static mirror the site writes: a CDN serving the mirror and
// this server answer the same bytes.

// versions is a schema's api.VersionList as the server keeps it, with the
// body of GET /schema/{id}/versions encoded.
type versions struct {
	list      *etcdstore.VersionList
	byVersion map[string]*etcdstore.VersionInfo
	rep       *rep
}

func newVersions(e *etcdstore.Entry, vl *etcdstore.VersionList) (*versions, error) {
	if vl.ID != e.ID {
		return nil, fmt.Errorf("version list of %q: %w: it names %q", e.ID, bundle.ErrCorrupt, vl.ID)
	}
	vs := &versions{list: vl, byVersion: make(map[string]*etcdstore.VersionInfo, len(vl.Versions))}
	body := api.VersionList{ID: vl.ID, Versions: make([]api.VersionEntry, 0, len(vl.Versions))}
	for i := range vl.Versions {
		v := &vl.Versions[i]
		vs.byVersion[v.Version] = v
		body.Versions = append(body.Versions, api.VersionEntry{Version: v.Version, Digest: v.Digest, Commit: v.Commit, Time: v.Time, Bump: v.Bump, Deps: v.Deps})
	}
	if _, ok := vs.byVersion[e.Latest]; !ok {
		return nil, fmt.Errorf("version list of %q: %w: latest %s is not in it", e.ID, bundle.ErrCorrupt, e.Latest)
	}
	var err error
	if vs.rep, err = jsonRep(body); err != nil {
		return nil, err
	}
	return vs, nil
}

func (vs *versions) size() int64 {
	return vs.rep.size() + int64(len(vs.list.Versions))*512 + int64(len(vs.list.Description))
}

// schemaList is a generation's api.SchemaList, whole.
type schemaList struct {
	entries []api.SchemaEntry
	rep     *rep
}

// schemaList returns the generation's list of schemas, reading the version
// lists the cache lacks in batches.
func (s *Server) schemaList(ctx context.Context, g *generation) (*schemaList, error) {
	v, err := s.cache.load(ctx, ckey{kind: kindPage, a: g.cur.Generation}, func(ctx context.Context) (any, int64, error) {
		var missing []*etcdstore.Entry
		for i := range g.schemas {
			e := &g.schemas[i]
			if _, fresh, _ := s.cache.get(ckey{kind: kindVersions, a: e.ID, b: e.Versions}); !fresh {
				missing = append(missing, e)
			}
		}
		if len(missing) > 0 {
			lists, err := s.loadVersionLists(ctx, missing)
			if err != nil {
				return nil, 0, err
			}
			for i, e := range missing {
				vs, err := newVersions(e, lists[i])
				if err != nil {
					return nil, 0, err
				}
				s.cache.put(ckey{kind: kindVersions, a: e.ID, b: e.Versions}, vs, vs.size())
			}
		}
		l := &schemaList{entries: make([]api.SchemaEntry, 0, len(g.schemas))}
		for i := range g.schemas {
			e := &g.schemas[i]
			vs, err := s.versions(ctx, e)
			if err != nil {
				return nil, 0, err
			}
			l.entries = append(l.entries, api.SchemaEntry{
				ID: e.ID, Latest: e.Latest, Digest: e.Digest, Title: e.Title,
				Description: vs.list.Description, Deprecated: e.Deprecated, Compatibility: e.Compatibility,
			})
		}
		var err error
		if l.rep, err = jsonRep(api.SchemaList{Schemas: l.entries}); err != nil {
			return nil, 0, err
		}
		return l, l.rep.size() + int64(len(l.entries))*256, nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*schemaList), nil
}

// page returns one page of the list: the schemas after the id after, at
// most limit of them.
func (s *Server) page(ctx context.Context, g *generation, after string, limit int) (*rep, error) {
	l, err := s.schemaList(ctx, g)
	if err != nil {
		return nil, err
	}
	key := ckey{kind: kindPage, a: g.cur.Generation, b: after + "\x00" + strconv.Itoa(limit)}
	v, err := s.cache.load(ctx, key, func(context.Context) (any, int64, error) {
		r, err := jsonRep(api.Page(l.entries, after, limit))
		if err != nil {
			return nil, 0, err
		}
		return r, r.size(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*rep), nil
}
