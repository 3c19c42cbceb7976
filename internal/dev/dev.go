// Package dev runs the whole registry in one process for local work, as
// "schemareg dev" (and "make run") does: an embedded etcd, the compile of
// a repository's history, the sync into etcd, the REST server with the
// docs site under /docs/, and watchers that follow every new commit.
//
//	err := dev.Run(ctx, dev.Config{Repo: ".", Addr: ":8000", DataDir: ".schemareg"})
//
// Git stays the only way to publish: uncommitted edits of the schemas
// folder are validated and diffed when saved, and reported in the log, but
// only commits reach etcd.
package dev

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/server"
	"github.com/schemareg/schemareg/site"
	"github.com/schemareg/schemareg/syncer"
)

// Config configures Run. Zero values take the defaults in brackets.
type Config struct {
	// Repo is the Git repository to serve ["."]; Dir its schemas folder
	// ["schemas"]; Ref the revision followed ["HEAD"].
	Repo, Dir, Ref string
	// DataDir keeps etcd's data, the bundle and the site between runs [".schemareg"].
	DataDir string
	// Addr is the address the REST server listens on [":8000"].
	Addr string
	// Prefix is the registry's etcd key prefix ["/schemareg"].
	Prefix string
	// SnapshotTo, when set, is where etcd snapshots go (file:///dir or
	// s3://bucket/prefix), every SnapshotEvery [24h].
	SnapshotTo    string
	SnapshotEvery time.Duration
	// Poll compiles this often even when no change is noticed [10s].
	Poll time.Duration
	// NoSync serves what etcd holds without compiling or syncing the
	// repository: for a data dir restored from a snapshot.
	NoSync bool
	// EtcdClientURL and EtcdPeerURL are the embedded member's loopback
	// URLs; empty keeps those of the last run, or picks free ports. A data
	// dir restored from a snapshot needs the peer URL it was restored with.
	EtcdClientURL, EtcdPeerURL string
	// Logger receives one line per step; Banner the URLs to try at start.
	Logger *slog.Logger
	Banner io.Writer
	// Ready, when set, is called once the server listens, with its address.
	Ready func(addr string)
}

func (c *Config) defaults() {
	if c.Repo == "" {
		c.Repo = "."
	}
	if c.Dir == "" {
		c.Dir = "schemas"
	}
	if c.Ref == "" {
		c.Ref = "HEAD"
	}
	if c.DataDir == "" {
		c.DataDir = ".schemareg"
	}
	if c.Addr == "" {
		c.Addr = ":8000"
	}
	if c.Prefix == "" {
		c.Prefix = bundle.DefaultPrefix
	}
	if c.SnapshotEvery <= 0 {
		c.SnapshotEvery = 24 * time.Hour
	}
	if c.Poll <= 0 {
		c.Poll = 10 * time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if c.Banner == nil {
		c.Banner = io.Discard
	}
}

// Run runs the registry until ctx ends, then shuts everything down and
// returns nil. A second Run on the same DataDir starts from what the
// first left.
func Run(ctx context.Context, cfg Config) error {
	cfg.defaults()
	log := cfg.Logger
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return fmt.Errorf("dev: %w", err)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("dev: listen on %s: %w", cfg.Addr, err)
	}
	etcd, err := startEtcd(cfg.DataDir, etcdURLs{Client: cfg.EtcdClientURL, Peer: cfg.EtcdPeerURL})
	if err != nil {
		ln.Close()
		return err
	}
	defer etcd.Close()
	log.Info("etcd started", "client_url", etcd.Endpoints()[0], "data", filepath.Join(cfg.DataDir, "etcd"))
	cli, err := clientv3.New(clientv3.Config{Endpoints: etcd.Endpoints(), DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		ln.Close()
		return fmt.Errorf("dev: etcd client: %w", err)
	}
	defer cli.Close()

	keys := bundle.Keys{Prefix: cfg.Prefix}
	bundleDir, siteDir := filepath.Join(cfg.DataDir, "bundle"), filepath.Join(cfg.DataDir, "site")
	srv := server.New(cli, log, server.Options{Keys: keys})
	srv.Mount("/docs/", http.StripPrefix("/docs", site.Handler(os.DirFS(siteDir))))
	srv.Mount("GET /{$}", http.RedirectHandler("/docs/", http.StatusFound))
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second, WriteTimeout: 60 * time.Second, IdleTimeout: 2 * time.Minute}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	errc := make(chan error, 4)
	spawn := func(name string, f func() error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := f(); err != nil && !errors.Is(err, context.Canceled) {
				errc <- fmt.Errorf("dev: %s: %w", name, err)
				cancel()
			}
		}()
	}
	spawn("server", func() error { return srv.Run(ctx) })
	spawn("http", func() error { return server.Serve(ctx, hs, ln, log, 5*time.Second) })

	if !cfg.NoSync {
		sy := syncer.New(cli, log)
		sy.Keys = keys
		watcher := syncer.NewRepoWatcher(compiler.CompileOptions{Repo: cfg.Repo, Ref: cfg.Ref, Dir: cfg.Dir}, sy, log)
		watcher.Out, watcher.Poll = bundleDir, cfg.Poll
		pub := &publisher{log: log, bundleDir: bundleDir, siteDir: siteDir}
		watcher.Attempted = pub.attempted
		spawn("compile and sync", func() error { return watcher.Run(ctx) })
		spawn("working tree", func() error { return watchWorkTree(ctx, cfg.Repo, cfg.Dir, log) })
	}
	if cfg.SnapshotTo != "" {
		spawn("snapshots", func() error { return runSnapshots(ctx, cli, cfg, log) })
	}

	addr := ln.Addr().String()
	printBanner(cfg.Banner, addr, etcd.Endpoints()[0], cfg.DataDir)
	if cfg.Ready != nil {
		cfg.Ready(addr)
	}
	<-ctx.Done()
	wg.Wait()
	log.Info("stopped")
	select {
	case err := <-errc:
		return err
	default:
		return nil
	}
}

// publisher regenerates the docs site after each published generation.
type publisher struct {
	log                *slog.Logger
	bundleDir, siteDir string
	mu                 sync.Mutex
	siteGen            string
}

func (p *publisher) attempted(a syncer.Attempt) {
	switch {
	case a.Err != nil:
		p.log.Error("compile or sync failed; the registry keeps serving what it had", "error", a.Err)
		return
	case a.Result == nil:
		return
	}
	p.log.Info("published", "generation", a.Generation, "result", a.Result.String())
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.siteGen == a.Generation {
		return
	}
	b, err := bundle.Read(p.bundleDir)
	if err != nil {
		p.log.Error("site: read bundle", "error", err)
		return
	}
	stats, err := site.Generate(context.Background(), b, p.siteDir, site.Options{BaseURL: "/docs/"})
	if err != nil {
		p.log.Error("site: generate", "error", err)
		return
	}
	p.siteGen = a.Generation
	p.log.Info("site generated", "dir", p.siteDir, "pages", stats.Pages, "schemas", stats.Schemas)
}

func runSnapshots(ctx context.Context, cli *clientv3.Client, cfg Config, log *slog.Logger) error {
	store, err := syncer.OpenStore(ctx, cfg.SnapshotTo, syncer.StoreConfig{})
	if err != nil {
		return err
	}
	s := syncer.NewSnapshotter(cli, store, log)
	return s.Run(ctx, cfg.SnapshotEvery, func(info syncer.SnapshotInfo, err error) {
		if err != nil {
			log.Error("snapshot failed", "error", err)
			return
		}
		log.Info("snapshot taken", "name", info.Name, "to", cfg.SnapshotTo)
	})
}

func printBanner(w io.Writer, addr, etcdURL, dataDir string) {
	host := addr
	if h, port, err := net.SplitHostPort(addr); err == nil && (h == "::" || h == "0.0.0.0" || h == "") {
		host = "localhost:" + port
	}
	fmt.Fprintf(w, `schemareg dev: the registry answers on http://%[1]s
  etcd:    %[2]s (data in %[3]s; etcdctl --endpoints %[2]s get --prefix /schemareg/schemas/)
  try:     curl %[1]s/schema/ticks_v1
           open http://%[1]s/docs/
           curl %[1]s/metrics
  commits to the schemas folder are compiled, synced and served as they land; Ctrl-C stops.
`, host, etcdURL, dataDir)
}
