package server

import (
	"context"
	"net/http"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// handleCompat answers GET /compat/{id}/{from}/{to}: the verdict and the
// changes between two versions (either may be "latest"), under the
// schema's compatibility mode or ?mode=, and the server's policy or
// ?policy=. Under a transitive mode to is also judged against every
// version between them in its major line, as the compiler judges it.
func (s *Server) handleCompat(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	from, err := checkVersion(r.PathValue("from"), true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	to, err := checkVersion(r.PathValue("to"), true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	q := r.URL.Query()
	mode, err := document.ParseMode(q.Get("mode"))
	if err != nil {
		s.writeError(w, r, errorf(ErrBadRequest, "invalid mode: %v", err))
		return
	}
	if q.Get("mode") == "" {
		mode = ""
	}
	policy := s.opts.Policy
	if p := q.Get("policy"); p != "" {
		if policy, err = compat.ParsePolicy(p); err != nil {
			s.writeError(w, r, errorf(ErrBadRequest, "invalid policy: %v", err))
			return
		}
	}
	ctx := r.Context()
	g, err := s.current(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	e, err := g.entry(id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if mode == "" && e.Compatibility != "" {
		if mode, err = document.ParseMode(e.Compatibility); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	vs, old, err := s.version(ctx, g, id, from)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	_, cur, err := s.version(ctx, g, id, to)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var between []*etcdstore.VersionInfo
	if mode.Transitive() {
		between = versionsBetween(vs.list.Versions, old.Version, cur.Version)
		if len(between) > MaxCompatVersions {
			s.writeError(w, r, errorf(ErrBadRequest, "%s has %d versions between %s and %s for a transitive mode to judge; the limit is %d: ask for a narrower range, from a later version",
				id, len(between), old.Version, cur.Version, MaxCompatVersions))
			return
		}
	}
	rp, err := s.compat(ctx, g, id, old, cur, between, compat.DiffOptions{Mode: mode, Policy: policy})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	g.setHeader(w)
	s.serveRep(w, r, rp, s.hdr.short)
}

// MaxCompatVersions is the most versions between from and to that one
// GET /compat under a transitive mode judges to against.
const MaxCompatVersions = 100

// versionsBetween returns the versions a transitive mode judges to against
// besides from: those after from and before to in to's major line, as the
// compiler judges every version of a major line against the ones before.
func versionsBetween(list []etcdstore.VersionInfo, from, to string) []*etcdstore.VersionInfo {
	fv, errF := semver.Parse(from)
	tv, errT := semver.Parse(to)
	if errF != nil || errT != nil {
		return nil
	}
	var out []*etcdstore.VersionInfo
	for i := range list {
		v, err := semver.Parse(list[i].Version)
		if err != nil || v.Major != tv.Major || v.Compare(fv) <= 0 || v.Compare(tv) >= 0 {
			continue
		}
		out = append(out, &list[i])
	}
	return out
}

// compat returns the verdict between two versions, cached per generation:
// each version's $refs resolve to the versions it is pinned to.
func (s *Server) compat(ctx context.Context, g *generation, id string, old, cur *etcdstore.VersionInfo, between []*etcdstore.VersionInfo, opts compat.DiffOptions) (*rep, error) {
	key := ckey{kind: kindCompat, a: g.cur.Generation, b: id + " " + old.Digest + " " + cur.Digest + " " + string(opts.Mode) + " " + string(opts.Policy)}
	for _, v := range between {
		key.b += " " + v.Digest
	}
	v, err := s.cache.load(ctx, key, func(ctx context.Context) (any, int64, error) {
		od, err := s.document(ctx, id, old)
		if err != nil {
			return nil, 0, err
		}
		nd, err := s.document(ctx, id, cur)
		if err != nil {
			return nil, 0, err
		}
		resolver := func(d *parsedVersion, info *etcdstore.VersionInfo) (func(string) (*document.Document, bool), error) {
			deps, _, err := s.pinnedDeps(ctx, g, d, info)
			if err != nil {
				return nil, err
			}
			return newRegistry(deps, d).Resolve, nil
		}
		if opts.Resolve, err = resolver(nd, cur); err != nil {
			return nil, 0, err
		}
		if opts.ResolveOld, err = resolver(od, old); err != nil {
			return nil, 0, err
		}
		res := compat.Diff(od.doc, nd.doc, opts)
		for _, v := range between {
			bd, err := s.document(ctx, id, v)
			if err != nil {
				return nil, 0, err
			}
			if opts.ResolveOld, err = resolver(bd, v); err != nil {
				return nil, 0, err
			}
			compat.MergeTransitive(&res, compat.Diff(bd.doc, nd.doc, opts), v.Version)
		}
		if res.Changes == nil {
			res.Changes = []api.Change{}
		}
		// The documents are canonical bytes on one line: a line number
		// would point nowhere in the files the versions were committed as.
		for i := range res.Changes {
			res.Changes[i].Line, res.Changes[i].OldLine = 0, 0
		}
		rp, err := jsonRep(api.Compat{ID: id, From: old.Version, To: cur.Version, Compatible: res.Compatible,
			Bump: res.Bump.String(), Mode: string(res.Mode), Policy: string(res.Policy), Changes: res.Changes})
		if err != nil {
			return nil, 0, err
		}
		return rp, rp.size(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*rep), nil
}
