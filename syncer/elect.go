package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/concurrency"

	"github.com/schemareg/schemareg/internal/etcdstore"
)

// DefaultLeaseTTL is the lease, in seconds, a leader holds: a leader that
// dies is replaced within about this long.
const DefaultLeaseTTL = 10

// Leader is the leadership of a registry's syncers, held through an etcd
// lease: only the leader publishes.
type Leader struct {
	session  *concurrency.Session
	election *concurrency.Election
}

// Campaign blocks until this process leads the syncers of keys, or ctx
// ends. name says who leads, for operators (etcdctl get --prefix P/leader/).
func Campaign(ctx context.Context, cli *clientv3.Client, keys etcdstore.Keys, name string, ttl int) (*Leader, error) {
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	// The session outlives ctx until Resign, so that Resign can revoke its lease.
	session, err := concurrency.NewSession(cli, concurrency.WithTTL(ttl), concurrency.WithContext(context.WithoutCancel(ctx)))
	if err != nil {
		return nil, fmt.Errorf("campaign: %w", err)
	}
	e := concurrency.NewElection(session, keys.Leader())
	if err := e.Campaign(ctx, name); err != nil {
		session.Close()
		return nil, fmt.Errorf("campaign: %w", err)
	}
	return &Leader{session: session, election: e}, nil
}

// Done is closed when the leadership is lost: the lease expired or was revoked.
func (l *Leader) Done() <-chan struct{} { return l.session.Done() }

// Guard is the compare that holds while this leadership does: the leader
// key is still the one this process created. Set it as Syncer.Guard, and a
// publish by a former leader fails with ErrFenced instead of racing the new one.
func (l *Leader) Guard() clientv3.Cmp {
	return clientv3.Compare(clientv3.CreateRevision(l.election.Key()), "=", l.election.Rev())
}

// Resign gives the leadership up, so another syncer takes over at once.
func (l *Leader) Resign(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, DefaultCallTimeout)
	defer cancel()
	err := l.election.Resign(ctx)
	return errors.Join(err, l.session.Close())
}

// RunElected runs fn while this process leads the syncers of keys, with a
// context that ends when the leadership is lost, and campaigns again after
// a loss. It returns when ctx ends (resigning first) or fn returns an error
// while still leading.
func RunElected(ctx context.Context, cli *clientv3.Client, keys etcdstore.Keys, name string, ttl int, logger *slog.Logger,
	fn func(ctx context.Context, l *Leader) error) error {
	for {
		logger.Info("campaigning for leadership", LogKeyLeader, name)
		l, err := Campaign(ctx, cli, keys, name, ttl)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			logger.Warn("campaign failed; trying again", LogKeyError, err)
			t := time.NewTimer(time.Second)
			select {
			case <-ctx.Done():
				t.Stop()
				return nil
			case <-t.C:
			}
			continue
		}
		logger.Info("leading", LogKeyLeader, name)
		lctx, cancel := context.WithCancel(ctx)
		go func() {
			select {
			case <-l.Done():
			case <-lctx.Done():
			}
			cancel()
		}()
		err = fn(lctx, l)
		lost := ctx.Err() == nil && (lctx.Err() != nil || errors.Is(err, ErrFenced))
		cancel()
		if rerr := l.Resign(context.WithoutCancel(ctx)); rerr != nil && !lost {
			logger.Warn("resign", LogKeyError, rerr)
		}
		switch {
		case ctx.Err() != nil:
			return nil
		case lost:
			logger.Warn("leadership lost; campaigning again", LogKeyLeader, name)
		case err != nil:
			return err
		default:
			return nil
		}
	}
}
