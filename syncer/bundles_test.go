package syncer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// spec describes a synthetic bundle: schemas ids "s0000"... with versions
// "1.0.0", "1.1.0", ... The bytes of a version depend only on its id, its
// number and salt[id], so two specs that agree give the same versions.
type spec struct {
	schemas, versions int
	// first is the number of the first schema id.
	first int
	// extra adds versions to some schemas: id → more versions.
	extra map[string]int
	// salt changes the bytes of every version of a schema.
	salt map[string]string
	// arrow gives every version an Arrow schema.
	arrow bool
}

func testLogger(tb testing.TB) *slog.Logger {
	tb.Helper()
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

func schemaID(i int) string { return fmt.Sprintf("s%04d", i) }

// mustBundle builds the bundle sp describes, sealed and verified.
func mustBundle(tb testing.TB, sp spec) *bundle.Bundle {
	tb.Helper()
	b := &bundle.Bundle{Files: map[string][]byte{}}
	m := &b.Manifest
	for i := sp.first; i < sp.first+sp.schemas; i++ {
		id := schemaID(i)
		s := bundle.Schema{ID: id, Path: "schemas/" + id + ".json", Compatibility: "BACKWARD", Title: "Schema " + id}
		n := sp.versions + sp.extra[id]
		for v := 0; v < n; v++ {
			version := fmt.Sprintf("1.%d.0", v)
			data := document.Canonical(map[string]any{
				"id": id, "version": version, "type": "object", "title": "Schema " + id,
				"description": "synthetic test schema " + sp.salt[id],
				"properties": map[string]any{
					"ts":                      map[string]any{"type": "string", "format": "date-time"},
					fmt.Sprintf("field%d", v): map[string]any{"type": "integer"},
				},
			})
			ver := bundle.Version{
				Version: version, Digest: bundle.Digest(data), Size: len(data), Path: s.Path,
				Commit: fmt.Sprintf("%040x", v+1), Time: "2026-01-01T00:00:00Z", Author: "dev <dev@example.com>",
				Bump: "minor", RequiredBump: "minor", Compatible: true,
			}
			if v == 0 {
				ver.Bump, ver.RequiredBump = "none", "none"
			} else {
				ver.Changes = []api.Change{{Kind: "PROPERTY_ADDED", Path: "#/properties/field" + fmt.Sprint(v), Backward: true, Forward: true, Message: "adds a property"}}
			}
			b.Files[bundle.SchemaFile(id, version)] = data
			if sp.arrow {
				arrow := mustArrow(tb, data)
				b.Files[bundle.ArrowFile(id, version)] = arrow
				ver.Arrow = bundle.Digest(arrow)
			}
			s.Versions = append(s.Versions, ver)
			s.Latest = version
		}
		m.Schemas = append(m.Schemas, s)
	}
	m.Source = bundle.Source{Commit: fmt.Sprintf("%040x", sp.versions), Time: "2026-01-01T00:00:00Z", Dir: "schemas", Commits: sp.versions}
	if err := m.Seal(); err != nil {
		tb.Fatal(err)
	}
	if err := b.Verify(); err != nil {
		tb.Fatal(err)
	}
	return b
}

func mustArrow(tb testing.TB, data []byte) []byte {
	tb.Helper()
	d, err := document.ParseDocument("x.json", data)
	if err != nil {
		tb.Fatal(err)
	}
	ipc, err := arrowschema.IPC(d, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return ipc
}

// mustRepoBundle builds a one-version-per-schema bundle from the
// repository's schemas/ folder.
func mustRepoBundle(tb testing.TB) *bundle.Bundle {
	tb.Helper()
	paths, err := filepath.Glob("../schemas/*.json")
	if err != nil {
		tb.Fatal(err)
	}
	more, _ := filepath.Glob("../schemas/*/*.json")
	paths = append(paths, more...)
	sort.Strings(paths)
	var docs []*document.Document
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		d, err := document.ParseDocument(p, data)
		if err != nil {
			tb.Fatal(err)
		}
		docs = append(docs, d)
	}
	if len(docs) == 0 {
		tb.Fatal("no schemas in ../schemas")
	}
	reg := validate.NewRegistry(docs...)
	b := &bundle.Bundle{Files: map[string][]byte{}}
	for _, d := range docs {
		version := d.Version.String()
		v := bundle.Version{Version: version, Digest: d.Digest, Size: len(d.Canonical), Path: d.Path[3:],
			Commit: fmt.Sprintf("%040x", 1), Time: "2026-01-01T00:00:00Z", Bump: "none", RequiredBump: "none", Compatible: true}
		b.Files[bundle.SchemaFile(d.ID, version)] = d.Canonical
		if ipc, err := arrowschema.IPC(d, reg); err != nil {
			tb.Fatal(err)
		} else if ipc != nil {
			b.Files[bundle.ArrowFile(d.ID, version)] = ipc
			v.Arrow = bundle.Digest(ipc)
		}
		mode := string(d.Compatibility)
		if mode == "" {
			mode = "BACKWARD"
		}
		b.Manifest.Schemas = append(b.Manifest.Schemas, bundle.Schema{ID: d.ID, Path: v.Path, Latest: version,
			Compatibility: mode, Title: d.Title(), Description: d.Description(), Versions: []bundle.Version{v}})
	}
	b.Manifest.Source = bundle.Source{Commit: fmt.Sprintf("%040x", 1), Dir: "schemas", Commits: 1}
	if err := b.Manifest.Seal(); err != nil {
		tb.Fatal(err)
	}
	return b
}

// hookKV is a real KV that calls onTxn before each transaction it starts,
// with the transaction's number from 1, and onGet before each Get: a test's
// way to act in the middle of a sync.
type hookKV struct {
	clientv3.KV
	mu    sync.Mutex
	n     int
	onTxn func(n int)
	// onGet, when set, is called before each Get with its key.
	onGet func(key string)
}

func (h *hookKV) Get(ctx context.Context, key string, opts ...clientv3.OpOption) (*clientv3.GetResponse, error) {
	if h.onGet != nil {
		h.onGet(key)
	}
	return h.KV.Get(ctx, key, opts...)
}

func (h *hookKV) Txn(ctx context.Context) clientv3.Txn {
	h.mu.Lock()
	h.n++
	n := h.n
	h.mu.Unlock()
	if h.onTxn != nil {
		h.onTxn(n)
	}
	return h.KV.Txn(ctx)
}

// revision returns the store's current revision.
func revision(tb testing.TB, kv clientv3.KV) int64 {
	tb.Helper()
	resp, err := kv.Get(context.Background(), "/revision-probe")
	if err != nil {
		tb.Fatal(err)
	}
	return resp.Header.Revision
}

// mustPublish publishes b with a new Syncer on kv.
func mustPublish(tb testing.TB, kv clientv3.KV, b *bundle.Bundle) *Result {
	tb.Helper()
	res, err := New(kv, testLogger(tb)).Publish(context.Background(), b)
	if err != nil {
		tb.Fatalf("publish: %v", err)
	}
	return res
}

// checkPublished checks that etcd holds b as the current generation:
// index, mirrors, version lists, metas, bytes and Arrow.
func checkPublished(tb testing.TB, kv clientv3.KV, keys etcdstore.Keys, b *bundle.Bundle) {
	tb.Helper()
	ctx := context.Background()
	x, rev, err := etcdstore.LoadGeneration(ctx, kv, keys)
	if err != nil {
		tb.Fatal(err)
	}
	if x.Current.Generation != b.Manifest.Generation || x.Current.MirrorsPending {
		tb.Fatalf("generation %+v, want %s with mirrors done", x.Current, b.Manifest.Generation)
	}
	if len(x.Schemas) != len(b.Manifest.Schemas) {
		tb.Fatalf("index has %d schemas, bundle %d", len(x.Schemas), len(b.Manifest.Schemas))
	}
	all, err := kv.Get(ctx, strings.TrimSuffix(keys.Generation(), "generation"), clientv3.WithPrefix(), clientv3.WithRev(rev))
	if err != nil {
		tb.Fatal(err)
	}
	vals := make(map[string][]byte, len(all.Kvs))
	for _, kv := range all.Kvs {
		vals[string(kv.Key)] = kv.Value
	}
	for i, s := range b.Manifest.Schemas {
		e := x.Schemas[i]
		if e.ID != s.ID || e.Latest != s.Latest || e.Count != len(s.Versions) {
			tb.Fatalf("entry %+v for schema %s latest %s", e, s.ID, s.Latest)
		}
		if got := string(vals[keys.Latest(s.ID)]); got != s.Latest {
			tb.Errorf("%s = %q, want %q", keys.Latest(s.ID), got, s.Latest)
		}
		vl, err := etcdstore.LoadVersions(ctx, kv, keys, &e)
		if err != nil {
			tb.Fatal(err)
		}
		for j, v := range s.Versions {
			if got := vals[keys.Schema(s.ID, v.Version)]; string(got) != string(b.Files[bundle.SchemaFile(s.ID, v.Version)]) {
				tb.Fatalf("%s holds %d bytes, not the bundle's", keys.Schema(s.ID, v.Version), len(got))
			}
			vi := vl.Versions[j]
			if vi.Version != v.Version || vi.Digest != v.Digest || vi.Arrow != v.Arrow {
				tb.Fatalf("version list entry %+v for %s %s", vi, s.ID, v.Version)
			}
			if _, ok := vals[keys.Meta(s.ID, v.Version, vi.Meta)]; !ok {
				tb.Fatalf("meta of %s %s missing", s.ID, v.Version)
			}
			if v.Arrow != "" && string(vals[keys.Arrow(s.ID, v.Version, v.Arrow)]) != string(b.Files[bundle.ArrowFile(s.ID, v.Version)]) {
				tb.Fatalf("arrow of %s %s wrong", s.ID, v.Version)
			}
		}
	}
}
