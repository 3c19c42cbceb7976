package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server"
)

// TestEtcdMemberLoss runs a 3-member etcd cluster under a "schemareg
// serve" process and loses members:
//
//   - the leader stops in the middle of a sync, while readers read: the
//     sync finishes and publishes its bundle whole, every read answers 200
//     with a response of one generation, and the server moves to the new one;
//   - a second member stops, and etcd loses its quorum: the server answers
//     what it has cached with the same bytes and ETags, answers a read it has
//     not cached 503 with the JSON error, and /ready says 503 "degraded";
//   - both come back: /ready is 200 again and the uncached read answers,
//     without a restart of the server.
func TestEtcdMemberLoss(t *testing.T) {
	skipShort(t)
	t.Parallel()
	rnd := newRand(t)
	cluster := etcdtest.StartCluster(t, 3)
	cli := cluster.Client(t)
	etcdtest.WaitReady(t, cli)
	keys := etcdstore.Keys{Prefix: etcdstore.DefaultPrefix}
	endpoints := strings.Join(cluster.Endpoints(), ",")
	a, b := racingBundles(t)
	byGen := map[string]*bundle.Bundle{a.Manifest.Generation: a, b.Manifest.Generation: b}
	dirA, dirB := writePlain(t, t.TempDir(), a), writePlain(t, t.TempDir(), b)
	mustRun(t, nil, "sync", "--bundle", dirA, "--etcd", endpoints)
	_, base := startServe(t, cluster.Endpoints()) // the default call timeout: reads wait out an election
	waitFor(t, 30*time.Second, "serve ready", func() bool { return get(t.Context(), base+"/ready").Status == http.StatusOK })

	// Readers read the shared schemas the whole time; the schemas only B
	// has are left unread, so that one of them is not cached later.
	ctx, stopReaders := context.WithCancel(t.Context())
	defer stopReaders()
	var readers sync.WaitGroup
	var reads atomic.Int64
	var failing atomic.Bool // set while reads may fail: quorum lost
	shared := func(rnd *rand.Rand) string {
		return fmt.Sprintf("s%04d", rnd.IntN(150))
	}
	for r := 0; r < 2; r++ {
		readers.Add(1)
		rr := rand.New(rand.NewPCG(rnd.Uint64(), rnd.Uint64()))
		go func() {
			defer readers.Done()
			for ctx.Err() == nil {
				err := readShared(ctx, rr, base, byGen, shared(rr))
				if ctx.Err() != nil {
					return
				}
				if err != nil && !failing.Load() {
					t.Errorf("a read with at most one member down: %v", err)
					return
				}
				reads.Add(1)
			}
		}()
	}

	// The leader stops in the middle of a sync of B.
	leader := leaderOf(t, cli, cluster)
	m := watchWrites(t, cli, keys)
	p := start(t, nil, "sync", "--bundle", dirB, "--etcd", endpoints, "--log-format", "json", "--force") // B lacks A's own schemas
	select {
	case <-m.first:
	case <-p.Done():
	case <-time.After(time.Minute):
		t.Fatalf("the sync wrote nothing in a minute:\n%s", p.Output())
	}
	m.stop()
	cluster.Members[leader].Stop()
	t.Logf("stopped the leader, member %d, %s after the sync started", leader, time.Since(p.Started()).Round(time.Millisecond))
	if code := p.Wait(t, 2*time.Minute); code != 0 {
		t.Fatalf("the sync that lost the leader: exit %d\n%s", code, p.Output())
	}
	if got := checkEtcd(t, cli, keys, a, b); got != b {
		t.Fatalf("after the sync that lost the leader, etcd publishes %s, not B", short(got.Manifest.Generation))
	}
	waitFor(t, 30*time.Second, "the server serving B", func() bool {
		r := get(t.Context(), base+"/schemas")
		return r.Status == http.StatusOK && r.Header.Get(server.HeaderGeneration) == b.Manifest.Generation
	})
	before := reads.Load()
	waitFor(t, 30*time.Second, "reads going on with one member down", func() bool { return reads.Load() > before+50 })

	// Cache what the outage will be served from: the list, the version lists
	// and some versions; leave one version of a schema only B has unread.
	cached := []string{"/schemas", "/schema/s0001", "/schema/s0001/versions", "/schema/b0001/1.1.0", "/schema/b0002"}
	etags := map[string]string{}
	for _, path := range cached {
		r := get(t.Context(), base+path)
		if r.Status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", path, r.Status, r.Body)
		}
		etags[path] = r.Header.Get("ETag")
	}
	uncached := "/schema/b0003/1.0.0"

	// A second member stops: no quorum.
	second := (leader + 1) % 3
	failing.Store(true)
	cluster.Members[second].Stop()
	waitFor(t, 30*time.Second, "/ready 503 degraded", func() bool {
		r := get(t.Context(), base+"/ready")
		var st api.Status
		return r.Status == http.StatusServiceUnavailable && json.Unmarshal(r.Body, &st) == nil && st.Status == "degraded"
	})
	for _, path := range cached {
		r := get(t.Context(), base+path)
		if r.Status != http.StatusOK || r.Header.Get("ETag") != etags[path] || r.Header.Get(server.HeaderGeneration) != b.Manifest.Generation {
			t.Errorf("GET %s without quorum: %d, ETag %s, generation %s; want 200 %s from B", path, r.Status, r.Header.Get("ETag"), short(r.Header.Get(server.HeaderGeneration)), etags[path])
		}
		if err := checkResponse(path, r, b); err != nil {
			t.Errorf("GET %s without quorum: %v", path, err)
		}
	}
	wantUnavailable(t, get(t.Context(), base+uncached))

	// Both come back.
	for _, i := range []int{leader, second} {
		cluster.Members[i].Restart(t)
	}
	waitFor(t, time.Minute, "/ready 200 with the members back", func() bool { return get(t.Context(), base+"/ready").Status == http.StatusOK })
	if r := get(t.Context(), base+uncached); r.Status != http.StatusOK || checkResponse(uncached, r, b) != nil {
		t.Errorf("GET %s after the members came back: %d %s", uncached, r.Status, r.Body)
	}
	failing.Store(false)
	before = reads.Load()
	waitFor(t, 30*time.Second, "reads going on after the members came back", func() bool { return reads.Load() > before+50 })
	stopReaders()
	readers.Wait()
	checkEtcd(t, cli, keys, b)
	t.Logf("%d reads checked", reads.Load())
}

// readShared reads one of a shared schema's routes and checks the response
// against the generation it names.
func readShared(ctx context.Context, rnd *rand.Rand, base string, byGen map[string]*bundle.Bundle, id string) error {
	paths := []string{"/schemas", "/schema/" + id, "/schema/" + id + "/versions", "/schema/" + id + "/1.0.0", "/schema/" + id + "/1.1.0"}
	path := paths[rnd.IntN(len(paths))]
	r := get(ctx, base+path)
	if r.Err != nil || r.Status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %v %s", path, r.Status, r.Err, r.Body)
	}
	b := byGen[r.Header.Get(server.HeaderGeneration)]
	if b == nil {
		return fmt.Errorf("GET %s: answered from generation %q, not one of the bundles", path, r.Header.Get(server.HeaderGeneration))
	}
	if err := checkResponse(path, r, b); err != nil {
		return fmt.Errorf("GET %s from generation %s: %w", path, short(b.Manifest.Generation), err)
	}
	return nil
}

// wantUnavailable fails the test unless r is a 503 with the JSON error
// "unavailable" and a Retry-After.
func wantUnavailable(t *testing.T, r response) {
	t.Helper()
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if r.Status != http.StatusServiceUnavailable || json.Unmarshal(r.Body, &body) != nil || body.Error.Code != "unavailable" ||
		r.Header.Get("Content-Type") != "application/json" || r.Header.Get("Retry-After") == "" {
		t.Errorf("got %d %s %q, want 503 with the JSON error \"unavailable\" and Retry-After", r.Status, r.Header.Get("Content-Type"), r.Body)
	}
}

// leaderOf returns the index of the cluster's leader.
func leaderOf(t *testing.T, cli *clientv3.Client, c *etcdtest.Cluster) int {
	t.Helper()
	var leader uint64
	ids := make([]uint64, len(c.Members))
	for i, m := range c.Members {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		st, err := cli.Status(ctx, m.Endpoints()[0])
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		ids[i], leader = st.Header.MemberId, st.Leader
	}
	for i, id := range ids {
		if id == leader {
			return i
		}
	}
	t.Fatalf("no member is the leader %x", leader)
	return 0
}
