package client

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/schemareg/schemareg/api"
)

// Defaults of the options.
const (
	// DefaultRetries is how many times a read is repeated after its first
	// attempt fails with a connection error, a 5xx or a 429.
	DefaultRetries = 3
	// DefaultCacheEntries is how many answers the cache holds.
	DefaultCacheEntries = 512
	// DefaultUserAgent is the User-Agent header sent when WithUserAgent is
	// not given.
	DefaultUserAgent = "schemareg-go-client"
	// DefaultBackoff is the wait before the first retry; it doubles with
	// each retry, up to DefaultMaxBackoff.
	DefaultBackoff    = 100 * time.Millisecond
	DefaultMaxBackoff = 2 * time.Second
	// MaxRetryAfter is the longest Retry-After the client waits for; a
	// longer one ends the call with the error instead.
	MaxRetryAfter = time.Minute
	// MirrorCooldown is how long reads go to the mirror first once one has
	// fallen back to it.
	MirrorCooldown = 30 * time.Second
	// ResponseHeaderTimeout bounds the wait for a response's headers on the
	// default HTTP client; a batch's results may stream for longer.
	ResponseHeaderTimeout = 30 * time.Second
)

// maxBody bounds a response body the client reads whole.
const maxBody = 256 << 20

// Client reads the registry's REST API. It is safe for concurrent use;
// create one and reuse it, so that its cache and connections are shared.
type Client struct {
	base       *url.URL
	mirror     *url.URL // nil: no fallback
	hc         *http.Client
	userAgent  string
	retries    int
	backoff    time.Duration
	maxBackoff time.Duration
	cache      *cache // nil: no cache
	logger     *slog.Logger

	// sleep waits d or until ctx is done; now is the clock. Tests replace
	// both, so that no test waits for real.
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time

	// mirrorUntil is the time, in Unix nanoseconds, until which reads try
	// the mirror before the server.
	mirrorUntil atomic.Int64
}

// Option configures a Client.
type Option func(*config)

type config struct {
	hc                  *http.Client
	mirror              string
	retries             int
	userAgent           string
	cacheEntries        int
	backoff, maxBackoff time.Duration
	logger              *slog.Logger
}

// WithHTTPClient makes the client send its requests with hc. The default
// is a client of its own whose transport waits at most
// ResponseHeaderTimeout for response headers. A Timeout on hc also bounds
// the reading of an NDJSON batch's results: leave it zero and use contexts.
func WithHTTPClient(hc *http.Client) Option {
	return func(c *config) { c.hc = hc }
}

// WithMirror sets the base URL of the static documentation site, whose
// api/ files mirror the registry's reads. When the server cannot be
// reached (a connection error or a 5xx, after the retries), GetSchema,
// GetVersion, Versions, List and ArrowSchema read the mirror instead, and
// for MirrorCooldown after that read the mirror first.
func WithMirror(siteURL string) Option {
	return func(c *config) { c.mirror = siteURL }
}

// WithRetries sets how many times a call is repeated after a connection
// error, a 5xx or a 429; 0 disables retries. Reads are repeated, and so is
// Validate, which changes nothing on the server; a batch only when none of
// its body was sent.
func WithRetries(n int) Option {
	return func(c *config) { c.retries = max(n, 0) }
}

// WithBackoff sets the wait before the first retry, doubled for each
// retry after it up to maxWait, with random jitter. A Retry-After header on
// a 429 or 503 replaces it.
func WithBackoff(first, maxWait time.Duration) Option {
	return func(c *config) { c.backoff, c.maxBackoff = first, maxWait }
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option {
	return func(c *config) { c.userAgent = ua }
}

// WithCache sets how many answers the client keeps in memory, keyed by
// URL; 0 disables the cache. A cached answer is revalidated with
// If-None-Match, and one the server marks immutable (a version named by
// its number) is served without a request.
func WithCache(entries int) Option {
	return func(c *config) { c.cacheEntries = max(entries, 0) }
}

// WithLogger sets where the client logs its retries and fallbacks to the
// mirror. The default discards them.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) { c.logger = l }
}

// New returns a client of the registry served at baseURL, e.g.
// "https://registry.example.com" or "http://127.0.0.1:8000/api/".
func New(baseURL string, opts ...Option) (*Client, error) {
	cfg := config{
		retries: DefaultRetries, userAgent: DefaultUserAgent, cacheEntries: DefaultCacheEntries,
		backoff: DefaultBackoff, maxBackoff: DefaultMaxBackoff,
	}
	for _, o := range opts {
		o(&cfg)
	}
	base, err := parseBase(baseURL)
	if err != nil {
		return nil, fmt.Errorf("new client: %w", err)
	}
	c := &Client{
		base: base, hc: cfg.hc, userAgent: cfg.userAgent, retries: cfg.retries,
		backoff: cfg.backoff, maxBackoff: max(cfg.maxBackoff, cfg.backoff), logger: cfg.logger,
		sleep: sleepCtx, now: time.Now,
	}
	if cfg.mirror != "" {
		if c.mirror, err = parseBase(cfg.mirror); err != nil {
			return nil, fmt.Errorf("new client: mirror: %w", err)
		}
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: http.DefaultTransport}
		if tr, ok := http.DefaultTransport.(*http.Transport); ok {
			tr = tr.Clone()
			tr.ResponseHeaderTimeout = ResponseHeaderTimeout
			c.hc.Transport = tr
		}
	}
	if c.logger == nil {
		c.logger = slog.New(slog.DiscardHandler)
	}
	if cfg.cacheEntries > 0 {
		c.cache = newCache(cfg.cacheEntries)
	}
	return c, nil
}

// parseBase parses an absolute http(s) URL to resolve paths against.
func parseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("parse base URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("base URL %q: want an absolute http or https URL", raw)
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// endpoint returns the URL of a path under base, each segment escaped.
// Segments are ids and versions, which cannot be empty or a dot segment.
func endpoint(base *url.URL, segments ...string) (string, error) {
	esc := make([]string, len(segments))
	for i, s := range segments {
		if s == "" || s == "." || s == ".." {
			return "", fmt.Errorf("invalid path segment %q", s)
		}
		esc[i] = url.PathEscape(s)
	}
	return base.JoinPath(esc...).String(), nil
}

// sleepCtx waits d, or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Health asks the server whether it answers: GET /health, once, with no
// retry, cache or mirror.
func (c *Client) Health(ctx context.Context) (*api.Status, error) {
	u, err := endpoint(c.base, "health")
	if err != nil {
		return nil, fmt.Errorf("health: %w", err)
	}
	rep, err := c.fetch(ctx, &call{method: http.MethodGet, url: u, accept: typeJSON, noRetry: true})
	if err != nil {
		return nil, fmt.Errorf("health: %w", err)
	}
	var st api.Status
	if err := decodeJSON(rep.body, &st); err != nil {
		return nil, fmt.Errorf("health: %w", err)
	}
	return &st, nil
}

// readAll reads a whole response body, at most maxBody bytes of it.
func readAll(r io.Reader) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxBody {
		return nil, fmt.Errorf("response body over %d bytes", maxBody)
	}
	return data, nil
}

// contentType returns the media type of a Content-Type header value.
func contentType(v string) string {
	mt, _, _ := strings.Cut(v, ";")
	return strings.TrimSpace(strings.ToLower(mt))
}
