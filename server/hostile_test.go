package server

import (
	"encoding/json"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/internal/syncbuf"
)

// TestHostileInput checks that bad ids and versions are refused before
// anything reaches etcd: the server runs without Run, so etcd sees only the
// requests the handlers make, counted by countingEtcd.
func TestHostileInput(t *testing.T) {
	h := newHarness(t)
	etcd := &countingEtcd{Etcd: h.cli}
	ts := startServer(t, New(etcd, testLogger(t), Options{}), false)
	// Never follow redirects: the raw answer is what counts.
	ts.client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK) // loads the generation
	before := etcd.n.Load()

	long := strings.Repeat("a", 10<<10)
	paths := []string{
		"/schema/../x", "/schema/%2e%2e", "/schema/%2e%2e/x", "/schema/..%2fx", "/schema/x%2f..%2f..%2fetc",
		"/schema/%2fschemareg%2fgeneration", "/schema/" + long, "/schema/ticks_v1/" + long,
		"/schema/тест", "/schema/%D1%82%D0%B5%D1%81%D1%82", "/schema/ticks%00", "/schema/TICKS_V1", "/schema/_x",
		"/schema/ticks_v1/..%2f..%2fgeneration", "/schema/ticks_v1/1.0.0%2f..", "/schema/ticks_v1/1.0",
		"/schema/ticks_v1/%31.0.0%00", "/schema/ticks_v1/versions%00", "/compat/%2e%2e/1.0.0/1.1.0",
		"/compat/ticks_v1/../1.0.0", "/compat/" + long + "/1.0.0/1.0.0", "/schema/ticks_v1/" + long + "/arrow",
		"/schemas?after=%2e%2e&limit=1", "/schemas?after=" + long,
	}
	for _, p := range paths {
		for _, method := range []string{http.MethodGet, http.MethodPost} {
			r := ts.do(t, method, p, []byte("{}"), "Content-Type: application/json")
			switch r.StatusCode {
			case http.StatusBadRequest, http.StatusNotFound, http.StatusMethodNotAllowed:
				var body struct{ Error api.Error }
				if err := json.Unmarshal(r.body, &body); err != nil || body.Error.Code == "" {
					t.Errorf("%s %.80s: %d without the error shape: %.200s", method, p, r.StatusCode, r.body)
				}
			case http.StatusMovedPermanently, http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
				// ServeMux cleans paths with dot segments by redirecting.
			default:
				t.Errorf("%s %.80s: status %d", method, p, r.StatusCode)
			}
			if len(r.body) > 1024 {
				t.Errorf("%s %.80s: a %d-byte error echoes the input", method, p, len(r.body))
			}
		}
	}
	if after := etcd.n.Load(); after != before {
		t.Errorf("hostile input made %d etcd requests", after-before)
	}
}

func TestRequestIDAndLog(t *testing.T) {
	h := newHarness(t)
	var logs syncBuffer
	s := New(h.cli, slog.New(slog.NewJSONHandler(&logs, nil)), Options{})
	ts := startServer(t, s, false)
	r := ts.get(t, "/schema/ticks_v1", "X-Request-ID: client-id-42").wantStatus(t, http.StatusOK)
	if got := r.Header.Get("X-Request-ID"); got != "client-id-42" {
		t.Errorf("X-Request-ID %q, want the client's", got)
	}
	a := ts.get(t, "/schema/ticks_v1", "X-Request-ID: bad id {with} spaces").Header.Get("X-Request-ID")
	b := ts.get(t, "/schema/ticks_v1").Header.Get("X-Request-ID")
	if a == "" || b == "" || a == b || strings.Contains(a, "bad") {
		t.Errorf("generated ids %q and %q", a, b)
	}
	secret := "do-not-log-this-body"
	ts.do(t, http.MethodPost, "/schema/ticks_v1/compat", []byte(`{"symbol":"`+secret+`"}`), "Content-Type: application/json", "X-Request-ID: post-1")
	var found bool
	for _, line := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] != "request" || rec[LogKeyRequestID] != "client-id-42" {
			continue
		}
		found = true
		if rec[LogKeyRoute] != "/schema/{id}" || rec[LogKeyStatus] != float64(200) || rec[LogKeyBytes].(float64) <= 0 || rec[LogKeyDuration] == nil {
			t.Errorf("log record %v", rec)
		}
	}
	if !found {
		t.Errorf("no log record of the request:\n%s", logs.String())
	}
	if strings.Contains(logs.String(), secret) {
		t.Error("a request body reached the log")
	}
}

func TestMetrics(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	ts.get(t, "/schema/ticks_v1/1.0.0").wantStatus(t, http.StatusOK)
	ts.get(t, "/schema/ticks_v1/1.0.0").wantStatus(t, http.StatusOK)
	ts.get(t, "/schema/nope_v1").wantStatus(t, http.StatusNotFound)
	r := ts.get(t, "/metrics").wantStatus(t, http.StatusOK)
	text := string(r.body)
	for _, want := range []string{
		`schemareg_http_requests_total{code="200",method="GET",route="/schema/{id}/{version}"} 2`,
		`schemareg_http_requests_total{code="404",method="GET",route="/schema/{id}"} 1`,
		`schemareg_http_request_duration_seconds_bucket{method="GET",route="/schema/{id}/{version}"`,
		`schemareg_cache_hits_total{kind="schema"} 1`,
		`schemareg_cache_misses_total{kind="schema"} 1`,
		`schemareg_cache_evictions_total 0`,
		`schemareg_etcd_request_duration_seconds_count{op="load_generation"}`,
		`schemareg_generation_info{commit="` + h.bundle.Manifest.Source.Commit + `",generation="` + h.bundle.Manifest.Generation + `"} 1`,
		`schemareg_generation_loaded_timestamp_seconds`,
		`schemareg_validation_rows_total 0`,
		`schemareg_etcd_up 1`,
		`go_goroutines`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

func TestRateLimit(t *testing.T) {
	h := newHarness(t)
	now := time.Unix(1e9, 0)
	var mu syncClock
	mu.set(now)
	ts := h.server(Options{RateLimit: 1, RateBurst: 2, Now: mu.now})
	ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
	ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
	r := ts.get(t, "/schema/ticks_v1")
	r.wantError(t, http.StatusTooManyRequests, "rate_limited")
	if r.Header.Get("Retry-After") != "1" {
		t.Errorf("Retry-After %q", r.Header.Get("Retry-After"))
	}
	ts.get(t, "/health").wantStatus(t, http.StatusOK)
	mu.set(now.Add(time.Second))
	ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
}

func TestCORSPreflight(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	r := ts.do(t, http.MethodOptions, "/schema/ticks_v1", nil, "Origin: https://example.com", "Access-Control-Request-Method: GET").wantStatus(t, http.StatusNoContent)
	if r.Header.Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(r.Header.Get("Access-Control-Allow-Headers"), "If-None-Match") {
		t.Errorf("preflight headers %v", r.Header)
	}
	if got := ts.get(t, "/schemas").Header.Get("Access-Control-Expose-Headers"); !strings.Contains(got, "ETag") {
		t.Errorf("Access-Control-Expose-Headers %q", got)
	}
}

// syncBuffer is a buffer safe for the server's goroutines.
type syncBuffer = syncbuf.Buffer

// syncClock is a settable clock.
type syncClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *syncClock) set(t time.Time) {
	c.mu.Lock()
	c.t = t
	c.mu.Unlock()
}

func (c *syncClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func TestCheckVersion(t *testing.T) {
	tests := []struct {
		v     string
		plain bool
		ok    bool
	}{
		{"1.0.0", true, true}, {"0.0.1", true, true}, {"10.20.30", true, true}, {"1.2.3-rc.1", false, true},
		{"1.2.3+build", false, false}, {"01.0.0", false, false}, {"1.00.0", false, false}, {"1.0", false, false},
		{"1.0.0.0", false, false}, {"1..0", false, false}, {".1.0", false, false}, {"1.0.", false, false},
		{"", false, false}, {"v1.0.0", false, false}, {"1.0.0/..", false, false}, {"latest", false, true},
		{strings.Repeat("1", 200) + ".0.0", false, false},
	}
	for _, tt := range tests {
		if got := plainVersion(tt.v); got != tt.plain {
			t.Errorf("plainVersion(%q) = %v, want %v", tt.v, got, tt.plain)
		}
		if tt.plain {
			if _, err := semver.Parse(tt.v); err != nil {
				t.Errorf("plainVersion accepts %q, ParseVersion refuses it: %v", tt.v, err)
			}
		}
		if _, err := checkVersion(tt.v, true); (err == nil) != tt.ok {
			t.Errorf("checkVersion(%q): %v, want ok %v", tt.v, err, tt.ok)
		}
	}
}

func TestRoutesRegister(t *testing.T) {
	// Every route and its 405 twin register without a conflict, and a
	// mounted handler joins them.
	s := New(nil, testLogger(t), Options{})
	s.Mount("/docs/", http.NotFoundHandler())
	for _, rt := range s.routeTable() {
		if len(rt.methods) != len(rt.handle) {
			t.Errorf("%s: %d methods, %d handlers", rt.pattern, len(rt.methods), len(rt.handle))
		}
	}
}
