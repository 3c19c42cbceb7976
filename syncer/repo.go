package syncer

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
)

// RepoWatcher compiles a Git repository whenever its refs move and
// publishes the bundle: "sync --repo DIR --watch". Each compile continues
// from the bundle before (compiler.CompileOptions.Since), so a new commit
// costs the walk of that commit.
type RepoWatcher struct {
	opts   compiler.CompileOptions
	syncer *Syncer
	logger *slog.Logger

	// Out, when set, is where each compiled bundle is also written
	// (bundle.Write), and where the first compile continues from.
	Out string
	// Debounce is the quiet time after the last ref change before compiling.
	Debounce time.Duration
	// Poll compiles this often even without a change event; 0 never does.
	Poll time.Duration
	// Attempted, when set, is told about every compile and publish.
	Attempted func(Attempt)

	prev *bundle.Bundle // the last bundle compiled without error
	last string         // its generation, once published or refused for good

	// failed is the last compile error logged: a refusal is logged once,
	// not at every poll until it is fixed.
	failed string
}

// NewRepoWatcher returns a RepoWatcher compiling with opts (Since is set
// by the watcher) and publishing with s.
func NewRepoWatcher(opts compiler.CompileOptions, s *Syncer, logger *slog.Logger) *RepoWatcher {
	s.Trusted = true // compiled bundles are sealed by the compiler
	return &RepoWatcher{opts: opts, syncer: s, logger: logger, Debounce: DefaultDebounce, Poll: DefaultPoll}
}

// Run compiles and publishes once, then again after every change of the
// repository's refs, until ctx ends.
func (w *RepoWatcher) Run(ctx context.Context) error {
	repo := w.opts.Repo
	if repo == "" {
		repo = "."
	}
	gitDir, err := findGitDir(repo)
	if err != nil {
		return fmt.Errorf("watch %s: %w", repo, err)
	}
	fw, err := fsnotify.NewWatcher()
	if err != nil {
		return fmt.Errorf("watch %s: %w", repo, err)
	}
	defer fw.Close()
	common := gitDir // a worktree keeps its branches in the common directory
	if data, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		if common = strings.TrimSpace(string(data)); !filepath.IsAbs(common) {
			common = filepath.Join(gitDir, common)
		}
	}
	refs := filepath.Join(common, "refs")
	addTree := func() {
		fw.Add(gitDir)
		fw.Add(common)
		filepath.WalkDir(refs, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.IsDir() {
				fw.Add(p)
			}
			return nil
		})
	}
	addTree()
	if w.Out != "" && w.prev == nil {
		if b, err := bundle.Open(w.Out); err == nil {
			w.prev = b
		}
	}
	relevant := func(ev fsnotify.Event) bool {
		name := filepath.Base(ev.Name)
		if strings.HasSuffix(name, ".lock") {
			return false
		}
		return name == "HEAD" || name == "packed-refs" || strings.HasPrefix(ev.Name, refs+string(filepath.Separator))
	}
	return watchLoop(ctx, fw, relevant, w.Debounce, w.Poll, w.logger, func(ctx context.Context) {
		addTree() // new branch folders
		w.look(ctx)
	})
}

// look compiles the repository and publishes the bundle when it is new.
func (w *RepoWatcher) look(ctx context.Context) {
	opts := w.opts
	opts.Since = w.prev
	res, err := compiler.Compile(ctx, opts)
	if err != nil {
		if err.Error() != w.failed {
			w.failed = err.Error()
			w.logger.Error("compile failed; the published bundle stays", LogKeyDir, w.opts.Repo, LogKeyError, err)
		}
		a := Attempt{Err: err}
		var ve *compiler.ViolationError
		if errors.As(err, &ve) && len(ve.Violations) > 0 {
			a.Commit = ve.Violations[len(ve.Violations)-1].Commit
		}
		w.report(a)
		return
	}
	b := res.Bundle
	gen := b.Manifest.Generation
	w.prev, w.failed = b, ""
	if gen == w.last {
		return
	}
	if w.Out != "" {
		if err := bundle.Write(w.Out, b); err != nil {
			w.logger.Error("write bundle", LogKeyDir, w.Out, LogKeyError, err)
		}
	}
	started := time.Now()
	pres, err := w.syncer.Publish(ctx, b)
	took := time.Since(started)
	switch {
	case err == nil:
		w.last = gen
		w.logger.Info("compiled and published", LogKeyGeneration, gen, LogKeyCommit, b.Manifest.Source.Commit,
			"walked", res.Walked, "incremental", res.Incremental, LogKeyRevision, pres.Revision)
	case errors.Is(err, ErrMutated), errors.Is(err, ErrOlder), errors.Is(err, ErrDropped), errors.Is(err, bundle.ErrCorrupt):
		w.last = gen
		w.logger.Error("bundle refused", LogKeyGeneration, gen, LogKeyError, err)
	default:
		w.logger.Error("publish failed; retrying at the next change or poll", LogKeyGeneration, gen, LogKeyError, err)
	}
	w.report(Attempt{Generation: gen, Result: pres, Err: err, Commit: b.Manifest.Source.Commit, Publish: took})
}

func (w *RepoWatcher) report(a Attempt) {
	if w.Attempted != nil {
		w.Attempted(a)
	}
}

// findGitDir returns the repository's git directory: DIR/.git, the
// directory a .git file points to (a worktree), or DIR itself when bare.
func findGitDir(dir string) (string, error) {
	dotGit := filepath.Join(dir, ".git")
	fi, err := os.Stat(dotGit)
	switch {
	case err == nil && fi.IsDir():
		return dotGit, nil
	case err == nil:
		data, err := os.ReadFile(dotGit)
		if err != nil {
			return "", err
		}
		target, ok := strings.CutPrefix(strings.TrimSpace(string(data)), "gitdir:")
		if !ok {
			return "", fmt.Errorf("%s: not a gitdir file", dotGit)
		}
		target = strings.TrimSpace(target)
		if !filepath.IsAbs(target) {
			target = filepath.Join(dir, target)
		}
		return target, nil
	}
	if _, err := os.Stat(filepath.Join(dir, "HEAD")); err == nil {
		return dir, nil
	}
	return "", fmt.Errorf("%s is not a git repository", dir)
}
