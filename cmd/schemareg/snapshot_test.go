package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/bundle/etcdread"
	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/syncer"
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
	x, _, err := etcdread.LoadGeneration(t.Context(), etcdtest.NewClient(t, srv.Endpoints()), bundle.Keys{Prefix: prefix})
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

// TestSnapshotPushesMetrics: with --pushgateway, a snapshot pushes its
// size, duration and time under the snapshot job; a failed one only its
// failure time, so the last success stays; a Pushgateway that is down
// leaves the snapshot standing. The Pushgateway is a recording stand-in
// that parses what it is sent as Prometheus' text format.
func TestSnapshotPushesMetrics(t *testing.T) {
	srv := etcdtest.Start(t)
	gw, recorded := pushgateway(t)
	environ := map[string]string{"SCHEMAREG_ETCD": strings.Join(srv.Endpoints(), ",")}
	to := "file://" + t.TempDir()
	stdout, stderr, code := runCmd(t, environ, "snapshot", "--to", to, "--pushgateway", gw.URL)
	if code != 0 {
		t.Fatalf("snapshot: exit %d\n%s%s", code, stdout, stderr)
	}
	got := recorded()
	if len(got) != 1 || got[0].method != http.MethodPost || got[0].path != "/metrics/job/schemareg_snapshot" {
		t.Fatalf("pushes %+v; want one POST to /metrics/job/schemareg_snapshot", got)
	}
	m := got[0].metrics
	entries, _ := os.ReadDir(strings.TrimPrefix(to, "file://"))
	var size int64
	for _, en := range entries {
		if strings.HasSuffix(en.Name(), ".db") {
			info, _ := en.Info()
			size = info.Size()
		}
	}
	if m["schemareg_snapshot_size_bytes"] != float64(size) || size == 0 || m["schemareg_snapshot_last_success_timestamp_seconds"] <= 0 ||
		m["schemareg_snapshot_duration_seconds"] <= 0 {
		t.Errorf("pushed %v; want the size %d, a time and a duration", m, size)
	}
	if _, ok := m["schemareg_snapshot_last_failure_timestamp_seconds"]; ok {
		t.Error("a success pushed a failure time")
	}

	// A Pushgateway that is down leaves the snapshot standing, with a warning.
	down := httptest.NewServer(http.NotFoundHandler())
	down.Close()
	stdout, stderr, code = runCmd(t, environ, "snapshot", "--to", to, "--pushgateway", down.URL)
	if code != 0 || !strings.Contains(stdout, "stored etcd-") || !strings.Contains(stderr, "snapshot metrics not pushed") {
		t.Errorf("snapshot with the Pushgateway down: exit %d\n%s%s", code, stdout, stderr)
	}
	if _, _, code := runCmd(t, environ, "snapshot", "--to", to, "--pushgateway", "ftp://x"); code != exitUsage {
		t.Errorf("--pushgateway ftp://x: exit %d, want %d", code, exitUsage)
	}
}

// A failed snapshot pushes its failure time only: the last success stays.
func TestSnapshotFailurePushesItsTimeOnly(t *testing.T) {
	gw, recorded := pushgateway(t)
	m, err := newSnapMetrics(gw.URL)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.push(t.Context(), syncer.SnapshotInfo{}, errors.New("etcd is down")); err != nil {
		t.Fatal(err)
	}
	got := recorded()
	if len(got) != 1 || len(got[0].metrics) != 1 || got[0].metrics["schemareg_snapshot_last_failure_timestamp_seconds"] <= 0 || got[0].method != http.MethodPost {
		t.Errorf("pushes %+v; want one POST of the failure time alone", got)
	}
}

// gatewayPush is one push a recording Pushgateway received.
type gatewayPush struct {
	method, path string
	metrics      map[string]float64
}

// pushgateway is a stand-in Pushgateway that decodes what it is sent in
// Prometheus' exposition formats and records it.
func pushgateway(t *testing.T) (*httptest.Server, func() []gatewayPush) {
	t.Helper()
	var mu sync.Mutex
	var pushes []gatewayPush
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := gatewayPush{method: r.Method, path: r.URL.Path, metrics: map[string]float64{}}
		dec := expfmt.NewDecoder(r.Body, expfmt.ResponseFormat(r.Header))
		for {
			var mf dto.MetricFamily
			if err := dec.Decode(&mf); err != nil {
				break
			}
			if ms := mf.GetMetric(); len(ms) > 0 {
				p.metrics[mf.GetName()] = ms[0].GetGauge().GetValue()
			}
		}
		mu.Lock()
		pushes = append(pushes, p)
		mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	}))
	t.Cleanup(gw.Close)
	return gw, func() []gatewayPush {
		mu.Lock()
		defer mu.Unlock()
		return append([]gatewayPush(nil), pushes...)
	}
}
