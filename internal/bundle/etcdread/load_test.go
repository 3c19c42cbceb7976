package etcdread_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/bundle/etcdread"
	"github.com/schemareg/schemareg/internal/etcdtest"
)

// putGeneration writes a generation of n schemas, one shard per schema.
func putGeneration(t *testing.T, kv clientv3.KV, keys bundle.Keys, gen string, n int) {
	t.Helper()
	cur := bundle.Current{Generation: gen, Shards: n, Schemas: n}
	for i := 0; i < n; i++ {
		sh := bundle.IndexShard{Schemas: []bundle.Entry{{ID: fmt.Sprintf("s%03d", i), Latest: gen[7:15]}}}
		data, err := bundle.EncodeValue(sh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kv.Put(t.Context(), keys.IndexShard(gen, i), string(data)); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := bundle.EncodeValue(cur)
	if _, err := kv.Put(t.Context(), keys.Generation(), string(data)); err != nil {
		t.Fatal(err)
	}
}

// switchingKV switches to another generation, and deletes the index of the
// one before, between LoadGeneration's first and second read.
type switchingKV struct {
	clientv3.KV
	gets    int
	between func()
}

func (s *switchingKV) Get(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.GetResponse, error) {
	s.gets++
	if s.gets == 2 {
		s.between()
	}
	return s.KV.Get(ctx, key, opts...)
}

func TestLoadGeneration(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	keys := bundle.Keys{Prefix: "/test"}
	genA := "sha256:" + fmt.Sprintf("%064x", 0xa)
	genB := "sha256:" + fmt.Sprintf("%064x", 0xb)

	t.Run("NotPublished", func(t *testing.T) {
		if _, _, err := etcdread.LoadGeneration(t.Context(), cli, keys); !errors.Is(err, bundle.ErrNotPublished) {
			t.Fatalf("got %v, want ErrNotPublished", err)
		}
	})
	putGeneration(t, cli, keys, genA, 3)
	t.Run("Reads", func(t *testing.T) {
		x, rev, err := etcdread.LoadGeneration(t.Context(), cli, keys)
		if err != nil {
			t.Fatal(err)
		}
		if x.Current.Generation != genA || len(x.Schemas) != 3 || rev == 0 {
			t.Fatalf("got %+v at %d", x, rev)
		}
		if e, ok := x.Entry("s001"); !ok || e.ID != "s001" {
			t.Errorf("Entry(s001) = %v, %v", e, ok)
		}
		if _, ok := x.Entry("nope"); ok {
			t.Error("Entry(nope) found")
		}
	})
	t.Run("OneRevision", func(t *testing.T) {
		kv := &switchingKV{KV: cli, between: func() {
			putGeneration(t, cli, keys, genB, 2)
			if _, err := cli.Delete(t.Context(), keys.Index(genA), clientv3.WithPrefix()); err != nil {
				t.Fatal(err)
			}
		}}
		x, _, err := etcdread.LoadGeneration(t.Context(), kv, keys)
		if err != nil {
			t.Fatal(err)
		}
		if x.Current.Generation != genA || len(x.Schemas) != 3 || x.Schemas[0].Latest != genA[7:15] {
			t.Fatalf("read a mix: %+v", x)
		}
	})
	t.Run("MissingShard", func(t *testing.T) {
		if _, err := cli.Delete(t.Context(), keys.IndexShard(genB, 1)); err != nil {
			t.Fatal(err)
		}
		if _, _, err := etcdread.LoadGeneration(t.Context(), cli, keys); !errors.Is(err, bundle.ErrCorrupt) {
			t.Fatalf("got %v, want ErrCorrupt", err)
		}
	})
}

func TestLoadVersionsAndMeta(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	keys := bundle.Keys{}
	meta := bundle.VersionMeta{ID: "a", Version: "1.0.0", Changes: []bundle.Change{{Kind: "X"}}}
	mdata, _ := bundle.EncodeValue(meta)
	vl := bundle.VersionList{ID: "a", Latest: "1.0.0", Versions: []bundle.VersionInfo{{Version: "1.0.0", Meta: bundle.RefOf(mdata)}}}
	vdata, _ := bundle.EncodeValue(vl)
	e := bundle.Entry{ID: "a", Versions: bundle.RefOf(vdata)}
	if _, err := cli.Put(t.Context(), keys.Versions("a", e.Versions), string(vdata)); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Put(t.Context(), keys.Meta("a", "1.0.0", bundle.RefOf(mdata)), string(mdata)); err != nil {
		t.Fatal(err)
	}
	got, err := etcdread.LoadVersions(t.Context(), cli, keys, &e)
	if err != nil {
		t.Fatal(err)
	}
	m, err := etcdread.LoadMeta(t.Context(), cli, keys, "a", &got.Versions[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Changes) != 1 || m.Changes[0].Kind != "X" {
		t.Fatalf("meta %+v", m)
	}
	if _, err := etcdread.LoadVersions(t.Context(), cli, keys, &bundle.Entry{ID: "b", Versions: "x"}); !errors.Is(err, bundle.ErrCorrupt) {
		t.Fatalf("missing version list: got %v, want ErrCorrupt", err)
	}
}
