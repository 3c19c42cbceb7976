package client_test

import (
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/client"
	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
	"github.com/schemareg/schemareg/server"
	"github.com/schemareg/schemareg/syncer"
)

// liveRegistry is a server that follows etcd, and the repository whose
// commits it publishes.
type liveRegistry struct {
	repo   *gittest.Repo
	cli    *clientv3.Client
	server *httptest.Server
	logger *slog.Logger
}

func newLiveRegistry(t *testing.T) *liveRegistry {
	t.Helper()
	etcd := etcdtest.Start(t)
	r := &liveRegistry{repo: gittest.New(t), cli: etcd.Client(t), logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	r.repo.Write("schemas/ticks_v1.json", ticksDoc("1.0.0", false))
	r.repo.Write("schemas/market/bars_1m_v1.json", barsDoc)
	r.repo.Commit("schemas: ticks_v1 and bars_1m_v1")
	r.publish(t)
	srv := server.New(r.cli, r.logger, server.Options{ProbeInterval: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
	r.server = httptest.NewServer(srv.Handler())
	t.Cleanup(r.server.Close)
	return r
}

func (r *liveRegistry) publish(t *testing.T) {
	t.Helper()
	res, err := compiler.Compile(t.Context(), compiler.CompileOptions{Repo: r.repo.Dir, Ref: "refs/heads/main"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := syncer.New(r.cli, r.logger).Publish(t.Context(), res.Bundle); err != nil {
		t.Fatal(err)
	}
}

// commit commits ticks_v1 at version and publishes it.
func (r *liveRegistry) commit(t *testing.T, version string) {
	t.Helper()
	r.repo.Write("schemas/ticks_v1.json", ticksDoc(version, true))
	r.repo.Commit("schemas: ticks_v1 " + version)
	r.publish(t)
}

func TestWatchReconnects(t *testing.T) {
	reg := newLiveRegistry(t)
	c, err := client.New(reg.server.URL, client.WithBackoff(time.Millisecond, 10*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var got []client.Event
	for ev, err := range c.Watch(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, ev)
		switch len(got) {
		case 1:
			reg.commit(t, "1.1.0")
		case 2:
			// Cut the stream, then publish while the client is away: it
			// resumes after the event it saw and misses nothing.
			reg.server.CloseClientConnections()
			reg.commit(t, "1.2.0")
		}
		if len(got) == 3 {
			break
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("events %+v: %v", got, ctx.Err())
	}
	wantKinds := []string{api.EventReady, api.EventGeneration, api.EventGeneration}
	wantVersions := []string{"", "1.1.0", "1.2.0"}
	for i, ev := range got {
		v := ""
		if len(ev.Changes) == 1 && len(ev.Changes[0].Versions) == 1 {
			v = ev.Changes[0].Versions[0]
		}
		if ev.Kind != wantKinds[i] || v != wantVersions[i] {
			t.Errorf("event %d: %s %+v, want %s with ticks_v1 %q", i, ev.Kind, ev.Changes, wantKinds[i], wantVersions[i])
		}
		if i > 0 && ev.Revision <= got[i-1].Revision {
			t.Errorf("event %d: revision %d after %d", i, ev.Revision, got[i-1].Revision)
		}
	}
}

func TestWatchResumesAfter(t *testing.T) {
	reg := newLiveRegistry(t)
	c, err := client.New(reg.server.URL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	var ready client.Event
	for ev, err := range c.Watch(ctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		ready = ev
		break
	}
	reg.commit(t, "1.1.0")
	for ev, err := range c.Watch(ctx, ready.Revision) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind != api.EventGeneration || ev.Revision <= ready.Revision {
			t.Errorf("resumed after %d: %+v", ready.Revision, ev)
		}
		break
	}
	// An id older than the server's history: a reset.
	for ev, err := range c.Watch(ctx, 1) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind != api.EventReset {
			t.Errorf("resumed after 1: %+v, want a reset", ev)
		}
		break
	}
}

func TestWatchRefused(t *testing.T) {
	reg := newLiveRegistry(t)
	c, err := client.New(reg.server.URL + "/nope/")
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range c.Watch(t.Context(), 0) {
		if !errors.Is(err, client.ErrNotFound) {
			t.Fatalf("watch of a path that is no stream: %v, want a not found error", err)
		}
		return
	}
	t.Fatal("the watch ended without an error")
}

// A consumer that reloads the schemas a new generation changed.
func ExampleClient_Watch() {
	c, err := client.New("http://localhost:8000")
	if err != nil {
		log.Fatal(err)
	}
	ctx := context.Background()
	for ev, err := range c.Watch(ctx, 0) {
		if err != nil {
			log.Fatal(err) // the server refused the stream for good
		}
		for _, ch := range ev.Changes {
			s, err := c.GetSchema(ctx, ch.ID)
			if err != nil {
				continue // removed, or read it later
			}
			_ = s
		}
	}
}
