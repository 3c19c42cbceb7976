package etcdstore_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
)

func TestKeys(t *testing.T) {
	gen := "sha256:" + fmt.Sprintf("%064x", 1)
	tests := []struct {
		name string
		keys etcdstore.Keys
		got  string
		want string
	}{
		{"Generation", etcdstore.Keys{}, etcdstore.Keys{}.Generation(), "/schemareg/generation"},
		{"GenerationPrefix", etcdstore.Keys{Prefix: "/reg2/"}, etcdstore.Keys{Prefix: "/reg2/"}.Generation(), "/reg2/generation"},
		{"IndexShard", etcdstore.Keys{}, etcdstore.Keys{}.IndexShard(gen, 3), "/schemareg/index/" + etcdstore.Ref(gen) + "/0003"},
		{"Schema", etcdstore.Keys{}, etcdstore.Keys{}.Schema("ticks_v1", "1.1.0"), "/schemareg/schemas/ticks_v1/1.1.0"},
		{"Latest", etcdstore.Keys{}, etcdstore.Keys{}.Latest("ticks_v1"), "/schemareg/schemas/ticks_v1/latest"},
		{"Versions", etcdstore.Keys{}, etcdstore.Keys{}.Versions("ticks_v1", "abc"), "/schemareg/versions/ticks_v1/abc"},
		{"Meta", etcdstore.Keys{}, etcdstore.Keys{}.Meta("ticks_v1", "1.0.0", "abc"), "/schemareg/meta/ticks_v1/1.0.0/abc"},
		{"Arrow", etcdstore.Keys{}, etcdstore.Keys{}.Arrow("ticks_v1", "1.0.0", "sha256:abc"), "/schemareg/arrow/ticks_v1/1.0.0/abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %q, want %q", tt.got, tt.want)
			}
		})
	}
}

func TestEncodeValueIsStable(t *testing.T) {
	v := etcdstore.VersionList{ID: "a", Title: "<b> & c", Versions: []etcdstore.VersionInfo{{Version: "1.0.0"}}}
	a, err := etcdstore.EncodeValue(v)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := etcdstore.EncodeValue(v)
	if string(a) != string(b) || etcdstore.RefOf(a) != etcdstore.RefOf(b) {
		t.Fatal("two encodings of one value differ")
	}
	if want := `"title":"<b> & c"`; !strings.Contains(string(a), want) {
		t.Errorf("encoding %s lacks %s", a, want)
	}
}

// putGeneration writes a generation of n schemas, one shard per schema.
func putGeneration(t *testing.T, kv clientv3.KV, keys etcdstore.Keys, gen string, n int) {
	t.Helper()
	cur := etcdstore.Current{Generation: gen, Shards: n, Schemas: n}
	for i := 0; i < n; i++ {
		sh := etcdstore.IndexShard{Schemas: []etcdstore.Entry{{ID: fmt.Sprintf("s%03d", i), Latest: gen[7:15]}}}
		data, err := etcdstore.EncodeValue(sh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := kv.Put(t.Context(), keys.IndexShard(gen, i), string(data)); err != nil {
			t.Fatal(err)
		}
	}
	data, _ := etcdstore.EncodeValue(cur)
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
	keys := etcdstore.Keys{Prefix: "/test"}
	genA := "sha256:" + fmt.Sprintf("%064x", 0xa)
	genB := "sha256:" + fmt.Sprintf("%064x", 0xb)

	t.Run("NotPublished", func(t *testing.T) {
		if _, _, err := etcdstore.LoadGeneration(t.Context(), cli, keys); !errors.Is(err, etcdstore.ErrNotPublished) {
			t.Fatalf("got %v, want ErrNotPublished", err)
		}
	})
	putGeneration(t, cli, keys, genA, 3)
	t.Run("Reads", func(t *testing.T) {
		x, rev, err := etcdstore.LoadGeneration(t.Context(), cli, keys)
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
		x, _, err := etcdstore.LoadGeneration(t.Context(), kv, keys)
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
		if _, _, err := etcdstore.LoadGeneration(t.Context(), cli, keys); !errors.Is(err, bundle.ErrCorrupt) {
			t.Fatalf("got %v, want ErrCorrupt", err)
		}
	})
}

func TestLoadVersionsAndMeta(t *testing.T) {
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	keys := etcdstore.Keys{}
	meta := etcdstore.VersionMeta{ID: "a", Version: "1.0.0", Changes: []api.Change{{Kind: "X"}}}
	mdata, _ := etcdstore.EncodeValue(meta)
	vl := etcdstore.VersionList{ID: "a", Latest: "1.0.0", Versions: []etcdstore.VersionInfo{{Version: "1.0.0", Meta: etcdstore.RefOf(mdata)}}}
	vdata, _ := etcdstore.EncodeValue(vl)
	e := etcdstore.Entry{ID: "a", Versions: etcdstore.RefOf(vdata)}
	if _, err := cli.Put(t.Context(), keys.Versions("a", e.Versions), string(vdata)); err != nil {
		t.Fatal(err)
	}
	if _, err := cli.Put(t.Context(), keys.Meta("a", "1.0.0", etcdstore.RefOf(mdata)), string(mdata)); err != nil {
		t.Fatal(err)
	}
	got, err := etcdstore.LoadVersions(t.Context(), cli, keys, &e)
	if err != nil {
		t.Fatal(err)
	}
	m, err := etcdstore.LoadMeta(t.Context(), cli, keys, "a", &got.Versions[0])
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Changes) != 1 || m.Changes[0].Kind != "X" {
		t.Fatalf("meta %+v", m)
	}
	if _, err := etcdstore.LoadVersions(t.Context(), cli, keys, &etcdstore.Entry{ID: "b", Versions: "x"}); !errors.Is(err, bundle.ErrCorrupt) {
		t.Fatalf("missing version list: got %v, want ErrCorrupt", err)
	}
}
