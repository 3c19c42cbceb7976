package dev

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/client"
	"github.com/schemareg/schemareg/internal/gittest"
)

const ticksV1 = `{"id": "ticks_v1", "version": "%s", "type": "object", "properties": {"ts": {"type": "string"}%s}}`

// TestCommitIsAnEventWithinASecond runs the whole registry as "schemareg
// dev" does, follows GET /events with the Go client, and commits: the new
// version arrives as an event within a second of the commit.
func TestCommitIsAnEventWithinASecond(t *testing.T) {
	if testing.Short() {
		t.Skip("starts etcd")
	}
	repo := gittest.New(t)
	repo.Write("schemas/ticks_v1.json", fmt.Sprintf(ticksV1, "1.0.0", ""))
	repo.Commit("add ticks")
	ctx, cancel := context.WithCancel(t.Context())
	addrc := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Repo: repo.Dir, Addr: "127.0.0.1:0", DataDir: filepath.Join(t.TempDir(), "data"), Poll: time.Hour,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Banner: io.Discard,
			Ready: func(addr string) { addrc <- addr },
		})
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("dev: %v", err)
		}
	})
	var addr string
	select {
	case addr = <-addrc:
	case err := <-done:
		t.Fatalf("dev: %v", err)
	}
	c, err := client.New("http://"+addr, client.WithBackoff(10*time.Millisecond, 100*time.Millisecond))
	if err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithTimeout(ctx, 60*time.Second)
	defer wcancel()
	var committed time.Time
	for ev, err := range c.Watch(wctx, 0) {
		if err != nil {
			t.Fatal(err)
		}
		if ev.Kind == api.EventReady {
			repo.Write("schemas/ticks_v1.json", fmt.Sprintf(ticksV1, "1.1.0", `, "seq": {"type": "integer"}`))
			repo.Commit("ticks_v1 1.1.0")
			committed = time.Now()
			continue
		}
		if ev.Kind != api.EventGeneration || len(ev.Changes) != 1 || ev.Changes[0].ID != "ticks_v1" || ev.Changes[0].Latest != "1.1.0" {
			t.Fatalf("event %+v, want ticks_v1 1.1.0", ev)
		}
		d := time.Since(committed)
		t.Logf("the commit became an event after %s", d)
		if d > time.Second {
			t.Errorf("the commit became an event after %s, want within a second", d)
		}
		return
	}
	t.Fatalf("no event: %v", wctx.Err())
}
