package syncer

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/text"
)

// Sentinel errors; callers test them with errors.Is.
var (
	// ErrConflict reports that another syncer switched the generation
	// between this one's read and its switch. Publish starts over on it a
	// few times before it returns it.
	ErrConflict = errors.New("generation changed during sync")
	// ErrMutated reports a bundle whose bytes for a published version
	// differ from the bytes in etcd.
	ErrMutated = errors.New("published version mutated")
	// ErrOlder reports a bundle older than the published one.
	ErrOlder = errors.New("bundle older than the published one")
	// ErrDropped reports a bundle that lacks versions the published
	// generation serves, and is not older than it.
	ErrDropped = errors.New("bundle drops published versions")
	// ErrFenced reports a publish refused by its Guard: leadership was lost.
	ErrFenced = errors.New("not the leader any more")
)

// Defaults of the Syncer's settings.
const (
	DefaultKeepGenerations = 10
	DefaultCallTimeout     = 5 * time.Second
	DefaultDeadline        = 2 * time.Minute
	DefaultMaxTxnOps       = 128
	DefaultMaxTxnBytes     = 1 << 20
	DefaultPipelineDepth   = 4
	DefaultConflictRetries = 5
)

// Syncer publishes bundles into etcd. Set its fields before the first
// Publish; it is then safe for concurrent use, though two Publish calls
// racing are resolved the way two syncers racing are.
type Syncer struct {
	kv     clientv3.KV
	logger *slog.Logger

	// Keys is the layout to write; the zero value uses etcdstore.DefaultPrefix.
	Keys etcdstore.Keys
	// Force publishes a bundle older than the published one.
	Force bool
	// DryRun computes what a Publish would write and writes nothing.
	DryRun bool
	// Trusted skips the full check of a bundle (Bundle.Verify) before it is
	// published: set it for bundles bundle.Read returned, which it verified.
	// Publish still checks the format version and the digest of every file
	// it writes.
	Trusted bool
	// KeepGenerations is how many generations' indexes are kept, the
	// current one included; older ones are deleted.
	KeepGenerations int
	// CallTimeout bounds each etcd call; Deadline bounds a whole Publish,
	// retries included.
	CallTimeout, Deadline time.Duration
	// Backoff is the first wait before retrying a transient error; it
	// doubles up to MaxBackoff.
	Backoff, MaxBackoff time.Duration
	// MaxTxnOps and MaxTxnBytes keep each transaction within etcd's limits
	// (--max-txn-ops, --max-request-bytes).
	MaxTxnOps, MaxTxnBytes int
	// PipelineDepth is how many transactions of immutable keys are in
	// flight at once during a publish (1: one after another).
	PipelineDepth int
	// ConflictRetries is how many times Publish starts over after ErrConflict.
	ConflictRetries int
	// Guard, when set, is added to every transaction that moves a pointer:
	// a leader's fence (Leader.Guard). A publish it refuses fails with ErrFenced.
	Guard *clientv3.Cmp
	// Now returns the time recorded as a generation's publication.
	Now func() time.Time

	mu    sync.Mutex
	cache map[string]*planned // the values of the last bundle planned, by schema id
}

// New returns a Syncer writing through kv with the default settings.
func New(kv clientv3.KV, logger *slog.Logger) *Syncer {
	return &Syncer{
		kv: kv, logger: logger,
		KeepGenerations: DefaultKeepGenerations,
		CallTimeout:     DefaultCallTimeout, Deadline: DefaultDeadline,
		Backoff: 50 * time.Millisecond, MaxBackoff: 2 * time.Second,
		MaxTxnOps: DefaultMaxTxnOps, MaxTxnBytes: DefaultMaxTxnBytes, PipelineDepth: DefaultPipelineDepth,
		ConflictRetries: DefaultConflictRetries,
		Now:             time.Now,
	}
}

// Write is one key a Publish wrote, or would write in a dry run.
type Write struct {
	Key  string
	Size int
	// Kind is "schema", "blob", "index", "latest" or "generation".
	Kind string
}

// Result says what a Publish did.
type Result struct {
	// Generation is the bundle's; Previous the one published before, "" if none.
	Generation, Previous string
	// NoOp is set when the generation was published already: nothing was written.
	NoOp bool
	// DryRun is set when nothing was written on purpose; Writes lists what would be.
	DryRun bool
	// Keys and Bytes count what was written (or would be).
	Keys  int
	Bytes int64
	// Writes lists every key written (or that would be) with its size.
	Writes []Write
	// Revision is the etcd revision of the switch, or the revision read
	// when nothing was written.
	Revision int64
	// Conflicts counts the starts over after ErrConflict.
	Conflicts int
	// Pruned counts the old generations whose index was deleted.
	Pruned int
}

func (r *Result) add(w write) {
	r.Keys++
	r.Bytes += int64(len(w.value))
	r.Writes = append(r.Writes, Write{Key: w.key, Size: len(w.value), Kind: w.kind.String()})
}

// String is the one-line summary the sync command prints.
func (r *Result) String() string {
	previous := text.Short(r.Previous)
	if previous == "" {
		previous = "(none)"
	}
	switch {
	case r.NoOp && r.Keys == 0:
		return fmt.Sprintf("generation %s already published (revision %d): nothing written", text.Short(r.Generation), r.Revision)
	case r.DryRun:
		return fmt.Sprintf("dry run: generation %s would write %d keys, %d bytes (previous %s)", text.Short(r.Generation), r.Keys, r.Bytes, previous)
	}
	return fmt.Sprintf("published generation %s over %s: %d keys, %d bytes, revision %d, %d conflicts, %d generations pruned",
		text.Short(r.Generation), previous, r.Keys, r.Bytes, r.Revision, r.Conflicts, r.Pruned)
}

// Publish makes b the published generation. It writes the keys b needs that
// etcd lacks, then switches the generation key in one transaction; see
// bundle's package documentation for the layout and the consistency argument.
// Publishing the generation that is published already reads one key and
// writes nothing; such a bundle is not verified, since nothing of it is written.
func (s *Syncer) Publish(ctx context.Context, b *bundle.Bundle) (*Result, error) {
	m := &b.Manifest
	if m.FormatVersion != bundle.FormatVersion {
		return nil, fmt.Errorf("publish: %w: format_version %d, this schemareg reads %d", bundle.ErrFormat, m.FormatVersion, bundle.FormatVersion)
	}
	ctx, cancel := context.WithTimeout(ctx, s.Deadline)
	defer cancel()
	var p *plan
	conflicts := 0
	for {
		res := &Result{Generation: m.Generation, DryRun: s.DryRun, Conflicts: conflicts}
		err := s.publishOnce(ctx, b, &p, res)
		if errors.Is(err, ErrConflict) && conflicts < s.ConflictRetries {
			conflicts++
			s.logger.Warn("generation changed during sync, starting over", LogKeyGeneration, m.Generation, LogKeyAttempt, conflicts)
			if err := s.sleep(ctx, s.Backoff*time.Duration(conflicts)); err != nil {
				return res, fmt.Errorf("publish %s: %w", text.Short(m.Generation), err)
			}
			continue
		}
		if err != nil {
			return res, fmt.Errorf("publish %s: %w", text.Short(m.Generation), err)
		}
		return res, nil
	}
}

// plan verifies b, unless Trusted, and computes its values, reusing those of
// the schemas the last bundle planned had the same.
func (s *Syncer) plan(b *bundle.Bundle) (*plan, error) {
	if !s.Trusted {
		if err := b.Verify(); err != nil {
			return nil, err
		}
	}
	s.mu.Lock()
	cache := s.cache
	s.mu.Unlock()
	p, next, err := newPlan(b, s.MaxTxnBytes, cache)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	s.cache = next
	s.mu.Unlock()
	return p, nil
}

// published is the generation found in etcd.
type published struct {
	cur     etcdstore.Current
	modRev  int64
	entries map[string]etcdstore.Entry
}

func (s *Syncer) publishOnce(ctx context.Context, b *bundle.Bundle, pp **plan, res *Result) error {
	pub, rev, err := s.readPublished(ctx, b.Manifest.Generation)
	if err != nil {
		return err
	}
	res.Revision = rev
	if *pp == nil && (pub == nil || pub.cur.Generation != b.Manifest.Generation || pub.cur.MirrorsPending) {
		if *pp, err = s.plan(b); err != nil {
			return err
		}
	}
	p := *pp
	if pub != nil {
		res.Previous = pub.cur.Generation
		if pub.cur.Generation == b.Manifest.Generation {
			res.NoOp, res.Previous = true, ""
			if !pub.cur.MirrorsPending || s.DryRun {
				return nil
			}
			_, err := s.completeMirrors(ctx, p, pub.cur, pub.modRev, nil, res)
			return err
		}
	}
	var entries map[string]etcdstore.Entry
	if pub != nil {
		entries = pub.entries
	}
	changed := p.changed(entries)
	ex, err := s.readExisting(ctx, p, changed, entries)
	if err != nil {
		return err
	}
	if pub != nil && !s.Force && older(p, changed, entries, ex.lists) {
		return fmt.Errorf("%w: every version of generation %s is in the published %s (commit %s), which has more; use --force to publish it anyway",
			ErrOlder, text.Short(p.gen), text.Short(pub.cur.Generation), pub.cur.Commit)
	}
	if pub != nil && !s.Force {
		if gone := dropped(p, changed, entries, ex.lists); len(gone) > 0 {
			const show = 10
			list := strings.Join(gone[:min(len(gone), show)], ", ")
			if len(gone) > show {
				list += fmt.Sprintf(" and %d more", len(gone)-show)
			}
			return fmt.Errorf("%w: generation %s (commit %s) lacks %s, published in %s (commit %s); "+
				"a published version is never taken back: compile the history that published them, "+
				"or use --force to stop serving them (they stay in etcd)",
				ErrDropped, text.Short(p.gen), b.Manifest.Source.Commit, list, text.Short(pub.cur.Generation), pub.cur.Commit)
		}
	}
	writes, mirrors, err := ex.writes(s.Keys, p, changed)
	if err != nil {
		return err
	}
	if s.DryRun {
		for _, w := range writes {
			res.add(w)
		}
		for _, w := range mirrors {
			res.add(w)
		}
		res.add(write{key: s.Keys.Generation(), kind: kindGeneration})
		return nil
	}
	// Into a key space that holds none of these schemas' versions, each
	// transaction asks that a range of them be empty in one compare.
	fresh := pub == nil
	for _, vs := range ex.schemas {
		fresh = fresh && len(vs) == 0
	}
	if err := s.putAbsent(ctx, writes, res, fresh); err != nil {
		return err
	}
	var pubRev int64
	var pubCur etcdstore.Current
	if pub != nil {
		pubRev, pubCur = pub.modRev, pub.cur
	}
	cur, modRev, rest, err := s.switchGeneration(ctx, p, pubRev, pubCur.MirrorsPending, mirrors, res)
	if err != nil {
		return err
	}
	if cur.MirrorsPending {
		if pubCur.MirrorsPending {
			rest = nil // the generation before left mirrors behind: check them all
		}
		if modRev, err = s.completeMirrors(ctx, p, cur, modRev, rest, res); err != nil || modRev == 0 {
			return err
		}
	}
	// The generation is published: what prune leaves, the next publish
	// prunes.
	if err := s.prune(ctx, p.gen, modRev, res); err != nil {
		s.logger.Warn("generation published; pruning older generations failed, the next publish prunes them",
			LogKeyGeneration, p.gen, LogKeyError, err)
	}
	return nil
}

// readPublished reads the generation key and, unless it names gen, the
// published index at the same revision.
func (s *Syncer) readPublished(ctx context.Context, gen string) (*published, int64, error) {
	key := s.Keys.Generation()
	var resp *clientv3.GetResponse
	err := s.call(ctx, "get "+key, func(ctx context.Context) (err error) {
		resp, err = s.kv.Get(ctx, key)
		return err
	})
	if err != nil {
		return nil, 0, err
	}
	rev := resp.Header.Revision
	if len(resp.Kvs) == 0 {
		return nil, rev, nil
	}
	pub := &published{modRev: resp.Kvs[0].ModRevision}
	if err := json.Unmarshal(resp.Kvs[0].Value, &pub.cur); err != nil {
		return nil, rev, fmt.Errorf("%s: %w: %v", key, bundle.ErrCorrupt, err)
	}
	if pub.cur.Generation == gen {
		return pub, rev, nil
	}
	var list []etcdstore.Entry
	err = s.call(ctx, "load index "+text.Short(pub.cur.Generation), func(ctx context.Context) (err error) {
		list, err = etcdstore.LoadIndex(ctx, s.kv, s.Keys, pub.cur, rev)
		return err
	})
	if errors.Is(err, bundle.ErrCorrupt) && s.Force {
		// Recovery: check every key of the bundle instead of trusting the index.
		s.logger.Warn("the published index is unreadable; checking every key", LogKeyGeneration, pub.cur.Generation, LogKeyError, err)
		err = nil
	}
	if err != nil {
		return nil, rev, err
	}
	pub.entries = make(map[string]etcdstore.Entry, len(list))
	for _, e := range list {
		pub.entries[e.ID] = e
	}
	return pub, rev, nil
}

func (s *Syncer) sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
