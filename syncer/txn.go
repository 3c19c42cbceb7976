package syncer

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"

	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	clientv3 "go.etcd.io/etcd/client/v3"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// Transient reports whether an etcd error is worth retrying: a timeout, a
// leader change, no leader, an unavailable member, too many requests.
func Transient(err error) bool {
	switch {
	case err == nil, errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, context.DeadlineExceeded):
		return true
	}
	code := codes.Unknown
	var ee rpctypes.EtcdError
	if errors.As(err, &ee) {
		code = ee.Code()
	} else if st, ok := status.FromError(err); ok {
		code = st.Code()
	}
	switch code {
	case codes.Unavailable, codes.DeadlineExceeded, codes.Aborted, codes.ResourceExhausted:
		return true
	}
	return false
}

// call runs one etcd call under its own timeout and retries it, with
// exponential backoff and jitter, while its error is Transient and ctx lasts.
// Every write it retries is a guarded transaction, so a retry of one that
// was applied fails its guard instead of writing twice.
func (s *Syncer) call(ctx context.Context, what string, fn func(ctx context.Context) error) error {
	backoff := s.Backoff
	for attempt := 1; ; attempt++ {
		cctx, cancel := context.WithTimeout(ctx, s.CallTimeout)
		err := fn(cctx)
		cancel()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return fmt.Errorf("%s: %w (after %d attempts: %v)", what, ctx.Err(), attempt, err)
		}
		if !Transient(err) {
			return fmt.Errorf("%s: %w", what, err)
		}
		s.logger.Warn("etcd call failed, retrying", LogKeyOp, what, LogKeyAttempt, attempt, LogKeyError, err)
		wait := backoff/2 + rand.N(backoff/2+1)
		if serr := s.sleep(ctx, wait); serr != nil {
			return fmt.Errorf("%s: %w (after %d attempts: %v)", what, serr, attempt, err)
		}
		backoff = min(2*backoff, s.MaxBackoff)
	}
}

// batches splits writes into runs that fit one transaction each.
func (s *Syncer) batches(writes []write, perKey int) [][]write {
	var out [][]write
	start, size := 0, 0
	for i, w := range writes {
		n := perKey*len(w.key) + len(w.value) + 16
		if i > start && (i-start >= s.MaxTxnOps || size+n > s.MaxTxnBytes) {
			out = append(out, writes[start:i])
			start, size = i, 0
		}
		size += n
	}
	if start < len(writes) {
		out = append(out, writes[start:])
	}
	return out
}

// putAbsent writes immutable keys that must not exist yet, in transactions
// that compare each version's creation revision with 0 or, when fresh (no
// version of these schemas is in etcd yet), ask that the range of the
// batch's versions hold no key. When another writer got
// to a key first, its value must be the same; a version's bytes that differ
// are ErrMutated. Up to PipelineDepth transactions are in flight at once:
// every key is immutable, so their order does not matter until the
// generation switch, which waits for all of them. res lists the writes in
// batch order whatever order they complete in.
func (s *Syncer) putAbsent(ctx context.Context, writes []write, res *Result, fresh bool) error {
	if fresh {
		// In key order, the batches' ranges of versions are apart: no
		// batch's range compare sees what another put.
		writes = slices.Clone(writes)
		slices.SortFunc(writes, func(a, b write) int { return strings.Compare(a.key, b.key) })
	}
	batches := s.batches(writes, 3)
	depth := max(1, min(s.PipelineDepth, len(batches)))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := make([]error, len(batches))
	next := make(chan int)
	var wg sync.WaitGroup
	for range depth {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if errs[i] = s.putBatch(ctx, batches[i], fresh); errs[i] != nil {
					cancel()
				}
			}
		}()
	}
feed:
	for i := range batches {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	// The first error that is not another batch's cancellation is the cause.
	var first error
	for _, err := range errs {
		if err != nil && (first == nil || errors.Is(first, context.Canceled) && !errors.Is(err, context.Canceled)) {
			first = err
		}
	}
	if first == nil {
		first = ctx.Err()
	}
	if first != nil {
		return first
	}
	res.Writes = slices.Grow(res.Writes, len(writes))
	for _, w := range writes {
		res.add(w)
	}
	return nil
}

// putBatch writes one batch of putAbsent's keys in one transaction, then
// again for the keys that were neither written nor found holding the same
// bytes.
func (s *Syncer) putBatch(ctx context.Context, pending []write, fresh bool) error {
	for len(pending) > 0 {
		// A version's bytes must not be there yet: another value under its
		// name is a mutated version. Every other key is named by its
		// content (a digest, or the generation's), so putting it again can
		// only put the same bytes: it needs no compare.
		var cmps []clientv3.Cmp
		var lo, hi string
		puts := make([]clientv3.Op, len(pending))
		for i, w := range pending {
			if w.kind == kindSchema {
				if fresh {
					if lo == "" || w.key < lo {
						lo = w.key
					}
					hi = max(hi, w.key)
				} else {
					cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(w.key), "=", 0))
				}
			}
			puts[i] = clientv3.OpPut(w.key, string(w.value))
		}
		if lo != "" {
			// No key at all from the first version to the last: stronger
			// than a compare per version, and one for etcd to check. Any
			// key there, even one of another schema, fails it, and the
			// keys are then read and put one compare each, below.
			cmps = append(cmps, clientv3.Compare(clientv3.CreateRevision(lo), "=", 0).WithRange(hi+"\x00"))
		}
		fresh = false
		var resp *clientv3.TxnResponse
		err := s.call(ctx, fmt.Sprintf("put %d keys from %s", len(pending), pending[0].key), func(ctx context.Context) (err error) {
			resp, err = s.kv.Txn(ctx).If(cmps...).Then(puts...).Commit()
			return err
		})
		if err != nil {
			return err
		}
		if resp.Succeeded {
			return nil
		}
		// Some key is there already, which is rare (another writer, or a
		// retry of a call that was applied): read them all, then put
		// again the ones that are missing. The gets ride apart from the
		// puts so that the common case sends no more than it writes.
		gets := make([]clientv3.Op, len(pending))
		for i, w := range pending {
			gets[i] = clientv3.OpGet(w.key)
		}
		err = s.call(ctx, fmt.Sprintf("read %d keys from %s", len(pending), pending[0].key), func(ctx context.Context) (err error) {
			resp, err = s.kv.Txn(ctx).Then(gets...).Commit()
			return err
		})
		if err != nil {
			return err
		}
		var again []write
		for i, w := range pending {
			kvs := resp.Responses[i].GetResponseRange().Kvs
			switch {
			case len(kvs) == 0:
				again = append(again, w)
			case bytes.Equal(kvs[0].Value, w.value):
			case w.kind == kindSchema:
				return fmt.Errorf("%w: schema %s version %s was written as %s meanwhile, the bundle has %s",
					ErrMutated, w.id, w.version, bundle.Digest(kvs[0].Value), bundle.Digest(w.value))
			default:
				return fmt.Errorf("%s: %w: holds other bytes than its name says", w.key, bundle.ErrCorrupt)
			}
		}
		pending = again
	}
	return nil
}

// guarded returns the compares of a pointer move: the generation key's mod
// revision and the Guard, if any.
func (s *Syncer) guarded(modRev int64) []clientv3.Cmp {
	cmps := []clientv3.Cmp{clientv3.Compare(clientv3.ModRevision(s.Keys.Generation()), "=", modRev)}
	if s.Guard != nil {
		cmps = append(cmps, *s.Guard)
	}
	return cmps
}

// fenced tells why a guarded transaction failed: ErrFenced when the Guard
// no longer holds, else ErrConflict.
func (s *Syncer) fenced(ctx context.Context) error {
	if s.Guard == nil {
		return ErrConflict
	}
	var resp *clientv3.TxnResponse
	err := s.call(ctx, "check guard", func(ctx context.Context) (err error) {
		resp, err = s.kv.Txn(ctx).If(*s.Guard).Commit()
		return err
	})
	if err != nil {
		return err
	}
	if !resp.Succeeded {
		return ErrFenced
	}
	return ErrConflict
}

// switchGeneration switches the generation key to the plan in one
// transaction guarded by the mod revision read before (0: none), with the
// latest mirrors when they fit. It returns the value written, its mod
// revision and the mirrors left to write.
func (s *Syncer) switchGeneration(ctx context.Context, p *plan, modRev int64, prevPending bool, mirrors []write, res *Result) (etcdstore.Current, int64, []write, error) {
	key := s.Keys.Generation()
	size := len(key) + 512
	for _, m := range mirrors {
		size += 2*len(m.key) + len(m.value)
	}
	fit := len(mirrors)+1 <= s.MaxTxnOps && size <= s.MaxTxnBytes
	rest := mirrors
	if fit {
		rest = nil
	}
	cur := p.current(s.Now().UTC().Format(time.RFC3339Nano), !fit || prevPending)
	value, err := etcdstore.EncodeValue(cur)
	if err != nil {
		return cur, 0, nil, err
	}
	ops := []clientv3.Op{clientv3.OpPut(key, string(value))}
	if fit {
		for _, m := range mirrors {
			ops = append(ops, clientv3.OpPut(m.key, string(m.value)))
		}
	}
	// The index must still be there: a syncer that switched after this one
	// read the generation may have pruned it as an old generation's.
	cmps := append(s.guarded(modRev), clientv3.Compare(clientv3.CreateRevision(s.Keys.IndexShard(p.gen, 0)), ">", 0))
	var resp *clientv3.TxnResponse
	err = s.call(ctx, "switch "+key, func(ctx context.Context) (err error) {
		resp, err = s.kv.Txn(ctx).If(cmps...).Then(ops...).Else(clientv3.OpGet(key)).Commit()
		return err
	})
	if err != nil {
		return cur, 0, nil, err
	}
	if !resp.Succeeded {
		// A retried call whose first attempt was applied finds its own value.
		kvs := resp.Responses[0].GetResponseRange().Kvs
		if len(kvs) == 0 || !bytes.Equal(kvs[0].Value, value) {
			return cur, 0, nil, s.fenced(ctx)
		}
		resp.Header.Revision = kvs[0].ModRevision
	}
	res.add(write{key: key, value: value, kind: kindGeneration})
	if fit {
		for _, m := range mirrors {
			res.add(m)
		}
	}
	res.Revision = resp.Header.Revision
	s.logger.Info("generation switched", LogKeyGeneration, p.gen, LogKeyRevision, res.Revision, LogKeyCommit, p.source.Commit)
	return cur, resp.Header.Revision, rest, nil
}
