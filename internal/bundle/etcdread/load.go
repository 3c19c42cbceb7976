package etcdread

// # In etcd
//
// The syncer publishes a bundle into etcd under a prefix (DefaultPrefix,
// "/schemareg", unless --prefix says otherwise); the server reads it back.
// With P the prefix:
//
//	P/generation                         Current (JSON): the published generation,
//	                                     its commit and where its index is. The one
//	                                     mutable pointer; switched in one transaction.
//	P/index/<gen>/<NNNN>                 IndexShard (JSON), immutable: the generation's
//	                                     schemas, one Entry each, sorted by id, split
//	                                     into shards of at most MaxShardBytes.
//	P/schemas/<id>/<version>             the version's canonical bytes, immutable.
//	P/schemas/<id>/latest                the latest version, as text: a mirror for
//	                                     operators (etcdctl get); see below.
//	P/versions/<id>/<ref>                VersionList (JSON), immutable and content
//	                                     addressed: every version of the schema with
//	                                     its digest, commit, bump, Arrow digest, ...
//	P/meta/<id>/<version>/<ref>          VersionMeta (JSON), immutable and content
//	                                     addressed: the changes against the version before.
//	P/arrow/<id>/<version>/<hex>         the version's Arrow IPC schema bytes, immutable,
//	                                     named by their sha256.
//	P/leader/<lease>                     the syncers' leader election (etcd's
//	                                     concurrency.Election): who may publish.
//
// <gen> is the generation's hex digest without "sha256:"; <ref> is the hex
// sha256 of the value (Ref). Only P/generation and the latest mirrors are ever
// overwritten. The schema bytes are keyed by (id, version) alone: a version's
// bytes never change, and a bundle that says otherwise is refused. Everything
// derived from them (version lists, changes, Arrow) is keyed by its own
// digest too, so a newer compiler that derives more never collides with what
// an older one published.
//
// # Consistency
//
// The syncer writes every immutable key of a generation first, then its
// index shards, and only then switches P/generation in one transaction. The
// transaction compares the key's mod revision with the one the syncer read
// (of two syncers, one wins and the other starts over) and checks that the
// index shards are still there (another syncer may have pruned them as an
// old generation's). A reader that reads P/generation and then the index at
// the same revision (LoadGeneration does) sees one whole generation, and
// every key the index leads to exists already, because immutable keys are
// written before the pointer and never change. The switch is one
// transaction whatever the number of schemas: it writes one key, plus the
// mirrors that fit.
//
// The latest mirrors are written in the switch transaction when they fit
// (etcd allows 128 operations in one); a switch that changes more of them
// sets Current.MirrorsPending and writes the rest in follow-up transactions,
// each guarded by the generation key's mod revision, then clears the flag.
// While the flag is set an operator may see a mirror one generation behind;
// servers read the index, not the mirrors. A sync that finds the flag set (its
// predecessor died) completes the mirrors.
//
// Old generations' index shards are pruned after a number of generations;
// schema, version-list, meta and Arrow keys are never deleted.

import (
	"context"
	"encoding/json"
	"fmt"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
)

// LoadGeneration reads the current generation and its index at one etcd
// revision, which it returns: a reader never mixes two generations. It
// returns ErrNotPublished when nothing is published under keys.
func LoadGeneration(ctx context.Context, kv clientv3.KV, keys bundle.Keys) (*bundle.Index, int64, error) {
	resp, err := kv.Get(ctx, keys.Generation())
	if err != nil {
		return nil, 0, fmt.Errorf("load generation %s: %w", keys.Generation(), err)
	}
	if len(resp.Kvs) == 0 {
		return nil, resp.Header.Revision, bundle.ErrNotPublished
	}
	rev := resp.Header.Revision
	x := &bundle.Index{ModRevision: resp.Kvs[0].ModRevision}
	if err := json.Unmarshal(resp.Kvs[0].Value, &x.Current); err != nil {
		return nil, rev, fmt.Errorf("load generation %s: %w: %v", keys.Generation(), bundle.ErrCorrupt, err)
	}
	x.Schemas, err = LoadIndex(ctx, kv, keys, x.Current, rev)
	if err != nil {
		return nil, rev, err
	}
	return x, rev, nil
}

// LoadIndex reads the index shards of cur at revision rev (0: the latest)
// and checks that they are all there.
func LoadIndex(ctx context.Context, kv clientv3.KV, keys bundle.Keys, cur bundle.Current, rev int64) ([]bundle.Entry, error) {
	prefix := keys.Index(cur.Generation)
	opts := []clientv3.OpOption{clientv3.WithPrefix(), clientv3.WithSort(clientv3.SortByKey, clientv3.SortAscend)}
	if rev > 0 {
		opts = append(opts, clientv3.WithRev(rev))
	}
	resp, err := kv.Get(ctx, prefix, opts...)
	if err != nil {
		return nil, fmt.Errorf("load index %s: %w", prefix, err)
	}
	if len(resp.Kvs) != cur.Shards {
		return nil, fmt.Errorf("load index %s: %w: %d shards, generation says %d", prefix, bundle.ErrCorrupt, len(resp.Kvs), cur.Shards)
	}
	entries := make([]bundle.Entry, 0, cur.Schemas)
	for _, kv := range resp.Kvs {
		var sh bundle.IndexShard
		if err := json.Unmarshal(kv.Value, &sh); err != nil {
			return nil, fmt.Errorf("load index %s: %w: %v", kv.Key, bundle.ErrCorrupt, err)
		}
		entries = append(entries, sh.Schemas...)
	}
	if len(entries) != cur.Schemas {
		return nil, fmt.Errorf("load index %s: %w: %d schemas, generation says %d", prefix, bundle.ErrCorrupt, len(entries), cur.Schemas)
	}
	return entries, nil
}

// LoadVersions reads the VersionList of a schema's index entry.
func LoadVersions(ctx context.Context, kv clientv3.KV, keys bundle.Keys, e *bundle.Entry) (*bundle.VersionList, error) {
	key := keys.Versions(e.ID, e.Versions)
	var vl bundle.VersionList
	if err := getJSON(ctx, kv, key, &vl); err != nil {
		return nil, err
	}
	return &vl, nil
}

// LoadMeta reads the VersionMeta of one version of a VersionList.
func LoadMeta(ctx context.Context, kv clientv3.KV, keys bundle.Keys, id string, v *bundle.VersionInfo) (*bundle.VersionMeta, error) {
	key := keys.Meta(id, v.Version, v.Meta)
	var m bundle.VersionMeta
	if err := getJSON(ctx, kv, key, &m); err != nil {
		return nil, err
	}
	return &m, nil
}

func getJSON(ctx context.Context, kv clientv3.KV, key string, v any) error {
	resp, err := kv.Get(ctx, key)
	if err != nil {
		return fmt.Errorf("get %s: %w", key, err)
	}
	if len(resp.Kvs) == 0 {
		return fmt.Errorf("get %s: %w: key missing", key, bundle.ErrCorrupt)
	}
	if err := json.Unmarshal(resp.Kvs[0].Value, v); err != nil {
		return fmt.Errorf("get %s: %w: %v", key, bundle.ErrCorrupt, err)
	}
	return nil
}
