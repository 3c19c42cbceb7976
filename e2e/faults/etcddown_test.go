package faults

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server"
)

// TestServeEtcdDownAtStart starts "schemareg serve" while etcd is down: it
// starts, answers /health, says 503 "starting" on /ready, and answers a
// read it cannot make 503 with the JSON error; when etcd comes up it
// becomes ready and answers the published generation, without a restart.
func TestServeEtcdDownAtStart(t *testing.T) {
	skipShort(t)
	t.Parallel()
	srv := etcdtest.Start(t)
	a, _ := racingBundles(t)
	mustRun(t, nil, "sync", "--bundle", writePlain(t, t.TempDir(), a), "--etcd", strings.Join(srv.Endpoints(), ","))
	srv.Stop()

	_, base := startServe(t, srv.Endpoints(), "--call-timeout", "1s")
	r := get(t.Context(), base+"/ready")
	var st api.Status
	if r.Status != http.StatusServiceUnavailable || json.Unmarshal(r.Body, &st) != nil || st.Status != "starting" {
		t.Errorf("/ready with etcd down: %d %s, want 503 starting", r.Status, r.Body)
	}
	for _, path := range []string{"/schemas", "/schema/s0001", "/schema/s0001/versions", "/schema/s0001/1.0.0"} {
		wantUnavailable(t, get(t.Context(), base+path))
	}

	srv.Restart(t)
	waitFor(t, time.Minute, "/ready 200 once etcd is up", func() bool {
		r := get(t.Context(), base+"/ready")
		if r.Status != http.StatusOK && r.Status != http.StatusServiceUnavailable {
			t.Fatalf("/ready: %d %s", r.Status, r.Body)
		}
		return r.Status == http.StatusOK
	})
	for _, path := range []string{"/schemas", "/schema/s0001", "/schema/s0001/versions", "/schema/s0001/1.0.0"} {
		r := get(t.Context(), base+path)
		if r.Status != http.StatusOK || r.Header.Get(server.HeaderGeneration) != a.Manifest.Generation {
			t.Fatalf("GET %s after etcd came up: %d %s", path, r.Status, r.Body)
		}
		if err := checkResponse(path, r, a); err != nil {
			t.Errorf("GET %s: %v", path, err)
		}
	}
}

// hasLogLine reports whether one line of a log holds every one of parts.
func hasLogLine(log string, parts ...string) bool {
	for _, line := range strings.Split(log, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			return true
		}
	}
	return false
}

// TestWatchCompacted cuts a "schemareg serve" process off etcd (a TCP proxy
// drops its connections), publishes a new generation and compacts etcd past
// the server's watch revision, then heals the network: the watch resumes
// at a compacted revision and fails, and the server must list again, watch
// again and serve the new generation; a generation published after that
// is served too.
func TestWatchCompacted(t *testing.T) {
	skipShort(t)
	t.Parallel()
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	endpoints := strings.Join(srv.Endpoints(), ",")
	a, b := racingBundles(t)
	c := makeBundle(t, 3, group{prefix: "c", n: 5, versions: fixed(2)})
	publish := func(b *bundle.Bundle) {
		// The bundles lack each other's schemas.
		mustRun(t, nil, "sync", "--bundle", writePlain(t, t.TempDir(), b), "--etcd", endpoints, "--force")
	}
	publish(a)

	u, err := url.Parse(srv.Endpoints()[0])
	if err != nil {
		t.Fatal(err)
	}
	px := startProxy(t, u.Host)
	serve, base := startServe(t, []string{"http://" + px.Addr()}, "--call-timeout", "1s")
	serving := func(b *bundle.Bundle) func() bool {
		return func() bool {
			r := get(t.Context(), base+"/schemas")
			return r.Status == http.StatusOK && r.Header.Get(server.HeaderGeneration) == b.Manifest.Generation
		}
	}
	waitFor(t, 30*time.Second, "serving A", serving(a))
	// A generation published after the server loaded A is followed only by
	// the watch or by a probe beside it: the watch is open.
	publish(c)
	waitFor(t, 30*time.Second, "serving C", serving(c))

	px.partition()
	waitFor(t, 30*time.Second, "/ready degraded while cut off", func() bool {
		return get(t.Context(), base+"/ready").Status == http.StatusServiceUnavailable
	})
	publish(b)
	rev := revision(t, cli)
	if _, err := cli.Compact(t.Context(), rev); err != nil {
		t.Fatal(err)
	}
	// Served from the cache meanwhile: still C.
	if r := get(t.Context(), base+"/schemas"); r.Status != http.StatusOK || r.Header.Get(server.HeaderGeneration) != c.Manifest.Generation {
		t.Errorf("GET /schemas while cut off: %d from %s, want C from the cache", r.Status, short(r.Header.Get(server.HeaderGeneration)))
	}

	px.heal()
	waitFor(t, time.Minute, "serving B after the compaction", serving(b))
	waitFor(t, 30*time.Second, "/ready 200", func() bool { return get(t.Context(), base+"/ready").Status == http.StatusOK })
	waitFor(t, 30*time.Second, "the lost watch in the log", func() bool {
		return hasLogLine(serve.Output(), "watch lost", "required revision has been compacted")
	})
	for _, path := range []string{"/schemas", "/schema/s0002", "/schema/s0002/versions"} {
		r := get(t.Context(), base+path)
		if err := checkResponse(path, r, b); r.Status != http.StatusOK || err != nil {
			t.Errorf("GET %s after the compaction: %d %v", path, r.Status, err)
		}
	}

	// Watching again: the next generation is served too.
	publish(a)
	waitFor(t, 30*time.Second, "serving A again", serving(a))
}
