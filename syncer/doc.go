// Package syncer publishes bundles into etcd, where the servers read them.
// Git stays authoritative: etcd can always be rebuilt from a bundle compiled
// from it (package snapshot does).
//
// # Publishing
//
// Publish makes a bundle the published generation. The etcd layout and why
// a reader never sees a mix of two bundles are described in the
// documentation of package internal/etcdstore. In short:
// the immutable keys a bundle needs and etcd lacks are written first, in
// transactions within etcd's limits (128 operations, 1.5 MiB), several in
// flight at once (PipelineDepth); a version's bytes are put only where the
// key is absent, and a version whose bytes in etcd differ is refused
// (ErrMutated), while the other keys, named by their content, need no such
// compare; then one transaction,
// guarded by the generation key's mod revision, switches the generation.
// Of two syncers racing, the loser gets ErrConflict and starts over; a
// bundle whose versions are all published in a generation that has more is
// older and refused (ErrOlder) unless Force is set. Publishing the
// generation that is already published reads one key and writes nothing.
//
//	cli, err := etcdclient.New(etcdclient.Config{Endpoints: "http://127.0.0.1:2379"})
//	...
//	b, err := bundle.Read("build/bundle") // verifies every digest
//	...
//	s := syncer.New(cli, logger)
//	s.Keys = etcdstore.Keys{Prefix: "/schemareg"}
//	s.Trusted = true // bundle.Read verified it
//	res, err := s.Publish(ctx, b)
//	if err != nil {
//		return err // ErrMutated, ErrOlder, ErrConflict, ErrFenced or an etcd error
//	}
//	fmt.Println(res) // published generation sha256:…: 1203 keys, …
//
// Transient etcd errors (leader changes, timeouts, unavailable members) are
// retried with backoff; each call has its own timeout (CallTimeout) and a
// Publish its deadline (Deadline).
//
// # Watching
//
// Watcher publishes each new bundle that appears at a path: the compiler
// renames a finished bundle into place, and a bundle written in place is
// published only once it verifies. RepoWatcher compiles a Git repository
// when its refs move, continuing from the bundle before, and publishes.
// RunElected runs either as the one leader among the syncers of a prefix
// (an etcd election); the leader's Guard fences every pointer it moves, so
// a syncer that lost the leadership cannot publish (ErrFenced).
//
//	err := syncer.RunElected(ctx, cli, keys, "host-1", syncer.DefaultLeaseTTL, logger,
//		func(ctx context.Context, l *syncer.Leader) error {
//			s := syncer.New(cli, logger)
//			g := l.Guard()
//			s.Guard = &g
//			return syncer.NewWatcher("build/bundle", s, logger).Run(ctx)
//		})
//
// Snapshots and restores are package snapshot's.
package syncer
