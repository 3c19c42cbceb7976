package syncer

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundletest"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
)

func TestRunElectedOneLeaderAtATime(t *testing.T) {
	srv := etcdtest.Start(t)
	keys := etcdstore.Keys{Prefix: "/elect"}
	var inside atomic.Int32
	var both atomic.Bool
	led := make(chan string, 10)
	clients := map[string]*clientv3.Client{"a": srv.Client(t), "b": srv.Client(t)}
	run := func(ctx context.Context, name string) error {
		return RunElected(ctx, clients[name], keys, name, 5, testLogger(t), func(ctx context.Context, l *Leader) error {
			if inside.Add(1) > 1 {
				both.Store(true)
			}
			led <- name
			<-ctx.Done()
			inside.Add(-1)
			return nil
		})
	}
	ctxA, stopA := context.WithCancel(context.Background())
	ctxB, stopB := context.WithCancel(context.Background())
	defer stopB()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Add(1)
	go func() { defer wg.Done(); errs[0] = run(ctxA, "a") }()
	if first := <-led; first != "a" {
		t.Fatalf("%s led first, want a", first)
	}
	wg.Add(1)
	go func() { defer wg.Done(); errs[1] = run(ctxB, "b") }()
	// a stops: it resigns and b takes over.
	stopA()
	select {
	case next := <-led:
		if next != "b" {
			t.Fatalf("%s led next, want b", next)
		}
	case <-time.After(time.Minute):
		t.Fatal("b never led after a stopped")
	}
	stopB()
	wg.Wait()
	if both.Load() {
		t.Fatal("two leaders at once")
	}
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

func TestGuardFencesFormerLeader(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	keys := etcdstore.Keys{}
	l, err := Campaign(t.Context(), cli, keys, "a", 5)
	if err != nil {
		t.Fatal(err)
	}
	s := New(cli, testLogger(t))
	g := l.Guard()
	s.Guard = &g
	if _, err := s.Publish(t.Context(), bundletest.Build(t, bundletest.Spec{Schemas: 2, Versions: 1})); err != nil {
		t.Fatalf("publish as leader: %v", err)
	}
	if err := l.Resign(t.Context()); err != nil {
		t.Fatal(err)
	}
	_, err = s.Publish(t.Context(), bundletest.Build(t, bundletest.Spec{Schemas: 2, Versions: 2}))
	if !errors.Is(err, ErrFenced) {
		t.Fatalf("publish after resigning: %v, want ErrFenced", err)
	}
	// The immutable keys may be written; the generation must not move.
	x, _, err := etcdstore.LoadGeneration(t.Context(), cli, keys)
	if err != nil || x.Current.Schemas != 2 || x.Schemas[0].Latest != "1.0.0" {
		t.Fatalf("generation moved under a fenced syncer: %+v %v", x, err)
	}
}
