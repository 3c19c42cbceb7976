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

// racingBundles returns two bundles that disagree on every schema they
// share (its latest version, its version list) and each have schemas the
// other lacks, and that agree on the bytes of every version they share:
// either may be published over the other, and a response that mixes them
// shows.
func racingBundles(t *testing.T) (a, b *bundle.Bundle) {
	t.Helper()
	return makeBundle(t, 1, racingGroups(0)...), makeBundle(t, 2, racingGroups(1)...)
}

// racingGroups are the groups of bundle A (0) or B (1): 150 shared schemas
// with 2 to 4 versions, shifted by one between the two, and 30 of its own.
func racingGroups(which int) []group {
	return []group{
		{prefix: "s", n: 150, versions: func(i int) int { return 2 + (i+which)%3 }, arrow: true},
		{prefix: string(rune('a' + which)), n: 30, versions: fixed(2)},
	}
}

// TestRacingSyncers runs two loops of "schemareg sync" processes, one
// publishing bundle A and the other bundle B, many rounds each (200 with
// -faults.long), while readers run the whole time: one reads etcd as a
// server does and checks every generation it finds whole; others read the
// REST API of a "schemareg serve" process and check every response against
// the generation it names in X-Schemareg-Generation. No reader may ever see
// a mix of A and B; the syncers may lose a race but never fail otherwise;
// the final state is exactly A or B, and the server serves it.
func TestRacingSyncers(t *testing.T) {
	skipShort(t)
	rnd := newRand(t)
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	keys := etcdstore.Keys{Prefix: etcdstore.DefaultPrefix}
	endpoints := strings.Join(srv.Endpoints(), ",")
	a, b := racingBundles(t)
	byGen := map[string]*bundle.Bundle{a.Manifest.Generation: a, b.Manifest.Generation: b}
	dirs := []string{writePlain(t, t.TempDir(), a), writePlain(t, t.TempDir(), b)}

	// Something is published before the server starts: it is ready at once.
	mustRun(t, nil, "sync", "--bundle", dirs[0], "--etcd", endpoints)
	_, base := startServe(t, srv.Endpoints())
	waitFor(t, 30*time.Second, "serve ready", func() bool { return get(t.Context(), base+"/ready").Status == http.StatusOK })

	ctx, stop := context.WithCancel(t.Context())
	defer stop()
	var readers sync.WaitGroup
	var etcdReads, etcdReadsB, httpReads atomic.Int64
	readers.Add(1)
	go func() {
		defer readers.Done()
		for ctx.Err() == nil {
			got, err := verifyEtcd(ctx, cli, keys, a, b)
			if ctx.Err() != nil {
				return
			}
			if err != nil {
				t.Errorf("etcd reader: %v", err)
				return
			}
			etcdReads.Add(1)
			if got == b {
				etcdReadsB.Add(1)
			}
		}
	}()
	for r := 0; r < 2; r++ {
		readers.Add(1)
		rr := rand.New(rand.NewPCG(rnd.Uint64(), rnd.Uint64()))
		go func() {
			defer readers.Done()
			for ctx.Err() == nil {
				err := readOnce(ctx, rr, base, byGen)
				if ctx.Err() != nil {
					return
				}
				if err != nil {
					t.Errorf("HTTP reader: %v", err)
					return
				}
				httpReads.Add(1)
			}
		}()
	}

	n := rounds(20)
	var syncers sync.WaitGroup
	var published, lost, restarts [2]atomic.Int64
	for i, dir := range dirs {
		syncers.Add(1)
		go func() {
			defer syncers.Done()
			for round := 0; round < n && !t.Failed(); round++ {
				// Each bundle lacks schemas of the other: --force, or the
				// second to publish would be refused for dropping them.
				stdout, stderr, code, err := runBinary(t.Context(), nil, "sync", "--bundle", dir, "--etcd", endpoints, "--log-format", "json", "--force")
				if err != nil {
					t.Error(err)
					return
				}
				restarts[i].Add(int64(strings.Count(stderr, "generation changed during sync, starting over")))
				switch {
				case code == 0 && strings.HasPrefix(stdout, "published"):
					published[i].Add(1)
				case code == 0:
				case code == 1 && strings.Contains(stderr, "generation changed during sync"):
					lost[i].Add(1) // lost the race five times in a row: allowed
				default:
					t.Errorf("sync of bundle %d, round %d: exit %d\n%s%s", i, round, code, stdout, stderr)
					return
				}
			}
		}()
	}
	syncers.Wait()
	// The readers go on a moment after the last switch.
	time.Sleep(500 * time.Millisecond)
	stop()
	readers.Wait()

	final := checkEtcd(t, cli, keys, a, b)
	waitFor(t, 30*time.Second, "the server serving the final generation", func() bool {
		r := get(t.Context(), base+"/schemas")
		return r.Status == http.StatusOK && r.Header.Get(server.HeaderGeneration) == final.Manifest.Generation
	})
	if err := readOnce(t.Context(), rnd, base, map[string]*bundle.Bundle{final.Manifest.Generation: final}); err != nil {
		t.Error(err)
	}
	switches := generationVersion(t, cli, keys)
	t.Logf("%d rounds each: published A %d times, B %d times; started over after a lost race %d+%d times, gave up %d+%d times; the generation key moved %d times; %d etcd reads and %d HTTP reads checked; final %s",
		n, published[0].Load(), published[1].Load(), restarts[0].Load(), restarts[1].Load(), lost[0].Load(), lost[1].Load(),
		switches, etcdReads.Load(), httpReads.Load(), short(final.Manifest.Generation))
	t.Logf("the etcd reader found B in %d of its %d reads", etcdReadsB.Load(), etcdReads.Load())
	if published[0].Load()+published[1].Load() < 2 {
		t.Errorf("the syncers published %d times in all: they did not race", published[0].Load()+published[1].Load())
	}
	if etcdReads.Load() == 0 || httpReads.Load() == 0 {
		t.Errorf("the readers checked nothing")
	}
}

// generationVersion returns how many times the generation key was written.
func generationVersion(t *testing.T, kv clientv3.KV, keys etcdstore.Keys) int64 {
	t.Helper()
	resp, err := kv.Get(t.Context(), keys.Generation())
	if err != nil || len(resp.Kvs) == 0 {
		t.Fatalf("get %s: %v", keys.Generation(), err)
	}
	return resp.Kvs[0].Version
}

// readOnce makes one random read of the REST API and checks the response
// against the bundle of the generation it names, which must be one of
// byGen: the list of schemas, a version list, a latest version, or a
// version by number (the same bytes and ETag in every bundle that has it).
func readOnce(ctx context.Context, rnd *rand.Rand, base string, byGen map[string]*bundle.Bundle) error {
	var any *bundle.Bundle
	for _, b := range byGen {
		any = b
		break
	}
	s := &any.Manifest.Schemas[rnd.IntN(len(any.Manifest.Schemas))]
	var path string
	switch rnd.IntN(4) {
	case 0:
		path = "/schemas"
	case 1:
		path = "/schema/" + s.ID + "/versions"
	case 2:
		path = "/schema/" + s.ID
	default:
		path = "/schema/" + s.ID + "/" + s.Versions[rnd.IntN(len(s.Versions))].Version
	}
	r := get(ctx, base+path)
	if r.Err != nil {
		return fmt.Errorf("GET %s: %w", path, r.Err)
	}
	if r.Status == http.StatusNotFound {
		// A schema or version one bundle lacks: fine while another is published.
		for _, b := range byGen {
			if !has(b, path) {
				return nil
			}
		}
	}
	if r.Status != http.StatusOK {
		return fmt.Errorf("GET %s: %d %s", path, r.Status, r.Body)
	}
	gen := r.Header.Get(server.HeaderGeneration)
	b := byGen[gen]
	if b == nil {
		return fmt.Errorf("GET %s: answered from generation %q, not one of the bundles", path, gen)
	}
	if err := checkResponse(path, r, b); err != nil {
		return fmt.Errorf("GET %s from generation %s: %w", path, short(gen), err)
	}
	return nil
}

// has reports whether b has what a read path names.
func has(b *bundle.Bundle, path string) bool {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	switch {
	case len(parts) < 2:
		return true
	case len(parts) == 3 && parts[2] != "versions":
		_, ok := versionOf(b, parts[1], parts[2])
		return ok
	}
	_, ok := b.Manifest.Schema(parts[1])
	return ok
}

// checkResponse checks a 200 response of a read route against the bundle it
// claims to come from.
func checkResponse(path string, r response, b *bundle.Bundle) error {
	parts := strings.Split(strings.TrimPrefix(path, "/"), "/")
	etag := strings.Trim(r.Header.Get("ETag"), `"`)
	switch {
	case path == "/schemas":
		var l api.SchemaList
		if err := json.Unmarshal(r.Body, &l); err != nil {
			return err
		}
		if len(l.Schemas) != len(b.Manifest.Schemas) {
			return fmt.Errorf("%d schemas listed, the bundle has %d", len(l.Schemas), len(b.Manifest.Schemas))
		}
		for i, e := range l.Schemas {
			s := &b.Manifest.Schemas[i]
			want := api.SchemaEntry{ID: s.ID, Latest: s.Latest, Digest: latestOf(s).Digest, Title: s.Title,
				Description: s.Description, Deprecated: s.Deprecated, Compatibility: s.Compatibility}
			if e != want {
				return fmt.Errorf("entry %+v, the bundle says %+v", e, want)
			}
		}
	case len(parts) == 3 && parts[2] == "versions":
		s, ok := b.Manifest.Schema(parts[1])
		if !ok {
			return fmt.Errorf("the bundle has no schema %s", parts[1])
		}
		var l api.VersionList
		if err := json.Unmarshal(r.Body, &l); err != nil {
			return err
		}
		if l.ID != s.ID || len(l.Versions) != len(s.Versions) {
			return fmt.Errorf("%s with %d versions, the bundle has %d", l.ID, len(l.Versions), len(s.Versions))
		}
		for i, v := range l.Versions {
			if v.Version != s.Versions[i].Version || v.Digest != s.Versions[i].Digest {
				return fmt.Errorf("version %s %s, the bundle has %s %s", v.Version, v.Digest, s.Versions[i].Version, s.Versions[i].Digest)
			}
		}
	case len(parts) == 2:
		s, ok := b.Manifest.Schema(parts[1])
		if !ok {
			return fmt.Errorf("the bundle has no schema %s", parts[1])
		}
		if want := latestOf(s).Digest; etag != want || bundle.Digest(r.Body) != want {
			return fmt.Errorf("latest: ETag %s, body %s; the bundle's latest %s is %s", etag, bundle.Digest(r.Body), s.Latest, want)
		}
	case len(parts) == 3:
		v, ok := versionOf(b, parts[1], parts[2])
		if !ok {
			return fmt.Errorf("the bundle has no %s %s", parts[1], parts[2])
		}
		if etag != v.Digest || bundle.Digest(r.Body) != v.Digest {
			return fmt.Errorf("ETag %s, body %s; the version is %s", etag, bundle.Digest(r.Body), v.Digest)
		}
	}
	return nil
}
