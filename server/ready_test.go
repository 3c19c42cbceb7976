package server

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// TestReadyNoticesWipedEtcd: once etcd loses the registry, /ready stops
// saying ready, says why, and recovers when a bundle is published again.
func TestReadyNoticesWipedEtcd(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	status := func() (int, api.Status) {
		r := ts.get(t, "/ready")
		var st api.Status
		if err := json.Unmarshal(r.body, &st); err != nil {
			t.Fatalf("/ready body %s: %v", r.body, err)
		}
		return r.StatusCode, st
	}
	eventually(t, 10*time.Second, "/ready says ready", func() bool { c, _ := status(); return c == http.StatusOK })

	if _, err := h.cli.Delete(t.Context(), etcdstore.DefaultPrefix, clientv3.WithPrefix()); err != nil {
		t.Fatal(err)
	}
	eventually(t, 10*time.Second, "/ready notices the wipe", func() bool { c, _ := status(); return c == http.StatusServiceUnavailable })
	_, st := status()
	if st.Status != "unpublished" || !strings.Contains(st.Problem, "schemareg sync") || st.Etcd.Status != "ok" {
		t.Errorf("/ready after the wipe: %+v; want unpublished, a hint to sync, etcd ok", st)
	}
	// The reads /ready now warns of.
	ts.get(t, "/schema/ticks_v1/1.0.0").wantError(t, http.StatusInternalServerError, "corrupt")

	h.publish()
	eventually(t, 10*time.Second, "/ready recovers after a publish", func() bool { c, _ := status(); return c == http.StatusOK })
}
