package syncer

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
)

func testLogger(tb testing.TB) *slog.Logger {
	tb.Helper()
	return slog.New(slog.NewTextHandler(io.Discard, nil))
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
