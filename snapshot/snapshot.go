package snapshot

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	etcdsnap "go.etcd.io/etcd/etcdutl/v3/snapshot"
	"go.uber.org/zap"

	"github.com/schemareg/schemareg/syncer"
)

// Suffix ends the name of every snapshot a Snapshotter takes.
const Suffix = ".db"

// Snapshotter streams etcd snapshots into a Store.
type Snapshotter struct {
	cli    *clientv3.Client
	store  Store
	logger *slog.Logger

	// Keep is how many snapshots Prune keeps, the newest always among
	// them; 0 keeps all.
	Keep int
	// TempDir holds a snapshot while it is checked, before the upload;
	// "" is the system's.
	TempDir string
	// Now returns the time a snapshot's name carries.
	Now func() time.Time
}

// New returns a Snapshotter that reads snapshots through cli.
func New(cli *clientv3.Client, store Store, logger *slog.Logger) *Snapshotter {
	return &Snapshotter{cli: cli, store: store, logger: logger, Now: time.Now}
}

// Name is the name of a snapshot taken at t, at an etcd revision,
// of a cluster: etcd-20060102T150405Z-rev123-cluster1a2b.db. Names sort by time.
func Name(t time.Time, rev int64, clusterID uint64) string {
	return fmt.Sprintf("etcd-%s-rev%d-cluster%x%s", t.UTC().Format("20060102T150405Z"), rev, clusterID, Suffix)
}

// Snapshot takes one snapshot: it streams etcd's snapshot into a temporary
// file, hashing it and checking etcd's own integrity hash at its end, puts
// it into the store with its sha256, then reads it back from the store and
// checks it again. A snapshot that fails the read-back is deleted.
func (s *Snapshotter) Snapshot(ctx context.Context) (Info, error) {
	cluster, err := s.clusterID(ctx)
	if err != nil {
		return Info{}, fmt.Errorf("snapshot: %w", err)
	}
	resp, err := s.cli.SnapshotWithVersion(ctx)
	if err != nil {
		return Info{}, fmt.Errorf("snapshot: %w", err)
	}
	defer resp.Snapshot.Close()
	f, err := os.CreateTemp(s.TempDir, "schemareg-snapshot-*.db")
	if err != nil {
		return Info{}, fmt.Errorf("snapshot: %w", err)
	}
	defer os.Remove(f.Name())
	defer f.Close()
	hr := newHashReader(resp.Snapshot)
	if _, err := copyContext(ctx, f, hr); err != nil {
		return Info{}, fmt.Errorf("snapshot: stream from etcd: %w", err)
	}
	sum := hr.sum()
	if err := CheckFile(f); err != nil {
		return Info{}, fmt.Errorf("snapshot: etcd sent a bad snapshot: %w", err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return Info{}, fmt.Errorf("snapshot: %w", err)
	}
	st, err := etcdsnap.NewV3(zap.NewNop()).Status(f.Name())
	if err != nil {
		return Info{}, fmt.Errorf("snapshot: read its revision: %w", err)
	}
	info := Info{Name: Name(s.Now(), st.Revision, cluster), Size: hr.n}
	if err := s.store.Put(ctx, info.Name, f, sum); err != nil {
		return Info{}, fmt.Errorf("snapshot: %w", err)
	}
	if err := s.verify(ctx, info, sum); err != nil {
		if derr := s.store.Delete(context.WithoutCancel(ctx), info.Name); derr != nil {
			err = errors.Join(err, derr)
		}
		return Info{}, fmt.Errorf("snapshot: verify %s after upload: %w", info.Name, err)
	}
	s.logger.Info("snapshot stored", syncer.LogKeySnapshot, info.Name, "bytes", info.Size, "sha256", sum, "etcd_version", resp.Version)
	return info, nil
}

// clusterID asks etcd for its cluster id, which a snapshot's name carries.
func (s *Snapshotter) clusterID(ctx context.Context) (uint64, error) {
	ctx, cancel := context.WithTimeout(ctx, syncer.DefaultCallTimeout)
	defer cancel()
	resp, err := s.cli.Get(ctx, "health", clientv3.WithCountOnly())
	if err != nil {
		return 0, err
	}
	return resp.Header.ClusterId, nil
}

// verify reads a stored snapshot back and checks its size and sha256.
func (s *Snapshotter) verify(ctx context.Context, info Info, sum string) error {
	rc, stored, err := s.store.Get(ctx, info.Name)
	if err != nil {
		return err
	}
	defer rc.Close()
	hr := newHashReader(rc)
	if _, err := copyContext(ctx, io.Discard, hr); err != nil {
		return err
	}
	if stored != sum || hr.sum() != sum || hr.n != info.Size {
		return fmt.Errorf("%w: wrote %d bytes with sha256 %s, read back %d bytes with %s, stored checksum %s",
			ErrChecksum, info.Size, sum, hr.n, hr.sum(), stored)
	}
	return nil
}

// Prune deletes the oldest snapshots beyond Keep; it never deletes the
// newest. It returns the names deleted.
func (s *Snapshotter) Prune(ctx context.Context) ([]string, error) {
	if s.Keep <= 0 {
		return nil, nil
	}
	list, err := s.store.List(ctx)
	if err != nil {
		return nil, fmt.Errorf("prune snapshots: %w", err)
	}
	var snaps []string
	for _, info := range list {
		if strings.HasPrefix(info.Name, "etcd-") && strings.HasSuffix(info.Name, Suffix) {
			snaps = append(snaps, info.Name)
		}
	}
	var deleted []string
	for len(snaps) > max(s.Keep, 1) {
		if err := s.store.Delete(ctx, snaps[0]); err != nil {
			return deleted, fmt.Errorf("prune snapshots: %w", err)
		}
		s.logger.Info("snapshot pruned", syncer.LogKeySnapshot, snaps[0])
		deleted, snaps = append(deleted, snaps[0]), snaps[1:]
	}
	return deleted, nil
}

// Run takes a snapshot and prunes, then again every interval, until ctx
// ends. A failed snapshot is logged and retried at the next interval; Run
// returns the first error only when every is 0 (one snapshot).
func (s *Snapshotter) Run(ctx context.Context, every time.Duration, done func(Info, error)) error {
	for {
		started := time.Now()
		info, err := s.Snapshot(ctx)
		info.Took = time.Since(started)
		if err == nil {
			_, err = s.Prune(ctx)
		}
		if done != nil {
			done(info, err)
		}
		if every <= 0 {
			return err
		}
		if err != nil {
			s.logger.Error("snapshot failed; next try at the next interval", syncer.LogKeyError, err)
		}
		t := time.NewTimer(every)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// CheckFile checks the integrity hash etcd appends to a snapshot:
// the sha256 of the database, in the last 32 bytes of a file whose size is
// 32 more than a multiple of 512.
func CheckFile(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	n := st.Size()
	if n < 512+sha256.Size || n%512 != sha256.Size {
		return fmt.Errorf("%w: %d bytes is not the size of an etcd snapshot with its integrity hash (truncated?)", ErrChecksum, n)
	}
	h := sha256.New()
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, n-sha256.Size)); err != nil {
		return err
	}
	want := make([]byte, sha256.Size)
	if _, err := f.ReadAt(want, n-sha256.Size); err != nil {
		return err
	}
	if string(h.Sum(nil)) != string(want) {
		return fmt.Errorf("%w: the database does not match the integrity hash at its end", ErrChecksum)
	}
	return nil
}
