// Package release builds the schemareg release archives: static,
// reproducible binaries for every target, packed into deterministic tar.gz
// files, with a checksums.txt listing their sha256 sums.
package release

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Target is one operating system and architecture to build for.
type Target struct {
	OS   string
	Arch string
}

// String returns the target as os/arch.
func (t Target) String() string { return t.OS + "/" + t.Arch }

// DefaultTargets returns the targets a release ships.
func DefaultTargets() []Target {
	return []Target{
		{"darwin", "amd64"}, {"darwin", "arm64"},
		{"linux", "amd64"}, {"linux", "arm64"},
	}
}

// Config says what to build and where.
type Config struct {
	// Root is the directory of the schemareg module.
	Root string
	// Out is the directory the archives and checksums.txt are written to.
	Out string
	// Version is the release version, for example v1.2.3.
	Version string
	// Commit is the full commit id the release is built from.
	Commit string
	// CommitTime is the commit's time; every archive entry carries it.
	CommitTime time.Time
	// Targets to build; DefaultTargets() when empty.
	Targets []Target
	// Go is the go command; "go" when empty.
	Go string
	// Extra files, relative to Root, packed beside the binary when present.
	Extra []string
}

// Artifact is one written archive.
type Artifact struct {
	Name   string
	Path   string
	SHA256 string
}

var (
	versionPattern = regexp.MustCompile(`^[0-9A-Za-z][0-9A-Za-z._+-]{0,63}$`)
	commitPattern  = regexp.MustCompile(`^[0-9a-f]{7,64}$`)
)

// Build builds every target, writes its archive and checksums.txt into
// cfg.Out and returns the archives in name order.
func Build(ctx context.Context, cfg Config, logger *slog.Logger) ([]Artifact, error) {
	if !versionPattern.MatchString(cfg.Version) {
		return nil, fmt.Errorf("version %q: use letters, digits and . _ + - only, at most 64 characters (for example v1.2.3)", cfg.Version)
	}
	if !commitPattern.MatchString(cfg.Commit) {
		return nil, fmt.Errorf("commit %q: want a hexadecimal commit id", cfg.Commit)
	}
	if cfg.Go == "" {
		cfg.Go = "go"
	}
	targets := cfg.Targets
	if len(targets) == 0 {
		targets = DefaultTargets()
	}
	if err := os.MkdirAll(cfg.Out, 0o755); err != nil {
		return nil, fmt.Errorf("create output directory: %w", err)
	}
	tmp, err := os.MkdirTemp("", "schemareg-release-")
	if err != nil {
		return nil, fmt.Errorf("create build directory: %w", err)
	}
	defer os.RemoveAll(tmp)

	var arts []Artifact
	for _, t := range targets {
		bin := filepath.Join(tmp, t.OS+"_"+t.Arch, "schemareg")
		if err := buildBinary(ctx, cfg, t, bin); err != nil {
			return nil, err
		}
		files := []archiveFile{{name: "schemareg", path: bin, mode: 0o755}}
		for _, x := range cfg.Extra {
			p := filepath.Join(cfg.Root, x)
			if _, err := os.Stat(p); err == nil {
				files = append(files, archiveFile{name: filepath.ToSlash(x), path: p, mode: 0o644})
			}
		}
		name := fmt.Sprintf("schemareg_%s_%s_%s.tar.gz", strings.TrimPrefix(cfg.Version, "v"), t.OS, t.Arch)
		path := filepath.Join(cfg.Out, name)
		sum, err := writeArchive(path, files, cfg.CommitTime)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		logger.Info("built", "target", t.String(), "archive", path, "sha256", sum)
		arts = append(arts, Artifact{Name: name, Path: path, SHA256: sum})
	}
	sort.Slice(arts, func(i, j int) bool { return arts[i].Name < arts[j].Name })
	var sums bytes.Buffer
	for _, a := range arts {
		fmt.Fprintf(&sums, "%s  %s\n", a.SHA256, a.Name)
	}
	if err := os.WriteFile(filepath.Join(cfg.Out, "checksums.txt"), sums.Bytes(), 0o644); err != nil {
		return nil, fmt.Errorf("write checksums.txt: %w", err)
	}
	return arts, nil
}

// buildBinary runs go build for one target with every input that could
// vary between machines pinned.
func buildBinary(ctx context.Context, cfg Config, t Target, out string) error {
	ldflags := fmt.Sprintf("-s -w -buildid= -X main.version=%s -X main.commit=%s", cfg.Version, cfg.Commit)
	cmd := exec.CommandContext(ctx, cfg.Go, "build", "-trimpath", "-buildvcs=false",
		"-ldflags", ldflags, "-o", out, "./cmd/schemareg")
	cmd.Dir = cfg.Root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+t.OS, "GOARCH="+t.Arch, "GOFLAGS=", "GOEXPERIMENT=")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build for %s: %w: %s", t, err, strings.TrimSpace(stderr.String()))
	}
	return nil
}

// Sum returns the hex sha256 of a file.
func Sum(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}
