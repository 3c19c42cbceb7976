package snapshot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// FileStore keeps snapshots as files in a directory: NAME and NAME.sha256.
type FileStore struct {
	dir string
}

// NewFileStore returns a store in dir, creating it.
func NewFileStore(dir string) (*FileStore, error) {
	if dir == "" {
		return nil, errors.New("file store: no directory")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	return &FileStore{dir: dir}, nil
}

// Put writes r to a temporary file, syncs it and renames it to name, after
// the checksum file: an interrupted Put leaves no file under name.
func (s *FileStore) Put(ctx context.Context, name string, r io.Reader, sum string) error {
	if err := validName(name); err != nil {
		return err
	}
	if err := s.writeAtomic(ctx, name+ChecksumSuffix, strings.NewReader(string(checksumLine(sum, name)))); err != nil {
		return fmt.Errorf("file store: put %s: %w", name, err)
	}
	if err := s.writeAtomic(ctx, name, r); err != nil {
		os.Remove(filepath.Join(s.dir, name+ChecksumSuffix))
		return fmt.Errorf("file store: put %s: %w", name, err)
	}
	return nil
}

func (s *FileStore) writeAtomic(ctx context.Context, name string, r io.Reader) error {
	f, err := os.CreateTemp(s.dir, "."+name+".tmp-")
	if err != nil {
		return err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if _, err := copyContext(ctx, f, r); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(f.Name(), filepath.Join(s.dir, name)); err != nil {
		return err
	}
	ok = true
	d, err := os.Open(s.dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// Get opens the snapshot file and reads its checksum file.
func (s *FileStore) Get(ctx context.Context, name string) (io.ReadCloser, string, error) {
	if err := validName(name); err != nil {
		return nil, "", err
	}
	f, err := os.Open(filepath.Join(s.dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", fmt.Errorf("file store: %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, "", fmt.Errorf("file store: %w", err)
	}
	data, err := os.ReadFile(filepath.Join(s.dir, name+ChecksumSuffix))
	if err != nil {
		f.Close()
		return nil, "", fmt.Errorf("file store: checksum of %s: %w", name, err)
	}
	sum, err := parseChecksum(data)
	if err != nil {
		f.Close()
		return nil, "", fmt.Errorf("file store: %s: %w", name, err)
	}
	return f, sum, nil
}

// List returns the snapshot files, sorted by name.
func (s *FileStore) List(ctx context.Context) ([]Info, error) {
	entries, err := os.ReadDir(s.dir)
	if err != nil {
		return nil, fmt.Errorf("file store: %w", err)
	}
	var out []Info
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || validName(name) != nil {
			continue
		}
		info, err := e.Info()
		if err != nil {
			return nil, fmt.Errorf("file store: %w", err)
		}
		out = append(out, Info{Name: name, Size: info.Size()})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// Delete removes the snapshot file and its checksum file.
func (s *FileStore) Delete(ctx context.Context, name string) error {
	if err := validName(name); err != nil {
		return err
	}
	if err := os.Remove(filepath.Join(s.dir, name)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("file store: %w", err)
	}
	if err := os.Remove(filepath.Join(s.dir, name+ChecksumSuffix)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("file store: %w", err)
	}
	return nil
}

// copyContext copies r to w, like io.Copy, and stops when ctx ends.
func copyContext(ctx context.Context, w io.Writer, r io.Reader) (int64, error) {
	buf := make([]byte, 1<<20)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, rerr := r.Read(buf)
		if m > 0 {
			if _, err := w.Write(buf[:m]); err != nil {
				return n, err
			}
			n += int64(m)
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}
