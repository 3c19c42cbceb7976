package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

func testLogger(tb testing.TB) *slog.Logger {
	tb.Helper()
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// harness is a real etcd holding the bundle the real compiler made of a
// real Git repository, published by the real syncer.
type harness struct {
	t      *testing.T
	etcd   *etcdtest.Server
	cli    *clientv3.Client
	repo   *testrepo.Repo
	bundle *bundle.Bundle
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	h := &harness{t: t, etcd: etcdtest.Start(t)}
	h.cli = h.etcd.Client(t)
	var err error
	if h.repo, err = testrepo.Build(t.TempDir(), "../schemas", 0); err != nil {
		t.Fatal(err)
	}
	h.publish()
	return h
}

// publish compiles the repository and publishes the bundle.
func (h *harness) publish() {
	h.t.Helper()
	b, err := h.repo.Compile(h.t.Context())
	if err != nil {
		h.t.Fatal(err)
	}
	if _, err := testrepo.Publish(h.t.Context(), h.cli, b); err != nil {
		h.t.Fatal(err)
	}
	h.bundle = b
}

// file returns a version's canonical bytes from the bundle.
func (h *harness) file(id, version string) []byte {
	h.t.Helper()
	data, ok := h.bundle.Files[bundle.SchemaFile(id, version)]
	if !ok {
		h.t.Fatalf("no %s %s in the bundle", id, version)
	}
	return data
}

func (h *harness) version(id, version string) *bundle.Version {
	h.t.Helper()
	s, ok := h.bundle.Manifest.Schema(id)
	if !ok {
		h.t.Fatalf("no %s in the bundle", id)
	}
	if version == latest {
		version = s.Latest
	}
	v, ok := s.Version(version)
	if !ok {
		h.t.Fatalf("no %s %s in the bundle", id, version)
	}
	return v
}

// testServer is a Server following the generation, serving on loopback as
// schemareg serve does: its fast lane in front of net/http.
type testServer struct {
	*Server
	url    string
	client *http.Client
}

// server starts a Server on etcd (h.cli unless given) with Run.
func (h *harness) server(opts Options, etcd ...Etcd) *testServer {
	h.t.Helper()
	var e Etcd = h.cli
	if len(etcd) > 0 {
		e = etcd[0]
	}
	if opts.ProbeInterval == 0 {
		opts.ProbeInterval = 100 * time.Millisecond
	}
	if opts.CallTimeout == 0 {
		opts.CallTimeout = time.Second
	}
	s := New(e, testLogger(h.t), opts)
	return startServer(h.t, s, true)
}

func startServer(t *testing.T, s *Server, run bool) *testServer {
	t.Helper()
	if run {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() {
			defer close(done)
			s.Run(ctx)
		}()
		t.Cleanup(func() {
			cancel()
			<-done
		})
	}
	url := serveLoopback(t, s)
	// No transparent gzip: the tests see the bytes as sent.
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	t.Cleanup(client.CloseIdleConnections)
	return &testServer{Server: s, url: url, client: client}
}

// serveLoopback serves s on a loopback port with the timeouts of schemareg
// serve until the test ends, and returns its URL.
func serveLoopback(t testing.TB, s *Server) string {
	t.Helper()
	ln := listenLoopback(t)
	hs := &http.Server{ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second,
		IdleTimeout: 2 * time.Minute, ErrorLog: log.New(io.Discard, "", 0)}
	stop := serveOn(t, s, hs, ln)
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Errorf("serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String()
}

func listenLoopback(t testing.TB) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// serveOn serves s on ln with hs, as schemareg serve does, until stop,
// which returns what Serve returned; the end of the test stops it too.
func serveOn(t testing.TB, s *Server, hs *http.Server, ln net.Listener) (stop func() error) {
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- s.Serve(ctx, hs, ln, time.Second) }()
	var once sync.Once
	var err error
	stop = func() error {
		once.Do(func() {
			cancel()
			err = <-served
		})
		return err
	}
	t.Cleanup(func() { stop() })
	return stop
}

// response is a response with its body read.
type response struct {
	*http.Response
	body []byte
}

// do sends a request; headers are "Name: value" strings.
func (ts *testServer) do(t *testing.T, method, path string, body []byte, headers ...string) *response {
	t.Helper()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, ts.url+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	for _, hv := range headers {
		k, v, _ := strings.Cut(hv, ":")
		req.Header.Set(k, strings.TrimSpace(v))
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return &response{Response: resp, body: data}
}

func (ts *testServer) get(t *testing.T, path string, headers ...string) *response {
	t.Helper()
	return ts.do(t, http.MethodGet, path, nil, headers...)
}

// wantStatus fails unless the response has the status.
func (r *response) wantStatus(t *testing.T, code int) *response {
	t.Helper()
	if r.StatusCode != code {
		t.Fatalf("%s %s: status %d, want %d; body %s", r.Request.Method, r.Request.URL.Path, r.StatusCode, code, r.body)
	}
	return r
}

// wantError checks the one error shape and its code.
func (r *response) wantError(t *testing.T, status int, code string) {
	t.Helper()
	r.wantStatus(t, status)
	if ct := r.Header.Get("Content-Type"); ct != typeJSON {
		t.Errorf("error Content-Type %q", ct)
	}
	var body struct {
		Error api.Error `json:"error"`
	}
	if err := json.Unmarshal(r.body, &body); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	if body.Error.Code != code || body.Error.Message == "" {
		t.Errorf("error %+v, want code %q and a message", body.Error, code)
	}
}

func (r *response) decode(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
}

// eventually polls cond every 10ms until it holds or within passes.
func eventually(t *testing.T, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, within)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// countingEtcd counts the requests that reach etcd.
type countingEtcd struct {
	Etcd
	n atomic.Int64
}

func (c *countingEtcd) Get(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.GetResponse, error) {
	c.n.Add(1)
	return c.Etcd.Get(ctx, key, opts...)
}

func (c *countingEtcd) Txn(ctx context.Context) clientv3.Txn {
	c.n.Add(1)
	return c.Etcd.Txn(ctx)
}

func (c *countingEtcd) Watch(ctx context.Context, key string, opts ...clientv3.OpOption) clientv3.WatchChan {
	c.n.Add(1)
	return c.Etcd.Watch(ctx, key, opts...)
}

// clientConfig is the etcd client configuration of a test.
func clientConfig(endpoints []string) clientv3.Config {
	return clientv3.Config{Endpoints: endpoints, DialTimeout: 2 * time.Second, Logger: zap.NewNop()}
}
