package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
	"github.com/schemareg/schemareg/internal/syncbuf"
)

// writeBundle writes a bundle of one schema, ticks_v1, with versions
// 1.0.0 to 1.(n-1).0, to dir.
func writeBundle(t *testing.T, dir string, n int) *bundle.Bundle {
	t.Helper()
	b := &bundle.Bundle{Files: map[string][]byte{}}
	s := bundle.Schema{ID: "ticks_v1", Path: "schemas/ticks_v1.json", Compatibility: "BACKWARD"}
	for v := 0; v < n; v++ {
		version := fmt.Sprintf("1.%d.0", v)
		props := map[string]any{"ts": map[string]any{"type": "string"}}
		for i := 1; i <= v; i++ {
			props[fmt.Sprintf("f%d", i)] = map[string]any{"type": "integer"}
		}
		data := document.Canonical(map[string]any{"id": "ticks_v1", "version": version, "type": "object", "properties": props})
		b.Files[bundle.SchemaFile(s.ID, version)] = data
		s.Versions = append(s.Versions, bundle.Version{Version: version, Digest: bundle.Digest(data), Size: len(data),
			Path: s.Path, Commit: fmt.Sprintf("%040x", v+1), Time: "2026-01-01T00:00:00Z", Bump: "minor", RequiredBump: "minor", Compatible: true})
		s.Latest = version
	}
	b.Manifest.Schemas = []bundle.Schema{s}
	b.Manifest.Source = bundle.Source{Commit: fmt.Sprintf("%040x", n), Dir: "schemas", Commits: n}
	if err := b.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	if err := bundle.Write(dir, b); err != nil {
		t.Fatal(err)
	}
	return b
}

func publishedGeneration(t *testing.T, srv *etcdtest.Server, prefix string) string {
	t.Helper()
	x, _, err := etcdstore.LoadGeneration(t.Context(), srv.Client(t), etcdstore.Keys{Prefix: prefix})
	if err != nil {
		t.Fatal(err)
	}
	return x.Current.Generation
}

func TestSyncCommand(t *testing.T) {
	srv := etcdtest.Start(t)
	environ := map[string]string{"SCHEMAREG_ETCD": strings.Join(srv.Endpoints(), ",")}
	dir := filepath.Join(t.TempDir(), "bundle")
	b := writeBundle(t, dir, 2)

	stdout, stderr, code := runCmd(t, environ, "sync", "--bundle", dir, "--dry-run")
	if code != 0 || !strings.Contains(stdout, "would write /schemareg/schemas/ticks_v1/1.0.0") || !strings.Contains(stdout, "dry run") {
		t.Fatalf("dry run: exit %d\n%s%s", code, stdout, stderr)
	}
	stdout, stderr, code = runCmd(t, environ, "sync", "--bundle", dir, "--prefix", "/reg")
	if code != 0 || !strings.Contains(stdout, "published generation") {
		t.Fatalf("sync: exit %d\n%s%s", code, stdout, stderr)
	}
	if got := publishedGeneration(t, srv, "/reg"); got != b.Manifest.Generation {
		t.Fatalf("published %s, want %s", got, b.Manifest.Generation)
	}
	stdout, _, code = runCmd(t, environ, "sync", "--bundle", dir, "--prefix", "/reg")
	if code != 0 || !strings.Contains(stdout, "nothing written") {
		t.Fatalf("re-sync: exit %d\n%s", code, stdout)
	}

	t.Run("Older", func(t *testing.T) {
		old := filepath.Join(t.TempDir(), "old")
		writeBundle(t, old, 1)
		_, stderr, code := runCmd(t, environ, "sync", "--bundle", old, "--prefix", "/reg")
		if code != 2 || !strings.Contains(stderr, "older than the published") {
			t.Fatalf("older bundle: exit %d, %s", code, stderr)
		}
		if _, stderr, code := runCmd(t, environ, "sync", "--bundle", old, "--prefix", "/reg", "--force"); code != 0 {
			t.Fatalf("older bundle with --force: exit %d, %s", code, stderr)
		}
	})
	t.Run("Corrupt", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad")
		writeBundle(t, bad, 3)
		os.WriteFile(filepath.Join(bad, "schemas", "ticks_v1", "1.2.0.json"), []byte(`{}`), 0o644)
		_, stderr, code := runCmd(t, environ, "sync", "--bundle", bad, "--prefix", "/reg")
		if code != 2 || !strings.Contains(stderr, "corrupt bundle") {
			t.Fatalf("corrupt bundle: exit %d, %s", code, stderr)
		}
	})
	t.Run("Usage", func(t *testing.T) {
		for _, args := range [][]string{
			{"sync"},
			{"sync", "--bundle", dir, "--keep-generations", "0"},
			{"sync", "--bundle", dir, "--prefix", "reg"},
			{"sync", "--bundle", dir, "--watch", "--dry-run"},
			{"sync", "--bundle", dir, "--log-format", "xml"},
		} {
			if _, stderr, code := runCmd(t, environ, args...); code != 2 {
				t.Errorf("%q: exit %d, want 2 (%s)", args, code, stderr)
			}
		}
	})
}

// lockedBuffer is a buffer a command writes from its goroutines.
type lockedBuffer = syncbuf.Buffer

func TestSyncWatchCommand(t *testing.T) {
	srv := etcdtest.Start(t)
	dir := filepath.Join(t.TempDir(), "bundle")
	a := writeBundle(t, dir, 1)
	var out, errb lockedBuffer
	environ := map[string]string{"SCHEMAREG_ETCD": strings.Join(srv.Endpoints(), ","), "SCHEMAREG_DEBOUNCE": "20ms"}
	e := &env{getenv: func(k string) string { return environ[k] }, stdin: strings.NewReader(""), stdout: &out, stderr: &errb}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"sync", "--bundle", dir, "--watch"}, e) }()

	waitGeneration := func(gen string) {
		t.Helper()
		for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			x, _, err := etcdstore.LoadGeneration(t.Context(), srv.Client(t), etcdstore.Keys{})
			if err == nil && x.Current.Generation == gen {
				return
			}
		}
		t.Fatalf("generation %s never published\nstdout:\n%s\nstderr:\n%s", gen, out.String(), errb.String())
	}
	waitGeneration(a.Manifest.Generation)
	b := writeBundle(t, dir, 2)
	waitGeneration(b.Manifest.Generation)
	// The line comes once Publish returns, after the switch etcd shows.
	for deadline := time.Now().Add(time.Minute); strings.Count(out.String(), "published generation") < 2 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("sync --watch: %v\n%s", err, errb.String())
	}
	if n := strings.Count(out.String(), "published generation"); n != 2 {
		t.Errorf("printed %d publishes, want 2:\n%s", n, out.String())
	}
}

func TestSyncRepoCommand(t *testing.T) {
	srv := etcdtest.Start(t)
	environ := map[string]string{"SCHEMAREG_ETCD": strings.Join(srv.Endpoints(), ",")}
	repo := gittest.New(t)
	repo.Write("schemas/ticks_v1.json", `{"id": "ticks_v1", "version": "1.0.0", "type": "object", "properties": {"ts": {"type": "string"}}}`)
	repo.Commit("add ticks")
	out := filepath.Join(t.TempDir(), "bundle")
	stdout, stderr, code := runCmd(t, environ, "sync", "--repo", repo.Dir, "--bundle", out)
	if code != 0 || !strings.Contains(stdout, "published generation") {
		t.Fatalf("sync --repo: exit %d\n%s%s", code, stdout, stderr)
	}
	b, err := bundle.Read(out)
	if err != nil {
		t.Fatalf("the compiled bundle was not written: %v", err)
	}
	if got := publishedGeneration(t, srv, etcdstore.DefaultPrefix); got != b.Manifest.Generation {
		t.Fatalf("published %s, the bundle is %s", got, b.Manifest.Generation)
	}
}
