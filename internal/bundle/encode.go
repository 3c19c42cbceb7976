package bundle

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"runtime"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/schemareg/schemareg/api"
)

// VersionsFile is the path of a schema's version list inside a bundle.
func VersionsFile(id string) string { return path.Join("versions", id+".json") }

// diskManifest is bundle.json: the manifest with each schema's versions
// replaced by the digest of its version list, so that a bundle of many
// versions opens fast and a compile that adds a version rewrites one list.
type diskManifest struct {
	FormatVersion int          `json:"format_version"`
	Generation    string       `json:"generation"`
	Source        Source       `json:"source"`
	Schemas       []diskSchema `json:"schemas"`
	Violations    []Violation  `json:"violations"`
	GlobalIDs     int          `json:"global_ids,omitempty"`
}

type diskSchema struct {
	ID            string `json:"id"`
	Path          string `json:"path"`
	Latest        string `json:"latest"`
	Deprecated    bool   `json:"deprecated,omitempty"`
	Compatibility string `json:"compatibility"`
	Title         string `json:"title,omitempty"`
	Description   string `json:"description,omitempty"`
	// Deps are the latest version's pins.
	Deps           map[string]string `json:"deps,omitempty"`
	Versions       int               `json:"versions"`
	VersionsDigest string            `json:"versions_digest"`
}

// encodeJSON is the encoding of every file of a bundle: fields in
// declaration order, no HTML escaping, one-space indent, a trailing newline.
func encodeJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	compact := bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
	out := make([]byte, 0, len(compact)+len(compact)/2)
	out = appendIndent(out, compact, " ")
	return append(out, '\n'), nil
}

// parallel calls fn(0) to fn(n-1) on every core and returns the error of
// the lowest i that failed.
func parallel(n int, fn func(i int) error) error {
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(n, runtime.GOMAXPROCS(0)) {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				errs[i] = fn(i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// versionsRef returns the digest and length of the schema's version list;
// data is its encoding, nil when the versions are not loaded. fresh
// ignores what Seal or Read remembered.
func (s *Schema) versionsRef(fresh bool) (digest string, count int, data []byte, err error) {
	if s.Versions == nil {
		if s.versionsDigest == "" {
			return "", 0, nil, fmt.Errorf("schema %q: versions neither loaded nor known", s.ID)
		}
		return s.versionsDigest, s.versionsCount, nil, nil
	}
	if !fresh && s.versionsData != nil {
		return s.versionsDigest, len(s.Versions), s.versionsData, nil
	}
	data, err = encodeJSON(s.Versions)
	if err != nil {
		return "", 0, nil, fmt.Errorf("encode versions of %q: %w", s.ID, err)
	}
	return Digest(data), len(s.Versions), data, nil
}

func (m *Manifest) disk(fresh bool) (diskManifest, error) {
	d := diskManifest{FormatVersion: m.FormatVersion, Generation: m.Generation, Source: m.Source, Violations: m.Violations, GlobalIDs: m.GlobalIDs}
	if !sort.SliceIsSorted(m.Schemas, func(i, j int) bool { return m.Schemas[i].ID < m.Schemas[j].ID }) {
		return d, fmt.Errorf("encode manifest: schemas not sorted by id")
	}
	type ref struct {
		digest string
		n      int
	}
	refs := make([]ref, len(m.Schemas))
	err := parallel(len(m.Schemas), func(i int) error {
		digest, n, _, err := m.Schemas[i].versionsRef(fresh)
		refs[i] = ref{digest, n}
		return err
	})
	if err != nil {
		return d, err
	}
	d.Schemas = make([]diskSchema, len(m.Schemas))
	for i := range m.Schemas {
		s := &m.Schemas[i]
		d.Schemas[i] = diskSchema{ID: s.ID, Path: s.Path, Latest: s.Latest, Deprecated: s.Deprecated,
			Compatibility: s.Compatibility, Title: s.Title, Description: s.Description, Deps: s.Deps, Versions: refs[i].n, VersionsDigest: refs[i].digest}
	}
	if d.Violations == nil {
		d.Violations = []Violation{}
	}
	return d, nil
}

// Encode returns bundle.json: the manifest with every schema's version list
// named by its digest (the lists are the files VersionsFile names).
func (m *Manifest) Encode() ([]byte, error) {
	d, err := m.disk(false)
	if err != nil {
		return nil, err
	}
	return encodeJSON(d)
}

// ComputeGeneration returns the generation of the manifest's content: the
// digest of bundle.json with generation and source left empty. Since
// bundle.json names every version list by its digest, and every list names
// every file by its digest, the generation covers the whole bundle.
func (m *Manifest) ComputeGeneration() (string, error) {
	return m.generation(false)
}

func (m *Manifest) generation(fresh bool) (string, error) {
	d, err := m.disk(fresh)
	if err != nil {
		return "", err
	}
	d.Generation, d.Source = "", Source{}
	data, err := encodeJSON(d)
	if err != nil {
		return "", err
	}
	return Digest(data), nil
}

// Seal sorts the schemas, normalizes empty lists, encodes the loaded
// version lists and sets the generation. Call it again after any change.
func (m *Manifest) Seal() error {
	m.FormatVersion = FormatVersion
	sort.Slice(m.Schemas, func(i, j int) bool { return m.Schemas[i].ID < m.Schemas[j].ID })
	if m.Schemas == nil {
		m.Schemas = []Schema{}
	}
	if m.Violations == nil {
		m.Violations = []Violation{}
	}
	err := parallel(len(m.Schemas), func(i int) error {
		s := &m.Schemas[i]
		if s.Versions == nil {
			return nil
		}
		for j := range s.Versions {
			if s.Versions[j].Changes == nil {
				s.Versions[j].Changes = []api.Change{}
			}
		}
		digest, n, data, err := s.versionsRef(true)
		if err != nil {
			return err
		}
		s.versionsData, s.versionsDigest, s.versionsCount = data, digest, n
		return nil
	})
	if err != nil {
		return err
	}
	gen, err := m.ComputeGeneration()
	if err != nil {
		return err
	}
	m.Generation = gen
	return nil
}

// Layout returns every file of the bundle as a plain directory holds it:
// bundle.json, the version lists and the schema files, by slash-separated
// path. Write lays a bundle out so too, sharing the schema files between
// bundles; Layout is for tools that write a bundle some other way. It
// needs every version list and file loaded (a bundle without Base).
func (b *Bundle) Layout() (map[string][]byte, error) {
	if b.Base != nil {
		return nil, fmt.Errorf("layout of a bundle that continues %s: read it whole first", b.Base.path)
	}
	manifest, err := b.Manifest.Encode()
	if err != nil {
		return nil, err
	}
	out := make(map[string][]byte, len(b.Files)+len(b.Manifest.Schemas)+1)
	out[ManifestFile] = manifest
	for i := range b.Manifest.Schemas {
		s := &b.Manifest.Schemas[i]
		_, _, data, err := s.versionsRef(false)
		if err != nil {
			return nil, err
		}
		out[VersionsFile(s.ID)] = data
	}
	for name, data := range b.Files {
		out[name] = data
	}
	return out, nil
}
