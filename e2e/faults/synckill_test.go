package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
)

// killBatch is the number of new schemas each bundle of TestSyncKilled
// adds, three versions each: a publish writes about a thousand keys in a
// dozen transactions, and a kill lands in the middle of them.
const killBatch = 120

// killsPerBundle is how many syncs of one bundle may be killed before one
// is let finish: the second starts from what the first left half written,
// so it is killed sooner.
const killsPerBundle = 2

// TestSyncKilled runs "schemareg sync" as a process and SIGKILLs it at
// random moments of large publishes: 50 kills (500 with -faults.long).
// After each kill etcd must publish a whole generation, the old bundle's or
// the new one's, every key it leads to in place with the bytes the bundle
// has; every version published before keeps its bytes; and the next sync
// must finish and publish the new bundle.
//
// Three kills in four wait for the publish's first write to etcd (seen
// through a watch), then a random part of the time a whole publish's
// writes take, so that they land among its transactions; the others come
// at a random moment from the process's start. Only real kills count: a
// sync that finishes before its kill is checked too, and tried again.
func TestSyncKilled(t *testing.T) {
	skipShort(t)
	rnd := newRand(t)
	srv := etcdtest.Start(t)
	cli := srv.Client(t)
	keys := etcdstore.Keys{Prefix: "/faults"}
	args := []string{"sync", "--etcd", strings.Join(srv.Endpoints(), ","), "--prefix", keys.Prefix,
		"--keep-generations", "3", "--log-format", "json", "--force"} // each bundle lacks the batch before it

	// Every bundle holds the core schemas, whose versions never change, and
	// a batch of new schemas of its own: each publish writes a new batch.
	// The next bundle is built while the kills of one run.
	core := group{prefix: "core", n: 40, versions: fixed(3), arrow: true}
	bundles := prepareBundles(t, func(k int) (*bundle.Bundle, error) {
		return buildBundle(k+1, core, group{prefix: fmt.Sprintf("b%03d", k), n: killBatch, versions: fixed(3), pad: 400})
	})

	// The first publish, whole, measures how long one takes.
	prev := <-bundles
	m := watchWrites(t, cli, keys)
	p := start(t, nil, append(slices.Clip(args), "--bundle", prev.dir)...)
	if code := p.Wait(t, 2*time.Minute); code != 0 {
		t.Fatalf("first sync: exit %d\n%s", code, p.Output())
	}
	full := p.Took()
	writing := m.duration(full)
	checkEtcd(t, cli, keys, prev.b)
	t.Logf("a whole sync takes %s, its writes %s", full.Round(time.Millisecond), writing.Round(time.Millisecond))

	// The windows of kill moments of a bundle's first sync and of the one
	// that resumes what it left.
	var fromStart, fromWrite [killsPerBundle]killWindow
	for j := range killsPerBundle {
		fromStart[j], fromWrite[j] = newKillWindow(full), newKillWindow(writing/time.Duration(1+3*j))
	}
	kills := rounds(50)
	outcome := map[string]int{}
	for kills > 0 {
		next := <-bundles
		if next.b == nil {
			t.Fatal("building the bundles failed")
		}
		args := append(slices.Clip(args), "--bundle", next.dir)
		got := prev.b
		for j := 0; j < killsPerBundle && kills > 0 && got == prev.b; j++ {
			what := killSync(t, rnd, cli, keys, args, &fromStart[j], &fromWrite[j])
			outcome[what]++
			if what != finished {
				kills--
			}
			got = checkEtcd(t, cli, keys, prev.b, next.b)
			if what == killedBeforeWrites && got != prev.b {
				t.Fatalf("%s: a sync killed before it wrote anything switched to %s", next.dir, short(got.Manifest.Generation))
			}
		}
		if out, stderr, code := schemareg(t, nil, args...); code != 0 {
			t.Fatalf("%s: the sync after the kills: exit %d\n%s%s", next.dir, code, out, stderr)
		}
		// The next kill's check, or the last one, reads it whole.
		if err := checkIndex(t.Context(), cli, keys, next.b); err != nil {
			t.Fatalf("%s: after a whole sync: %v", next.dir, err)
		}
		os.RemoveAll(prev.dir)
		prev = next
	}
	checkEtcd(t, cli, keys, prev.b)
	t.Logf("where the kills landed: %v", outcome)
	if outcome[killedMidPublish] == 0 {
		t.Errorf("no kill landed in the middle of a publish (%v): the test proves nothing; make the bundles larger", outcome)
	}
}

// prepared is a bundle written to a plain folder.
type prepared struct {
	b   *bundle.Bundle
	dir string
}

// prepareBundles builds bundle 0, 1, ... with build and writes each to its
// own folder, one ahead of the reader, until the test ends. A failure is
// reported on the test and sent as a nil bundle.
func prepareBundles(t *testing.T, build func(k int) (*bundle.Bundle, error)) <-chan prepared {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	work := t.TempDir()
	out := make(chan prepared, 1)
	done := make(chan struct{})
	t.Cleanup(func() {
		cancel()
		<-done
	})
	go func() {
		defer close(done)
		for k := 0; ; k++ {
			p := prepared{dir: filepath.Join(work, fmt.Sprintf("b%03d", k))}
			b, err := build(k)
			if err == nil {
				err = layoutPlain(p.dir, b)
			}
			if err != nil {
				t.Errorf("bundle %d: %v", k, err)
			} else {
				p.b = b
			}
			select {
			case out <- p:
			case <-ctx.Done():
				return
			}
			if err != nil {
				return
			}
		}
	}()
	return out
}

// Where a kill landed.
const (
	finished           = "finished before the kill"
	killedBeforeWrites = "killed before its first write"
	killedMidPublish   = "killed mid-publish"
	killedAfterSwitch  = "killed after the switch"
)

// killSync starts a sync and SIGKILLs it at a moment drawn by killDrawn,
// and returns where the kill landed.
func killSync(t *testing.T, rnd *rand.Rand, cli *clientv3.Client, keys etcdstore.Keys, args []string, fromStart, fromWrite *killWindow) string {
	t.Helper()
	m := watchWrites(t, cli, keys)
	defer m.stop()
	p := start(t, nil, args...)
	if !killDrawn(t, rnd, p, m.first, func() time.Time { return m.firstAt }, fromStart, fromWrite) {
		return finished
	}
	// Let the watch deliver what the sync wrote before it died.
	m.settle(t, cli)
	switch {
	case !closed(m.first):
		return killedBeforeWrites
	case !closed(m.switched):
		return killedMidPublish
	}
	return killedAfterSwitch
}

// killDrawn SIGKILLs p at a random moment and reports whether the kill came
// before p exited. One kill in four comes at a moment drawn in fromStart;
// the others wait until first is closed, at p's first write, then a moment
// drawn in fromWrite. firstAt tells when first was closed. A process that
// exits before its kill must exit 0, and shortens the window its moment was
// drawn in; a kill widens it.
func killDrawn(t *testing.T, rnd *rand.Rand, p *process, first <-chan struct{}, firstAt func() time.Time, fromStart, fromWrite *killWindow) bool {
	t.Helper()
	window := fromStart
	if rnd.IntN(4) == 0 {
		sleepOrExit(p, fromStart.draw(rnd))
	} else {
		select {
		case <-first:
			window = fromWrite
			sleepOrExit(p, fromWrite.draw(rnd))
		case <-p.Done():
		case <-time.After(3 * time.Minute):
			t.Fatalf("%s wrote nothing in 3 minutes:\n%s", p.Cmd, p.Output())
		}
	}
	if !p.Kill() {
		if code := p.Cmd.ProcessState.ExitCode(); code != 0 {
			t.Fatalf("%s exited %d before it was killed:\n%s", p.Cmd, code, p.Output())
		}
		if window == fromWrite {
			fromWrite.shorten(p.Ended().Sub(firstAt()))
		} else {
			fromStart.shorten(p.Took())
		}
		return false
	}
	window.widen()
	return true
}

func randDuration(rnd *rand.Rand, d time.Duration) time.Duration {
	return time.Duration(rnd.Int64N(int64(d) + 1))
}

// killWindow is the part of a process's life in which a kill moment is
// drawn: at first how long a whole run took, and a tenth more. Runs get
// quicker once caches are warm: one that finishes before its kill shortens
// the window to its own length; each kill widens it back a little, up to
// where it started.
type killWindow struct{ d, max time.Duration }

func newKillWindow(d time.Duration) killWindow { return killWindow{d, d} }

func (w *killWindow) draw(rnd *rand.Rand) time.Duration { return randDuration(rnd, w.d+w.d/10) }

// shorten notes a run that ended by itself after d.
func (w *killWindow) shorten(d time.Duration) { w.d = min(d, w.max) }

// widen notes a run that was killed.
func (w *killWindow) widen() { w.d = min(w.d+w.d/10, w.max) }

// sleepOrExit waits d, or until the process exits.
func sleepOrExit(p *process, d time.Duration) {
	select {
	case <-time.After(d):
	case <-p.Done():
	}
}

// writeMonitor watches a registry's keys from the current revision: first
// closes at the first write, switched when the generation key is written.
type writeMonitor struct {
	first, switched chan struct{}
	from            int64
	last            atomic.Int64 // the mod revision of the last event delivered
	firstAt, lastAt time.Time    // of the first and last events; read after stop
	cancel          context.CancelFunc
	done            chan struct{}
}

func watchWrites(t *testing.T, cli *clientv3.Client, keys etcdstore.Keys) *writeMonitor {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	m := &writeMonitor{first: make(chan struct{}), switched: make(chan struct{}), from: revision(t, cli),
		cancel: cancel, done: make(chan struct{})}
	wch := cli.Watch(clientv3.WithRequireLeader(ctx), keys.Prefix+"/", clientv3.WithPrefix(), clientv3.WithRev(m.from+1))
	go func() {
		defer close(m.done)
		for resp := range wch {
			for _, ev := range resp.Events {
				now := time.Now()
				if m.firstAt.IsZero() {
					m.firstAt = now
					close(m.first)
				}
				m.lastAt = now
				if string(ev.Kv.Key) == keys.Generation() && !closed(m.switched) {
					close(m.switched)
				}
				m.last.Store(max(m.last.Load(), ev.Kv.ModRevision))
			}
		}
	}()
	return m
}

// closed reports whether ch is closed.
func closed(ch <-chan struct{}) bool {
	select {
	case <-ch:
		return true
	default:
		return false
	}
}

// settle waits until the watch has delivered every write up to etcd's
// current revision: nothing else writes while it runs.
func (m *writeMonitor) settle(t *testing.T, cli *clientv3.Client) {
	t.Helper()
	want := revision(t, cli)
	if want <= m.from {
		return
	}
	waitFor(t, 30*time.Second, fmt.Sprintf("the watch delivering revision %d", want), func() bool {
		return m.last.Load() >= want
	})
}

// duration returns how long the writes took, from the first event to the
// last; full when none was seen.
func (m *writeMonitor) duration(full time.Duration) time.Duration {
	m.stop()
	if m.firstAt.IsZero() {
		return full
	}
	return m.lastAt.Sub(m.firstAt)
}

func (m *writeMonitor) stop() {
	m.cancel()
	<-m.done
}
