package snapshot

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundletest"
	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
)

// startRestored starts an etcd member on a restored data directory and
// returns a client of it.
func startRestored(t *testing.T, dataDir, peer string) *clientv3.Client {
	t.Helper()
	srv, err := etcdembed.Start(etcdembed.Config{Dir: dataDir, PeerURL: peer, NoFsync: true})
	if err != nil {
		t.Fatalf("start etcd on the restored data: %v", err)
	}
	t.Cleanup(srv.Close)
	return etcdtest.NewClient(t, srv.Endpoints())
}

func restoreOptions(t *testing.T) (RestoreOptions, string) {
	t.Helper()
	peer, err := etcdembed.FreeURL()
	if err != nil {
		t.Fatal(err)
	}
	return RestoreOptions{DataDir: filepath.Join(t.TempDir(), "restored"), PeerURLs: []string{peer}}, peer
}

func TestSnapshotRestore(t *testing.T) {
	stores := []struct {
		name string
		open func(t *testing.T) Store
	}{
		{"File", func(t *testing.T) Store {
			s, err := Open(t.Context(), "file://"+t.TempDir(), Config{})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
		{"S3", func(t *testing.T) Store {
			endpoint, _ := startS3(t, nil)
			s, err := Open(t.Context(), "s3://"+testBucket+"/nightly", Config{S3: S3Config{
				Region: "eu-west-1", Endpoint: endpoint, PathStyle: true, AccessKeyID: "k", SecretAccessKey: "s"}})
			if err != nil {
				t.Fatal(err)
			}
			return s
		}},
	}
	for _, st := range stores {
		t.Run(st.name, func(t *testing.T) {
			cli := etcdtest.Start(t).Client(t)
			b := bundletest.Build(t, bundletest.Spec{Schemas: 30, Versions: 3, Arrow: true})
			mustPublish(t, cli, b)
			store := st.open(t)
			snap := New(cli, store, testLogger(t))
			info, err := snap.Snapshot(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			if !regexp.MustCompile(`^etcd-\d{8}T\d{6}Z-rev\d+-cluster[0-9a-f]+\.db$`).MatchString(info.Name) {
				t.Errorf("snapshot name %q", info.Name)
			}
			if s3s, ok := store.(*S3Store); ok {
				// The sha256 is in the object's metadata too.
				_, sum, err := store.Get(t.Context(), info.Name)
				if err != nil {
					t.Fatal(err)
				}
				head, err := s3s.client.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: &s3s.bucket, Key: aws.String(s3s.key(info.Name))})
				if err != nil || head.Metadata[metaSHA256] != sum {
					t.Fatalf("object metadata %v (%v), want sha256 %s", head.Metadata, err, sum)
				}
			}
			opts, peer := restoreOptions(t)
			name, err := Restore(t.Context(), store, "latest", opts, testLogger(t))
			if err != nil || name != info.Name {
				t.Fatalf("Restore = %q, %v", name, err)
			}
			bundletest.CheckPublished(t, startRestored(t, opts.DataDir, peer), etcdstore.Keys{}, b)
		})
	}
}

func TestRestoreRefusesBadSnapshots(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	mustPublish(t, cli, bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 2}))
	dir := t.TempDir()
	store, err := NewFileStore(dir)
	if err != nil {
		t.Fatal(err)
	}
	info, err := New(cli, store, testLogger(t)).Snapshot(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, info.Name)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		spoil func(data []byte) []byte
	}{
		{"Corrupt", func(data []byte) []byte {
			c := append([]byte(nil), data...)
			c[len(c)/2] ^= 0xff
			return c
		}},
		{"Truncated", func(data []byte) []byte { return data[:len(data)-700] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := os.WriteFile(path, tt.spoil(good), 0o644); err != nil {
				t.Fatal(err)
			}
			opts, _ := restoreOptions(t)
			_, err := Restore(t.Context(), store, info.Name, opts, testLogger(t))
			if !errors.Is(err, ErrChecksum) {
				t.Fatalf("got %v, want ErrChecksum", err)
			}
			if entries, _ := os.ReadDir(opts.DataDir); len(entries) != 0 {
				t.Fatalf("a refused restore left %d entries in the data directory", len(entries))
			}
		})
	}
	t.Run("CorruptWithMatchingChecksum", func(t *testing.T) {
		// The store's checksum matches, etcd's own integrity hash does not.
		bad := append([]byte(nil), good...)
		bad[100] ^= 0xff
		p := filepath.Join(t.TempDir(), "bad.db")
		if err := os.WriteFile(p, bad, 0o644); err != nil {
			t.Fatal(err)
		}
		opts, _ := restoreOptions(t)
		if err := RestoreFile(p, opts, testLogger(t)); !errors.Is(err, ErrChecksum) {
			t.Fatalf("got %v, want ErrChecksum", err)
		}
	})
	t.Run("DataDirNotEmpty", func(t *testing.T) {
		if err := os.WriteFile(path, good, 0o644); err != nil {
			t.Fatal(err)
		}
		opts, _ := restoreOptions(t)
		os.MkdirAll(opts.DataDir, 0o755)
		os.WriteFile(filepath.Join(opts.DataDir, "x"), nil, 0o644)
		if _, err := Restore(t.Context(), store, "latest", opts, testLogger(t)); err == nil || !strings.Contains(err.Error(), "not empty") {
			t.Fatalf("got %v, want a refusal of the non-empty data directory", err)
		}
	})
}

func TestSnapshotS3Down(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	mustPublish(t, cli, bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 2}))
	t.Run("Unreachable", func(t *testing.T) {
		endpoint, srv := startS3(t, nil)
		store := mustS3Store(t, endpoint, "x")
		srv.Close()
		if _, err := New(cli, store, testLogger(t)).Snapshot(t.Context()); err == nil {
			t.Fatal("snapshot to a closed S3 endpoint succeeded")
		}
	})
	t.Run("DiesMidUpload", func(t *testing.T) {
		// The endpoint drops the connection in the middle of every upload of
		// the snapshot itself; the same backend, seen straight, must hold
		// no snapshot afterwards.
		var up bool
		endpoint, _ := startS3(t, func(h http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, Suffix) {
					io.CopyN(io.Discard, r.Body, 512)
					up = true
					panic(http.ErrAbortHandler)
				}
				h.ServeHTTP(w, r)
			})
		})
		store := mustS3Store(t, endpoint, "x")
		_, err := New(cli, store, testLogger(t)).Snapshot(t.Context())
		if err == nil || !up {
			t.Fatalf("snapshot through a dying endpoint: %v (upload seen: %v)", err, up)
		}
		list, lerr := store.List(t.Context())
		if lerr != nil || len(list) != 0 {
			t.Fatalf("after the failed upload the store lists %v, %v", list, lerr)
		}
	})
}

func TestSnapshotPruneKeepsNewest(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	store, err := NewFileStore(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	snap := New(cli, store, testLogger(t))
	snap.Keep = 2
	day := time.Date(2026, 3, 1, 2, 0, 0, 0, time.UTC)
	var names []string
	for i := 0; i < 4; i++ {
		snap.Now = func() time.Time { return day.Add(time.Duration(i) * 24 * time.Hour) }
		if _, err := cli.Put(t.Context(), "k", fmt.Sprint(i)); err != nil {
			t.Fatal(err)
		}
		err := snap.Run(t.Context(), 0, func(info Info, err error) { names = append(names, info.Name) })
		if err != nil {
			t.Fatal(err)
		}
	}
	list, err := store.List(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].Name != names[2] || list[1].Name != names[3] {
		t.Fatalf("kept %v, want the two newest of %v", list, names)
	}
	snap.Keep = 0
	if deleted, _ := snap.Prune(t.Context()); len(deleted) != 0 {
		t.Fatalf("Keep 0 pruned %v", deleted)
	}
}

func TestRestoreBundle(t *testing.T) {
	b := bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: 3, Arrow: true})
	opts, peer := restoreOptions(t)
	keys := etcdstore.Keys{Prefix: "/registry"}
	res, err := RestoreBundle(t.Context(), b, keys, opts, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	if res.Generation != b.Manifest.Generation {
		t.Fatalf("result %+v", res)
	}
	bundletest.CheckPublished(t, startRestored(t, opts.DataDir, peer), keys, b)
}
