package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/snapshot"
)

func runRestore(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("restore", "restore --from URL [--snapshot NAME|latest] --data-dir DIR [flags]\n       schemareg restore --from-bundle DIR --data-dir DIR [flags]", e)
	from := fs.String("from", "", "the snapshot store: s3://bucket/prefix or file:///dir")
	name := fs.String("snapshot", "latest", "the snapshot to restore: its name, or latest")
	fromBundle := fs.String("from-bundle", "", "restore from this bundle `folder` instead: a fresh etcd filled from it")
	prefix := fs.String("prefix", etcdstore.DefaultPrefix, "with --from-bundle: the registry's etcd key prefix")
	dataDir := fs.String("data-dir", "", "the etcd data directory to create; it must not exist or be empty")
	member := fs.String("name", "default", "the etcd member's name")
	peers := fs.String("initial-advertise-peer-urls", "http://localhost:2380", "the member's peer URLs, comma-separated")
	cluster := fs.String("initial-cluster", "", "the initial cluster, name=peerURL,... (default: this member alone)")
	token := fs.String("initial-cluster-token", "etcd-cluster", "the initial cluster token")
	bump := fs.Uint64("bump-revision", 0, "raise the restored revision by this much and mark older ones compacted, so old watchers resync")
	tempDir := fs.String("temp-dir", "", "where the downloaded snapshot waits (default: the system's)")
	logFormat := choiceFlag(fs, "log-format", "text", "log format on stderr: text or json", "text", "json")
	s3f := registerS3Flags(fs)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usageErrorf("restore takes no arguments, got %q", fs.Args())
	case (*from == "") == (*fromBundle == ""):
		return usageErrorf("restore: give one of --from URL and --from-bundle DIR")
	case *dataDir == "":
		return usageErrorf("restore: give --data-dir DIR (%s)", envName("data-dir"))
	}
	logger, err := newCommandLogger(e.stderr, *logFormat)
	if err != nil {
		return err
	}
	opts := snapshot.RestoreOptions{
		DataDir: *dataDir, Name: *member, PeerURLs: strings.Split(*peers, ","),
		InitialCluster: *cluster, ClusterToken: *token, BumpRevision: *bump, TempDir: *tempDir,
	}
	if *fromBundle != "" {
		b, err := bundle.Read(*fromBundle)
		if err != nil {
			return usageErrorf("restore: %v", err)
		}
		res, err := snapshot.RestoreBundle(ctx, b, etcdstore.Keys{Prefix: *prefix}, opts, logger)
		if err != nil {
			return fmt.Errorf("restore: %w", err)
		}
		fmt.Fprintf(e.stdout, "restored %s from bundle %s (%d keys, generation %s)\n", *dataDir, *fromBundle, res.Keys, res.Generation)
		return nil
	}
	store, err := snapshot.Open(ctx, *from, snapshot.Config{S3: s3f.config(e)})
	if err != nil {
		return usageErrorf("restore: %v", err)
	}
	restored, err := snapshot.Restore(ctx, store, *name, opts, logger)
	if errors.Is(err, snapshot.ErrChecksum) || errors.Is(err, snapshot.ErrNotFound) {
		return &exitError{code: exitUsage, err: err}
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "restored %s from %s\n", *dataDir, restored)
	return nil
}
