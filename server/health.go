package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/schemareg/schemareg/api"
)

// RecordCompile records the last compile attempt, which GET /ready and
// GET /health report.
func (s *Server) RecordCompile(a api.CompileAttempt) {
	s.compiled.Store(&a)
}

// noticeGone records whether the generation loaded is gone from etcd: its
// key, which a probe read, is missing, as after etcd was wiped. Reads not
// cached fail until a bundle is published again.
func (h *health) noticeGone(gone bool, key string) {
	if !gone {
		h.gone.Store(nil)
		return
	}
	why := "the published generation (" + key + ") is gone from etcd, as if etcd was wiped; reads not cached fail until a bundle is published again (schemareg sync)"
	h.gone.Store(&why)
}

// ready reports whether the server is ready: etcd answered the last call
// that tells, and a generation is loaded.
func (s *Server) ready() bool {
	return s.gen.Load() != nil && s.health.state().ok && s.health.gone.Load() == nil
}

// Status returns the server's state, as /ready reports it.
func (s *Server) Status() api.Status {
	st := api.Status{Watching: s.health.running.Load(), Cache: s.cache.stats()}
	hs := s.health.state()
	switch {
	case !hs.checked:
		st.Etcd.Status = "unknown"
	case hs.ok:
		st.Etcd.Status = "ok"
	default:
		st.Etcd.Status, st.Etcd.Error = "unreachable", hs.lastErr
	}
	if !hs.lastOK.IsZero() {
		st.Etcd.LastOK = hs.lastOK.UTC().Format(time.RFC3339Nano)
	}
	st.LastCompile = s.compiled.Load()
	g := s.gen.Load()
	switch {
	case g == nil:
		st.Status = "starting"
	case hs.ok && s.health.gone.Load() != nil:
		st.Status, st.Problem = "unpublished", *s.health.gone.Load()
	case hs.ok:
		st.Status = "ready"
	default:
		st.Status = "degraded"
	}
	if g != nil {
		st.Generation, st.Commit, st.Published, st.Schemas = g.cur.Generation, g.cur.Commit, g.cur.Published, len(g.schemas)
		st.LoadedAt = time.Unix(0, g.loaded.Load()).UTC().Format(time.RFC3339Nano)
	}
	return st
}

// handleHealth answers GET /health: the process answers. It is 200
// whatever the state of etcd.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	st := s.Status()
	st.Status = "ok"
	s.writeStatus(w, r, http.StatusOK, st)
}

// handleReady answers GET /ready: 200 when etcd is reachable and a
// generation is loaded, else 503.
func (s *Server) handleReady(w http.ResponseWriter, r *http.Request) {
	st := s.Status()
	code := http.StatusOK
	if st.Status != "ready" {
		code = http.StatusServiceUnavailable
	}
	s.writeStatus(w, r, code, st)
}

func (s *Server) writeStatus(w http.ResponseWriter, r *http.Request, code int, st api.Status) {
	data, err := api.Encode(st)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h["Content-Type"] = []string{typeJSON}
	h["Cache-Control"] = s.hdr.noStore
	h["Content-Length"] = []string{strconv.Itoa(len(data))}
	w.WriteHeader(code)
	if r.Method != http.MethodHead {
		w.Write(data)
	}
}
