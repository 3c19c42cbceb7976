// Package etcdstore is the layout of a published bundle in etcd: its keys
// (Keys), the values stored under them (Current, IndexShard, Entry,
// VersionList, VersionMeta) and the reads the server and the syncer share.
// The syncer writes the layout and the server reads it; the compiler, the
// site and the Action know only the bundle (package bundle) and never reach
// etcd.
//
//	keys := etcdstore.Keys{Prefix: prefix}
//	x, rev, err := etcdstore.LoadGeneration(ctx, kv, keys)
//	if errors.Is(err, etcdstore.ErrNotPublished) {
//		...
//	}
//	e, ok := x.Entry("ticks_v1")
//	vl, err := etcdstore.LoadVersions(ctx, kv, keys, e)
//
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
package etcdstore
