package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/schemareg/schemareg/api"
)

// Documents the fake registry serves.
const (
	ticks100 = `{"id":"ticks_v1","version":"1.0.0","type":"object","properties":{"price":{"type":"number"}}}`
	ticks110 = `{"id":"ticks_v1","version":"1.1.0","type":"object","properties":{"price":{"type":"number"},"side":{"type":"string"}}}`
)

// testStart is the time a test clock starts at.
var testStart = time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)

// testClock is a clock the test moves: sleep records each wait and moves
// the clock instead of waiting.
type testClock struct {
	mu    sync.Mutex
	t     time.Time
	waits []time.Duration
}

func (c *testClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *testClock) sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.t = c.t.Add(d)
	return nil
}

func (c *testClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func (c *testClock) recorded() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Duration(nil), c.waits...)
}

// newTestClient returns a client of base on a test clock.
func newTestClient(t *testing.T, base string, opts ...Option) (*Client, *testClock) {
	t.Helper()
	c, err := New(base, opts...)
	if err != nil {
		t.Fatal(err)
	}
	clk := &testClock{t: testStart}
	c.now, c.sleep = clk.now, clk.sleep
	t.Cleanup(c.hc.CloseIdleConnections)
	return c, clk
}

// counted is an httptest server whose handler counts its requests.
type counted struct {
	*httptest.Server
	n atomic.Int64
}

func newCounted(t *testing.T, h http.HandlerFunc) *counted {
	t.Helper()
	return newCountedN(t, func(w http.ResponseWriter, r *http.Request, _ int) { h(w, r) })
}

// newCountedN is newCounted with a handler told the request's number,
// from 1.
func newCountedN(t *testing.T, h func(w http.ResponseWriter, r *http.Request, n int)) *counted {
	t.Helper()
	s := &counted{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h(w, r, int(s.n.Add(1)))
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *counted) requests() int { return int(s.n.Load()) }

// downURL returns the URL of a server that is not listening any more.
func downURL(t *testing.T) string {
	t.Helper()
	s := httptest.NewServer(http.NotFoundHandler())
	u := s.URL
	s.Close()
	return u
}

// serveBody answers like the server: the digest as ETag, 304 when
// If-None-Match names it.
func serveBody(w http.ResponseWriter, r *http.Request, body, ctype, cacheControl string) {
	etag := `"` + digestOf([]byte(body)) + `"`
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", cacheControl)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Write([]byte(body))
}

// writeError answers the server's one error shape.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", typeJSON)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"error": api.Error{Code: code, Message: msg}})
}

func TestNew(t *testing.T) {
	for _, raw := range []string{"", "registry.example.com", "ftp://example.com", "http://", "://x"} {
		if _, err := New(raw); err == nil {
			t.Errorf("New(%q): no error", raw)
		}
	}
	if _, err := New("http://example.com", WithMirror("not a url")); err == nil {
		t.Error("New with a bad mirror: no error")
	}
	c, err := New("http://example.com/api?x=1#f")
	if err != nil {
		t.Fatal(err)
	}
	u, err := endpoint(c.base, "schema", "ticks_v1", "1.0.0+build")
	if err != nil || u != "http://example.com/api/schema/ticks_v1/1.0.0+build" {
		t.Errorf("endpoint: %q, %v", u, err)
	}
	for _, seg := range []string{"", ".", ".."} {
		if _, err := endpoint(c.base, "schema", seg); err == nil {
			t.Errorf("endpoint with %q: no error", seg)
		}
	}
	if u, _ := endpoint(c.base, "schema", "a/b"); u != "http://example.com/api/schema/a%2Fb" {
		t.Errorf("a slash is not escaped: %s", u)
	}
}

func TestGetVersion(t *testing.T) {
	var ua atomic.Value
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		ua.Store(r.Header.Get("User-Agent"))
		switch r.URL.Path {
		case "/schema/ticks_v1":
			serveBody(w, r, ticks110, typeSchema, "public, max-age=60")
		case "/schema/ticks_v1/1.0.0":
			serveBody(w, r, ticks100, typeSchema, "public, max-age=31536000, immutable")
		case "/schema/corrupt/1.0.0":
			w.Header().Set("ETag", `"`+digestOf([]byte(ticks110))+`"`)
			w.Write([]byte(ticks100))
		default:
			writeError(w, http.StatusNotFound, "not_found", fmt.Sprintf("no route for %s", r.URL.Path))
		}
	})
	c, _ := newTestClient(t, s.URL, WithUserAgent("pipeline/1"))
	ctx := t.Context()

	latest, err := c.GetSchema(ctx, "ticks_v1")
	if err != nil {
		t.Fatal(err)
	}
	if latest.ID != "ticks_v1" || latest.Version != "1.1.0" || string(latest.Body) != ticks110 ||
		latest.Digest != digestOf([]byte(ticks110)) || latest.ContentType != typeSchema {
		t.Errorf("GetSchema: %+v", latest)
	}
	if ua.Load() != "pipeline/1" {
		t.Errorf("User-Agent %q", ua.Load())
	}
	var doc map[string]any
	if err := latest.Decode(&doc); err != nil || doc["version"] != "1.1.0" {
		t.Errorf("Decode: %v, %v", doc, err)
	}

	v, err := c.GetVersion(ctx, "ticks_v1", "1.0.0")
	if err != nil || string(v.Body) != ticks100 || v.Version != "1.0.0" {
		t.Fatalf("GetVersion: %+v, %v", v, err)
	}
	v.Body[0] = 'X' // the caller's to modify: the cache keeps its own
	if v2, err := c.GetVersion(ctx, "ticks_v1", "1.0.0"); err != nil || string(v2.Body) != ticks100 {
		t.Errorf("second GetVersion: %+v, %v", v2, err)
	}

	_, err = c.GetVersion(ctx, "nope", "1.0.0")
	var ae *APIError
	if !errors.Is(err, ErrNotFound) || !errors.As(err, &ae) || ae.Code != "not_found" || ae.Status != 404 {
		t.Errorf("unknown schema: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "get schema nope 1.0.0: 404 not_found: ") {
		t.Errorf("error message %q", err)
	}

	if _, err := c.GetVersion(ctx, "corrupt", "1.0.0"); !errors.Is(err, errCorrupt) {
		t.Errorf("a body that is not its ETag's: %v", err)
	}
}

func TestHealth(t *testing.T) {
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/health" {
			writeError(w, http.StatusNotFound, "not_found", "no route")
			return
		}
		w.Header().Set("Content-Type", typeJSON)
		w.Write([]byte(`{"status":"ok","generation":"sha256:ab","schemas":5,"watching":true,"etcd":{"status":"ok"},"cache":{"entries":3}}`))
	})
	c, _ := newTestClient(t, s.URL)
	st, err := c.Health(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "ok" || st.Schemas != 5 || !st.Watching || st.Etcd.Status != "ok" || st.Generation != "sha256:ab" {
		t.Errorf("Health: %+v", st)
	}

	// Health is a probe: one attempt, whatever the retries.
	down := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "etcd is unreachable")
	})
	c, clk := newTestClient(t, down.URL, WithRetries(5))
	if _, err := c.Health(t.Context()); err == nil || down.requests() != 1 || len(clk.recorded()) != 0 {
		t.Errorf("Health of a failing server: %v after %d requests", err, down.requests())
	}
}

func TestSleepCtx(t *testing.T) {
	if err := sleepCtx(t.Context(), time.Nanosecond); err != nil {
		t.Errorf("sleep: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := sleepCtx(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("sleep with a canceled context: %v", err)
	}
}
