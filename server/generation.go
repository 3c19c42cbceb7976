package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/bundle/etcdread"
)

// generation is one published generation as the server holds it: its index,
// read at one etcd revision. It never changes once built; a new generation
// replaces it as a whole, so a response built from one generation never
// mixes in another.
type generation struct {
	cur     bundle.Current
	rev     int64
	modRev  int64 // the generation key's mod revision: its event's id
	schemas []bundle.Entry
	byID    map[string]*bundle.Entry
	// header is the value of HeaderGeneration on the answers built from it.
	header []string
	// loaded is when the generation was last read from etcd, unix nanoseconds.
	loaded atomic.Int64
}

func newGeneration(x *bundle.Index, rev int64, now time.Time) *generation {
	g := &generation{cur: x.Current, rev: rev, modRev: x.ModRevision, schemas: x.Schemas, byID: make(map[string]*bundle.Entry, len(x.Schemas)),
		header: []string{x.Current.Generation}}
	for i := range g.schemas {
		g.byID[g.schemas[i].ID] = &g.schemas[i]
	}
	g.loaded.Store(now.UnixNano())
	return g
}

// HeaderGeneration names the generation a read was answered from: the
// version lists, the latest versions and /schemas of one response all come
// from it, and a client can tell which bundle it read.
const HeaderGeneration = "X-Schemareg-Generation"

// setHeader marks a response as answered from g.
func (g *generation) setHeader(w http.ResponseWriter) { w.Header()[HeaderGeneration] = g.header }

// entry returns the index entry of id, or ErrNotFound.
func (g *generation) entry(id string) (*bundle.Entry, error) {
	if e, ok := g.byID[id]; ok {
		return e, nil
	}
	return nil, errorf(ErrNotFound, "schema %q not found", id)
}

// health is what the server knows of etcd.
type health struct {
	mu      sync.Mutex
	ok      bool // the last call that tells (a load, a probe) succeeded
	checked bool // some call has told
	lastOK  time.Time
	lastErr string
	// running is set while Run follows the generation.
	running atomic.Bool
	// gone says why the generation loaded is no longer in etcd, nil while
	// it is.
	gone atomic.Pointer[string]
}

func (h *health) succeeded(now time.Time) {
	h.mu.Lock()
	h.ok, h.checked, h.lastOK, h.lastErr = true, true, now, ""
	h.mu.Unlock()
}

func (h *health) failed(err error) {
	h.mu.Lock()
	h.ok, h.checked, h.lastErr = false, true, err.Error()
	h.mu.Unlock()
}

type healthState struct {
	ok, checked bool
	lastOK      time.Time
	lastErr     string
}

func (h *health) state() healthState {
	h.mu.Lock()
	defer h.mu.Unlock()
	return healthState{ok: h.ok, checked: h.checked, lastOK: h.lastOK, lastErr: h.lastErr}
}

// current returns the generation to answer from, loading it when none is
// loaded yet. Requests that find a load in flight wait for it and do not
// start another.
func (s *Server) current(ctx context.Context) (*generation, error) {
	if g := s.gen.Load(); g != nil {
		return g, nil
	}
	if !s.genMu.TryLock() {
		s.genMu.Lock()
		s.genMu.Unlock()
		if g := s.gen.Load(); g != nil {
			return g, nil
		}
		return nil, errorf(ErrUnavailable, "no generation loaded yet; retry later")
	}
	defer s.genMu.Unlock()
	// The load serves every request waiting: a client that leaves does not
	// cut it short.
	g, _, err := s.loadLocked(context.WithoutCancel(ctx))
	return g, err
}

// reload reads the published generation from etcd and makes it current. It
// returns the etcd revision it read at, also when nothing is published.
func (s *Server) reload(ctx context.Context) (*generation, int64, error) {
	s.genMu.Lock()
	defer s.genMu.Unlock()
	return s.loadLocked(ctx)
}

func (s *Server) loadLocked(ctx context.Context) (*generation, int64, error) {
	var x *bundle.Index
	var rev int64
	err := s.call(ctx, "load_generation", func(ctx context.Context) (err error) {
		x, rev, err = etcdread.LoadGeneration(ctx, s.etcd, s.opts.Keys)
		return err
	})
	now := s.opts.Now()
	switch {
	case errors.Is(err, bundle.ErrNotPublished):
		s.health.succeeded(now)
		return nil, rev, err
	case err != nil:
		s.health.failed(err)
		return nil, 0, fmt.Errorf("load generation: %w", err)
	}
	s.health.succeeded(now)
	old := s.gen.Load()
	if old != nil && old.cur.Generation == x.Current.Generation {
		old.loaded.Store(now.UnixNano())
		s.metrics.generationLoaded(old)
		return old, rev, nil
	}
	g := newGeneration(x, rev, now)
	s.gen.Store(g)
	s.cache.dropGenerations(g.cur.Generation)
	s.events.publish(s.generationEvent(ctx, old, g))
	s.metrics.generationLoaded(g)
	s.logger.Info("generation loaded", LogKeyGeneration, g.cur.Generation, LogKeyCommit, g.cur.Commit,
		LogKeySchemas, len(g.schemas), LogKeyRevision, rev)
	return g, rev, nil
}

// warm fills the cache with what /schemas needs (every schema's version
// list) in the background of a new generation, so that the list is quick
// and survives an etcd outage.
func (s *Server) warm(ctx context.Context, g *generation) {
	if _, err := s.schemaList(ctx, g); err != nil {
		s.logger.Warn("warm cache", LogKeyGeneration, g.cur.Generation, LogKeyError, err)
	}
}

// versions returns the version list of a schema, from the cache or etcd.
func (s *Server) versions(ctx context.Context, e *bundle.Entry) (*versions, error) {
	v, err := s.cache.load(ctx, ckey{kind: kindVersions, a: e.ID, b: e.Versions}, func(ctx context.Context) (any, int64, error) {
		lists, err := s.loadVersionLists(ctx, []*bundle.Entry{e})
		if err != nil {
			return nil, 0, err
		}
		vs, err := newVersions(e, lists[0])
		if err != nil {
			return nil, 0, err
		}
		return vs, vs.size(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*versions), nil
}

// loadVersionLists reads version lists in transactions of
// etcdread.MaxTxnReads reads, each one etcd call.
func (s *Server) loadVersionLists(ctx context.Context, entries []*bundle.Entry) ([]*bundle.VersionList, error) {
	out := make([]*bundle.VersionList, 0, len(entries))
	for start := 0; start < len(entries); start += etcdread.MaxTxnReads {
		batch := entries[start:min(start+etcdread.MaxTxnReads, len(entries))]
		var lists []*bundle.VersionList
		err := s.call(ctx, "load_versions", func(ctx context.Context) (err error) {
			lists, err = etcdread.LoadVersionLists(ctx, s.etcd, s.opts.Keys, batch, 0)
			return err
		})
		if err != nil {
			return nil, err
		}
		out = append(out, lists...)
	}
	return out, nil
}

// version returns the version list of id and the info of one version of it;
// "latest" names the latest.
func (s *Server) version(ctx context.Context, g *generation, id, version string) (*versions, *bundle.VersionInfo, error) {
	e, err := g.entry(id)
	if err != nil {
		return nil, nil, err
	}
	vs, err := s.versions(ctx, e)
	if err != nil {
		return nil, nil, err
	}
	if version == latest {
		version = e.Latest
	}
	info, ok := vs.byVersion[version]
	if !ok {
		return nil, nil, errorf(ErrNotFound, "schema %q has no version %q", id, version)
	}
	return vs, info, nil
}

// versionNamed finds a version of schema id in the current generation:
// version is a number or "latest".
func (s *Server) versionNamed(ctx context.Context, id, version string) (*generation, *bundle.VersionInfo, error) {
	g, err := s.current(ctx)
	if err != nil {
		return nil, nil, err
	}
	_, info, err := s.version(ctx, g, id, version)
	if err != nil {
		return nil, nil, err
	}
	return g, info, nil
}

// serveVersion sends rp, one form of a version of g: immutable when the
// request named the version by its number, cached briefly as "latest",
// which a new version changes.
func (s *Server) serveVersion(w http.ResponseWriter, r *http.Request, g *generation, version string, rp *rep) {
	cc := s.hdr.immutable
	if version == latest {
		cc = s.hdr.short
	}
	g.setHeader(w)
	s.serveRep(w, r, rp, cc)
}

// schemaRep returns the canonical bytes of a version, ready to send.
func (s *Server) schemaRep(ctx context.Context, id string, info *bundle.VersionInfo) (*rep, error) {
	v, err := s.cache.load(ctx, ckey{kind: kindSchema, a: id, b: info.Digest}, func(ctx context.Context) (any, int64, error) {
		var data []byte
		err := s.call(ctx, "load_schema", func(ctx context.Context) (err error) {
			data, err = etcdread.LoadSchema(ctx, s.etcd, s.opts.Keys, id, info.Version, info.Digest)
			return err
		})
		if err != nil {
			return nil, 0, err
		}
		r := newRep(data, typeSchema, info.Digest)
		return r, r.size(), nil
	})
	if err != nil {
		return nil, err
	}
	return v.(*rep), nil
}
