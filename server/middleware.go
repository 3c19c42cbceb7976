package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Log keys used by this package, so that every record names things the same way.
const (
	LogKeyRequestID  = "request_id"
	LogKeyMethod     = "method"
	LogKeyRoute      = "route"
	LogKeyPath       = "path"
	LogKeyStatus     = "status"
	LogKeyBytes      = "bytes"
	LogKeyDuration   = "duration"
	LogKeyRemote     = "remote"
	LogKeyGeneration = "generation"
	LogKeyCommit     = "commit"
	LogKeySchemas    = "schemas"
	LogKeyRevision   = "revision"
	LogKeySchema     = "schema"
	LogKeyVersion    = "version"
	LogKeyAddr       = "addr"
	LogKeyError      = "err"
)

// respWriter records what a handler answered, for the log and the metrics.
type respWriter struct {
	http.ResponseWriter
	id          string
	status      int
	bytes       int64
	wroteHeader bool
}

func (w *respWriter) WriteHeader(code int) {
	if !w.wroteHeader && code >= 200 {
		w.status, w.wroteHeader = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *respWriter) Write(b []byte) (int, error) {
	if !w.wroteHeader {
		w.status, w.wroteHeader = http.StatusOK, true
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection.
func (w *respWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// requestID returns the id the middleware gave the request w answers.
func requestID(w http.ResponseWriter) string {
	if rw, ok := w.(*respWriter); ok {
		return rw.id
	}
	return w.Header().Get("X-Request-Id")
}

// maxRequestIDLen bounds an X-Request-ID kept from a client.
const maxRequestIDLen = 128

// validRequestID reports whether a client's X-Request-ID is kept: short,
// and of characters a log and a header carry as they are.
func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == ':') {
			return false
		}
	}
	return true
}

// maxLoggedPath bounds the path in a log record.
const maxLoggedPath = 256

// middleware wraps the routes: a request id, CORS on reads and data checks,
// the refusal of compressed bodies, the rate limit,
// recovery from a panic, then one log record and the metrics of the request.
func (s *Server) middleware(next http.Handler) http.Handler {
	pool := sync.Pool{New: func() any { return new(respWriter) }}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rw := pool.Get().(*respWriter)
		*rw = respWriter{ResponseWriter: w, status: http.StatusOK}
		defer pool.Put(rw)
		rw.id = r.Header.Get("X-Request-Id")
		if !validRequestID(rw.id) {
			rw.id = s.newRequestID()
		}
		h := w.Header()
		h["X-Request-Id"] = []string{rw.id}
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions || corsPost(r) {
			h["Access-Control-Allow-Origin"] = s.hdr.allowOrigin
			h["Access-Control-Expose-Headers"] = s.hdr.exposeHeaders
		}
		s.serve(next, rw, r)
		route := r.Pattern
		if _, path, ok := strings.Cut(route, " "); ok {
			route = path
		}
		if route == "" {
			route = "unmatched"
		}
		d := time.Since(start)
		s.metrics.request(route, r.Method, rw.status, d)
		s.logRequest(r, rw, route, start, d)
	})
}

// logRequest writes the request's one log record.
func (s *Server) logRequest(r *http.Request, rw *respWriter, route string, start time.Time, d time.Duration) {
	ctx := r.Context()
	if !s.logger.Handler().Enabled(ctx, slog.LevelInfo) {
		return
	}
	path, remote := "", ""
	if rw.status >= 400 {
		path, remote = r.URL.Path, r.RemoteAddr
	}
	s.logLine(ctx, rw.id, r.Method, route, rw.status, rw.bytes, path, remote, start, d)
}

// logLine writes a request's log record; path and remote go in it when
// they are not empty. It hands the record to the handler itself, which
// spares the logger's look-up of its caller on every request.
func (s *Server) logLine(ctx context.Context, id, method, route string, status int, bytes int64, path, remote string, start time.Time, d time.Duration) {
	rec := slog.NewRecord(start.Add(d), slog.LevelInfo, "request", 0)
	rec.AddAttrs(slog.String(LogKeyRequestID, id), slog.String(LogKeyMethod, method), slog.String(LogKeyRoute, route),
		slog.Int(LogKeyStatus, status), slog.Int64(LogKeyBytes, bytes))
	rec.AddAttrs(slog.Duration(LogKeyDuration, d))
	if path != "" || remote != "" {
		if len(path) > maxLoggedPath {
			path = path[:maxLoggedPath] + "..."
		}
		rec.AddAttrs(slog.String(LogKeyPath, path), slog.String(LogKeyRemote, remote))
	}
	s.logger.Handler().Handle(ctx, rec)
}

// serve runs the handler, answering CORS preflights and requests over the
// rate limit itself, and turning a panic into a 500.
func (s *Server) serve(next http.Handler, w *respWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			s.logger.Error("handler panic", LogKeyRequestID, w.id, LogKeyError, v, "stack", string(debug.Stack()))
			if !w.wroteHeader {
				s.writeError(w, r, errors.New("handler panic"))
			}
		}
	}()
	if r.Method == http.MethodOptions {
		h := w.Header()
		h.Set("Access-Control-Allow-Methods", s.corsMethods(r))
		h.Set("Access-Control-Allow-Headers", "Accept-Encoding, Content-Type, If-None-Match, X-Request-ID")
		h.Set("Access-Control-Max-Age", "86400")
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if ce := r.Header.Get("Content-Encoding"); ce != "" && r.ContentLength != 0 && !strings.EqualFold(ce, "identity") {
		s.writeError(w, r, errorf(ErrMediaType, "a body in Content-Encoding %.32q is not taken; send it uncompressed", ce))
		return
	}
	if r.RequestURI == "*" {
		// ServeMux would answer 400 without a body.
		s.writeError(w, r, errorf(ErrBadRequest, "the request target * is for OPTIONS only"))
		return
	}
	if s.limiter != nil && !exempt(r.URL.Path) {
		if ok, wait := s.limiter.allow(clientKey(r)); !ok {
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			s.writeError(w, r, errorf(ErrRateLimited, "over the rate limit of %g requests per second; retry later", s.opts.RateLimit))
			return
		}
	}
	next.ServeHTTP(w, r)
}

// exempt reports whether a path is outside the rate limit: probes and scrapes.
func exempt(path string) bool {
	return path == "/health" || path == "/ready" || path == "/metrics"
}

// clientKey names the client a rate limit applies to: its address without
// the port. Headers a client sets, such as X-Forwarded-For, are not trusted.
func clientKey(r *http.Request) string { return clientKeyOf(r.RemoteAddr) }

// clientKeyOf is the client key of a remote address: its host.
func clientKeyOf(addr string) string {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	return host
}
