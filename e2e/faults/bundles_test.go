package faults

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/etcdstore"
)

// group is a run of synthetic schemas of a bundle: ids "<prefix>0000", ...
// The bytes of a version depend only on its id and number, so two bundles
// that share a group agree on every version they both have: they can be
// published one after the other, in any order, without a mutated version.
type group struct {
	prefix string
	n      int
	// versions is the number of versions of the i-th schema: "1.0.0",
	// "1.1.0", ...
	versions func(i int) int
	// arrow gives every version an Arrow schema.
	arrow bool
	// pad adds this many bytes to every version's description.
	pad int
}

// fixed is a versions func that gives every schema n versions.
func fixed(n int) func(int) int { return func(int) int { return n } }

func (g group) id(i int) string { return fmt.Sprintf("%s%04d", g.prefix, i) }

// makeBundle builds a sealed, verified bundle of the groups, as compiled at
// commit number commit.
func makeBundle(t testing.TB, commit int, groups ...group) *bundle.Bundle {
	t.Helper()
	b, err := buildBundle(commit, groups...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// buildBundle is makeBundle for a goroutine other than the test's.
func buildBundle(commit int, groups ...group) (*bundle.Bundle, error) {
	b := &bundle.Bundle{Files: map[string][]byte{}}
	m := &b.Manifest
	for _, g := range groups {
		for i := 0; i < g.n; i++ {
			id := g.id(i)
			s := bundle.Schema{ID: id, Path: "schemas/" + id + ".json", Compatibility: "BACKWARD", Title: "Schema " + id,
				Description: "A synthetic schema of the " + g.prefix + " group."}
			for v := 0; v < g.versions(i); v++ {
				version := fmt.Sprintf("1.%d.0", v)
				props := map[string]any{"ts": map[string]any{"type": "string", "format": "date-time"}}
				for f := 1; f <= v; f++ {
					props[fmt.Sprintf("field%d", f)] = map[string]any{"type": "integer"}
				}
				data := document.Canonical(map[string]any{
					"id": id, "version": version, "type": "object", "title": s.Title,
					"description": "Version " + version + " of " + id + "." + strings.Repeat(" Padding.", g.pad/9),
					"properties":  props, "additionalProperties": false,
				})
				ver := bundle.Version{
					Version: version, Digest: bundle.Digest(data), Size: len(data), Path: s.Path,
					Commit: fmt.Sprintf("%040x", v+1), Time: "2026-01-01T00:00:00Z", Author: "Ada <ada@example.com>",
					Bump: "minor", RequiredBump: "minor", Compatible: true,
				}
				if v == 0 {
					ver.Bump, ver.RequiredBump = "none", "none"
				} else {
					ver.Changes = []api.Change{{Kind: "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL",
						Path: fmt.Sprintf("#/properties/field%d", v), Backward: true, Forward: false, Message: "optional property added"}}
				}
				b.Files[bundle.SchemaFile(id, version)] = data
				if g.arrow {
					ipc, err := arrowOf(data)
					if err != nil {
						return nil, err
					}
					b.Files[bundle.ArrowFile(id, version)] = ipc
					ver.Arrow = bundle.Digest(ipc)
				}
				s.Versions = append(s.Versions, ver)
				s.Latest = version
			}
			m.Schemas = append(m.Schemas, s)
		}
	}
	sort.Slice(m.Schemas, func(i, j int) bool { return m.Schemas[i].ID < m.Schemas[j].ID })
	m.Source = bundle.Source{Commit: fmt.Sprintf("%040x", commit), Time: "2026-01-01T00:00:00Z", Dir: "schemas", Commits: commit}
	if err := m.Seal(); err != nil {
		return nil, err
	}
	if err := b.Verify(); err != nil {
		return nil, err
	}
	return b, nil
}

// arrowOf returns the Arrow IPC schema of a schema document.
func arrowOf(data []byte) ([]byte, error) {
	d, err := document.ParseDocument("x.json", data)
	if err != nil {
		return nil, err
	}
	return arrowschema.IPC(d, nil)
}

// writePlain writes b to a new plain folder, with no store of schema files
// beside it and no sync of the file system: the quick way for a test that
// writes many bundles, each read by a process started after.
func writePlain(t testing.TB, dir string, b *bundle.Bundle) string {
	t.Helper()
	if err := layoutPlain(dir, b); err != nil {
		t.Fatal(err)
	}
	return dir
}

// layoutPlain is writePlain for a goroutine other than the test's.
func layoutPlain(dir string, b *bundle.Bundle) error {
	files, err := b.Layout()
	if err != nil {
		return err
	}
	dirs := map[string]bool{}
	for name := range files {
		dirs[filepath.Dir(filepath.Join(dir, filepath.FromSlash(name)))] = true
	}
	for d := range dirs {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return err
		}
	}
	// File systems create many small files faster in parallel.
	names := make(chan string)
	errs := make(chan error, len(files))
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for name := range names {
				errs <- os.WriteFile(filepath.Join(dir, filepath.FromSlash(name)), files[name], 0o644)
			}
		}()
	}
	for name := range files {
		names <- name
	}
	close(names)
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// versionOf returns a version of a schema of b.
func versionOf(b *bundle.Bundle, id, version string) (*bundle.Version, bool) {
	s, ok := b.Manifest.Schema(id)
	if !ok {
		return nil, false
	}
	return s.Version(version)
}

// latestOf returns the latest version of a schema of b.
func latestOf(s *bundle.Schema) *bundle.Version {
	v, _ := s.Version(s.Latest)
	return v
}

// short shortens a generation for messages.
func short(gen string) string {
	if r := etcdstore.Ref(gen); len(r) > 12 {
		return r[:12]
	}
	return gen
}
