package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/etcdstore"
)

// minBackoff is the first wait before Run asks etcd again after a failure;
// the wait doubles up to the probe interval.
const minBackoff = 100 * time.Millisecond

// errWatchClosed reports a watch channel that etcd's client closed.
var errWatchClosed = errors.New("watch closed")

// Run follows the published generation until ctx ends, and returns
// ctx.Err() then. It loads the generation, then watches the generation key
// from the revision it read at: a new generation is loaded the moment it is
// published. A watch that fails (a compaction, a lost leader, a closed
// channel) is replaced by a new load and a new watch, after a backoff. Every
// ProbeInterval it also asks etcd for the generation key, which tells
// /ready whether etcd answers, and reloads the generation when the watch
// missed it or when it is older than CacheTTL.
//
// While etcd is unreachable the server answers from what it holds and
// /ready reports "degraded"; Run keeps trying and the server recovers by
// itself when etcd is back.
func (s *Server) Run(ctx context.Context) error {
	s.health.running.Store(true)
	defer s.health.running.Store(false)
	defer s.events.stop() // end the event streams: a graceful shutdown need not wait for them
	backoff := minBackoff
	for {
		g, rev, err := s.reload(ctx)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && !errors.Is(err, etcdstore.ErrNotPublished) {
			s.logger.Warn("load generation", LogKeyError, err)
			if !sleep(ctx, backoff) {
				return ctx.Err()
			}
			backoff = min(2*backoff, s.opts.ProbeInterval)
			continue
		}
		backoff = minBackoff
		if g != nil {
			s.warm(ctx, g)
		}
		err = s.follow(ctx, rev)
		if ctx.Err() != nil {
			return ctx.Err()
		}
		s.logger.Warn("watch lost, loading the generation again", LogKeyRevision, rev, LogKeyError, err)
		if !sleep(ctx, backoff) {
			return ctx.Err()
		}
	}
}

func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// follow watches the generation key after revision rev and loads every new
// generation, probing etcd between events. It returns when the watch fails.
func (s *Server) follow(ctx context.Context, rev int64) error {
	wctx, cancel := context.WithCancel(clientv3.WithRequireLeader(ctx))
	defer cancel()
	key := s.opts.Keys.Generation()
	// etcd's client returns from Watch only once the watch stream is open:
	// while etcd is unreachable it waits. The probes go on meanwhile, so
	// that /ready tells; wch stays nil, which a select never receives from,
	// until Watch returns. Cancelling wctx ends the wait.
	watching := make(chan clientv3.WatchChan, 1)
	go func() { watching <- s.etcd.Watch(wctx, key, clientv3.WithRev(rev+1), clientv3.WithProgressNotify()) }()
	var wch clientv3.WatchChan
	probe := time.NewTicker(s.opts.ProbeInterval)
	defer probe.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case wch = <-watching:
		case resp, ok := <-wch:
			if !ok {
				return errWatchClosed
			}
			if err := resp.Err(); err != nil {
				return fmt.Errorf("watch %s: %w", key, err)
			}
			if len(resp.Events) == 0 {
				continue // a progress notification
			}
			if err := s.refresh(ctx); err != nil {
				return err
			}
		case <-probe.C:
			s.probe(ctx)
		}
	}
}

// refresh loads the generation after a watch event and warms the cache.
func (s *Server) refresh(ctx context.Context) error {
	g, _, err := s.reload(ctx)
	switch {
	case errors.Is(err, etcdstore.ErrNotPublished):
		return nil
	case err != nil:
		return err
	}
	s.warm(ctx, g)
	return nil
}

// probe asks etcd for the generation key: the answer tells whether etcd is
// reachable, and whether the generation loaded is still the published one.
// It reloads the generation when it is not, or when it is older than the
// cache TTL.
func (s *Server) probe(ctx context.Context) {
	var resp *clientv3.GetResponse
	err := s.call(ctx, "probe", func(ctx context.Context) (err error) {
		resp, err = s.etcd.Get(ctx, s.opts.Keys.Generation())
		return err
	})
	now := s.opts.Now()
	if err != nil {
		s.health.failed(err)
		return
	}
	s.health.succeeded(now)
	g := s.gen.Load()
	stale := g != nil && now.UnixNano()-g.loaded.Load() > int64(s.opts.CacheTTL)
	s.health.noticeGone(g != nil && len(resp.Kvs) == 0, s.opts.Keys.Generation())
	if len(resp.Kvs) > 0 {
		var cur etcdstore.Current
		if err := json.Unmarshal(resp.Kvs[0].Value, &cur); err != nil || g == nil || cur.Generation != g.cur.Generation {
			stale = true
		}
	}
	if stale {
		if err := s.refresh(ctx); err != nil {
			s.logger.Warn("reload generation", LogKeyError, err)
		}
	}
}
