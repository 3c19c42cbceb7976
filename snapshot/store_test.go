package snapshot

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// testBucket is the bucket every fake S3 endpoint has.
const testBucket = "snapshots"

// testPartSize is S3's smallest part: the tests upload more than one.
const testPartSize = 5 << 20

// startS3 serves a fake S3 (gofakes3, in memory) on loopback, through
// wrap when it is not nil, and returns its URL.
func startS3(t *testing.T, wrap func(http.Handler) http.Handler) (string, *httptest.Server) {
	t.Helper()
	backend := s3mem.New()
	if err := backend.CreateBucket(testBucket); err != nil {
		t.Fatal(err)
	}
	var h http.Handler = gofakes3.New(backend).Server()
	if wrap != nil {
		h = wrap(h)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL, srv
}

// mustS3Store opens a store on the endpoint, through the AWS SDK, with
// the settings "snapshot" takes from flags and the AWS environment.
func mustS3Store(t *testing.T, endpoint, prefix string) *S3Store {
	t.Helper()
	s, err := NewS3Store(t.Context(), S3Config{
		Bucket: testBucket, Prefix: prefix, Region: "us-east-1", Endpoint: endpoint, PathStyle: true,
		AccessKeyID: "test-key", SecretAccessKey: "test-secret", PartSize: testPartSize,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestFileStore(t *testing.T) {
	testSnapshotStore(t, func(t *testing.T) Store {
		s, err := NewFileStore(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		return s
	})
}

func TestS3Store(t *testing.T) {
	testSnapshotStore(t, func(t *testing.T) Store {
		endpoint, _ := startS3(t, nil)
		return mustS3Store(t, endpoint, "registry/prod")
	})
}

func sha(data []byte) string {
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:])
}

// onlyReader hides every method of a reader but Read: a stream that
// cannot seek, as an etcd snapshot stream is.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// failingReader returns its data, then an error.
type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

// testSnapshotStore is the conformance suite every Store passes.
func testSnapshotStore(t *testing.T, newStore func(t *testing.T) Store) {
	get := func(t *testing.T, s Store, name string) ([]byte, string) {
		t.Helper()
		rc, sum, err := s.Get(t.Context(), name)
		if err != nil {
			t.Fatal(err)
		}
		defer rc.Close()
		data, err := io.ReadAll(rc)
		if err != nil {
			t.Fatal(err)
		}
		return data, sum
	}
	t.Run("PutGet", func(t *testing.T) {
		s := newStore(t)
		data := []byte("a small snapshot")
		if err := s.Put(t.Context(), "a.db", bytes.NewReader(data), sha(data)); err != nil {
			t.Fatal(err)
		}
		got, sum := get(t, s, "a.db")
		if !bytes.Equal(got, data) || sum != sha(data) {
			t.Fatalf("got %q with %s", got, sum)
		}
	})
	t.Run("LargeStreamInParts", func(t *testing.T) {
		s := newStore(t)
		data := make([]byte, 2*testPartSize+12345)
		rand.Read(data)
		if err := s.Put(t.Context(), "big.db", onlyReader{bytes.NewReader(data)}, sha(data)); err != nil {
			t.Fatal(err)
		}
		got, sum := get(t, s, "big.db")
		if !bytes.Equal(got, data) || sum != sha(data) {
			t.Fatalf("got %d bytes with %s, want %d", len(got), sum, len(data))
		}
		list, err := s.List(t.Context())
		if err != nil || len(list) != 1 || list[0].Size != int64(len(data)) {
			t.Fatalf("List() = %v, %v", list, err)
		}
	})
	t.Run("ListSortedWithoutChecksums", func(t *testing.T) {
		s := newStore(t)
		for _, name := range []string{"etcd-2.db", "etcd-1.db", "etcd-3.db"} {
			if err := s.Put(t.Context(), name, bytes.NewReader([]byte(name)), sha([]byte(name))); err != nil {
				t.Fatal(err)
			}
		}
		list, err := s.List(t.Context())
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, info := range list {
			names = append(names, info.Name)
		}
		if len(names) != 3 || names[0] != "etcd-1.db" || names[2] != "etcd-3.db" {
			t.Fatalf("List() = %v", names)
		}
	})
	t.Run("Delete", func(t *testing.T) {
		s := newStore(t)
		if err := s.Put(t.Context(), "d.db", bytes.NewReader([]byte("x")), sha([]byte("x"))); err != nil {
			t.Fatal(err)
		}
		if err := s.Delete(t.Context(), "d.db"); err != nil {
			t.Fatal(err)
		}
		if _, _, err := s.Get(t.Context(), "d.db"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("Get after Delete: %v, want ErrNotFound", err)
		}
		if list, _ := s.List(t.Context()); len(list) != 0 {
			t.Fatalf("List after Delete: %v", list)
		}
	})
	t.Run("GetMissing", func(t *testing.T) {
		if _, _, err := newStore(t).Get(t.Context(), "none.db"); !errors.Is(err, ErrNotFound) {
			t.Fatalf("got %v, want ErrNotFound", err)
		}
	})
	t.Run("InterruptedPutLeavesNothing", func(t *testing.T) {
		for _, size := range []int{1000, testPartSize + 1000} {
			s := newStore(t)
			r := &failingReader{data: make([]byte, size), err: errors.New("etcd went away")}
			if err := s.Put(t.Context(), "cut.db", r, sha(nil)); err == nil {
				t.Fatal("Put of a failing stream succeeded")
			}
			if _, _, err := s.Get(t.Context(), "cut.db"); !errors.Is(err, ErrNotFound) {
				t.Fatalf("after a failed Put of %d bytes, Get: %v, want ErrNotFound", size, err)
			}
			if list, _ := s.List(t.Context()); len(list) != 0 {
				t.Fatalf("after a failed Put: %v", list)
			}
		}
	})
	t.Run("CanceledPutLeavesNothing", func(t *testing.T) {
		s := newStore(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		if err := s.Put(ctx, "c.db", bytes.NewReader([]byte("x")), sha([]byte("x"))); err == nil {
			t.Fatal("Put with a canceled context succeeded")
		}
		if list, _ := s.List(t.Context()); len(list) != 0 {
			t.Fatalf("after a canceled Put: %v", list)
		}
	})
	t.Run("InvalidNames", func(t *testing.T) {
		s := newStore(t)
		for _, name := range []string{"", "../x.db", "a/b.db", ".hidden", "x.db.sha256"} {
			if err := s.Put(t.Context(), name, bytes.NewReader(nil), sha(nil)); err == nil {
				t.Errorf("Put(%q) succeeded", name)
			}
		}
	})
}

func TestSnapshotName(t *testing.T) {
	at := time.Date(2026, 3, 1, 2, 3, 4, 0, time.FixedZone("CET", 3600))
	if got, want := Name(at, 1234, 0xabc), "etcd-20260301T010304Z-rev1234-clusterabc.db"; got != want {
		t.Errorf("Name() = %q, want %q", got, want)
	}
}

func TestOpenStoreURLs(t *testing.T) {
	tests := []struct {
		url, wantErr string
	}{
		{"file://" + t.TempDir(), ""},
		{"file://host/dir", "no host"},
		{"s3:///prefix", "no bucket"},
		{"gs://bucket/x", "unknown scheme"},
		{"::", "missing protocol scheme"},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			_, err := Open(t.Context(), tt.url, Config{})
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Open(%q) = %v, want %q", tt.url, err, tt.wantErr)
			}
		})
	}
}
