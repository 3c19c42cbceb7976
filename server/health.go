package server

import (
	"net/http"
	"strconv"
	"time"

	"github.com/schemareg/schemareg/internal/api"
)

// Status is the body of GET /health and GET /ready.
type Status struct {
	// Status is "ok" (health), or "ready", "degraded" (a generation is
	// served from the cache while etcd is unreachable) or "starting" (no
	// generation loaded yet).
	Status     string     `json:"status"`
	Generation string     `json:"generation,omitempty"`
	Commit     string     `json:"commit,omitempty"`
	Published  string     `json:"published,omitempty"`
	Schemas    int        `json:"schemas"`
	LoadedAt   string     `json:"loaded_at,omitempty"`
	Watching   bool       `json:"watching"`
	Etcd       EtcdStatus `json:"etcd"`
	Cache      cacheStats `json:"cache"`
}

// EtcdStatus is what the server knows of etcd.
type EtcdStatus struct {
	// Status is "ok", "unreachable" or "unknown" (not asked yet).
	Status string `json:"status"`
	LastOK string `json:"last_ok,omitempty"`
	Error  string `json:"error,omitempty"`
}

// ready reports whether the server is ready: etcd answered the last call
// that tells, and a generation is loaded.
func (s *Server) ready() bool {
	return s.gen.Load() != nil && s.health.state().ok
}

// Status returns the server's state, as /ready reports it.
func (s *Server) Status() Status {
	st := Status{Watching: s.health.running.Load(), Cache: s.cache.stats()}
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
	g := s.gen.Load()
	switch {
	case g == nil:
		st.Status = "starting"
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

func (s *Server) writeStatus(w http.ResponseWriter, r *http.Request, code int, st Status) {
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
