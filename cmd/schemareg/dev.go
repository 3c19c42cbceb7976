package main

import (
	"context"
	"log/slog"

	"github.com/schemareg/schemareg/internal/dev"
)

// runDev runs the whole registry locally: what "make run" does.
func runDev(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("dev", "dev [flags]", e)
	repo := fs.String("repo", ".", "the Git repository to serve")
	dir := fs.String("dir", "schemas", "the schemas folder inside the repository")
	ref := fs.String("ref", "HEAD", "the revision to follow")
	addr := fs.String("addr", ":8000", "the address to serve the REST API and the docs site on")
	data := fs.String("data-dir", ".schemareg", "where etcd's data, the bundle and the site are kept between runs")
	prefix := fs.String("prefix", "/schemareg", "the registry's etcd key prefix")
	snapshotTo := fs.String("snapshot-to", "", "take etcd snapshots to file:///dir or s3://bucket/prefix")
	snapshotEvery := fs.Duration("snapshot-every", 0, "how often to take a snapshot (default 24h)")
	poll := fs.Duration("poll", 0, "compile this often even when no change is noticed (default 10s)")
	logFormat := choiceFlag(fs, "log-format", "text", "log format: text or json", "text", "json")
	sync := fs.Bool("sync", true, "compile and sync the repository; -sync=false serves what etcd holds (a data dir restored from a snapshot)")
	etcdClient := fs.String("etcd-client-url", "", "the embedded etcd's client URL (default: the last run's, or a free port on 127.0.0.1)")
	etcdPeer := fs.String("etcd-peer-url", "", "the embedded etcd's peer URL; a restored data dir needs the one it was restored with")
	force := fs.Bool("force", false, "follow the branch as it is, even when it is older than what is served (after git reset --hard); versions it lacks stop being served")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if *logFormat != "text" && *logFormat != "json" {
		return usageErrorf("invalid -log-format %q (%s): use text or json", *logFormat, envName("log-format"))
	}
	var h slog.Handler = slog.NewTextHandler(e.stderr, nil)
	if *logFormat == "json" {
		h = slog.NewJSONHandler(e.stderr, nil)
	}
	return dev.Run(ctx, dev.Config{
		Repo: *repo, Dir: *dir, Ref: *ref, Addr: *addr, DataDir: *data, Prefix: *prefix,
		SnapshotTo: *snapshotTo, SnapshotEvery: *snapshotEvery, Poll: *poll,
		NoSync: !*sync, EtcdClientURL: *etcdClient, EtcdPeerURL: *etcdPeer,
		Logger: slog.New(h), Banner: e.stdout, Force: *force,
	})
}
