package image

import (
	"archive/tar"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/schemareg/schemareg/internal/etcdtest"
)

const testCommit = "0123456789abcdef0123456789abcdef01234567"

// buildImage builds a static binary and writes the image tarball.
func buildImage(t *testing.T) (string, Config) {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "schemareg")
	cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=false",
		"-ldflags", "-s -w -X main.version=v0.0.0-image -X main.commit="+testCommit, "-o", bin, "./cmd/schemareg")
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	certs := "/etc/ssl/certs/ca-certificates.crt"
	if _, err := os.Stat(certs); err != nil {
		t.Skipf("no system CA bundle at %s: %v", certs, err)
	}
	cfg := Config{Binary: bin, CACerts: certs, Version: "v0.0.0-image", Commit: testCommit,
		Created: time.Unix(1700000000, 0), Arch: runtime.GOARCH, Source: "https://github.com/schemareg/schemareg"}
	img, err := Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "schemareg-image.tar")
	if err := Write(path, "ghcr.io/schemareg/schemareg:v0.0.0-image", img); err != nil {
		t.Fatal(err)
	}
	return path, cfg
}

// TestImageLayoutAndRun unpacks the image's layers into a root and runs the
// entrypoint there with chroot, as the image's user: version, then serve
// answering /health against an etcd on loopback.
func TestImageLayoutAndRun(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	path, cfg := buildImage(t)
	img, err := tarball.ImageFromPath(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cf.Config.Entrypoint, " "); got != Binary {
		t.Errorf("entrypoint = %q, want %q", got, Binary)
	}
	if cf.Config.User != User {
		t.Errorf("user = %q, want %q", cf.Config.User, User)
	}
	for k, v := range Labels(cfg) {
		if cf.Config.Labels[k] != v {
			t.Errorf("label %s = %q, want %q", k, cf.Config.Labels[k], v)
		}
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("layers = %d, %v; want one on an empty base", len(layers), err)
	}

	root := t.TempDir()
	names := unpack(t, mutate.Extract(img), root)
	for _, want := range []string{"etc/passwd", "etc/ssl/certs/ca-certificates.crt", "usr/local/bin/schemareg"} {
		if !names[want] {
			t.Errorf("image lacks %s", want)
		}
	}
	for _, shell := range []string{"bin/sh", "bin/bash", "usr/bin/sh"} {
		if names[shell] {
			t.Errorf("image holds a shell, %s", shell)
		}
	}

	if os.Geteuid() != 0 {
		t.Skip("SKIPPED the chroot run of the image: it needs root (CI runs it as root)")
	}
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := chrootCmd(context.Background(), root, "version").CombinedOutput()
	if err != nil {
		t.Fatalf("schemareg version in the image: %v\n%s", err, out)
	}
	if want := "schemareg v0.0.0-image commit " + testCommit; !strings.HasPrefix(string(out), want) {
		t.Errorf("schemareg version = %q, want prefix %q", out, want)
	}

	etcd := etcdtest.Start(t)
	addr := freeAddr(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	serve := chrootCmd(ctx, root, "serve", "-addr", addr, "-etcd", strings.Join(etcd.Endpoints(), ","))
	var logs strings.Builder
	serve.Stdout, serve.Stderr = &logs, &logs
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	defer func() {
		cancel()
		<-done
	}()
	if err := waitHealth(ctx, "http://"+addr+"/health", done); err != nil {
		t.Fatalf("serve in the image: %v\n%s", err, logs.String())
	}
}

func chrootCmd(ctx context.Context, root string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, Binary, args...)
	cmd.Dir = "/"
	cmd.Env = []string{"PATH=/usr/local/bin", "HOME=/home/schemareg"}
	cmd.SysProcAttr = &syscall.SysProcAttr{Chroot: root, Credential: &syscall.Credential{Uid: 65532, Gid: 65532}}
	return cmd
}

// waitHealth asks url until it answers 200, the process exits or a
// minute passes.
func waitHealth(ctx context.Context, url string, exited <-chan error) error {
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	for {
		resp, err := http.Get(url)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case err := <-exited:
			return fmt.Errorf("exited before answering: %v", err)
		case <-ctx.Done():
			return errors.New("no 200 from " + url)
		case <-tick.C:
		}
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// unpack writes a flattened image tar under root and returns the names.
func unpack(t *testing.T, rc io.ReadCloser, root string) map[string]bool {
	t.Helper()
	defer rc.Close()
	names := map[string]bool{}
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return names
		}
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Clean(h.Name)
		if !filepath.IsLocal(name) {
			t.Fatalf("layer entry %q leaves the root", h.Name)
		}
		names[filepath.ToSlash(name)] = true
		p := filepath.Join(root, name)
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, os.FileMode(h.Mode).Perm()); err != nil {
				t.Fatal(err)
			}
			if err := os.Chmod(p, os.FileMode(h.Mode).Perm()|modeBits(h.Mode)); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			f, err := os.OpenFile(p, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, os.FileMode(h.Mode).Perm())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(f, tr); err != nil {
				t.Fatal(err)
			}
			f.Close()
		default:
			t.Fatalf("unexpected layer entry type %c for %s", h.Typeflag, h.Name)
		}
		if os.Geteuid() == 0 {
			if err := os.Lchown(p, h.Uid, h.Gid); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func modeBits(m int64) os.FileMode {
	if m&0o1000 != 0 {
		return os.ModeSticky
	}
	return 0
}

// TestImageReproducible builds the image twice from the same inputs and
// requires the same digest.
func TestImageReproducible(t *testing.T) {
	dir := t.TempDir()
	bin := filepath.Join(dir, "bin")
	if err := os.WriteFile(bin, []byte("not really a binary"), 0o755); err != nil {
		t.Fatal(err)
	}
	certs := filepath.Join(dir, "certs.pem")
	if err := os.WriteFile(certs, []byte("-----BEGIN CERTIFICATE-----\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	cfg := Config{Binary: bin, CACerts: certs, Version: "v1", Commit: testCommit, Created: time.Unix(1, 0), Arch: "amd64"}
	var digests []string
	for range 2 {
		img, err := Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		d, err := img.Digest()
		if err != nil {
			t.Fatal(err)
		}
		digests = append(digests, d.String())
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds gave %s and %s", digests[0], digests[1])
	}
	cfg.Binary = filepath.Join(dir, "missing")
	if _, err := Build(cfg); err == nil || !strings.Contains(err.Error(), "binary") {
		t.Errorf("Build with a missing binary: err = %v, want one naming the binary", err)
	}
}
