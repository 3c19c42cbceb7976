package bundle

import (
	"fmt"
	"maps"
	"strings"
)

// Verify checks that the bundle is complete and consistent: the format
// version, every loaded version list, every version's file and Arrow file
// against its digest (in Files, or in Base for a bundle that continues
// one), no file the manifest does not name, and the generation.
func (b *Bundle) Verify() error {
	return b.verify(true)
}

// Seal seals the manifest (see Manifest.Seal) and verifies the bundle as
// Verify does, from the version lists sealing has just encoded: what a
// compile does once it has every file.
func (b *Bundle) Seal() error {
	if err := b.Manifest.Seal(); err != nil {
		return err
	}
	return b.verify(false)
}

// verify is Verify; fresh encodes the version lists again, where sealing
// kept them.
func (b *Bundle) verify(fresh bool) error {
	m := &b.Manifest
	if m.FormatVersion != FormatVersion {
		return fmt.Errorf("%w: format_version %d, this schemareg reads %d", ErrFormat, m.FormatVersion, FormatVersion)
	}
	named := make(map[string]bool, len(b.Files))
	var files [][2]string // name and digest
	globalIDs := map[int]string{}
	for i := range m.Schemas {
		s := &m.Schemas[i]
		if i > 0 && m.Schemas[i-1].ID >= s.ID {
			return fmt.Errorf("%w: schemas not sorted by id at %q", ErrCorrupt, s.ID)
		}
		if !ValidID(s.ID) {
			return fmt.Errorf("%w: invalid schema id %q", ErrCorrupt, s.ID)
		}
		if s.Versions == nil {
			if b.Base == nil || s.versionsDigest == "" {
				return fmt.Errorf("%w: schema %q has no versions", ErrCorrupt, s.ID)
			}
			continue
		}
		if len(s.Versions) == 0 {
			return fmt.Errorf("%w: schema %q has no versions", ErrCorrupt, s.ID)
		}
		latest, ok := s.Version(s.Latest)
		if !ok {
			return fmt.Errorf("%w: schema %q: latest %q is not one of its versions", ErrCorrupt, s.ID, s.Latest)
		}
		if !maps.Equal(s.Deps, latest.Deps) {
			return fmt.Errorf("%w: schema %q: its entry's pins %v are not those of its latest version, %v", ErrCorrupt, s.ID, s.Deps, latest.Deps)
		}
		for _, v := range s.Versions {
			if !validVersionName(v.Version) {
				return fmt.Errorf("%w: schema %q: invalid version %q", ErrCorrupt, s.ID, v.Version)
			}
			if v.GlobalID < 0 || v.GlobalID > m.GlobalIDs {
				return fmt.Errorf("%w: schema %q version %s: global id %d outside 1..%d", ErrCorrupt, s.ID, v.Version, v.GlobalID, m.GlobalIDs)
			}
			if other, dup := globalIDs[v.GlobalID]; dup && v.GlobalID > 0 {
				return fmt.Errorf("%w: schema %q version %s: global id %d is also %s's", ErrCorrupt, s.ID, v.Version, v.GlobalID, other)
			}
			globalIDs[v.GlobalID] = s.ID + " " + v.Version
			for _, f := range [][2]string{{SchemaFile(s.ID, v.Version), v.Digest}, {ArrowFile(s.ID, v.Version), v.Arrow}} {
				if f[1] == "" {
					continue
				}
				files = append(files, f)
				named[f[0]] = true
			}
		}
	}
	if err := parallel(len(files), func(i int) error { return b.checkFile(files[i][0], files[i][1]) }); err != nil {
		return err
	}
	for name := range b.Files {
		if !named[name] {
			return fmt.Errorf("%w: file %s is not in the manifest", ErrCorrupt, name)
		}
	}
	gen, err := m.generation(fresh)
	if err != nil {
		return err
	}
	if gen != m.Generation {
		return fmt.Errorf("%w: generation is %s, content digests to %s", ErrCorrupt, m.Generation, gen)
	}
	return nil
}

func (b *Bundle) checkFile(name, digest string) error {
	data, ok := b.Files[name]
	if !ok && b.Base != nil {
		var err error
		if data, err = b.Base.ReadFile(name); err == nil {
			ok = true
		}
	}
	if !ok {
		return fmt.Errorf("%w: missing file %s", ErrCorrupt, name)
	}
	if !strings.HasPrefix(digest, "sha256:") {
		return fmt.Errorf("%w: %s: digest %q is not sha256", ErrCorrupt, name, digest)
	}
	if got := Digest(data); got != digest {
		return fmt.Errorf("%w: %s digests to %s, manifest says %s", ErrCorrupt, name, got, digest)
	}
	return nil
}
