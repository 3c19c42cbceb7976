package server

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

// ticks120 is ticks_v1 1.2.0: 1.1.1 with an optional "seq" property.
func ticks120(t *testing.T, h *harness) []byte {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(h.file("ticks_v1", "1.1.1"), &doc); err != nil {
		t.Fatal(err)
	}
	doc["version"] = "1.2.0"
	doc["properties"].(map[string]any)["seq"] = map[string]any{"type": "integer", "minimum": 0, "description": "Feed sequence number."}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return append(data, '\n')
}

func TestNewGenerationWithin1s(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	before := ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
	beforeList := ts.get(t, "/schema/ticks_v1/versions").wantStatus(t, http.StatusOK)
	eventually(t, 5*time.Second, "Run watching", func() bool { return ts.Status().Watching })
	if _, err := h.repo.Commit("ticks_v1 1.2.0", map[string][]byte{"schemas/ticks_v1.json": ticks120(t, h)}); err != nil {
		t.Fatal(err)
	}
	b, err := h.repo.Compile(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := testrepo.Publish(t.Context(), h.cli, b); err != nil {
		t.Fatal(err)
	}
	published := time.Now()
	h.bundle = b
	want := `"` + h.version("ticks_v1", "1.2.0").Digest + `"`
	// Visible within a second of the sync, without a restart; polled, so
	// the test does not depend on how fast this machine is beyond that.
	var r *response
	for {
		r = ts.get(t, "/schema/ticks_v1")
		if r.Header.Get("ETag") == want {
			break
		}
		if time.Since(published) > time.Second {
			t.Fatalf("the new generation is not served 1s after the sync: ETag %s, want %s", r.Header.Get("ETag"), want)
		}
		time.Sleep(5 * time.Millisecond)
	}
	if r.Header.Get("ETag") == before.Header.Get("ETag") {
		t.Fatal("latest did not change")
	}
	// The old ETag of latest no longer validates; the lists moved too.
	ts.get(t, "/schema/ticks_v1", "If-None-Match: "+before.Header.Get("ETag")).wantStatus(t, http.StatusOK)
	after := ts.get(t, "/schema/ticks_v1/versions").wantStatus(t, http.StatusOK)
	if after.Header.Get("ETag") == beforeList.Header.Get("ETag") {
		t.Error("the version list's ETag did not change")
	}
	if st := ts.Status(); st.Generation != b.Manifest.Generation || st.Status != "ready" {
		t.Errorf("status %+v, want generation %s ready", st, b.Manifest.Generation)
	}
}

func TestEtcdDownStaleIfError(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	cached := []string{"/schema/ticks_v1", "/schema/ticks_v1/1.0.0", "/schemas", "/schema/quotes_v1/versions"}
	etags := map[string]string{}
	for _, p := range cached {
		etags[p] = ts.get(t, p).wantStatus(t, http.StatusOK).Header.Get("ETag")
	}
	ts.get(t, "/ready").wantStatus(t, http.StatusOK)

	h.etcd.Stop()
	eventually(t, 20*time.Second, "/ready 503 with etcd down", func() bool {
		return ts.get(t, "/ready").StatusCode == http.StatusServiceUnavailable
	})
	var st api.Status
	ts.get(t, "/ready").decode(t, &st)
	if st.Status != "degraded" || st.Etcd.Status != "unreachable" || st.Generation == "" {
		t.Errorf("ready while etcd is down: %+v", st)
	}
	ts.get(t, "/health").wantStatus(t, http.StatusOK)
	for _, p := range cached {
		r := ts.get(t, p).wantStatus(t, http.StatusOK)
		if r.Header.Get("ETag") != etags[p] {
			t.Errorf("%s: ETag %s while etcd is down, %s before", p, r.Header.Get("ETag"), etags[p])
		}
		ts.get(t, p, "If-None-Match: "+etags[p]).wantStatus(t, http.StatusNotModified)
	}
	r := ts.get(t, "/schema/trades_v1/1.0.0")
	r.wantError(t, http.StatusServiceUnavailable, "unavailable")
	if r.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}

	h.etcd.Restart(t)
	eventually(t, 30*time.Second, "/ready 200 with etcd back", func() bool {
		return ts.get(t, "/ready").StatusCode == http.StatusOK
	})
	ts.get(t, "/schema/trades_v1/1.0.0").wantStatus(t, http.StatusOK)
}

// gatedWatch is etcd whose Watch waits until gate is closed, as etcd's own
// client waits in Watch until the watch stream is open.
type gatedWatch struct {
	Etcd
	gate chan struct{}
}

func (g *gatedWatch) Watch(ctx context.Context, key string, opts ...clientv3.OpOption) clientv3.WatchChan {
	select {
	case <-g.gate:
		return g.Etcd.Watch(ctx, key, opts...)
	case <-ctx.Done():
		ch := make(chan clientv3.WatchResponse)
		close(ch)
		return ch
	}
}

// TestReadyWhileWatchWaits loses etcd after the generation is loaded and
// before the watch is open, where etcd's client waits in Watch: the probes
// must go on, /ready say degraded, and the watch start once etcd is back.
func TestReadyWhileWatchWaits(t *testing.T) {
	h := newHarness(t)
	gate := make(chan struct{})
	ts := h.server(Options{}, &gatedWatch{Etcd: h.cli, gate: gate})
	eventually(t, 5*time.Second, "the generation loaded", func() bool { return ts.Status().Status == "ready" })
	ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
	h.etcd.Stop()
	eventually(t, 20*time.Second, "/ready 503 while the watch waits", func() bool {
		return ts.get(t, "/ready").StatusCode == http.StatusServiceUnavailable
	})
	ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
	h.etcd.Restart(t)
	close(gate)
	eventually(t, 30*time.Second, "/ready 200 with etcd back", func() bool {
		return ts.get(t, "/ready").StatusCode == http.StatusOK
	})
	if _, err := h.repo.Commit("ticks_v1 1.2.0", map[string][]byte{"schemas/ticks_v1.json": ticks120(t, h)}); err != nil {
		t.Fatal(err)
	}
	h.publish()
	eventually(t, 10*time.Second, "the next generation", func() bool {
		return ts.Status().Generation == h.bundle.Manifest.Generation
	})
}

func TestStartsWithEtcdDown(t *testing.T) {
	h := newHarness(t)
	h.etcd.Stop()
	cc := clientConfig(h.etcd.Endpoints())
	cli := DialEtcd(cc, testLogger(t))
	t.Cleanup(func() { cli.Close() })
	ts := h.server(Options{}, cli)
	ts.get(t, "/health").wantStatus(t, http.StatusOK)
	var st api.Status
	ts.get(t, "/ready").wantStatus(t, http.StatusServiceUnavailable).decode(t, &st)
	if st.Status != "starting" {
		t.Errorf("status %q, want starting", st.Status)
	}
	ts.get(t, "/schema/ticks_v1").wantError(t, http.StatusServiceUnavailable, "unavailable")
	h.etcd.Restart(t)
	eventually(t, 30*time.Second, "ready once etcd is up", func() bool {
		return ts.get(t, "/ready").StatusCode == http.StatusOK
	})
	ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
}

func TestNothingPublished(t *testing.T) {
	srv := etcdtest.Start(t)
	h := &harness{t: t, etcd: srv, cli: srv.Client(t)}
	ts := h.server(Options{})
	ts.get(t, "/schema/ticks_v1").wantError(t, http.StatusServiceUnavailable, "unavailable")
	ts.get(t, "/ready").wantStatus(t, http.StatusServiceUnavailable)
	repo, err := testrepo.Build(t.TempDir(), "../schemas", 0)
	if err != nil {
		t.Fatal(err)
	}
	h.repo = repo
	h.publish()
	eventually(t, 5*time.Second, "the first generation served", func() bool {
		return ts.get(t, "/schema/ticks_v1").StatusCode == http.StatusOK
	})
	ts.get(t, "/ready").wantStatus(t, http.StatusOK)
}

func TestWatchAfterCompaction(t *testing.T) {
	h := newHarness(t)
	s := New(h.cli, testLogger(t), Options{CallTimeout: time.Second})
	_, rev, err := s.reload(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.repo.Commit("ticks_v1 1.2.0", map[string][]byte{"schemas/ticks_v1.json": ticks120(t, h)}); err != nil {
		t.Fatal(err)
	}
	h.publish()
	resp, err := h.cli.Get(t.Context(), "compact-probe")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.cli.Compact(t.Context(), resp.Header.Revision); err != nil {
		t.Fatal(err)
	}
	// A watch from before the compaction fails with ErrCompacted...
	err = s.follow(t.Context(), rev)
	if !errors.Is(err, rpctypes.ErrCompacted) {
		t.Fatalf("follow from a compacted revision: %v, want ErrCompacted", err)
	}
	// ...and Run loads the generation again and watches from there.
	ts := startServer(t, s, true)
	eventually(t, 5*time.Second, "the new generation after the compaction", func() bool {
		return ts.Status().Generation == h.bundle.Manifest.Generation
	})
	ts.get(t, "/schema/ticks_v1/1.2.0").wantStatus(t, http.StatusOK)
}

func TestRunStops(t *testing.T) {
	h := newHarness(t)
	s := New(h.cli, testLogger(t), Options{})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	eventually(t, 5*time.Second, "Run watching", func() bool { return s.Status().Watching })
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Run returned %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Run did not return after its context ended")
	}
}

func slogTo(b *syncBuffer) *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }

func TestEtcdAuth(t *testing.T) {
	h := newHarness(t)
	ctx := t.Context()
	for _, step := range []func() error{
		func() error { _, err := h.cli.RoleAdd(ctx, "root"); return err },
		func() error { _, err := h.cli.UserAdd(ctx, "root", "s3cret-pw"); return err },
		func() error { _, err := h.cli.UserGrantRole(ctx, "root", "root"); return err },
		func() error { _, err := h.cli.AuthEnable(ctx); return err },
	} {
		if err := step(); err != nil {
			t.Fatal(err)
		}
	}
	dial := func(password string) *testServer {
		cc := clientConfig(h.etcd.Endpoints())
		cc.Username, cc.Password = "root", password
		var logs syncBuffer
		cli := DialEtcd(cc, slogTo(&logs))
		t.Cleanup(func() {
			cli.Close()
			if strings.Contains(logs.String(), password) {
				t.Errorf("the password reached the log")
			}
		})
		return h.server(Options{}, cli)
	}
	good := dial("s3cret-pw")
	eventually(t, 10*time.Second, "ready with the right password", func() bool {
		return good.get(t, "/ready").StatusCode == http.StatusOK
	})
	good.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)

	// A wrong password never connects: nothing is cached, nothing served.
	bad := dial("wrong-pw")
	bad.get(t, "/schema/ticks_v1").wantError(t, http.StatusServiceUnavailable, "unavailable")
	bad.get(t, "/ready").wantStatus(t, http.StatusServiceUnavailable)
}
