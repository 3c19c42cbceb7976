package faults

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.uber.org/zap"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdembed"
)

// snapshotPadding is how much incompressible data the snapshot source
// holds besides the bundle: more than one part (16 MiB) of an upload, so
// that every snapshot goes up as a multipart upload.
const snapshotPadding = 17 << 20

// source is the etcd the snapshot tests take snapshots of, shared by them:
// filling it takes a while. TestMain stops it.
var source struct {
	once      sync.Once
	srv       *etcdembed.Server
	endpoints []string
	bundle    *bundle.Bundle
	err       error
}

// snapshotSource returns the endpoints of an etcd holding a published
// bundle and padding, and the bundle.
func snapshotSource(t *testing.T) ([]string, *bundle.Bundle) {
	t.Helper()
	source.once.Do(func() { source.err = startSource(t.TempDir()) })
	if source.err != nil {
		t.Fatalf("start the snapshot source: %v", source.err)
	}
	return source.endpoints, source.bundle
}

func startSource(work string) error {
	dir, err := os.MkdirTemp("", "schemareg-faults-source-")
	if err != nil {
		return err
	}
	srv, err := etcdembed.Start(etcdembed.Config{Dir: dir, NoFsync: true})
	if err != nil {
		return err
	}
	source.srv, source.endpoints = srv, srv.Endpoints()
	a, err := buildBundle(1, racingGroups(0)...)
	if err != nil {
		return err
	}
	source.bundle = a
	bdir := filepath.Join(work, "bundle")
	if err := layoutPlain(bdir, a); err != nil {
		return err
	}
	out, err := exec.Command(binary, "sync", "--bundle", bdir, "--etcd", strings.Join(srv.Endpoints(), ",")).CombinedOutput()
	if err != nil {
		return fmt.Errorf("sync: %v\n%s", err, out)
	}
	cli, err := clientv3.New(clientv3.Config{Endpoints: srv.Endpoints(), DialTimeout: 5 * time.Second, Logger: zap.NewNop()})
	if err != nil {
		return err
	}
	defer cli.Close()
	value := make([]byte, 512<<10)
	for i := 0; i < snapshotPadding/len(value); i++ {
		rand.Read(value)
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err := cli.Put(ctx, fmt.Sprintf("/padding/%03d", i), string(value))
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// stopSource stops the snapshot source, if it was started.
func stopSource() {
	if source.srv != nil {
		source.srv.Close()
		os.RemoveAll(source.srv.Config().Dir)
	}
}

// snapshotArgs are the arguments of "schemareg snapshot" of etcd to a
// prefix of s.
func snapshotArgs(endpoints []string, s *faultyS3, prefix string) []string {
	return append([]string{"snapshot", "--etcd", strings.Join(endpoints, ","), "--to"}, s.args(prefix)...)
}
