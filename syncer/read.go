package syncer

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// existing is what etcd holds of the keys a plan's changed schemas need.
type existing struct {
	// schemas maps id → version (or "latest") → bytes.
	schemas map[string]map[string][]byte
	// blobs holds the content-addressed keys present.
	blobs map[string]bool
	// lists are the published version lists of changed schemas.
	lists map[string]*etcdstore.VersionList
	// shards maps the plan's index shard keys present to their bytes.
	shards map[string][]byte
}

// readOp is one read and what to do with its answer.
type readOp struct {
	op     clientv3.Op
	handle func(*pb.RangeResponse) error
}

// readExisting reads, in transactions of reads, the keys of the changed
// schemas: their version bytes and latest mirror, which of their
// content-addressed keys exist, and their published version lists.
func (s *Syncer) readExisting(ctx context.Context, p *plan, changed []int, published map[string]etcdstore.Entry) (*existing, error) {
	ex := &existing{
		schemas: make(map[string]map[string][]byte, len(changed)),
		blobs:   map[string]bool{},
		lists:   map[string]*etcdstore.VersionList{},
		shards:  map[string][]byte{},
	}
	keysOnly := func(r *pb.RangeResponse) error {
		for _, kv := range r.Kvs {
			ex.blobs[string(kv.Key)] = true
		}
		return nil
	}
	var ops []readOp
	for _, i := range changed {
		id := p.schemas[i].entry.ID
		root := s.Keys.SchemaRoot(id)
		ops = append(ops,
			readOp{clientv3.OpGet(root, clientv3.WithPrefix()), func(r *pb.RangeResponse) error {
				vals := make(map[string][]byte, len(r.Kvs))
				for _, kv := range r.Kvs {
					vals[strings.TrimPrefix(string(kv.Key), root)] = kv.Value
				}
				ex.schemas[id] = vals
				return nil
			}},
			readOp{clientv3.OpGet(s.Keys.VersionsRoot(id), clientv3.WithPrefix(), clientv3.WithKeysOnly()), keysOnly},
			readOp{clientv3.OpGet(s.Keys.MetaRoot(id), clientv3.WithPrefix(), clientv3.WithKeysOnly()), keysOnly},
			readOp{clientv3.OpGet(s.Keys.ArrowRoot(id), clientv3.WithPrefix(), clientv3.WithKeysOnly()), keysOnly},
		)
		if e, ok := published[id]; ok {
			key := s.Keys.Versions(id, e.Versions)
			ops = append(ops, readOp{clientv3.OpGet(key), func(r *pb.RangeResponse) error {
				if len(r.Kvs) == 0 {
					return fmt.Errorf("%s: %w: the published index names a missing version list", key, bundle.ErrCorrupt)
				}
				var vl etcdstore.VersionList
				if err := json.Unmarshal(r.Kvs[0].Value, &vl); err != nil {
					return fmt.Errorf("%s: %w: %v", key, bundle.ErrCorrupt, err)
				}
				ex.lists[id] = &vl
				return nil
			}})
		}
	}
	ops = append(ops, readOp{clientv3.OpGet(s.Keys.Index(p.gen), clientv3.WithPrefix()), func(r *pb.RangeResponse) error {
		for _, kv := range r.Kvs {
			ex.shards[string(kv.Key)] = kv.Value
		}
		return nil
	}})
	for len(ops) > 0 {
		n := min(len(ops), s.MaxTxnOps)
		if err := s.readBatch(ctx, ops[:n]); err != nil {
			return nil, err
		}
		ops = ops[n:]
	}
	return ex, nil
}

func (s *Syncer) readBatch(ctx context.Context, ops []readOp) error {
	txnOps := make([]clientv3.Op, len(ops))
	for i, o := range ops {
		txnOps[i] = o.op
	}
	var resp *clientv3.TxnResponse
	err := s.call(ctx, fmt.Sprintf("read %d ranges", len(ops)), func(ctx context.Context) (err error) {
		resp, err = s.kv.Txn(ctx).Then(txnOps...).Commit()
		return err
	})
	if err != nil {
		return err
	}
	for i, o := range ops {
		if err := o.handle(resp.Responses[i].GetResponseRange()); err != nil {
			return err
		}
	}
	return nil
}

// writes returns the keys the plan needs that etcd lacks, immutable ones
// first and the index shards last, and the latest mirrors to change. A
// version whose bytes in etcd differ from the bundle's is ErrMutated.
func (ex *existing) writes(keys etcdstore.Keys, p *plan, changed []int) (writes, mirrors []write, err error) {
	// At most three keys a version (bytes, meta, Arrow) and one list a
	// schema: sized once, a first publish's hundred thousand writes are not
	// copied as the slice grows.
	n := len(p.shards)
	for _, i := range changed {
		n += 3*len(p.schemas[i].versions) + 1
	}
	writes = make([]write, 0, n)
	for _, i := range changed {
		sp := &p.schemas[i]
		id := sp.entry.ID
		vals := ex.schemas[id]
		for _, vp := range sp.versions {
			data, err := p.file(bundle.SchemaFile(id, vp.version), vp.digest)
			if err != nil {
				return nil, nil, err
			}
			if got, ok := vals[vp.version]; ok {
				if !bytes.Equal(got, data) {
					return nil, nil, fmt.Errorf("%w: schema %s version %s is %s in etcd, the bundle has %s: a published version never changes; publish a new version instead",
						ErrMutated, id, vp.version, bundle.Digest(got), vp.digest)
				}
			} else {
				writes = append(writes, write{key: keys.Schema(id, vp.version), value: data, kind: kindSchema, id: id, version: vp.version})
			}
			if k := keys.Meta(id, vp.version, vp.metaRef); !ex.blobs[k] {
				writes = append(writes, write{key: k, value: vp.meta, kind: kindBlob})
			}
			if vp.arrow != "" {
				if k := keys.Arrow(id, vp.version, vp.arrow); !ex.blobs[k] {
					arrow, err := p.file(bundle.ArrowFile(id, vp.version), vp.arrow)
					if err != nil {
						return nil, nil, err
					}
					writes = append(writes, write{key: k, value: arrow, kind: kindBlob})
				}
			}
		}
		if k := keys.Versions(id, sp.entry.Versions); !ex.blobs[k] {
			writes = append(writes, write{key: k, value: sp.list, kind: kindBlob})
		}
		if string(vals[etcdstore.LatestKey]) != sp.entry.Latest {
			mirrors = append(mirrors, write{key: keys.Latest(id), value: []byte(sp.entry.Latest), kind: kindMirror})
		}
	}
	for n, shard := range p.shards {
		k := keys.IndexShard(p.gen, n)
		got, ok := ex.shards[k]
		switch {
		case !ok:
			writes = append(writes, write{key: k, value: shard, kind: kindIndex})
		case !bytes.Equal(got, shard):
			return nil, nil, fmt.Errorf("%s: %w: holds another index for the same generation", k, bundle.ErrCorrupt)
		}
	}
	return writes, mirrors, nil
}

// older reports whether the plan's bundle is older than the published
// generation: every (id, version, digest) of it is published, and the
// published generation has more. That is what a bundle compiled at an
// ancestor of the published commit looks like, since versions are never
// unpublished.
func older(p *plan, changed []int, published map[string]etcdstore.Entry, lists map[string]*etcdstore.VersionList) bool {
	if len(p.schemas) > len(published) {
		return false
	}
	strict := len(published) > len(p.schemas)
	for _, i := range changed {
		sp := &p.schemas[i]
		vl, ok := lists[sp.entry.ID]
		if !ok {
			return false // a schema the published generation lacks
		}
		digests := make(map[string]string, len(vl.Versions))
		for _, v := range vl.Versions {
			digests[v.Version] = v.Digest
		}
		for _, vp := range sp.versions {
			if digests[vp.version] != vp.digest {
				return false
			}
		}
		if len(vl.Versions) > len(sp.versions) {
			strict = true
		}
	}
	return strict
}

// dropped lists the published versions the plan's bundle lacks, "id
// version", sorted: whole schemas it no longer has and versions missing
// from the schemas it changes. A history only grows, so a bundle that is
// not older yet lacks versions was compiled from a rewritten history,
// another repository, or under limits that now refuse what was published.
func dropped(p *plan, changed []int, published map[string]etcdstore.Entry, lists map[string]*etcdstore.VersionList) []string {
	var out []string
	inPlan := make(map[string]bool, len(p.schemas))
	for i := range p.schemas {
		inPlan[p.schemas[i].entry.ID] = true
	}
	for id, e := range published {
		if !inPlan[id] {
			out = append(out, fmt.Sprintf("%s (all %d versions)", id, e.Count))
		}
	}
	for _, i := range changed {
		sp := &p.schemas[i]
		vl, ok := lists[sp.entry.ID]
		if !ok {
			continue
		}
		have := make(map[string]bool, len(sp.versions))
		for _, vp := range sp.versions {
			have[vp.version] = true
		}
		for _, v := range vl.Versions {
			if !have[v.Version] {
				out = append(out, sp.entry.ID+" "+v.Version)
			}
		}
	}
	slices.Sort(out)
	return out
}
