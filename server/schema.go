package server

import (
	"context"
	"net/http"
	"strconv"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// handleGetLatest answers GET /schema/{id}: the latest version's bytes,
// cached briefly, since a new version changes them.
func (s *Server) handleGetLatest(w http.ResponseWriter, r *http.Request) {
	s.getVersion(w, r, latest)
}

// handleGetVersion answers GET /schema/{id}/{version}: one version's bytes,
// immutable; "latest" is handleGetLatest's answer.
func (s *Server) handleGetVersion(w http.ResponseWriter, r *http.Request) {
	version, err := checkVersion(r.PathValue("version"), true)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.getVersion(w, r, version)
}

func (s *Server) getVersion(w http.ResponseWriter, r *http.Request, version string) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	g, info, err := s.versionNamed(ctx, id, version)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	var rp *rep
	resolve := ""
	if r.URL.RawQuery != "" { // the hot path has none: parse nothing
		resolve = r.URL.Query().Get("resolve")
	}
	switch resolve {
	case "":
		rp, err = s.schemaRep(ctx, id, info)
	case "bundled":
		rp, err = s.bundledRep(ctx, g, id, info)
	default:
		err = errorf(ErrBadRequest, "resolve=%q is not a served form; use resolve=bundled for one document with every pinned dependency embedded, or leave it out for the authored document", resolve)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.serveVersion(w, r, g, version, rp)
}

// handleListVersions answers GET /schema/{id}/versions.
func (s *Server) handleListVersions(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
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
	vs, err := s.versions(ctx, e)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	g.setHeader(w)
	s.serveRep(w, r, vs.rep, s.hdr.short)
}

// handleListSchemas answers GET /schemas: every schema, or with ?limit= a
// page of them after ?after=, in id order.
func (s *Server) handleListSchemas(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	after, limitText := q.Get("after"), q.Get("limit")
	limit := 0
	if limitText != "" {
		n, err := strconv.Atoi(limitText)
		if err != nil || n < 1 || n > api.MaxPage {
			s.writeError(w, r, errorf(ErrBadRequest, "invalid limit %q: a number from 1 to %d", limitText, api.MaxPage))
			return
		}
		limit = n
	}
	if after != "" {
		if _, err := checkID(after); err != nil {
			s.writeError(w, r, err)
			return
		}
		if limit == 0 {
			limit = api.MaxPage
		}
	}
	ctx := r.Context()
	g, err := s.current(ctx)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if limit == 0 {
		l, err := s.schemaList(ctx, g)
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		g.setHeader(w)
		s.serveRep(w, r, l.rep, s.hdr.short)
		return
	}
	rp, err := s.page(ctx, g, after, limit)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	g.setHeader(w)
	s.serveRep(w, r, rp, s.hdr.short)
}

// bundledRep returns a version as one self-contained document with every
// dependency it is pinned to embedded: as immutable as the version.
func (s *Server) bundledRep(ctx context.Context, g *generation, id string, info *etcdstore.VersionInfo) (*rep, error) {
	d, deps, sig, err := s.withPins(ctx, g, id, info)
	if err != nil {
		return nil, err
	}
	v, err := s.cache.load(ctx, ckey{kind: kindBundled, a: info.Digest, b: sig}, func(context.Context) (any, int64, error) {
		docs := make([]*document.Document, len(deps))
		for i, dep := range deps {
			docs[i] = dep.doc
		}
		rp := newRep(validate.Bundled(d.doc, docs), typeSchema, "")
		return rp, rp.size(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*rep), nil
}
