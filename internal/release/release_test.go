package release

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// TestBuildReproducible builds the same target twice into two directories
// and requires byte-identical archives and checksums.
func TestBuildReproducible(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Config{
		Root: root, Version: "v0.0.0-test", Commit: "0123456789abcdef0123456789abcdef01234567",
		CommitTime: time.Unix(1700000000, 0), Targets: []Target{{runtime.GOOS, runtime.GOARCH}},
		Extra: []string{"go.mod"},
	}
	logger := slog.New(slog.DiscardHandler)
	var dirs []string
	for range 2 {
		cfg.Out = t.TempDir()
		dirs = append(dirs, cfg.Out)
		if _, err := Build(context.Background(), cfg, logger); err != nil {
			t.Fatal(err)
		}
	}
	name := "schemareg_0.0.0-test_" + runtime.GOOS + "_" + runtime.GOARCH + ".tar.gz"
	for _, f := range []string{name, "checksums.txt"} {
		a, errA := os.ReadFile(filepath.Join(dirs[0], f))
		b, errB := os.ReadFile(filepath.Join(dirs[1], f))
		if errA != nil || errB != nil {
			t.Fatalf("read %s: %v %v", f, errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s differs between two builds", f)
		}
	}
	sum, err := Sum(filepath.Join(dirs[0], name))
	if err != nil {
		t.Fatal(err)
	}
	sums, _ := os.ReadFile(filepath.Join(dirs[0], "checksums.txt"))
	if got, want := string(sums), sum+"  "+name+"\n"; got != want {
		t.Errorf("checksums.txt = %q, want %q", got, want)
	}

	entries, bin := readArchive(t, filepath.Join(dirs[0], name))
	want := []string{"go.mod 644 0:0 2023-11-14T22:13:20Z", "schemareg 755 0:0 2023-11-14T22:13:20Z"}
	if diff := cmp.Diff(want, entries); diff != "" {
		t.Errorf("archive entries (-want +got):\n%s", diff)
	}
	exe := filepath.Join(t.TempDir(), "schemareg")
	if err := os.WriteFile(exe, bin, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("schemareg version: %v: %s", err, out)
	}
	wantOut := "schemareg v0.0.0-test commit " + cfg.Commit + " " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if string(out) != wantOut {
		t.Errorf("schemareg version = %q, want %q", out, wantOut)
	}
}

func readArchive(t *testing.T, path string) ([]string, []byte) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() {
		t.Errorf("gzip header carries name %q and time %v; want neither", zr.Name, zr.ModTime)
	}
	tr := tar.NewReader(zr)
	var entries []string
	var bin []byte
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		entries = append(entries, fmt.Sprintf("%s %o %d:%d%s%s %s", h.Name, h.Mode, h.Uid, h.Gid, h.Uname, h.Gname, h.ModTime.UTC().Format(time.RFC3339)))
		if h.Name == "schemareg" {
			if bin, err = io.ReadAll(tr); err != nil {
				t.Fatal(err)
			}
		}
	}
	return entries, bin
}

// TestBuildRefusesBadInput checks the version and commit are checked
// before anything is built.
func TestBuildRefusesBadInput(t *testing.T) {
	logger := slog.New(slog.DiscardHandler)
	for name, cfg := range map[string]Config{
		"version with slash": {Version: "v1/../x", Commit: "0123456"},
		"version too long":   {Version: strings.Repeat("1", 65), Commit: "0123456"},
		"commit not hex":     {Version: "v1.0.0", Commit: "HEAD; rm -rf"},
	} {
		cfg.Out = t.TempDir()
		if _, err := Build(context.Background(), cfg, logger); err == nil {
			t.Errorf("%s: Build accepted %+v", name, cfg)
		}
	}
}
