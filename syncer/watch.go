package syncer

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/schemareg/schemareg/internal/bundle"
)

// Defaults of the watchers' settings.
const (
	DefaultDebounce = 250 * time.Millisecond
	DefaultPoll     = 30 * time.Second
)

// Attempt is what one look at a watched bundle or repository came to.
type Attempt struct {
	// Generation is the bundle's, "" when none could be read.
	Generation string
	// Result is the publish's, nil when nothing was published.
	Result *Result
	// Err is why the bundle could not be read or published.
	Err error
	// Commit is the commit compiled, when known.
	Commit string
	// Publish is how long the publish into etcd took, 0 when there was none.
	Publish time.Duration
}

// Watcher publishes each new complete bundle that appears at a path. The
// compiler writes a bundle beside the path and renames it into place
// (bundle.Write); a bundle written in place instead is read only once it
// verifies, so a half-written one is never published.
type Watcher struct {
	dir    string
	syncer *Syncer
	logger *slog.Logger

	// Debounce is the quiet time after the last change before the bundle is read.
	Debounce time.Duration
	// Poll reads the bundle this often even without a change event, for
	// file systems that miss them; 0 never does.
	Poll time.Duration
	// Attempted, when set, is told about every look at the bundle.
	Attempted func(Attempt)

	last string // the generation last published, or refused for good
}

// NewWatcher returns a Watcher of the bundle at dir that publishes with s.
// Bundles it reads are verified (bundle.Read), so it sets s.Trusted.
func NewWatcher(dir string, s *Syncer, logger *slog.Logger) *Watcher {
	s.Trusted = true
	return &Watcher{dir: filepath.Clean(dir), syncer: s, logger: logger, Debounce: DefaultDebounce, Poll: DefaultPoll}
}

// Run publishes the bundle at the path, if there is one, then each new one,
// until ctx ends.
func (w *Watcher) Run(ctx context.Context) error {
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", w.dir, err)
	}
	defer fw.Close()
	parent := filepath.Dir(w.dir)
	if err := os.MkdirAll(parent, 0o755); err != nil { // the compiler will write there
		return fmt.Errorf("watch %s: %w", w.dir, err)
	}
	if err := fw.Add(parent); err != nil {
		return fmt.Errorf("watch %s: %w", parent, err)
	}
	w.watchDir(fw)
	relevant := func(ev fsnotify.Event) bool {
		return ev.Name == w.dir || strings.HasPrefix(ev.Name, w.dir+string(filepath.Separator))
	}
	return watchLoop(ctx, fw, relevant, w.Debounce, w.Poll, w.logger, func(ctx context.Context) {
		w.watchDir(fw)
		w.look(ctx)
	})
}

// watchDir also watches the bundle directory itself when it is a plain
// directory, so that files written in place are noticed.
func (w *Watcher) watchDir(fw *fsnotify.Watcher) {
	if fi, err := os.Lstat(w.dir); err == nil && fi.IsDir() {
		fw.Add(w.dir)
	}
}

// look reads the bundle and publishes it when it is new and complete.
func (w *Watcher) look(ctx context.Context) {
	head, err := bundle.Open(w.dir) // the manifest alone
	if errors.Is(err, os.ErrNotExist) {
		return
	}
	if err == nil && head.Manifest.Generation == w.last {
		return
	}
	b, err := bundle.Read(w.dir)
	if err != nil {
		// Not complete yet, or not a bundle: wait for the next change.
		w.logger.Info("bundle not ready; waiting for the next change", LogKeyDir, w.dir, LogKeyError, err)
		w.report(Attempt{Err: err})
		return
	}
	gen := b.Manifest.Generation
	started := time.Now()
	res, err := w.syncer.Publish(ctx, b)
	took := time.Since(started)
	switch {
	case err == nil:
		w.last = gen
		w.logger.Info("bundle published", LogKeyGeneration, gen, LogKeyRevision, res.Revision, "noop", res.NoOp)
	case errors.Is(err, ErrMutated), errors.Is(err, ErrOlder), errors.Is(err, bundle.ErrCorrupt):
		// The same bundle will be refused again: wait for another one.
		w.last = gen
		w.logger.Error("bundle refused", LogKeyGeneration, gen, LogKeyError, err)
	default:
		w.logger.Error("publish failed; retrying at the next change or poll", LogKeyGeneration, gen, LogKeyError, err)
	}
	w.report(Attempt{Generation: gen, Result: res, Err: err, Publish: took})
}

func (w *Watcher) report(a Attempt) {
	if w.Attempted != nil {
		w.Attempted(a)
	}
}

// watchLoop calls fn once at the start, then after every burst of relevant
// events has been quiet for debounce, and every poll, until ctx ends.
func watchLoop(ctx context.Context, fw *fsnotify.Watcher, relevant func(fsnotify.Event) bool,
	debounce, poll time.Duration, logger *slog.Logger, fn func(ctx context.Context)) error {
	fn(ctx)
	quiet := time.NewTimer(time.Hour)
	quiet.Stop()
	var tick <-chan time.Time
	if poll > 0 {
		t := time.NewTicker(poll)
		defer t.Stop()
		tick = t.C
	}
	for {
		select {
		case <-ctx.Done():
			quiet.Stop()
			return nil
		case ev, ok := <-fw.Events:
			if !ok {
				return errors.New("watch: events closed")
			}
			if relevant(ev) {
				quiet.Reset(debounce)
			}
		case err, ok := <-fw.Errors:
			if !ok {
				return errors.New("watch: errors closed")
			}
			logger.Warn("watch error", LogKeyError, err)
		case <-quiet.C:
			fn(ctx)
		case <-tick:
			fn(ctx)
		}
	}
}
