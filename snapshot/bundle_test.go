package snapshot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/syncer"
)

func testLogger(tb testing.TB) *slog.Logger {
	tb.Helper()
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}

// testBundle builds a sealed, verified bundle of schemas "s0000"... with
// versions "1.0.0", "1.1.0", ...
func testBundle(tb testing.TB, schemas, versions int) *bundle.Bundle {
	tb.Helper()
	b := &bundle.Bundle{Files: map[string][]byte{}}
	m := &b.Manifest
	for i := range schemas {
		id := fmt.Sprintf("s%04d", i)
		s := bundle.Schema{ID: id, Path: "schemas/" + id + ".json", Compatibility: "BACKWARD", Title: "Schema " + id}
		for v := range versions {
			version := fmt.Sprintf("1.%d.0", v)
			data := document.Canonical(map[string]any{
				"id": id, "version": version, "type": "object", "title": "Schema " + id,
				"properties": map[string]any{fmt.Sprintf("field%d", v): map[string]any{"type": "integer"}},
			})
			ver := bundle.Version{
				Version: version, Digest: bundle.Digest(data), Size: len(data), Path: s.Path,
				Commit: fmt.Sprintf("%040x", v+1), Time: "2026-01-01T00:00:00Z", Author: "dev <dev@example.com>",
				Bump: "minor", RequiredBump: "minor", Compatible: true,
			}
			if v == 0 {
				ver.Bump, ver.RequiredBump = "none", "none"
			}
			b.Files[bundle.SchemaFile(id, version)] = data
			s.Versions = append(s.Versions, ver)
			s.Latest = version
		}
		m.Schemas = append(m.Schemas, s)
	}
	m.Source = bundle.Source{Commit: fmt.Sprintf("%040x", versions), Time: "2026-01-01T00:00:00Z", Dir: "schemas", Commits: versions}
	if err := m.Seal(); err != nil {
		tb.Fatal(err)
	}
	if err := b.Verify(); err != nil {
		tb.Fatal(err)
	}
	return b
}

// mustPublish publishes b through a new Syncer.
func mustPublish(tb testing.TB, kv clientv3.KV, b *bundle.Bundle) *syncer.Result {
	tb.Helper()
	res, err := syncer.New(kv, testLogger(tb)).Publish(context.Background(), b)
	if err != nil {
		tb.Fatalf("publish: %v", err)
	}
	return res
}

// checkPublished checks that etcd holds b as the current generation, every
// version's bytes under its key.
func checkPublished(tb testing.TB, kv clientv3.KV, keys etcdstore.Keys, b *bundle.Bundle) {
	tb.Helper()
	ctx := context.Background()
	x, _, err := etcdstore.LoadGeneration(ctx, kv, keys)
	if err != nil {
		tb.Fatal(err)
	}
	if x.Current.Generation != b.Manifest.Generation || len(x.Schemas) != len(b.Manifest.Schemas) {
		tb.Fatalf("generation %s with %d schemas, want %s with %d", x.Current.Generation, len(x.Schemas),
			b.Manifest.Generation, len(b.Manifest.Schemas))
	}
	for _, s := range b.Manifest.Schemas {
		for _, v := range s.Versions {
			resp, err := kv.Get(ctx, keys.Schema(s.ID, v.Version))
			if err != nil {
				tb.Fatal(err)
			}
			if len(resp.Kvs) != 1 || string(resp.Kvs[0].Value) != string(b.Files[bundle.SchemaFile(s.ID, v.Version)]) {
				tb.Fatalf("%s does not hold the bundle's bytes", keys.Schema(s.ID, v.Version))
			}
		}
	}
}
