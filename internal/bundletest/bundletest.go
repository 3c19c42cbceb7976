// Package bundletest builds synthetic bundles for tests and checks that
// etcd holds one as its published generation. Only tests import it.
package bundletest

import (
	"context"
	"fmt"
	"strings"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// Spec describes a synthetic bundle: schemas ids "s0000"... with versions
// "1.0.0", "1.1.0", ... The bytes of a version depend only on its id, its
// number and Salt[id], so two specs that agree give the same versions.
type Spec struct {
	Schemas, Versions int
	// First is the number of the first schema id.
	First int
	// Extra adds versions to some schemas: id → more versions.
	Extra map[string]int
	// Salt changes the bytes of every version of a schema.
	Salt map[string]string
	// Arrow gives every version an Arrow schema.
	Arrow bool
}

// SchemaID is the id of the i-th synthetic schema.
func SchemaID(i int) string { return fmt.Sprintf("s%04d", i) }

// Build builds the bundle sp describes, sealed and verified.
func Build(tb testing.TB, sp Spec) *bundle.Bundle {
	tb.Helper()
	b := &bundle.Bundle{Files: map[string][]byte{}}
	m := &b.Manifest
	for i := sp.First; i < sp.First+sp.Schemas; i++ {
		id := SchemaID(i)
		s := bundle.Schema{ID: id, Path: "schemas/" + id + ".json", Compatibility: "BACKWARD", Title: "Schema " + id}
		n := sp.Versions + sp.Extra[id]
		for v := 0; v < n; v++ {
			version := fmt.Sprintf("1.%d.0", v)
			data := document.Canonical(map[string]any{
				"id": id, "version": version, "type": "object", "title": "Schema " + id,
				"description": "synthetic test schema " + sp.Salt[id],
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
			if sp.Arrow {
				arrow := ipc(tb, data)
				b.Files[bundle.ArrowFile(id, version)] = arrow
				ver.Arrow = bundle.Digest(arrow)
			}
			s.Versions = append(s.Versions, ver)
			s.Latest = version
		}
		m.Schemas = append(m.Schemas, s)
	}
	m.Source = bundle.Source{Commit: fmt.Sprintf("%040x", sp.Versions), Time: "2026-01-01T00:00:00Z", Dir: "schemas", Commits: sp.Versions}
	if err := m.Seal(); err != nil {
		tb.Fatal(err)
	}
	if err := b.Verify(); err != nil {
		tb.Fatal(err)
	}
	return b
}

// ipc is the Arrow IPC schema of a document.
func ipc(tb testing.TB, data []byte) []byte {
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

// CheckPublished checks that etcd holds b as the current generation:
// index, mirrors, version lists, metas, bytes and Arrow.
func CheckPublished(tb testing.TB, kv clientv3.KV, keys etcdstore.Keys, b *bundle.Bundle) {
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
