package syncer

import (
	"context"
	"fmt"
	"sort"
	"strings"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/etcdstore"
)

// completeMirrors writes the latest mirrors a switch could not carry, each
// transaction guarded by the generation key's mod revision, then clears
// MirrorsPending. With rest nil it checks every schema's mirror. It returns
// the generation key's new mod revision, or 0 when a newer generation was
// switched meanwhile: that sync owns the mirrors.
func (s *Syncer) completeMirrors(ctx context.Context, p *plan, cur etcdstore.Current, modRev int64, rest []write, res *Result) (int64, error) {
	if rest == nil {
		var err error
		if rest, err = s.staleMirrors(ctx, p); err != nil {
			return 0, err
		}
	}
	for _, batch := range s.batches(rest, 2) {
		ops := make([]clientv3.Op, len(batch))
		for i, w := range batch {
			ops[i] = clientv3.OpPut(w.key, string(w.value))
		}
		ok, _, err := s.guardedTxn(ctx, fmt.Sprintf("put %d latest mirrors", len(ops)), modRev, ops)
		if err != nil || !ok {
			return 0, err
		}
		for _, w := range batch {
			res.add(w)
		}
	}
	cur.MirrorsPending = false
	value, err := etcdstore.EncodeValue(cur)
	if err != nil {
		return 0, err
	}
	key := s.Keys.Generation()
	ok, rev, err := s.guardedTxn(ctx, "clear mirrors_pending", modRev, []clientv3.Op{clientv3.OpPut(key, string(value))})
	if err != nil || !ok {
		return 0, err
	}
	res.add(write{key: key, value: value, kind: kindGeneration})
	res.Revision = rev
	return rev, nil
}

// guardedTxn runs ops if the generation key still has modRev and the Guard
// holds. It returns false, and no error, when a newer generation was
// switched meanwhile; ErrFenced when the Guard failed.
func (s *Syncer) guardedTxn(ctx context.Context, what string, modRev int64, ops []clientv3.Op) (bool, int64, error) {
	var resp *clientv3.TxnResponse
	err := s.call(ctx, what, func(ctx context.Context) (err error) {
		resp, err = s.kv.Txn(ctx).If(s.guarded(modRev)...).Then(ops...).Commit()
		return err
	})
	if err != nil {
		return false, 0, err
	}
	if resp.Succeeded {
		return true, resp.Header.Revision, nil
	}
	if err := s.fenced(ctx); err != ErrConflict {
		return false, 0, err
	}
	s.logger.Info("a newer generation was switched meanwhile; leaving it the rest", LogKeyOp, what)
	return false, 0, nil
}

// staleMirrors reads every schema's latest mirror and returns the writes
// that bring them in line with the plan.
func (s *Syncer) staleMirrors(ctx context.Context, p *plan) ([]write, error) {
	var stale []write
	var ops []readOp
	for i := range p.schemas {
		e := &p.schemas[i].entry
		key := s.Keys.Latest(e.ID)
		ops = append(ops, readOp{clientv3.OpGet(key), func(r *pb.RangeResponse) error {
			if len(r.Kvs) == 0 || string(r.Kvs[0].Value) != e.Latest {
				stale = append(stale, write{key: key, value: []byte(e.Latest), kind: kindMirror})
			}
			return nil
		}})
	}
	for len(ops) > 0 {
		n := min(len(ops), s.MaxTxnOps)
		if err := s.readBatch(ctx, ops[:n]); err != nil {
			return nil, err
		}
		ops = ops[n:]
	}
	return stale, nil
}

// prune deletes the index of every generation but the newest
// KeepGenerations, the current one always kept, in transactions guarded by
// the generation key's mod revision. Schema, version-list, meta and Arrow
// keys are never deleted.
func (s *Syncer) prune(ctx context.Context, gen string, modRev int64, res *Result) error {
	root := s.Keys.IndexRoot()
	var resp *clientv3.GetResponse
	err := s.call(ctx, "list "+root, func(ctx context.Context) (err error) {
		resp, err = s.kv.Get(ctx, root, clientv3.WithPrefix(), clientv3.WithKeysOnly())
		return err
	})
	if err != nil {
		return err
	}
	created := map[string]int64{}
	for _, kv := range resp.Kvs {
		hex, _, _ := strings.Cut(strings.TrimPrefix(string(kv.Key), root), "/")
		if c, ok := created[hex]; !ok || kv.CreateRevision < c {
			created[hex] = kv.CreateRevision
		}
	}
	var old []string
	for hex := range created {
		if hex != etcdstore.Ref(gen) {
			old = append(old, hex)
		}
	}
	sort.Slice(old, func(i, j int) bool { return created[old[i]] > created[old[j]] })
	keep := max(s.KeepGenerations-1, 0)
	if len(old) <= keep {
		return nil
	}
	old = old[keep:]
	for len(old) > 0 {
		n := min(len(old), s.MaxTxnOps)
		ops := make([]clientv3.Op, n)
		for i, hex := range old[:n] {
			ops[i] = clientv3.OpDelete(root+hex+"/", clientv3.WithPrefix())
		}
		ok, _, err := s.guardedTxn(ctx, fmt.Sprintf("prune %d generations", n), modRev, ops)
		if err != nil || !ok {
			return err
		}
		res.Pruned += n
		old = old[n:]
	}
	s.logger.Info("pruned old generations", LogKeyCount, res.Pruned)
	return nil
}
