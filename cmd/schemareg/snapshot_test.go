package main

import (
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/internal/etcdtest"
)

// checkRestored starts etcd on a restored data directory and checks the
// bundle's generation is published in it.
func checkRestored(t *testing.T, dataDir, peer, prefix string, b *bundle.Bundle) {
	t.Helper()
	srv, err := etcdembed.Start(etcdembed.Config{Dir: dataDir, PeerURL: peer, NoFsync: true})
	if err != nil {
		t.Fatalf("start etcd on the restored data: %v", err)
	}
	defer srv.Close()
	x, _, err := bundle.LoadGeneration(t.Context(), etcdtest.NewClient(t, srv.Endpoints()), bundle.Keys{Prefix: prefix})
	if err != nil || x.Current.Generation != b.Manifest.Generation {
		t.Fatalf("restored generation %v, %v; want %s", x, err, b.Manifest.Generation)
	}
}

func TestSnapshotAndRestoreCommands(t *testing.T) {
	srv := etcdtest.Start(t)
	bdir := filepath.Join(t.TempDir(), "bundle")
	b := writeBundle(t, bdir, 3)
	backend := s3mem.New()
	if err := backend.CreateBucket("backups"); err != nil {
		t.Fatal(err)
	}
	s3srv := httptest.NewServer(gofakes3.New(backend).Server())
	defer s3srv.Close()
	environ := map[string]string{
		"SCHEMAREG_ETCD":        strings.Join(srv.Endpoints(), ","),
		"AWS_ACCESS_KEY_ID":     "test-key",
		"AWS_SECRET_ACCESS_KEY": "test-secret",
		"AWS_REGION":            "us-east-1",
		"AWS_ENDPOINT_URL_S3":   s3srv.URL,
	}
	if _, stderr, code := runCmd(t, environ, "sync", "--bundle", bdir); code != 0 {
		t.Fatalf("sync: %s", stderr)
	}
	local := t.TempDir()
	for _, to := range []string{"file://" + local, "s3://backups/etcd"} {
		t.Run(strings.SplitN(to, ":", 2)[0], func(t *testing.T) {
			for i := 0; i < 2; i++ {
				stdout, stderr, code := runCmd(t, environ, "snapshot", "--to", to, "--keep", "1", "--s3-path-style")
				if code != 0 || !strings.Contains(stdout, "stored etcd-") {
					t.Fatalf("snapshot: exit %d\n%s%s", code, stdout, stderr)
				}
			}
			peer, err := etcdembed.FreeURL()
			if err != nil {
				t.Fatal(err)
			}
			data := filepath.Join(t.TempDir(), "data")
			stdout, stderr, code := runCmd(t, environ, "restore", "--from", to, "--data-dir", data,
				"--initial-advertise-peer-urls", peer, "--s3-path-style")
			if code != 0 || !strings.Contains(stdout, "restored") {
				t.Fatalf("restore: exit %d\n%s%s", code, stdout, stderr)
			}
			checkRestored(t, data, peer, bundle.DefaultPrefix, b)
		})
	}
	t.Run("KeepOne", func(t *testing.T) {
		entries, _ := os.ReadDir(local)
		if len(entries) != 2 { // one snapshot and its .sha256
			t.Fatalf("after two snapshots with --keep 1 the folder holds %d files", len(entries))
		}
	})
	t.Run("Corrupt", func(t *testing.T) {
		entries, _ := os.ReadDir(local)
		for _, en := range entries {
			if strings.HasSuffix(en.Name(), ".db") {
				p := filepath.Join(local, en.Name())
				data, _ := os.ReadFile(p)
				os.WriteFile(p, data[:len(data)/2], 0o644)
			}
		}
		_, stderr, code := runCmd(t, environ, "restore", "--from", "file://"+local, "--data-dir", filepath.Join(t.TempDir(), "d"))
		if code != 2 || !strings.Contains(stderr, "checksum mismatch") {
			t.Fatalf("restore of a truncated snapshot: exit %d, %s", code, stderr)
		}
	})
	t.Run("FromBundle", func(t *testing.T) {
		peer, err := etcdembed.FreeURL()
		if err != nil {
			t.Fatal(err)
		}
		data := filepath.Join(t.TempDir(), "data")
		stdout, stderr, code := runCmd(t, environ, "restore", "--from-bundle", bdir, "--prefix", "/other",
			"--data-dir", data, "--initial-advertise-peer-urls", peer)
		if code != 0 {
			t.Fatalf("restore --from-bundle: exit %d\n%s%s", code, stdout, stderr)
		}
		checkRestored(t, data, peer, "/other", b)
	})
	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"snapshot"},
			{"snapshot", "--to", "ftp://x/y"},
			{"restore", "--data-dir", "x"},
			{"restore", "--from", "file:///x", "--from-bundle", "y", "--data-dir", "x"},
			{"restore", "--from", "file:///x"},
		} {
			if _, stderr, code := runCmd(t, environ, args...); code != 2 {
				t.Errorf("%q: exit %d, want 2 (%s)", args, code, stderr)
			}
		}
	})
}
