package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/syncer"
)

// TestSyncMetricsAddrRefused checks a bad or taken --metrics-addr stops
// the syncer at start with a usage error naming it.
func TestSyncMetricsAddrRefused(t *testing.T) {
	srv := etcdtest.Start(t)
	environ := map[string]string{"SCHEMAREG_ETCD": strings.Join(srv.Endpoints(), ",")}
	dir := filepath.Join(t.TempDir(), "bundle")
	writeBundle(t, dir, 1)
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer taken.Close()
	for _, addr := range []string{"not an address", taken.Addr().String(), "127.0.0.1:99999"} {
		stdout, stderr, code := runCmd(t, environ, "sync", "--watch", "--bundle", dir, "--metrics-addr", addr)
		if code != exitUsage || !strings.Contains(stderr, "metrics address") {
			t.Errorf("--metrics-addr %q: exit %d, want %d naming the metrics address\n%s%s", addr, code, exitUsage, stdout, stderr)
		}
	}
}

// TestSyncMetricsObserve checks each kind of attempt lands in its counter.
func TestSyncMetricsObserve(t *testing.T) {
	m := newSyncMetrics()
	m.observe(syncer.Attempt{Result: &syncer.Result{}, Publish: 2 * time.Second})
	m.observe(syncer.Attempt{Err: net.ErrClosed, Publish: 50 * time.Millisecond})
	m.observe(syncer.Attempt{Err: net.ErrClosed})
	m.observe(syncer.Attempt{})
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, mf := range mfs {
		if mf.GetName() == "schemareg_syncer_publish_duration_seconds" {
			// Two attempts reached etcd: 2.05 s in all.
			h := mf.GetMetric()[0].GetHistogram()
			if h.GetSampleCount() != 2 || h.GetSampleSum() < 2.049 || h.GetSampleSum() > 2.051 {
				t.Errorf("publish duration: %d samples, sum %v; want 2 and 2.05", h.GetSampleCount(), h.GetSampleSum())
			}
		}
		if mf.GetName() != "schemareg_syncer_publishes_total" {
			continue
		}
		for _, metric := range mf.GetMetric() {
			got[metric.GetLabel()[0].GetValue()] = metric.GetCounter().GetValue()
		}
	}
	want := map[string]float64{"published": 1, "failed": 2, "unchanged": 1}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("publishes_total{result=%q} = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
}
