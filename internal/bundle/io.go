package bundle

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Size limits of what Read accepts.
const (
	MaxManifestBytes = 64 << 20
	maxVersionsBytes = 256 << 20
	maxFileBytes     = 64 << 20
)

// Dir is a bundle on disk, opened by Open without reading its version
// lists and files; they are read on demand. It is read-only.
type Dir struct {
	path   string // the bundle's directory, its symbolic link resolved
	schema string // its schemas folder, resolved too
}

// Path returns the bundle's real directory.
func (d *Dir) Path() string { return d.path }

// ReadFile reads one file of the bundle, e.g. SchemaFile(id, version).
func (d *Dir) ReadFile(name string) ([]byte, error) {
	if rel, ok := strings.CutPrefix(name, "schemas/"); ok && d.schema != "" {
		return readLimited(filepath.Join(d.schema, filepath.FromSlash(rel)), maxFileBytes)
	}
	return readLimited(filepath.Join(d.path, filepath.FromSlash(name)), maxFileBytes)
}

// LoadVersions reads and verifies the version list of a schema of the
// bundle and sets its Versions.
func (d *Dir) LoadVersions(s *Schema) error {
	if s.Versions != nil {
		return nil
	}
	data, err := readLimited(filepath.Join(d.path, filepath.FromSlash(VersionsFile(s.ID))), maxVersionsBytes)
	if err != nil {
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	if got := Digest(data); got != s.versionsDigest {
		return fmt.Errorf("%w: %s digests to %s, %s says %s", ErrCorrupt, VersionsFile(s.ID), got, ManifestFile, s.versionsDigest)
	}
	var vs []Version
	if err := json.Unmarshal(data, &vs); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, VersionsFile(s.ID), err)
	}
	if len(vs) != s.versionsCount {
		return fmt.Errorf("%w: %s holds %d versions, %s says %d", ErrCorrupt, VersionsFile(s.ID), len(vs), ManifestFile, s.versionsCount)
	}
	for _, v := range vs {
		if !validVersionName(v.Version) {
			return fmt.Errorf("%w: %s: invalid version %q", ErrCorrupt, VersionsFile(s.ID), v.Version)
		}
	}
	s.Versions, s.versionsData = vs, data
	return nil
}

// Open opens the bundle in dir without reading its version lists or files:
// the manifest's schemas have nil Versions, and the bundle's Base reads the
// rest on demand. A compile that continues from a bundle opens it so.
func Open(dir string) (*Bundle, error) {
	real, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	data, err := readLimited(filepath.Join(real, ManifestFile), MaxManifestBytes)
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	m, err := decodeManifest(data)
	if err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	d := &Dir{path: real}
	if schema, err := filepath.EvalSymlinks(filepath.Join(real, "schemas")); err == nil {
		d.schema = schema
	}
	return &Bundle{Manifest: *m, Files: map[string][]byte{}, Base: d}, nil
}

// ReadManifest reads the manifest of the bundle in dir with every version
// list, without reading the schema files.
func ReadManifest(dir string) (*Manifest, error) {
	b, err := Open(dir)
	if err != nil {
		return nil, err
	}
	for i := range b.Manifest.Schemas {
		if err := b.Base.LoadVersions(&b.Manifest.Schemas[i]); err != nil {
			return nil, fmt.Errorf("read bundle %s: %w", dir, err)
		}
	}
	return &b.Manifest, nil
}

// Read loads the bundle in dir, every file the manifest names, and
// verifies it. When dir is a symbolic link (Write makes one), it is
// resolved once, so a Write that swaps the link while Read runs cannot mix
// two bundles; when the writes go on so long that the bundle being read is
// removed, Read starts over with the new one.
func Read(dir string) (*Bundle, error) {
	for attempt := 0; ; attempt++ {
		before, _ := filepath.EvalSymlinks(dir)
		b, err := read(dir)
		if err == nil || attempt == 4 || !errors.Is(err, os.ErrNotExist) {
			return b, err
		}
		if after, _ := filepath.EvalSymlinks(dir); after == before {
			return b, err
		}
	}
}

func read(dir string) (*Bundle, error) {
	b, err := Open(dir)
	if err != nil {
		return nil, err
	}
	for i := range b.Manifest.Schemas {
		s := &b.Manifest.Schemas[i]
		if err := b.Base.LoadVersions(s); err != nil {
			return nil, fmt.Errorf("read bundle %s: %w", dir, err)
		}
		for _, v := range s.Versions {
			names := []string{SchemaFile(s.ID, v.Version)}
			if v.Arrow != "" {
				names = append(names, ArrowFile(s.ID, v.Version))
			}
			for _, name := range names {
				data, err := b.Base.ReadFile(name)
				if err != nil {
					return nil, fmt.Errorf("read bundle %s: %w: %w", dir, ErrCorrupt, err)
				}
				b.Files[name] = data
			}
		}
	}
	b.Base = nil
	if err := b.Verify(); err != nil {
		return nil, fmt.Errorf("read bundle %s: %w", dir, err)
	}
	return b, nil
}

// decodeManifest parses bundle.json; the version lists stay unread.
func decodeManifest(data []byte) (*Manifest, error) {
	var d diskManifest
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, ManifestFile, err)
	}
	if d.FormatVersion != FormatVersion {
		return nil, fmt.Errorf("%w: format_version %d, this schemareg reads %d", ErrFormat, d.FormatVersion, FormatVersion)
	}
	m := &Manifest{FormatVersion: d.FormatVersion, Generation: d.Generation, Source: d.Source, Violations: d.Violations, GlobalIDs: d.GlobalIDs}
	m.Schemas = make([]Schema, len(d.Schemas))
	for i, s := range d.Schemas {
		if !ValidID(s.ID) {
			return nil, fmt.Errorf("%w: %s: invalid schema id %q", ErrCorrupt, ManifestFile, s.ID)
		}
		if s.Versions < 1 || s.VersionsDigest == "" {
			return nil, fmt.Errorf("%w: %s: schema %q has no versions", ErrCorrupt, ManifestFile, s.ID)
		}
		m.Schemas[i] = Schema{ID: s.ID, Path: s.Path, Latest: s.Latest, Deprecated: s.Deprecated, Compatibility: s.Compatibility,
			Title: s.Title, Description: s.Description, Deps: s.Deps, versionsDigest: s.VersionsDigest, versionsCount: s.Versions}
	}
	if m.Violations == nil {
		m.Violations = []Violation{}
	}
	return m, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, limit)
	}
	return data, nil
}

// isNotExist reports whether err says a file does not exist.
func isNotExist(err error) bool { return errors.Is(err, os.ErrNotExist) }
