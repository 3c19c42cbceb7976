package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdclient"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/syncer"
)

func runSync(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("sync", "sync --bundle DIR [--watch] [flags]\n       schemareg sync --repo DIR [--watch] [flags]", e)
	var etcd etcdclient.Config
	etcd.RegisterFlags(fs)
	bundleDir := fs.String("bundle", "", "the bundle `folder` to publish (with --repo: where to also write each compiled bundle)")
	repo := fs.String("repo", "", "compile this Git repository `folder` and publish the bundle, instead of --bundle")
	ref := fs.String("ref", "HEAD", "with --repo: the branch or revision to compile")
	dir := fs.String("dir", "schemas", "with --repo: the schemas folder inside the repository")
	prefix := fs.String("prefix", etcdstore.DefaultPrefix, "the registry's etcd key prefix")
	watch := fs.Bool("watch", false, "keep running: publish each new bundle (or each new commit with --repo)")
	elect := fs.Bool("elect", true, "with --watch: publish only while leading the syncers of --prefix (etcd election)")
	leaseTTL := fs.Int("lease-ttl", syncer.DefaultLeaseTTL, "with --elect: seconds a dead leader keeps the leadership")
	dryRun := fs.Bool("dry-run", false, "print what would be written and write nothing")
	force := fs.Bool("force", false, "publish a bundle older than the published one, or one that lacks published versions (they stay in etcd)")
	keep := fs.Int("keep-generations", syncer.DefaultKeepGenerations, "how many generations' indexes to keep, the current one included")
	timeout := fs.Duration("timeout", syncer.DefaultDeadline, "the deadline of one publish, retries included")
	callTimeout := fs.Duration("call-timeout", syncer.DefaultCallTimeout, "the deadline of each etcd call")
	debounce := fs.Duration("debounce", syncer.DefaultDebounce, "with --watch: the quiet time after a change before reading")
	poll := fs.Duration("poll", syncer.DefaultPoll, "with --watch: look this often even without a change event (0: never)")
	logFormat := choiceFlag(fs, "log-format", "text", "log format on stderr: text or json", "text", "json")
	metricsAddr := fs.String("metrics-addr", "", "with --watch: serve Prometheus /metrics and /health on this address, e.g. :9090 (empty: none)")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageErrorf("sync takes no arguments, got %q", fs.Args())
	case *bundleDir == "" && *repo == "":
		return usageErrorf("sync: give --bundle DIR or --repo DIR (%s, %s)", envName("bundle"), envName("repo"))
	case *keep < 1:
		return usageErrorf("sync: --keep-generations must be at least 1")
	case !strings.HasPrefix(*prefix, "/"):
		return usageErrorf("sync: --prefix %q must start with /", *prefix)
	case *watch && *dryRun:
		return usageErrorf("sync: --dry-run publishes nothing; it does not go with --watch")
	}
	logger, err := newCommandLogger(e.stderr, *logFormat)
	if err != nil {
		return err
	}
	keys := etcdstore.Keys{Prefix: *prefix}
	newSyncer := func(kv clientv3.KV) *syncer.Syncer {
		s := syncer.New(kv, logger)
		s.Keys, s.DryRun, s.Force, s.KeepGenerations = keys, *dryRun, *force, *keep
		s.Deadline, s.CallTimeout = *timeout, *callTimeout
		s.Trusted = true // bundle.Read and compiler.Compile verify or seal what they return
		return s
	}
	compileOpts := compiler.CompileOptions{Repo: *repo, Ref: *ref, Dir: *dir}

	// Read the input before connecting: a bad bundle is refused without etcd.
	var b *bundle.Bundle
	if !*watch {
		if b, err = loadInput(ctx, *bundleDir, *repo, compileOpts); err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("sync: %w", err)}
		}
	}
	// A single publish waits for etcd at most --etcd-dial-timeout; a watch
	// keeps trying.
	connect := etcdclient.Dial
	if *watch {
		connect = func(_ context.Context, c etcdclient.Config) (*clientv3.Client, error) { return etcdclient.New(c) }
	}
	cli, err := connect(ctx, etcd)
	if err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	defer cli.Close()

	if !*watch {
		res, err := newSyncer(cli).Publish(ctx, b)
		if res != nil && res.DryRun {
			for _, w := range res.Writes {
				fmt.Fprintf(e.stdout, "would write %s (%d bytes, %s)\n", w.Key, w.Size, w.Kind)
			}
		}
		if err != nil {
			return publishError(err)
		}
		fmt.Fprintln(e.stdout, res)
		return nil
	}

	metrics := newSyncMetrics()
	if *metricsAddr != "" {
		if err := metrics.listen(ctx, *metricsAddr, logger); err != nil {
			return &exitError{code: exitUsage, err: fmt.Errorf("sync: %w", err)}
		}
	}
	report := func(a syncer.Attempt) {
		metrics.observe(a)
		switch {
		case a.Err != nil:
			fmt.Fprintf(e.stderr, "schemareg: sync: %v\n", a.Err)
		case a.Result != nil:
			fmt.Fprintln(e.stdout, a.Result)
		}
	}
	runWatch := func(ctx context.Context, guard *clientv3.Cmp) error {
		s := newSyncer(cli)
		s.Guard = guard
		if *repo != "" {
			w := syncer.NewRepoWatcher(compileOpts, s, logger)
			w.Out, w.Debounce, w.Poll, w.Attempted = *bundleDir, *debounce, *poll, report
			return w.Run(ctx)
		}
		w := syncer.NewWatcher(*bundleDir, s, logger)
		w.Debounce, w.Poll, w.Attempted = *debounce, *poll, report
		return w.Run(ctx)
	}
	if !*elect {
		metrics.leader.Set(1)
		return runWatch(ctx, nil)
	}
	host, _ := os.Hostname()
	name := fmt.Sprintf("%s-%d", host, os.Getpid())
	return syncer.RunElected(ctx, cli, keys, name, *leaseTTL, logger, func(ctx context.Context, l *syncer.Leader) error {
		g := l.Guard()
		metrics.leader.Set(1)
		defer metrics.leader.Set(0)
		return runWatch(ctx, &g)
	})
}

// loadInput reads the bundle in dir, or compiles the repository (and
// writes the bundle to dir when it is set).
func loadInput(ctx context.Context, dir, repo string, opts compiler.CompileOptions) (*bundle.Bundle, error) {
	if repo == "" {
		return bundle.Read(dir)
	}
	if dir != "" {
		if prev, err := bundle.Open(dir); err == nil {
			opts.Since = prev // continue from the bundle written last time
		}
	}
	res, err := compiler.Compile(ctx, opts)
	if err != nil {
		return nil, err
	}
	if dir != "" {
		if err := bundle.Write(dir, res.Bundle); err != nil {
			return nil, err
		}
	}
	return res.Bundle, nil
}

// publishError gives a refused bundle exit 2, like any bad input; other
// failures exit 1.
func publishError(err error) error {
	for _, bad := range []error{syncer.ErrMutated, syncer.ErrOlder, syncer.ErrDropped, bundle.ErrCorrupt, bundle.ErrFormat} {
		if errors.Is(err, bad) {
			return &exitError{code: exitUsage, err: fmt.Errorf("sync: %w", err)}
		}
	}
	return fmt.Errorf("sync: %w", err)
}

// newCommandLogger is the logger of the long-running commands, on w.
func newCommandLogger(w io.Writer, format string) (*slog.Logger, error) {
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, nil)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, nil)), nil
	}
	return nil, usageErrorf("invalid -log-format %q (%s): use text or json", format, envName("log-format"))
}
