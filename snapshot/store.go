package snapshot

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strings"
	"time"
)

// Store keeps etcd snapshots under names, each with its sha256
// beside it. FileStore and S3Store implement it.
type Store interface {
	// Put stores r under name, with sum, the hex sha256 of r's bytes, beside
	// it. It is atomic: a Put that fails or is interrupted leaves nothing
	// under name.
	Put(ctx context.Context, name string, r io.Reader, sum string) error
	// Get opens the snapshot name and returns the sha256 stored beside it;
	// ErrNotFound when there is none.
	Get(ctx context.Context, name string) (io.ReadCloser, string, error)
	// List returns the snapshots, sorted by name.
	List(ctx context.Context) ([]Info, error)
	// Delete removes a snapshot and its checksum.
	Delete(ctx context.Context, name string) error
}

// Info describes a stored snapshot.
type Info struct {
	Name string
	Size int64
	// Took is how long taking the snapshot took, from etcd to the store,
	// when Run reports one; 0 in a store's listing.
	Took time.Duration
}

// Sentinel errors of snapshots; callers test them with errors.Is.
var (
	// ErrNotFound reports a snapshot name a store does not hold.
	ErrNotFound = errors.New("snapshot not found")
	// ErrChecksum reports snapshot bytes that do not match their sha256.
	ErrChecksum = errors.New("snapshot checksum mismatch")
)

// ChecksumSuffix ends the name of the object that holds a snapshot's sha256.
const ChecksumSuffix = ".sha256"

// validName reports whether name can name a snapshot in any store: one
// path element of safe characters, not a checksum object.
func validName(name string) error {
	if name == "" || len(name) > 200 || strings.HasPrefix(name, ".") || strings.HasSuffix(name, ChecksumSuffix) {
		return fmt.Errorf("invalid snapshot name %q", name)
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return fmt.Errorf("invalid snapshot name %q", name)
		}
	}
	return nil
}

// checksumLine is the content of a checksum object: the sha256sum format.
func checksumLine(sum, name string) []byte { return []byte(sum + "  " + name + "\n") }

// parseChecksum reads a checksum object's content.
func parseChecksum(data []byte) (string, error) {
	sum, _, _ := strings.Cut(strings.TrimSpace(string(data)), " ")
	if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		return "", fmt.Errorf("%w: checksum %q is not a sha256", ErrChecksum, sum)
	}
	return sum, nil
}

// Config is what Open needs besides the URL.
type Config struct {
	// S3 configures s3:// URLs; its Bucket and Prefix come from the URL.
	S3 S3Config
}

// Open opens the store a URL names: s3://bucket/prefix or file:///dir.
func Open(ctx context.Context, rawURL string, cfg Config) (Store, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("snapshot store %q: %w", rawURL, err)
	}
	switch u.Scheme {
	case "file":
		if u.Host != "" && u.Host != "localhost" {
			return nil, fmt.Errorf("snapshot store %q: a file URL has no host; write file:///dir", rawURL)
		}
		return NewFileStore(filepath.FromSlash(u.Path))
	case "s3":
		if u.Host == "" {
			return nil, fmt.Errorf("snapshot store %q: no bucket; write s3://bucket/prefix", rawURL)
		}
		c := cfg.S3
		c.Bucket, c.Prefix = u.Host, strings.Trim(u.Path, "/")
		return NewS3Store(ctx, c)
	}
	return nil, fmt.Errorf("snapshot store %q: unknown scheme; use s3://bucket/prefix or file:///dir", rawURL)
}

// hashReader hashes what is read through it.
type hashReader struct {
	r io.Reader
	h interface {
		io.Writer
		Sum([]byte) []byte
	}
	n int64
}

func newHashReader(r io.Reader) *hashReader { return &hashReader{r: r, h: sha256.New()} }

// Read reads from the underlying reader and hashes what it read.
func (h *hashReader) Read(p []byte) (int, error) {
	n, err := h.r.Read(p)
	h.h.Write(p[:n])
	h.n += int64(n)
	return n, err
}

func (h *hashReader) sum() string { return hex.EncodeToString(h.h.Sum(nil)) }
