package etcdread

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
)

// MaxTxnReads is how many reads LoadVersionLists puts in one transaction:
// etcd's default --max-txn-ops.
const MaxTxnReads = 128

// LoadSchema reads the canonical bytes of one version of a schema and checks
// them against digest, the version's "sha256:<hex>" from its VersionList.
// A missing key or bytes that do not match are ErrCorrupt: the version list
// named them.
func LoadSchema(ctx context.Context, kv clientv3.KV, keys bundle.Keys, id, version, digest string) ([]byte, error) {
	return getVerified(ctx, kv, keys.Schema(id, version), digest)
}

// LoadArrow reads the Arrow IPC bytes of one version of a schema, named by
// their digest (VersionInfo.Arrow), and checks them against it.
func LoadArrow(ctx context.Context, kv clientv3.KV, keys bundle.Keys, id, version, digest string) ([]byte, error) {
	return getVerified(ctx, kv, keys.Arrow(id, version, digest), digest)
}

func getVerified(ctx context.Context, kv clientv3.KV, key, digest string) ([]byte, error) {
	resp, err := kv.Get(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("get %s: %w", key, err)
	}
	if len(resp.Kvs) == 0 {
		return nil, fmt.Errorf("get %s: %w: key missing", key, bundle.ErrCorrupt)
	}
	data := resp.Kvs[0].Value
	if got := bundle.Digest(data); got != digest {
		return nil, fmt.Errorf("get %s: %w: value digests to %s, want %s", key, bundle.ErrCorrupt, got, digest)
	}
	return data, nil
}

// LoadVersionLists reads the VersionLists of many index entries, in
// transactions of at most MaxTxnReads reads, each under its own timeout
// when timeout is positive, and checks each against its ref. The lists come
// back in the order of entries.
func LoadVersionLists(ctx context.Context, kv clientv3.KV, keys bundle.Keys, entries []*bundle.Entry, timeout time.Duration) ([]*bundle.VersionList, error) {
	out := make([]*bundle.VersionList, 0, len(entries))
	for start := 0; start < len(entries); start += MaxTxnReads {
		batch := entries[start:min(start+MaxTxnReads, len(entries))]
		lists, err := loadVersionBatch(ctx, kv, keys, batch, timeout)
		if err != nil {
			return nil, err
		}
		out = append(out, lists...)
	}
	return out, nil
}

func loadVersionBatch(ctx context.Context, kv clientv3.KV, keys bundle.Keys, batch []*bundle.Entry, timeout time.Duration) ([]*bundle.VersionList, error) {
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	ops := make([]clientv3.Op, len(batch))
	for i, e := range batch {
		ops[i] = clientv3.OpGet(keys.Versions(e.ID, e.Versions))
	}
	resp, err := kv.Txn(ctx).Then(ops...).Commit()
	if err != nil {
		return nil, fmt.Errorf("load %d version lists: %w", len(batch), err)
	}
	lists := make([]*bundle.VersionList, len(batch))
	for i, e := range batch {
		key := keys.Versions(e.ID, e.Versions)
		r := resp.Responses[i].GetResponseRange()
		if r == nil || len(r.Kvs) == 0 {
			return nil, fmt.Errorf("get %s: %w: key missing", key, bundle.ErrCorrupt)
		}
		value := r.Kvs[0].Value
		if got := bundle.RefOf(value); got != e.Versions {
			return nil, fmt.Errorf("get %s: %w: value has ref %s", key, bundle.ErrCorrupt, got)
		}
		var vl bundle.VersionList
		if err := json.Unmarshal(value, &vl); err != nil {
			return nil, fmt.Errorf("get %s: %w: %v", key, bundle.ErrCorrupt, err)
		}
		lists[i] = &vl
	}
	return lists, nil
}
