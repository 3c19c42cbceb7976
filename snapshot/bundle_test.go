package snapshot

import (
	"context"
	"io"
	"log/slog"
	"testing"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/syncer"
)

func testLogger(tb testing.TB) *slog.Logger {
	tb.Helper()
	return slog.New(slog.NewTextHandler(io.Discard, nil))
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
