package faults

import (
	"bytes"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server"
)

// TestVersionsNeverChange reads every version of a first bundle by number
// from one "schemareg serve" replica, then publishes later bundles, tries
// to publish one whose versions have other bytes (with and without
// --force) and one that lacks published versions, restarts a replica and restores etcd from a snapshot under a
// third one: every version must keep its bytes and its ETag on every
// replica, and the altered bundle must be refused without a trace.
func TestVersionsNeverChange(t *testing.T) {
	skipShort(t)
	t.Parallel()
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	endpoints := strings.Join(srv.Endpoints(), ",")
	keys := etcdstore.Keys{Prefix: etcdstore.DefaultPrefix}
	lineage := func(n, pad int) *bundle.Bundle {
		return makeBundle(t, n, group{prefix: "v", n: 20, versions: fixed(n), arrow: true, pad: pad})
	}
	first := lineage(2, 0)
	publish := func(b *bundle.Bundle, args ...string) (string, int) {
		_, stderr, code := schemareg(t, nil, append([]string{"sync", "--bundle", writePlain(t, t.TempDir(), b), "--etcd", endpoints}, args...)...)
		return stderr, code
	}
	if stderr, code := publish(first); code != 0 {
		t.Fatalf("sync: exit %d\n%s", code, stderr)
	}
	_, replica1 := startServe(t, srv.Endpoints())
	ready := func(base string) {
		waitFor(t, 30*time.Second, "serve ready", func() bool { return get(t.Context(), base+"/ready").Status == http.StatusOK })
	}
	ready(replica1)

	// What a client reads of every version, the first time.
	type answer struct {
		etag string
		body []byte
	}
	seen := map[string]answer{}
	var paths []string
	for _, s := range first.Manifest.Schemas {
		for _, v := range s.Versions {
			for _, path := range []string{"/schema/" + s.ID + "/" + v.Version, "/schema/" + s.ID + "/" + v.Version + "/arrow"} {
				r := get(t.Context(), replica1+path)
				if r.Status != http.StatusOK {
					t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
				}
				seen[path] = answer{r.Header.Get("ETag"), r.Body}
				paths = append(paths, path)
			}
		}
	}
	same := func(base, when string) {
		t.Helper()
		for _, path := range paths {
			r := get(t.Context(), base+path)
			if r.Status != http.StatusOK || r.Header.Get("ETag") != seen[path].etag || !bytes.Equal(r.Body, seen[path].body) {
				t.Fatalf("%s: GET %s: %d, ETag %s, %d bytes; first read: ETag %s, %d bytes",
					when, path, r.Status, r.Header.Get("ETag"), len(r.Body), seen[path].etag, len(seen[path].body))
			}
		}
	}

	// Later bundles of the same history add versions.
	later := lineage(4, 0)
	for _, b := range []*bundle.Bundle{lineage(3, 0), later} {
		if stderr, code := publish(b); code != 0 {
			t.Fatalf("sync: exit %d\n%s", code, stderr)
		}
	}
	waitFor(t, 30*time.Second, "the later bundle served", func() bool {
		return get(t.Context(), replica1+"/schemas").Header.Get(server.HeaderGeneration) == later.Manifest.Generation
	})
	same(replica1, "after two more bundles")

	// A bundle that says the same versions have other bytes is refused,
	// --force or not, and changes nothing.
	altered := lineage(5, 90)
	for _, force := range [][]string{nil, {"--force"}} {
		stderr, code := publish(altered, force...)
		if code != 2 || !strings.Contains(stderr, "published version mutated") {
			t.Fatalf("sync %v of altered versions: exit %d, want 2 and a refusal\n%s", force, code, stderr)
		}
	}
	checkEtcd(t, cli, keys, later)
	same(replica1, "after the altered bundle")

	// A bundle that adds a schema but lacks the last version of the others
	// (a rewritten history) is refused too, naming what it lacks.
	dropping := makeBundle(t, 6, group{prefix: "v", n: 20, versions: fixed(3), arrow: true}, group{prefix: "w", n: 1, versions: fixed(1)})
	if stderr, code := publish(dropping); code != 2 || !strings.Contains(stderr, "lacks v0000 1.3.0") {
		t.Fatalf("sync of a bundle lacking published versions: exit %d, want 2 and a refusal naming them\n%s", code, stderr)
	}
	checkEtcd(t, cli, keys, later)
	same(replica1, "after the bundle lacking versions")

	// Another replica, started now, answers the same.
	_, replica2 := startServe(t, srv.Endpoints())
	ready(replica2)
	same(replica2, "on a second replica")

	// And a replica on etcd restored from a snapshot.
	store := t.TempDir()
	mustRun(t, nil, "snapshot", "--etcd", endpoints, "--to", "file://"+store)
	data, peer := filepath.Join(t.TempDir(), "data"), freePeer(t)
	mustRun(t, nil, "restore", "--from", "file://"+store, "--data-dir", data, "--initial-advertise-peer-urls", peer)
	restored, err := etcdembed.Start(etcdembed.Config{Dir: data, PeerURL: peer, NoFsync: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(restored.Close)
	_, replica3 := startServe(t, restored.Endpoints())
	ready(replica3)
	same(replica3, "on a replica of the restored etcd")
	t.Logf("%d versions and Arrow schemas read alike on three replicas, across three bundles, a refused one and a restore", len(paths))
}
