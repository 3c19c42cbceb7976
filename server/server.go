package server

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// Etcd is what the server needs of etcd: reads and a watch of the
// generation key. *clientv3.Client is one.
type Etcd interface {
	clientv3.KV
	clientv3.Watcher
}

// Defaults of the Options.
const (
	DefaultMaxAge        = 60 * time.Second
	DefaultCacheTTL      = 10 * time.Minute
	DefaultCacheBytes    = 256 << 20
	DefaultCallTimeout   = 5 * time.Second
	DefaultProbeInterval = 2 * time.Second
	DefaultMaxBody       = 1 << 20
	DefaultMaxBatch      = 1 << 30
	DefaultStreamIdle    = 30 * time.Second
	DefaultStreamTimeout = 10 * time.Minute
	DefaultEventStreams  = 1024
	DefaultHeartbeat     = 15 * time.Second
)

// Options are the server's settings; New replaces zero values with the
// defaults.
type Options struct {
	// Keys is the etcd layout to read; the zero value uses etcdstore.DefaultPrefix.
	Keys etcdstore.Keys
	// MaxAge is the Cache-Control max-age of latest versions and lists.
	MaxAge time.Duration
	// CacheTTL bounds how long a cached answer is served without asking
	// etcd again, and how long a generation is trusted without a reload.
	CacheTTL time.Duration
	// CacheBytes bounds the cache.
	CacheBytes int64
	// CallTimeout bounds each etcd call.
	CallTimeout time.Duration
	// ProbeInterval is how often Run checks that etcd answers and that the
	// generation loaded is the published one.
	ProbeInterval time.Duration
	// MaxBody bounds a request body, and each line of an NDJSON batch.
	MaxBody int64
	// MaxBatch bounds an NDJSON batch.
	MaxBatch int64
	// StreamIdle is how long an NDJSON batch may wait for its next bytes,
	// or for the client to read its results.
	StreamIdle time.Duration
	// StreamTimeout bounds a whole NDJSON batch, however steadily its
	// bytes come.
	StreamTimeout time.Duration
	// EventStreams bounds the GET /events streams open at once; one more
	// is answered 503.
	EventStreams int
	// Heartbeat is how often an idle GET /events stream sends a comment
	// (SSE) or a ping (WebSocket), so that proxies keep it open and a dead
	// client is noticed.
	Heartbeat time.Duration
	// Policy is the compatibility policy of verdicts; "" is LENIENT.
	Policy compat.Policy
	// RateLimit is the requests per second each client may make, 0 for no
	// limit; RateBurst is the bucket's size (default: RateLimit, at least 1).
	RateLimit float64
	RateBurst int
	// RateClients bounds how many client addresses the rate limit tracks
	// (default DefaultRateClients); past it, the least recently seen is
	// forgotten.
	RateClients int
	// Git, when set, is where POST /schema/{id} commits new versions;
	// without it the server answers 403 and points to a pull request.
	Git *GitTarget
	// WriteTokens are the bearer tokens that may write (POST /schema/{id}
	// with Git); WriteClientCerts lets a verified TLS client certificate
	// write too. With neither, writes are refused.
	WriteTokens      []WriteToken
	WriteClientCerts bool
	// Now is the clock; nil is time.Now.
	Now func() time.Time
}

// Server serves the registry from etcd. It is safe for concurrent use.
type Server struct {
	etcd    Etcd
	logger  *slog.Logger
	opts    Options
	hdr     headerValues
	cache   *cache
	metrics *metrics
	limiter *limiter
	git     *gitWriter
	auth    *writeAuth

	gen    atomic.Pointer[generation]
	health health
	// compiled is the last compile attempt, when one is reported.
	compiled atomic.Pointer[api.CompileAttempt]
	events   eventHub

	mux     *http.ServeMux
	handler http.Handler
	// laneOff keeps the fast lane off: a mounted handler may take paths
	// it answers.
	laneOff bool
	// lane is the fast lane of the last Serve, for its counts.
	lane atomic.Pointer[fastLane]

	idPrefix string
	idSeq    atomic.Uint64
	genMu    sync.Mutex // serializes generation loads
}

// New returns a server reading the registry from etcd. Call Run to follow
// new generations; without it the server loads the generation on the first
// request and keeps it.
func New(etcd Etcd, logger *slog.Logger, opts Options) *Server {
	if opts.MaxAge <= 0 {
		opts.MaxAge = DefaultMaxAge
	}
	if opts.CacheTTL <= 0 {
		opts.CacheTTL = DefaultCacheTTL
	}
	if opts.CacheBytes <= 0 {
		opts.CacheBytes = DefaultCacheBytes
	}
	if opts.CallTimeout <= 0 {
		opts.CallTimeout = DefaultCallTimeout
	}
	if opts.ProbeInterval <= 0 {
		opts.ProbeInterval = DefaultProbeInterval
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.MaxBatch <= 0 {
		opts.MaxBatch = DefaultMaxBatch
	}
	if opts.StreamIdle <= 0 {
		opts.StreamIdle = DefaultStreamIdle
	}
	if opts.StreamTimeout <= 0 {
		opts.StreamTimeout = DefaultStreamTimeout
	}
	if opts.EventStreams <= 0 {
		opts.EventStreams = DefaultEventStreams
	}
	if opts.Heartbeat <= 0 {
		opts.Heartbeat = DefaultHeartbeat
	}
	if opts.Policy == "" {
		opts.Policy = compat.PolicyLenient
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	var seed [8]byte
	rand.Read(seed[:])
	s := &Server{
		etcd: etcd, logger: logger, opts: opts,
		hdr:      newHeaderValues(int(opts.MaxAge / time.Second)),
		cache:    newCache(opts.CacheBytes, opts.CacheTTL, opts.Now),
		idPrefix: hex.EncodeToString(seed[:]) + "-",
	}
	s.metrics = newMetrics(s)
	if opts.RateLimit > 0 {
		s.limiter = newLimiter(opts.RateLimit, opts.RateBurst, opts.RateClients, opts.Now)
	}
	if opts.Git != nil {
		s.git = newGitWriter(*opts.Git, opts.Policy)
	}
	s.auth = newWriteAuth(opts.WriteTokens, opts.WriteClientCerts)
	s.mux = http.NewServeMux()
	s.routes()
	s.handler = s.middleware(s.mux)
	return s
}

// Handler returns the server's HTTP handler: every route of the API behind
// the request id, log, metrics, CORS and rate-limit middleware.
func (s *Server) Handler() http.Handler { return s.handler }

// Mount adds a handler under a ServeMux pattern, e.g. a documentation site
// under "/docs/", behind the same middleware. Call it before serving.
func (s *Server) Mount(pattern string, h http.Handler) {
	s.mux.Handle(pattern, h)
	if !laneClear(pattern) {
		s.laneOff = true
	}
}

// laneClear reports whether a mounted pattern leaves the fast lane's paths
// to the routes: it names no host, and its path is "/" alone or begins
// with a literal segment other than "schema".
func laneClear(pattern string) bool {
	if i := strings.IndexAny(pattern, " \t"); i >= 0 {
		pattern = strings.TrimLeft(pattern[i:], " \t")
	}
	if pattern == "/{$}" { // "/" alone
		return true
	}
	if !strings.HasPrefix(pattern, "/") {
		return false
	}
	first, _, _ := strings.Cut(pattern[1:], "/")
	return first != "" && first != "schema" && !strings.ContainsAny(first, "{}")
}

// newRequestID returns a request id unique to this process: a random
// prefix chosen in New and a counter.
func (s *Server) newRequestID() string {
	var buf [64]byte
	return string(s.appendRequestID(buf[:0]))
}

// appendRequestID appends a new request id to dst, without a string of
// its own: the fast lane writes it straight into its answer.
func (s *Server) appendRequestID(dst []byte) []byte {
	return strconv.AppendUint(append(dst, s.idPrefix...), s.idSeq.Add(1), 10)
}

// call runs one etcd call under its own timeout, timing it by op. An etcd
// error becomes ErrUnavailable; what the data says (corrupt, not
// published) stays as it is.
func (s *Server) call(ctx context.Context, op string, fn func(ctx context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, s.opts.CallTimeout)
	defer cancel()
	start := time.Now()
	err := fn(ctx)
	s.metrics.etcdDone(op, time.Since(start), err)
	if err != nil && !isDataError(err) {
		return &unavailable{err: err}
	}
	return err
}
