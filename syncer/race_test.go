package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/bundletest"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/text"
)

// testWriter writes log lines to the test's log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// reader reads the published generation in a loop, the way a server does,
// and records any mix of two generations it sees.
type reader struct {
	kv   clientv3.KV
	keys etcdstore.Keys
	// latest maps each generation to the latest version all its schemas have.
	latest map[string]string

	mu   sync.Mutex
	seen map[string]int // generation → reads
	mix  []string
}

func newReader(kv clientv3.KV, keys etcdstore.Keys, bundles ...*bundle.Bundle) *reader {
	r := &reader{kv: kv, keys: keys, latest: map[string]string{}, seen: map[string]int{}}
	for _, b := range bundles {
		r.latest[b.Manifest.Generation] = b.Manifest.Schemas[0].Latest
	}
	return r
}

// run reads until ctx ends. Read errors (a member down) are skipped; only a
// mix is a failure.
func (r *reader) run(ctx context.Context) {
	for ctx.Err() == nil {
		gen, mix := r.readOnce(ctx)
		r.mu.Lock()
		if gen != "" {
			r.seen[gen]++
		}
		if mix != "" {
			r.mix = append(r.mix, mix)
		}
		r.mu.Unlock()
	}
}

// readOnce reads the index (LoadGeneration) and, in one transaction, the
// generation key with every latest mirror.
func (r *reader) readOnce(ctx context.Context) (gen, mix string) {
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	x, _, err := etcdstore.LoadGeneration(cctx, r.kv, r.keys)
	if err != nil {
		return "", ""
	}
	want := r.latest[x.Current.Generation]
	for _, e := range x.Schemas {
		if e.Latest != want {
			return "", fmt.Sprintf("index of %s: %s latest %s, want %s", text.Short(x.Current.Generation), e.ID, e.Latest, want)
		}
	}
	root := strings.TrimSuffix(r.keys.Generation(), "generation") + "schemas/"
	resp, err := r.kv.Txn(cctx).Then(clientv3.OpGet(r.keys.Generation()), clientv3.OpGet(root, clientv3.WithPrefix())).Commit()
	if err != nil {
		return "", ""
	}
	var cur etcdstore.Current
	if kvs := resp.Responses[0].GetResponseRange().Kvs; len(kvs) == 0 || json.Unmarshal(kvs[0].Value, &cur) != nil {
		return "", "generation key missing or unreadable after a publish"
	}
	if cur.MirrorsPending {
		return x.Current.Generation, "" // mirrors may lag, by design
	}
	want = r.latest[cur.Generation]
	for _, kv := range resp.Responses[1].GetResponseRange().Kvs {
		if strings.HasSuffix(string(kv.Key), "/"+etcdstore.LatestKey) && string(kv.Value) != want {
			return "", fmt.Sprintf("mirror %s = %s under generation %s, want %s", kv.Key, kv.Value, text.Short(cur.Generation), want)
		}
	}
	return x.Current.Generation, ""
}

// waitSeen waits until the reader has read gen at least once.
func (r *reader) waitSeen(t *testing.T, gen string) {
	t.Helper()
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		r.mu.Lock()
		n := r.seen[gen]
		r.mu.Unlock()
		if n > 0 {
			return
		}
	}
	t.Fatalf("reader never saw generation %s", text.Short(gen))
}

func (r *reader) check(t *testing.T) {
	t.Helper()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, m := range r.mix {
		t.Error("reader saw a mix: " + m)
	}
	t.Logf("reads per generation: %v", r.seen)
}

// startReader runs a reader until the test ends and checks it then.
func startReader(t *testing.T, r *reader) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); r.run(ctx) }()
	return func() { cancel(); <-done; r.check(t) }
}

func TestPublishReadersNeverSeeMix(t *testing.T) {
	tests := []struct {
		name             string
		schemas, bundles int
	}{
		// The latest mirrors fit the switch transaction.
		{"MirrorsInSwitch", 50, 4},
		// Neither the writes nor the mirrors fit one transaction.
		{"2000Schemas", 2000, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := etcdtest.Start(t)
			cli, rcli := srv.Client(t), srv.Client(t)
			var bundles []*bundle.Bundle
			for v := 1; v <= tt.bundles; v++ {
				bundles = append(bundles, bundletest.Build(t, bundletest.Spec{Schemas: tt.schemas, Versions: v}))
			}
			r := newReader(rcli, etcdstore.Keys{}, bundles...)
			stop := startReader(t, r)
			for _, b := range bundles {
				mustPublish(t, cli, b)
				r.waitSeen(t, b.Manifest.Generation)
			}
			stop()
			bundletest.CheckPublished(t, cli, etcdstore.Keys{}, bundles[len(bundles)-1])
		})
	}
}

func TestPublishRace(t *testing.T) {
	older := bundletest.Build(t, bundletest.Spec{Schemas: 10, Versions: 2})
	newer := bundletest.Build(t, bundletest.Spec{Schemas: 10, Versions: 3})
	t.Run("LoserRetriesAndWins", func(t *testing.T) {
		srv := etcdtest.Start(t)
		cli, other := srv.Client(t), srv.Client(t)
		// The other syncer publishes the older bundle between this one's
		// read of the generation and its switch.
		kv := &hookKV{KV: cli}
		kv.onTxn = func(n int) {
			if n == 1 {
				mustPublish(t, other, older)
			}
		}
		res, err := New(kv, testLogger(t)).Publish(t.Context(), newer)
		if err != nil {
			t.Fatal(err)
		}
		if res.Conflicts != 1 || res.Previous != older.Manifest.Generation {
			t.Fatalf("result %+v, want one conflict over the older bundle", res)
		}
		bundletest.CheckPublished(t, cli, etcdstore.Keys{}, newer)
	})
	t.Run("LoserIsOlder", func(t *testing.T) {
		srv := etcdtest.Start(t)
		cli, other := srv.Client(t), srv.Client(t)
		kv := &hookKV{KV: cli}
		kv.onTxn = func(n int) {
			if n == 1 {
				mustPublish(t, other, newer)
			}
		}
		_, err := New(kv, testLogger(t)).Publish(t.Context(), older)
		if !errors.Is(err, ErrOlder) {
			t.Fatalf("got %v, want ErrOlder after the conflict", err)
		}
		bundletest.CheckPublished(t, cli, etcdstore.Keys{}, newer)
	})
	t.Run("Concurrent", func(t *testing.T) {
		srv := etcdtest.Start(t)
		var wg sync.WaitGroup
		errs := make([]error, 4)
		bundles := make([]*bundle.Bundle, 4)
		for i := range bundles {
			bundles[i] = bundletest.Build(t, bundletest.Spec{Schemas: 200, Versions: 2, First: i * 50})
		}
		for i := range bundles {
			cli := srv.Client(t)
			wg.Add(1)
			go func() {
				defer wg.Done()
				// The bundles lack each other's schemas: forced, as a
				// rollback would be, for the race to be about the switch.
				s := New(cli, testLogger(t))
				s.Force = true
				_, errs[i] = s.Publish(context.Background(), bundles[i])
			}()
		}
		wg.Wait()
		cli := srv.Client(t)
		x, _, err := etcdstore.LoadGeneration(t.Context(), cli, etcdstore.Keys{})
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range bundles {
			if errs[i] != nil {
				t.Errorf("syncer %d: %v", i, errs[i])
			}
			if b.Manifest.Generation == x.Current.Generation {
				bundletest.CheckPublished(t, cli, etcdstore.Keys{}, b)
				return
			}
		}
		t.Fatalf("published generation %s is none of the four", x.Current.Generation)
	})
}

// TestPublishIndexPrunedBeforeSwitch has a syncer prune, as an old
// generation's, the index another one has written but not switched to yet.
func TestPublishIndexPrunedBeforeSwitch(t *testing.T) {
	srv := etcdtest.Start(t)
	cli, other := srv.Client(t), srv.Client(t)
	h := bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 1})
	g := bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 1, First: 100})

	// The other syncer switches to h, then waits before it prunes.
	atPrune, prune, pruned := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	okv := &hookKV{KV: other, onGet: func(key string) {
		if key == (etcdstore.Keys{}).IndexRoot() {
			close(atPrune)
			<-prune
		}
	}}
	go func() {
		y := New(okv, testLogger(t))
		y.KeepGenerations = 1
		y.Force = true
		_, err := y.Publish(context.Background(), h)
		pruned <- err
	}()
	<-atPrune
	// This one reads h as published, writes g's keys and index, and lets
	// the other prune just before its switch.
	kv := &hookKV{KV: cli}
	kv.onTxn = func(n int) {
		if n == 3 {
			close(prune)
			if err := <-pruned; err != nil {
				t.Errorf("other syncer: %v", err)
			}
		}
	}
	// g lacks h's schemas: forced, for the test to be about the prune.
	x := New(kv, testLogger(t))
	x.Force = true
	res, err := x.Publish(t.Context(), g)
	if err != nil {
		t.Fatal(err)
	}
	if res.Conflicts != 1 {
		t.Errorf("%d conflicts, want 1: the switch must notice its index is gone", res.Conflicts)
	}
	bundletest.CheckPublished(t, cli, etcdstore.Keys{}, g)
}

func TestPublishClusterMemberDown(t *testing.T) {
	c := etcdtest.StartCluster(t, 3)
	cli, rcli := c.Client(t), c.Client(t)
	etcdtest.WaitReady(t, cli)
	a := bundletest.Build(t, bundletest.Spec{Schemas: 300, Versions: 2})
	b := bundletest.Build(t, bundletest.Spec{Schemas: 300, Versions: 3})
	mustPublish(t, cli, a)
	r := newReader(rcli, etcdstore.Keys{}, a, b)
	stop := startReader(t, r)
	r.waitSeen(t, a.Manifest.Generation)

	// Stop the leader in the middle of the writes: the sync reads its 300
	// changed schemas in 12 transactions, then writes 900 keys in 8.
	kv := &hookKV{KV: cli}
	var stopped string
	kv.onTxn = func(n int) {
		if n != 16 {
			return
		}
		for _, m := range c.Members {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			st, err := cli.Status(ctx, m.Endpoints()[0])
			cancel()
			if err == nil && st.Leader == st.Header.MemberId {
				stopped = m.Endpoints()[0]
				m.Stop()
				return
			}
		}
	}
	s := New(kv, slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn})))
	s.CallTimeout = 2 * time.Second
	res, err := s.Publish(t.Context(), b)
	if err != nil {
		t.Fatalf("publish with the leader stopped midway: %v", err)
	}
	if stopped == "" {
		t.Fatal("no leader found to stop")
	}
	r.waitSeen(t, b.Manifest.Generation)
	stop()
	t.Logf("stopped leader %s; %s", stopped, res)
	bundletest.CheckPublished(t, rcli, etcdstore.Keys{}, b)
}

// warnHook is a log handler that calls fn at the first warning: the sync
// logs one before each retry.
type warnHook struct {
	slog.Handler
	once *sync.Once
	fn   func()
}

func (h warnHook) Handle(ctx context.Context, r slog.Record) error {
	if r.Level >= slog.LevelWarn {
		h.once.Do(h.fn)
	}
	return h.Handler.Handle(ctx, r)
}

func TestPublishRetriesWhileEtcdDown(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	b := bundletest.Build(t, bundletest.Spec{Schemas: 20, Versions: 2})
	// etcd stops before the sync's first write and starts again when the
	// sync logs its first retry.
	restarted := false
	kv := &hookKV{KV: cli, onTxn: func(n int) {
		if n == 2 {
			srv.Stop()
		}
	}}
	h := warnHook{Handler: slog.NewTextHandler(testWriter{t}, nil), once: &sync.Once{}, fn: func() {
		srv.Restart(t)
		restarted = true
	}}
	s := New(kv, slog.New(h))
	s.CallTimeout = time.Second
	res, err := s.Publish(t.Context(), b)
	if err != nil {
		t.Fatalf("publish across an etcd restart: %v", err)
	}
	if !restarted {
		t.Fatal("the sync never retried")
	}
	t.Log(res)
	bundletest.CheckPublished(t, cli, etcdstore.Keys{}, b)
}
