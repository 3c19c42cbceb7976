package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

// FuzzHandler sends random requests, with any method, path, query,
// headers and body net/http would hand a handler, to three servers: one
// over a real etcd holding a published bundle, one whose etcd was never
// reachable, and one that loaded the bundle and then lost etcd. No request
// may make a handler panic; every answer has a valid status, an error is
// the one JSON error shape, and no answer is a 5xx but a 503 from a server
// without etcd.
//
// The seed corpus is in testdata/fuzz/FuzzHandler: a request for every
// route, valid and not.
func FuzzHandler(f *testing.F) {
	servers := fuzzServers(f)
	f.Fuzz(func(t *testing.T, method, target, header string, body []byte) {
		for _, fs := range servers {
			req, ok := fuzzRequest(method, target, header, body)
			if !ok {
				t.Skip("net/http refuses this request before any handler sees it")
			}
			rec := httptest.NewRecorder()
			fs.panics.Store(0)
			done := make(chan struct{})
			go func() {
				defer close(done)
				fs.s.Handler().ServeHTTP(rec, req)
			}()
			select {
			case <-done:
			case <-time.After(fuzzHang):
				buf := make([]byte, 1<<20)
				t.Fatalf("%s: %s %.200s: no answer within %s\n%s", fs.name, method, target, fuzzHang, buf[:runtime.Stack(buf, true)])
			}
			fs.check(t, req, rec)
		}
	})
}

// fuzzHang is how long a request may go unanswered before the fuzzer
// reports it: far longer than any answer takes.
const fuzzHang = 30 * time.Second

// fuzzServer is one server under fuzzing and what it may answer.
type fuzzServer struct {
	name   string
	s      *Server
	down   bool         // etcd is unreachable: 503 is allowed
	panics atomic.Int64 // "handler panic" records logged
}

func fuzzServers(f *testing.F) []*fuzzServer {
	f.Helper()
	etcd := etcdtest.Start(f)
	ctx := context.Background()
	repo, err := testrepo.Build(f.TempDir(), "../schemas", 0)
	if err != nil {
		f.Fatal(err)
	}
	b, err := repo.Compile(ctx)
	if err != nil {
		f.Fatal(err)
	}
	cli := etcd.Client(f)
	if _, err := testrepo.Publish(ctx, cli, b); err != nil {
		f.Fatal(err)
	}
	opts := Options{CallTimeout: 2 * time.Second}
	up := &fuzzServer{name: "up"}
	up.s = New(cli, fuzzLogger(up), opts)

	// Nothing listens on a port that was free a moment ago.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		f.Fatal(err)
	}
	dead := "http://" + ln.Addr().String()
	ln.Close()
	never := DialEtcd(clientConfig([]string{dead}), testLogger(f))
	f.Cleanup(func() { never.Close() })
	down := &fuzzServer{name: "never-connected", down: true}
	down.s = New(never, fuzzLogger(down), Options{CallTimeout: 50 * time.Millisecond})

	lostCli, err := clientv3.New(clientConfig(etcd.Endpoints()))
	if err != nil {
		f.Fatal(err)
	}
	lost := &fuzzServer{name: "lost-etcd", down: true}
	lost.s = New(lostCli, fuzzLogger(lost), Options{CallTimeout: 50 * time.Millisecond})
	for _, p := range []string{"/schemas", "/schema/ticks_v1", "/schema/ticks_v1/versions", "/schema/ticks_v1/1.0.0/arrow", "/compat/ticks_v1/1.0.0/1.1.1"} {
		rec := httptest.NewRecorder()
		lost.s.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, p, nil))
		if rec.Code != http.StatusOK {
			f.Fatalf("warming %s: %d %s", p, rec.Code, rec.Body)
		}
	}
	lostCli.Close()
	return []*fuzzServer{up, down, lost}
}

// fuzzLogger discards the server's logs but counts its handler panics.
func fuzzLogger(fs *fuzzServer) *slog.Logger {
	return slog.New(&panicCounter{fs: fs})
}

type panicCounter struct{ fs *fuzzServer }

func (h *panicCounter) Enabled(context.Context, slog.Level) bool { return true }
func (h *panicCounter) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "handler panic" {
		h.fs.panics.Add(1)
	}
	return nil
}
func (h *panicCounter) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *panicCounter) WithGroup(string) slog.Handler      { return h }

// fuzzRequest builds the request net/http would read from the request
// line "method target HTTP/1.1", the header lines and the body; ok is
// false when net/http would answer 400 itself.
func fuzzRequest(method, target, header string, body []byte) (*http.Request, bool) {
	if !validToken(method) || target == "" || strings.ContainsAny(target, " \r\n\x00") {
		return nil, false
	}
	u, err := url.ParseRequestURI(target)
	if err != nil {
		return nil, false
	}
	h := http.Header{}
	for _, line := range strings.Split(header, "\n") {
		line = strings.TrimSuffix(line, "\r")
		if line == "" {
			continue
		}
		k, v, found := strings.Cut(line, ":")
		if !found || !validToken(k) || !validHeaderValue(v) {
			return nil, false
		}
		switch http.CanonicalHeaderKey(k) {
		case "Content-Length", "Transfer-Encoding", "Host", "Connection", "Expect", "Trailer", "Te", "Upgrade":
			continue // framing: net/http deals with those itself
		}
		h.Add(k, strings.TrimSpace(v))
	}
	req := &http.Request{
		Method: method, URL: u, RequestURI: target, Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header: h, Host: "registry.test", RemoteAddr: "192.0.2.1:40000",
		Body: io.NopCloser(bytes.NewReader(body)), ContentLength: int64(len(body)),
	}
	return req.WithContext(context.Background()), true
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func validHeaderValue(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < ' ' && c != '\t' || c == 0x7f {
			return false
		}
	}
	return true
}

// check fails the test unless the answer is one the server may give.
func (fs *fuzzServer) check(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	what := fs.name + ": " + req.Method + " " + req.RequestURI
	if len(what) > 200 {
		what = what[:200] + "..."
	}
	if n := fs.panics.Load(); n > 0 {
		t.Fatalf("%s: the handler panicked", what)
	}
	code := rec.Code
	// GET /ready answers 503 with its status, not an error, until the
	// server has loaded a generation: the probe's answer.
	probe := req.URL.Path == "/ready" && (req.Method == http.MethodGet || req.Method == http.MethodHead)
	switch {
	case code < 200 || code > 599:
		t.Fatalf("%s: status %d", what, code)
	case code == http.StatusServiceUnavailable && (fs.down || probe):
		if rec.Header().Get("Retry-After") == "" && !probe {
			t.Errorf("%s: 503 without Retry-After", what)
		}
	case code >= 500:
		t.Fatalf("%s: status %d: %.300s", what, code, rec.Body)
	}
	body := rec.Body.Bytes()
	if req.Method == http.MethodHead || code == http.StatusNotModified || code == http.StatusNoContent {
		if len(body) > 0 {
			t.Errorf("%s: %d with a %d-byte body", what, code, len(body))
		}
		return
	}
	if rec.Header().Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: gzip answer: %v", what, err)
		}
		if body, err = io.ReadAll(zr); err != nil {
			t.Fatalf("%s: gzip answer: %v", what, err)
		}
	}
	ct := rec.Header().Get("Content-Type")
	if code >= 400 && !probe {
		var e struct {
			Error *api.Error `json:"error"`
		}
		if ct != typeJSON || json.Unmarshal(body, &e) != nil || e.Error == nil || e.Error.Code == "" || e.Error.Message == "" {
			t.Fatalf("%s: %d without the JSON error shape (%s): %.300s", what, code, ct, body)
		}
		if cl := rec.Header().Get("Content-Length"); cl != strconv.Itoa(len(body)) {
			t.Errorf("%s: Content-Length %q for %d bytes", what, cl, len(body))
		}
		return
	}
	switch ct {
	case typeJSON, typeSchema:
		if !json.Valid(body) {
			t.Fatalf("%s: %d with invalid JSON: %.300s", what, code, body)
		}
	case typeNDJSON:
		for _, line := range bytes.Split(bytes.TrimSuffix(body, []byte("\n")), []byte("\n")) {
			if !json.Valid(line) {
				t.Fatalf("%s: an NDJSON answer line is not JSON: %.300s", what, line)
			}
		}
	}
}
