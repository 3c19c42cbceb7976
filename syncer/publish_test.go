package syncer

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/bundletest"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/text"
)

func TestPublishFirst(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	b := bundletest.Build(t, bundletest.Spec{Schemas: 20, Versions: 3, Arrow: true})
	res := mustPublish(t, cli, b)
	if res.NoOp || res.Previous != "" || res.Generation != b.Manifest.Generation {
		t.Fatalf("result %+v", res)
	}
	// 60 versions, 60 metas, 60 Arrow schemas, 20 version lists, 20
	// mirrors, one index shard and the generation.
	if want := 60*3 + 20 + 20 + 1 + 1; res.Keys != want {
		t.Errorf("wrote %d keys, want %d", res.Keys, want)
	}
	bundletest.CheckPublished(t, cli, etcdstore.Keys{}, b)
}

func TestPublishRepoSchemas(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	b := mustRepoBundle(t)
	mustPublish(t, cli, b)
	bundletest.CheckPublished(t, cli, etcdstore.Keys{}, b)
	ticks, ok := b.Manifest.Schema("ticks_v1")
	if !ok || ticks.Versions[0].Arrow == "" {
		t.Fatalf("ticks_v1 missing from the bundle or without an Arrow schema")
	}
	resp, err := cli.Get(t.Context(), etcdstore.Keys{}.Schema("ticks_v1", ticks.Latest))
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("ticks_v1 not published: %v", err)
	}
}

func TestPublishNewVersions(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	a := bundletest.Build(t, bundletest.Spec{Schemas: 10, Versions: 2})
	b := bundletest.Build(t, bundletest.Spec{Schemas: 12, Versions: 2, Extra: map[string]int{"s0003": 1}})
	mustPublish(t, cli, a)
	res := mustPublish(t, cli, b)
	if res.Previous != a.Manifest.Generation || res.NoOp {
		t.Fatalf("result %+v", res)
	}
	// s0003: a version, its meta, its list, its mirror; s0010 and s0011:
	// two versions, two metas, a list, a mirror each; the index; the generation.
	if want := 4 + 2*6 + 1 + 1; res.Keys != want {
		t.Errorf("wrote %d keys, want %d: %v", res.Keys, want, res.Writes)
	}
	bundletest.CheckPublished(t, cli, etcdstore.Keys{}, b)
	if x, _, _ := etcdstore.LoadGeneration(t.Context(), cli, etcdstore.Keys{}); x.Schemas[3].Latest != "1.2.0" {
		t.Errorf("s0003 latest %s, want 1.2.0", x.Schemas[3].Latest)
	}
}

func TestPublishIdempotent(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	b := bundletest.Build(t, bundletest.Spec{Schemas: 10, Versions: 3, Arrow: true})
	mustPublish(t, cli, b)
	before := revision(t, cli)
	res := mustPublish(t, cli, b)
	if !res.NoOp || res.Keys != 0 {
		t.Fatalf("second publish wrote: %+v", res)
	}
	if after := revision(t, cli); after != before {
		t.Fatalf("revision moved from %d to %d", before, after)
	}
	if !strings.Contains(res.String(), "nothing written") {
		t.Errorf("summary %q", res)
	}
}

func TestPublishMutatedVersionRefused(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	mustPublish(t, cli, bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 2}))
	before := revision(t, cli)
	bad := bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 3, Salt: map[string]string{"s0002": "edited"}})
	_, err := New(cli, testLogger(t)).Publish(t.Context(), bad)
	if !errors.Is(err, ErrMutated) || !strings.Contains(err.Error(), "s0002 version 1.0.0") {
		t.Fatalf("got %v, want ErrMutated naming s0002 1.0.0", err)
	}
	if after := revision(t, cli); after != before {
		t.Fatalf("revision moved from %d to %d: something was written", before, after)
	}
}

func TestPublishOlderRefused(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	old := bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 2})
	cur := bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 3})
	mustPublish(t, cli, cur)
	before := revision(t, cli)
	_, err := New(cli, testLogger(t)).Publish(t.Context(), old)
	if !errors.Is(err, ErrOlder) {
		t.Fatalf("got %v, want ErrOlder", err)
	}
	if after := revision(t, cli); after != before {
		t.Fatalf("revision moved from %d to %d", before, after)
	}
	t.Run("Force", func(t *testing.T) {
		s := New(cli, testLogger(t))
		s.Force = true
		if _, err := s.Publish(t.Context(), old); err != nil {
			t.Fatal(err)
		}
		x, _, err := etcdstore.LoadGeneration(t.Context(), cli, etcdstore.Keys{})
		if err != nil || x.Current.Generation != old.Manifest.Generation {
			t.Fatalf("after --force: %v %v", x, err)
		}
		// Nothing published is ever deleted.
		resp, err := cli.Get(t.Context(), etcdstore.Keys{}.Schema("s0000", "1.2.0"))
		if err != nil || len(resp.Kvs) != 1 {
			t.Fatalf("1.2.0 gone after publishing an older bundle: %v", err)
		}
	})
	t.Run("NewSchemaIsNotOlder", func(t *testing.T) {
		// It lacks the published schemas: refused for that, not as older.
		other := bundletest.Build(t, bundletest.Spec{Schemas: 1, Versions: 1, First: 100})
		if _, err := New(cli, testLogger(t)).Publish(t.Context(), other); !errors.Is(err, ErrDropped) {
			t.Fatalf("got %v, want ErrDropped", err)
		}
	})
}

// TestPublishDroppedVersionsRefused publishes bundles that add something
// and lack a published version, or a whole published schema: each is
// refused, names what it lacks and writes nothing, unless forced.
func TestPublishDroppedVersionsRefused(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	cur := bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 2, Extra: map[string]int{"s0001": 1}})
	mustPublish(t, cli, cur)
	before := revision(t, cli)
	tests := []struct {
		name string
		b    *bundle.Bundle
		want string
	}{
		{"Version", bundletest.Build(t, bundletest.Spec{Schemas: 4, Versions: 2}), "lacks s0001 1.2.0,"},
		{"Schema", bundletest.Build(t, bundletest.Spec{Schemas: 2, Versions: 2, Extra: map[string]int{"s0000": 1, "s0001": 1}}), "lacks s0002 (all 2 versions),"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(cli, testLogger(t)).Publish(t.Context(), tc.b)
			if !errors.Is(err, ErrDropped) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want ErrDropped saying %q", err, tc.want)
			}
			if after := revision(t, cli); after != before {
				t.Fatalf("revision moved from %d to %d", before, after)
			}
		})
	}
	s := New(cli, testLogger(t))
	s.Force = true
	if _, err := s.Publish(t.Context(), tests[0].b); err != nil {
		t.Fatalf("--force: %v", err)
	}
	resp, err := cli.Get(t.Context(), etcdstore.Keys{}.Schema("s0001", "1.2.0"))
	if err != nil || len(resp.Kvs) != 1 {
		t.Fatalf("s0001 1.2.0 gone from etcd after a forced publish: %v", err)
	}
}

func TestPublishBadInputWritesNothing(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	mustPublish(t, cli, bundletest.Build(t, bundletest.Spec{Schemas: 2, Versions: 1}))
	tests := []struct {
		name  string
		spoil func(b *bundle.Bundle)
		want  error
	}{
		{"DigestMismatch", func(b *bundle.Bundle) { b.Files[bundle.SchemaFile("s0001", "1.1.0")] = []byte(`{}`) }, bundle.ErrCorrupt},
		{"MissingFile", func(b *bundle.Bundle) { delete(b.Files, bundle.SchemaFile("s0001", "1.1.0")) }, bundle.ErrCorrupt},
		{"FormatVersion", func(b *bundle.Bundle) { b.Manifest.FormatVersion = 99 }, bundle.ErrFormat},
		{"Generation", func(b *bundle.Bundle) { b.Manifest.Generation = bundle.Digest([]byte("x")) }, bundle.ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := bundletest.Build(t, bundletest.Spec{Schemas: 2, Versions: 2})
			tt.spoil(b)
			before := revision(t, cli)
			if _, err := New(cli, testLogger(t)).Publish(t.Context(), b); !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if after := revision(t, cli); after != before {
				t.Fatalf("revision moved from %d to %d", before, after)
			}
		})
	}
}

func TestPublishDryRun(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	mustPublish(t, cli, bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 1}))
	before := revision(t, cli)
	s := New(cli, testLogger(t))
	s.DryRun = true
	res, err := s.Publish(t.Context(), bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 2}))
	if err != nil {
		t.Fatal(err)
	}
	if after := revision(t, cli); after != before {
		t.Fatalf("dry run moved the revision from %d to %d", before, after)
	}
	// Three versions, metas, lists and mirrors, the index, the generation.
	if want := 3*4 + 2; !res.DryRun || res.Keys != want || len(res.Writes) != want {
		t.Fatalf("dry run listed %d keys, want %d: %+v", res.Keys, want, res)
	}
	if w, want := res.Writes[0], (etcdstore.Keys{}).Schema("s0000", "1.1.0"); w.Key != want || w.Kind != "schema" || w.Size == 0 {
		t.Errorf("first write %+v", w)
	}
}

func TestPublishPrunesOldGenerations(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	keys := etcdstore.Keys{Prefix: "/pruned"}
	var last *bundle.Bundle
	for v := 1; v <= 5; v++ {
		last = bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: v})
		s := New(cli, testLogger(t))
		s.Keys, s.KeepGenerations = keys, 3
		if _, err := s.Publish(t.Context(), last); err != nil {
			t.Fatal(err)
		}
	}
	gens := indexGenerations(t, cli, keys)
	if len(gens) != 3 || !gens[etcdstore.Ref(last.Manifest.Generation)] {
		t.Fatalf("index keys of %d generations kept, want 3 with the current: %v", len(gens), gens)
	}
	bundletest.CheckPublished(t, cli, keys, last)
	// Every version ever published is still there.
	if resp, _ := cli.Get(t.Context(), keys.Schema("s0000", "1.0.0")); len(resp.Kvs) != 1 {
		t.Fatal("a published version was deleted")
	}
}

// TestPublishPruneFailsAfterSwitch has the prune after a switch fail: the
// generation is published, so Publish reports success, and the next
// publish prunes what this one left.
func TestPublishPruneFailsAfterSwitch(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	keys := etcdstore.Keys{Prefix: "/prunefail"}
	publish := func(ctx context.Context, kv clientv3.KV, b *bundle.Bundle) (*Result, error) {
		s := New(kv, testLogger(t))
		s.Keys, s.KeepGenerations = keys, 1
		return s.Publish(ctx, b)
	}
	a := bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 1})
	b := bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 2})
	c := bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 3})
	if _, err := publish(t.Context(), cli, a); err != nil {
		t.Fatal(err)
	}
	// The prune's first read finds its context ended.
	ctx, cancel := context.WithCancel(t.Context())
	kv := &hookKV{KV: cli, onGet: func(key string) {
		if key == keys.IndexRoot() {
			cancel()
		}
	}}
	res, err := publish(ctx, kv, b)
	if err != nil {
		t.Fatalf("publish with a failing prune: %v", err)
	}
	if res.NoOp || res.Previous != a.Manifest.Generation || res.Pruned != 0 {
		t.Errorf("result %+v, want a switch from %s that pruned nothing", res, text.Short(a.Manifest.Generation))
	}
	bundletest.CheckPublished(t, cli, keys, b)
	if n := len(indexGenerations(t, cli, keys)); n != 2 {
		t.Errorf("after the failed prune, index keys of %d generations, want 2", n)
	}
	if res, err = publish(t.Context(), cli, c); err != nil {
		t.Fatal(err)
	}
	if res.Pruned != 2 {
		t.Errorf("the next publish pruned %d generations, want 2", res.Pruned)
	}
	if n := len(indexGenerations(t, cli, keys)); n != 1 {
		t.Errorf("after the next publish, index keys of %d generations, want 1", n)
	}
	bundletest.CheckPublished(t, cli, keys, c)
}

// indexGenerations returns the refs of the generations whose index keys are
// in etcd.
func indexGenerations(t *testing.T, cli clientv3.KV, keys etcdstore.Keys) map[string]bool {
	t.Helper()
	resp, err := cli.Get(t.Context(), keys.IndexRoot(), clientv3.WithPrefix(), clientv3.WithKeysOnly())
	if err != nil {
		t.Fatal(err)
	}
	gens := map[string]bool{}
	for _, kv := range resp.Kvs {
		gens[strings.Split(strings.TrimPrefix(string(kv.Key), keys.IndexRoot()), "/")[0]] = true
	}
	return gens
}

// TestPublishOpenedBundle publishes bundles that continue one on disk, as
// an incremental compile returns them: version lists and files not loaded
// are read from the bundle they continue.
func TestPublishOpenedBundle(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	dir := filepath.Join(t.TempDir(), "bundle")
	a := bundletest.Build(t, bundletest.Spec{Schemas: 4, Versions: 2, Arrow: true})
	if err := bundle.Write(dir, a); err != nil {
		t.Fatal(err)
	}
	opened, err := bundle.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	mustPublish(t, cli, opened)
	bundletest.CheckPublished(t, cli, etcdstore.Keys{}, a)

	// One more version of s0002, the rest as on disk.
	next, err := bundle.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := &next.Manifest.Schemas[2]
	if err := next.Base.LoadVersions(s); err != nil {
		t.Fatal(err)
	}
	data := []byte(`{"id":"s0002","type":"object","version":"1.2.0"}`)
	v := s.Versions[len(s.Versions)-1]
	v.Version, v.Digest, v.Size, v.Arrow, v.Changes = "1.2.0", bundle.Digest(data), len(data), "", nil
	s.Versions, s.Latest = append(s.Versions, v), "1.2.0"
	next.Files[bundle.SchemaFile("s0002", "1.2.0")] = data
	if err := next.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	res := mustPublish(t, cli, next)
	// The version, its meta, the list, the mirror, the index, the generation.
	if res.Keys != 6 {
		t.Errorf("wrote %d keys, want 6: %v", res.Keys, res.Writes)
	}
	x, _, err := etcdstore.LoadGeneration(t.Context(), cli, etcdstore.Keys{})
	if err != nil || x.Schemas[2].Latest != "1.2.0" || x.Schemas[2].Count != 3 {
		t.Fatalf("after the incremental bundle: %+v, %v", x, err)
	}
}

// TestPublishNewPins: a bundle that differs from the one before only in a
// version's pins (a history compiled again from its root) publishes them,
// also through a syncer that planned the bundle before.
func TestPublishNewPins(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	s := New(cli, testLogger(t))
	a := bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 2})
	if _, err := s.Publish(t.Context(), a); err != nil {
		t.Fatal(err)
	}
	b := bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 2})
	b.Manifest.Schemas[1].Versions[1].Deps = map[string]string{"s0000": "1.1.0"}
	b.Manifest.Schemas[1].Deps = map[string]string{"s0000": "1.1.0"} // the latest version's
	if err := b.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	if b.Manifest.Generation == a.Manifest.Generation {
		t.Fatal("pins do not change the generation")
	}
	if _, err := s.Publish(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	x, _, err := etcdstore.LoadGeneration(t.Context(), cli, etcdstore.Keys{})
	if err != nil {
		t.Fatal(err)
	}
	vl, err := etcdstore.LoadVersions(t.Context(), cli, etcdstore.Keys{}, &x.Schemas[1])
	if err != nil {
		t.Fatal(err)
	}
	if got := vl.Versions[1].Deps; got["s0000"] != "1.1.0" || len(got) != 1 {
		t.Errorf("published pins %v, want s0000 1.1.0", got)
	}
}

// TestFirstPublishGuardsVersionsWrittenMeanwhile publishes into an empty
// key space, whose transactions guard their versions with one range
// compare each, while another writer puts other bytes under one of the
// versions just before the first of them: the publish is refused as a
// mutation, and what the other wrote stays.
func TestFirstPublishGuardsVersionsWrittenMeanwhile(t *testing.T) {
	b := bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 2})
	key := etcdstore.Keys{}.Schema(bundletest.SchemaID(2), "1.0.0")

	// The transactions a publish reads with, counted on a dry run.
	dry := &hookKV{KV: etcdtest.Start(t).Client(t)}
	s := New(dry, testLogger(t))
	s.DryRun = true
	if _, err := s.Publish(t.Context(), b); err != nil {
		t.Fatal(err)
	}
	reads := dry.n

	cli := etcdtest.Start(t).Client(t)
	kv := &hookKV{KV: cli, onTxn: func(n int) {
		if n == reads+1 {
			if _, err := cli.Put(context.Background(), key, "other bytes"); err != nil {
				t.Error(err)
			}
		}
	}}
	_, err := New(kv, testLogger(t)).Publish(t.Context(), b)
	if !errors.Is(err, ErrMutated) || !strings.Contains(err.Error(), "s0002 version 1.0.0") {
		t.Fatalf("got %v, want ErrMutated naming s0002 1.0.0", err)
	}
	resp, err := cli.Get(t.Context(), key)
	if err != nil || len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != "other bytes" {
		t.Fatalf("the other writer's version is now %v (%v)", resp.Kvs, err)
	}
}
