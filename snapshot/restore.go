package snapshot

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	etcdsnap "go.etcd.io/etcd/etcdutl/v3/snapshot"
	"go.uber.org/zap"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/syncer"
)

// RestoreOptions describes the etcd member a restored data directory is for,
// as etcdutl snapshot restore takes it.
type RestoreOptions struct {
	// DataDir is the data directory to create; it must not exist or be empty.
	DataDir string
	// Name is the member's name; default "default".
	Name string
	// PeerURLs are the member's peer URLs; default http://localhost:2380.
	PeerURLs []string
	// InitialCluster is "name=peerURL,..."; default Name=PeerURLs[0].
	InitialCluster string
	// ClusterToken is the initial cluster token; default "etcd-cluster".
	ClusterToken string
	// BumpRevision raises the restored revision by this much and marks the
	// revisions below compacted, so watchers of the old cluster resync
	// rather than miss changes; 0 leaves the revision as it was.
	BumpRevision uint64
	// TempDir holds the downloaded snapshot; "" is the system's.
	TempDir string
}

func (o RestoreOptions) withDefaults() (RestoreOptions, error) {
	if o.DataDir == "" {
		return o, fmt.Errorf("restore: no data directory")
	}
	if entries, err := os.ReadDir(o.DataDir); err == nil {
		for _, e := range entries {
			if !strings.HasPrefix(e.Name(), restoreTemp) {
				return o, fmt.Errorf("restore: data directory %s is not empty; restore into a new one", o.DataDir)
			}
		}
	}
	if o.Name == "" {
		o.Name = "default"
	}
	if len(o.PeerURLs) == 0 {
		o.PeerURLs = []string{"http://localhost:2380"}
	}
	if o.InitialCluster == "" {
		o.InitialCluster = o.Name + "=" + o.PeerURLs[0]
	}
	if o.ClusterToken == "" {
		o.ClusterToken = "etcd-cluster"
	}
	return o, nil
}

// Restore downloads a snapshot from store, name or "latest" (also ""),
// checks it against the sha256 stored beside it and restores a data
// directory from it with etcd's own restore. It returns the snapshot's name.
func Restore(ctx context.Context, store Store, name string, opts RestoreOptions, logger *slog.Logger) (string, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return "", err
	}
	if name == "" || name == "latest" {
		list, err := store.List(ctx)
		if err != nil {
			return "", fmt.Errorf("restore: %w", err)
		}
		for _, info := range list {
			if strings.HasSuffix(info.Name, Suffix) {
				name = info.Name
			}
		}
		if name == "" || name == "latest" {
			return "", fmt.Errorf("restore: %w: the store holds none", ErrNotFound)
		}
	}
	rc, sum, err := store.Get(ctx, name)
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer rc.Close()
	f, err := os.CreateTemp(opts.TempDir, "schemareg-restore-*.db")
	if err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	hr := newHashReader(rc)
	if _, err := copyContext(ctx, f, hr); err != nil {
		return "", fmt.Errorf("restore: download %s: %w", name, err)
	}
	if got := hr.sum(); got != sum {
		return "", fmt.Errorf("restore: %s: %w: %d bytes with sha256 %s, the store says %s (corrupt or truncated)", name, ErrChecksum, hr.n, got, sum)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("restore: %w", err)
	}
	if err := RestoreFile(f.Name(), opts, logger); err != nil {
		return "", err
	}
	logger.Info("restored snapshot", syncer.LogKeySnapshot, name, syncer.LogKeyDir, opts.DataDir)
	return name, nil
}

// restoreTemp begins the name of the folder inside the data directory that
// a restore writes to before it moves the result into place.
const restoreTemp = ".restore-"

// RestoreFile restores a data directory from a snapshot file, checking
// etcd's integrity hash first. etcd's restore writes its output as it goes,
// so it restores into a folder inside DataDir and then renames the
// result's "member" folder, the whole of an etcd data directory, into
// place: a restore that fails or is killed leaves no member folder, and
// etcd cannot start from half a restore. The next restore removes what it
// left. DataDir may be a mount point.
func RestoreFile(path string, opts RestoreOptions, logger *slog.Logger) error {
	opts, err := opts.withDefaults()
	if err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	err = CheckFile(f)
	f.Close()
	if err != nil {
		return fmt.Errorf("restore: %s: %w", path, err)
	}
	if err := os.MkdirAll(opts.DataDir, 0o700); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	// withDefaults let only the leftovers of killed restores through.
	if left, err := filepath.Glob(filepath.Join(opts.DataDir, restoreTemp+"*")); err == nil {
		for _, l := range left {
			os.RemoveAll(l)
		}
	}
	tmp, err := os.MkdirTemp(opts.DataDir, restoreTemp)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	err = etcdsnap.NewV3(zap.NewNop()).Restore(etcdsnap.RestoreConfig{
		SnapshotPath: path, Name: opts.Name, OutputDataDir: tmp,
		PeerURLs: opts.PeerURLs, InitialCluster: opts.InitialCluster, InitialClusterToken: opts.ClusterToken,
		RevisionBump: opts.BumpRevision, MarkCompacted: opts.BumpRevision > 0,
	})
	if err != nil {
		return fmt.Errorf("restore: etcd restore of %s into %s: %w", path, opts.DataDir, err)
	}
	if err := os.Rename(filepath.Join(tmp, "member"), filepath.Join(opts.DataDir, "member")); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	d, err := os.Open(opts.DataDir)
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	return nil
}

// RestoreBundle is the recovery path that needs no snapshot: it starts a
// throwaway etcd on loopback, publishes b into it, snapshots it and
// restores the data directory from that snapshot. Git is the truth; the
// bundle compiled from it rebuilds etcd.
func RestoreBundle(ctx context.Context, b *bundle.Bundle, keys etcdstore.Keys, opts RestoreOptions, logger *slog.Logger) (*syncer.Result, error) {
	opts, err := opts.withDefaults()
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp(opts.TempDir, "schemareg-restore-")
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer os.RemoveAll(tmp)
	srv, err := etcdembed.Start(etcdembed.Config{Dir: filepath.Join(tmp, "etcd")})
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer srv.Close()
	cli, err := clientv3.New(clientv3.Config{Endpoints: srv.Endpoints(), DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	defer cli.Close()
	s := syncer.New(cli, logger)
	s.Keys = keys
	res, err := s.Publish(ctx, b)
	if err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	snap := filepath.Join(tmp, "snapshot.db")
	if err := saveSnapshot(ctx, cli, snap); err != nil {
		return nil, fmt.Errorf("restore: %w", err)
	}
	srv.Close()
	if err := RestoreFile(snap, opts, logger); err != nil {
		return nil, err
	}
	return res, nil
}

// saveSnapshot streams a snapshot of the etcd cli talks to into a file.
func saveSnapshot(ctx context.Context, cli *clientv3.Client, path string) error {
	resp, err := cli.SnapshotWithVersion(ctx)
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	defer resp.Snapshot.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, resp.Snapshot); err != nil {
		f.Close()
		return fmt.Errorf("snapshot: %w", err)
	}
	return f.Close()
}
