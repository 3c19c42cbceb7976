package bundle

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
)

// MaxManifestBytes bounds the manifest Read accepts.
const MaxManifestBytes = 512 << 20

// Read loads the bundle in dir and verifies it. When dir is a symbolic link
// (Write makes one), it is resolved once, so a Write that swaps the link
// while Read runs cannot mix two bundles.
func Read(dir string) (*Bundle, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	mf, err := os.Open(filepath.Join(real, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	defer mf.Close()
	data, err := io.ReadAll(io.LimitReader(mf, MaxManifestBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	if len(data) > MaxManifestBytes {
		return nil, fmt.Errorf("read bundle %s: %w: %s is over %d bytes", dir, ErrCorrupt, ManifestFile, MaxManifestBytes)
	}
	b := &Bundle{Files: map[string][]byte{}}
	if err := decodeManifest(data, &b.Manifest); err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	if b.Manifest.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("read bundle %s: %w: format_version %d, this schemareg reads %d",
			dir, ErrFormat, b.Manifest.FormatVersion, FormatVersion)
	}
	root := os.DirFS(real)
	err = fs.WalkDir(root, "schemas", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && name == "schemas" {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() {
			if strings.Count(name, "/") > 1 {
				return fmt.Errorf("%w: unexpected directory %s", ErrCorrupt, name)
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return fmt.Errorf("%w: %s is not a regular file", ErrCorrupt, name)
		}
		data, err := fs.ReadFile(root, name)
		if err != nil {
			return err
		}
		b.Files[name] = data
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	if err := b.Verify(); err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	return b, nil
}

// ReadManifest loads only the manifest of the bundle in dir, without
// verifying the files.
func ReadManifest(dir string) (*Manifest, error) {
	data, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	var m Manifest
	if err := decodeManifest(data, &m); err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	return &m, nil
}

func decodeManifest(data []byte, m *Manifest) error {
	if err := json.Unmarshal(data, m); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, ManifestFile, err)
	}
	for _, s := range m.Schemas {
		if !ValidID(s.ID) {
			return fmt.Errorf("%w: %s: invalid schema id %q", ErrCorrupt, ManifestFile, s.ID)
		}
		for _, v := range s.Versions {
			if !validVersionName(v.Version) {
				return fmt.Errorf("%w: %s: schema %q: invalid version %q", ErrCorrupt, ManifestFile, s.ID, v.Version)
			}
		}
	}
	return nil
}

// Write writes b to dir atomically. The files go to a new directory beside
// dir, named after the generation; dir becomes a symbolic link to it, swapped
// with one rename. Until that rename, dir keeps the previous bundle; a reader
// never sees a partial one. The directory of the bundle before is kept for
// readers still using it; older ones are removed.
func Write(dir string, b *Bundle) error {
	if err := b.Verify(); err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	manifest, err := b.Manifest.Encode()
	if err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	dir = filepath.Clean(dir)
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".tmp-")
	if err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	names := make([]string, 0, len(b.Files))
	for name := range b.Files {
		names = append(names, name)
	}
	sort.Strings(names)
	made := map[string]bool{}
	for _, name := range names {
		d := path.Dir(name)
		if !made[d] {
			if err := os.MkdirAll(filepath.Join(tmp, filepath.FromSlash(d)), 0o755); err != nil {
				return fmt.Errorf("write bundle %s: %w", dir, err)
			}
			made[d] = true
		}
		if err := writeFile(filepath.Join(tmp, filepath.FromSlash(name)), b.Files[name]); err != nil {
			return fmt.Errorf("write bundle %s: %w", dir, err)
		}
	}
	if err := writeFile(filepath.Join(tmp, ManifestFile), manifest); err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	if err := syncDir(tmp); err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	// The final directory carries the generation and a random suffix, so a
	// rewrite of the same generation never touches a directory in use.
	final := "." + base + "." + strings.TrimPrefix(b.Manifest.Generation, "sha256:")[:16] + "-" + randomSuffix()
	if err := os.Rename(tmp, filepath.Join(parent, final)); err != nil {
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	ok = true
	previous, _ := os.Readlink(dir)
	if err := swapLink(dir, final); err != nil {
		os.RemoveAll(filepath.Join(parent, final))
		return fmt.Errorf("write bundle %s: %w", dir, err)
	}
	prune(parent, base, final, previous)
	return nil
}

// swapLink points the symbolic link dir at target, replacing what dir was.
func swapLink(dir, target string) error {
	parent, base := filepath.Split(dir)
	if parent == "" {
		parent = "."
	}
	link := filepath.Join(parent, "."+base+".link-"+randomSuffix())
	if err := os.Symlink(target, link); err != nil {
		return err
	}
	fi, err := os.Lstat(dir)
	switch {
	case err == nil && fi.IsDir():
		// A plain directory from an older layout or another tool: only a
		// bundle may be replaced.
		if _, err := os.Stat(filepath.Join(dir, ManifestFile)); err != nil {
			os.Remove(link)
			return fmt.Errorf("%s exists and is not a bundle; remove it or choose another --out", dir)
		}
		old := filepath.Join(parent, "."+base+".old-"+randomSuffix())
		if err := os.Rename(dir, old); err != nil {
			os.Remove(link)
			return err
		}
		defer os.RemoveAll(old)
	case err == nil && fi.Mode()&os.ModeSymlink == 0:
		os.Remove(link)
		return fmt.Errorf("%s exists and is not a bundle; remove it or choose another --out", dir)
	}
	if err := os.Rename(link, dir); err != nil {
		os.Remove(link)
		return err
	}
	return syncDir(parent)
}

// prune removes the bundle directories beside dir other than the current
// and the previous one, and temporary directories left by killed writers.
func prune(parent, base, current, previous string) {
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasPrefix(name, "."+base+".") || name == current || name == filepath.Base(previous) {
			continue
		}
		os.RemoveAll(filepath.Join(parent, name))
	}
}

func writeFile(name string, data []byte) error {
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

func randomSuffix() string {
	var b [6]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
