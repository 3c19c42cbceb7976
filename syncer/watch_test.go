package syncer

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	clientv3 "go.etcd.io/etcd/client/v3"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/bundletest"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/text"
)

// startWatcher runs a Watcher of dir until the test ends and returns the
// channel of its attempts.
func startWatcher(t *testing.T, cli clientv3.KV, dir string) <-chan Attempt {
	t.Helper()
	attempts := make(chan Attempt, 100)
	w := NewWatcher(dir, New(cli, testLogger(t)), testLogger(t))
	w.Debounce, w.Poll = 20*time.Millisecond, 0
	w.Attempted = func(a Attempt) { attempts <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("watcher: %v", err)
		}
	})
	return attempts
}

// waitAttempt waits for the watcher's next attempt that ok accepts.
func waitAttempt(t *testing.T, attempts <-chan Attempt, what string, ok func(Attempt) bool) Attempt {
	t.Helper()
	timeout := time.After(time.Minute)
	for {
		select {
		case a := <-attempts:
			if ok(a) {
				return a
			}
			t.Logf("attempt: %+v", a)
		case <-timeout:
			t.Fatalf("no attempt: %s", what)
		}
	}
}

func TestWatchPublishesNewBundles(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	dir := filepath.Join(t.TempDir(), "build", "bundle")
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		t.Fatal(err)
	}
	attempts := startWatcher(t, cli, dir)
	for v := 1; v <= 3; v++ {
		b := bundletest.Build(t, bundletest.Spec{Schemas: 5, Versions: v})
		if err := bundle.Write(dir, b); err != nil {
			t.Fatal(err)
		}
		waitAttempt(t, attempts, "publish of bundle "+text.Short(b.Manifest.Generation), func(a Attempt) bool {
			return a.Generation == b.Manifest.Generation && a.Err == nil
		})
		bundletest.CheckPublished(t, cli, etcdstore.Keys{}, b)
	}
}

func TestWatchIgnoresHalfWrittenBundle(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	dir := filepath.Join(t.TempDir(), "bundle")
	attempts := startWatcher(t, cli, dir)
	a := bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 1})
	if err := bundle.Write(dir, a); err != nil {
		t.Fatal(err)
	}
	waitAttempt(t, attempts, "publish of the first bundle", func(at Attempt) bool { return at.Generation == a.Manifest.Generation })

	// Another tool writes the next bundle in place, manifest first: the
	// watcher must wait for the files the manifest names.
	b := bundletest.Build(t, bundletest.Spec{Schemas: 3, Versions: 2})
	staging := filepath.Join(t.TempDir(), "staging")
	if err := bundle.Write(staging, b); err != nil {
		t.Fatal(err)
	}
	real, err := filepath.EvalSymlinks(staging)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(dir); err != nil { // the symbolic link Write made
		t.Fatal(err)
	}
	copyFile := func(rel string) {
		t.Helper()
		data, err := os.ReadFile(filepath.Join(real, rel))
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, rel)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	copyFile(bundle.ManifestFile)
	waitAttempt(t, attempts, "a refusal of the half-written bundle", func(at Attempt) bool {
		return at.Err != nil && errors.Is(at.Err, bundle.ErrCorrupt)
	})
	x, _, err := etcdstore.LoadGeneration(t.Context(), cli, etcdstore.Keys{})
	if err != nil || x.Current.Generation != a.Manifest.Generation {
		t.Fatalf("after a half-written bundle the generation is %v (%v), want the first", x, err)
	}
	// The rest, following symbolic links (Write may share folders between bundles).
	var copyRest func(rel string)
	copyRest = func(rel string) {
		entries, err := os.ReadDir(filepath.Join(real, rel))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			name := filepath.Join(rel, e.Name())
			fi, err := os.Stat(filepath.Join(real, name))
			switch {
			case err != nil:
				t.Fatal(err)
			case fi.IsDir():
				copyRest(name)
			case name != bundle.ManifestFile:
				copyFile(name)
			}
		}
	}
	copyRest(".")
	waitAttempt(t, attempts, "publish of the completed bundle", func(at Attempt) bool {
		return at.Generation == b.Manifest.Generation && at.Err == nil
	})
	bundletest.CheckPublished(t, cli, etcdstore.Keys{}, b)
}
