// Package image builds the schemareg container image without a container
// daemon: one layer on an empty base holding the static binary, the CA
// certificates and an /etc/passwd with a non-root user.
package image

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"sort"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Binary is where the image holds schemareg; the entrypoint runs it.
const Binary = "/usr/local/bin/schemareg"

// User is the non-root user the image runs as (uid:gid).
const User = "65532:65532"

// maxInput bounds each file read into the layer.
const maxInput = 512 << 20

// Config says what goes into the image.
type Config struct {
	// Binary is the static linux schemareg binary.
	Binary string
	// CACerts is the PEM bundle installed as /etc/ssl/certs/ca-certificates.crt.
	CACerts string
	// Version and Commit are written to the OCI labels.
	Version string
	Commit  string
	// Created is the image's creation time; use the commit time.
	Created time.Time
	// Arch is the image's architecture, for example amd64.
	Arch string
	// Source is the repository URL for the org.opencontainers.image.source label.
	Source string
}

// Build returns the image.
func Build(cfg Config) (v1.Image, error) {
	bin, err := readLimited(cfg.Binary)
	if err != nil {
		return nil, fmt.Errorf("binary: %w", err)
	}
	certs, err := readLimited(cfg.CACerts)
	if err != nil {
		return nil, fmt.Errorf("ca certificates: %w", err)
	}
	created := cfg.Created.UTC().Truncate(time.Second)
	files := []file{
		{name: "etc/", mode: 0o755, dir: true},
		{name: "etc/group", mode: 0o644, data: []byte("root:x:0:\nschemareg:x:65532:\n")},
		{name: "etc/passwd", mode: 0o644, data: []byte("root:x:0:0:root:/root:/sbin/nologin\nschemareg:x:65532:65532:schemareg:/home/schemareg:/sbin/nologin\n")},
		{name: "etc/ssl/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/", mode: 0o755, dir: true},
		{name: "etc/ssl/certs/ca-certificates.crt", mode: 0o644, data: certs},
		{name: "home/", mode: 0o755, dir: true},
		{name: "home/schemareg/", mode: 0o700, dir: true, uid: 65532},
		{name: "tmp/", mode: 0o1777, dir: true},
		{name: "usr/", mode: 0o755, dir: true},
		{name: "usr/local/", mode: 0o755, dir: true},
		{name: "usr/local/bin/", mode: 0o755, dir: true},
		{name: "usr/local/bin/schemareg", mode: 0o755, data: bin},
	}
	layerTar, err := layerBytes(files, created)
	if err != nil {
		return nil, err
	}
	layer, err := tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(layerTar)), nil
	}, tarball.WithMediaType(types.OCILayer))
	if err != nil {
		return nil, fmt.Errorf("layer: %w", err)
	}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{
		Layer:     layer,
		MediaType: types.OCILayer,
		History:   v1.History{Created: v1.Time{Time: created}, CreatedBy: "schemareg image builder", Comment: "static schemareg, CA certificates, /etc/passwd"},
	})
	if err != nil {
		return nil, fmt.Errorf("append layer: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, err
	}
	cf = cf.DeepCopy()
	cf.Created = v1.Time{Time: created}
	cf.OS = "linux"
	cf.Architecture = cfg.Arch
	cf.Config.Entrypoint = []string{Binary}
	cf.Config.Cmd = []string{"serve"}
	cf.Config.User = User
	cf.Config.WorkingDir = "/home/schemareg"
	cf.Config.Env = []string{
		"PATH=/usr/local/bin",
		"SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
		"SCHEMAREG_LOG_FORMAT=json",
	}
	cf.Config.ExposedPorts = map[string]struct{}{"8000/tcp": {}}
	cf.Config.Labels = Labels(cfg)
	return mutate.ConfigFile(img, cf)
}

// Labels returns the OCI annotations the image carries.
func Labels(cfg Config) map[string]string {
	return map[string]string{
		"org.opencontainers.image.title":       "schemareg",
		"org.opencontainers.image.description": "GitOps-first JSON-Schema registry",
		"org.opencontainers.image.source":      cfg.Source,
		"org.opencontainers.image.url":         cfg.Source,
		"org.opencontainers.image.version":     cfg.Version,
		"org.opencontainers.image.revision":    cfg.Commit,
		"org.opencontainers.image.created":     cfg.Created.UTC().Format(time.RFC3339),
	}
}

// Write writes img as a tarball that `docker load` and `podman load` read,
// tagged ref.
func Write(path, ref string, img v1.Image) error {
	tag, err := name.NewTag(ref)
	if err != nil {
		return fmt.Errorf("image reference %q: %w", ref, err)
	}
	return tarball.WriteToFile(path, tag, img)
}

type file struct {
	name string
	mode int64
	dir  bool
	uid  int
	data []byte
}

// layerBytes writes the layer's tar with sorted entries, fixed owners and
// one mtime, so the same inputs give the same layer digest.
func layerBytes(files []file, mtime time.Time) ([]byte, error) {
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, f := range files {
		h := &tar.Header{Name: f.name, Mode: f.mode, ModTime: mtime, Uid: f.uid, Gid: f.uid, Format: tar.FormatPAX}
		if f.dir {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag = tar.TypeReg
			h.Size = int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("layer entry %s: %w", f.name, err)
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, fmt.Errorf("layer entry %s: %w", f.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxInput+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxInput {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, maxInput)
	}
	return b, nil
}
