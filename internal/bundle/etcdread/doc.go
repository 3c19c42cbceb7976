// Package etcdread reads a published bundle back from etcd: the current
// generation and its index, version lists, change metadata, schema bytes
// and Arrow schemas, each checked against its digest.
//
//	idx, rev, err := etcdread.LoadGeneration(ctx, kv, keys)
//
// It imports bundle (the key layout and the types) and etcd's client; the
// server and the syncer import it. Keeping it apart keeps etcd out of the
// compiler, which imports bundle.
package etcdread
