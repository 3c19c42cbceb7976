package bundle

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// testBundle makes a sealed bundle of n schemas with v versions each.
func testBundle(t *testing.T, n, v int) *Bundle {
	t.Helper()
	return testBundleTB(t, n, v)
}

func testBundleTB(t testing.TB, n, v int) *Bundle {
	b := &Bundle{Files: map[string][]byte{}}
	for i := range n {
		id := fmt.Sprintf("s%03d_v1", i)
		s := Schema{ID: id, Path: "schemas/" + id + ".json", Compatibility: "BACKWARD"}
		for j := range v {
			ver := fmt.Sprintf("1.%d.0", j)
			data := []byte(fmt.Sprintf(`{"id":%q,"version":%q}`, id, ver))
			b.Files[SchemaFile(id, ver)] = data
			arrow := []byte("arrow:" + id + ver)
			b.Files[ArrowFile(id, ver)] = arrow
			s.Versions = append(s.Versions, Version{Version: ver, Digest: Digest(data), Size: len(data), Arrow: Digest(arrow),
				Commit: "c", Time: "2026-01-01T00:00:00Z", Bump: "minor", RequiredBump: "minor", Compatible: true})
			s.Latest = ver
		}
		b.Manifest.Schemas = append(b.Manifest.Schemas, s)
	}
	if err := b.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	return b
}

// addVersion returns b's successor with one more version of schema s000_v1.
func addVersion(t *testing.T, b *Bundle, ver string) *Bundle {
	t.Helper()
	nb := &Bundle{Manifest: b.Manifest, Files: map[string][]byte{}, Base: b.Base}
	nb.Manifest.Schemas = append([]Schema(nil), b.Manifest.Schemas...)
	for k, v := range b.Files {
		nb.Files[k] = v
	}
	s := &nb.Manifest.Schemas[0]
	if s.Versions == nil {
		if err := b.Base.LoadVersions(s); err != nil {
			t.Fatal(err)
		}
	}
	data := []byte(fmt.Sprintf(`{"id":%q,"version":%q}`, s.ID, ver))
	nb.Files[SchemaFile(s.ID, ver)] = data
	s.Versions = append(append([]Version(nil), s.Versions...), Version{Version: ver, Digest: Digest(data), Size: len(data), Commit: "d", Bump: "minor", RequiredBump: "minor", Compatible: true})
	s.Latest = ver
	if err := nb.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	return nb
}

func TestWriteRead(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out", "bundle")
	b := testBundle(t, 3, 2)
	if err := Write(dir, b); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifest.Generation != b.Manifest.Generation {
		t.Errorf("generation %s, wrote %s", got.Manifest.Generation, b.Manifest.Generation)
	}
	if diff := cmp.Diff(b.Files, got.Files); diff != "" {
		t.Errorf("files (-wrote +read):\n%s", diff)
	}
	if diff := cmp.Diff(b.Manifest.Schemas, got.Manifest.Schemas, cmp.AllowUnexported(Schema{})); diff != "" && !cmp.Equal(b.Manifest.Schemas[0].Versions, got.Manifest.Schemas[0].Versions) {
		t.Errorf("schemas differ:\n%s", diff)
	}
	m, err := ReadManifest(dir)
	if err != nil || len(m.Schemas[2].Versions) != 2 {
		t.Fatalf("ReadManifest: %v, %+v", err, m)
	}
}

func TestWriteContinuesABundle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := Write(dir, testBundle(t, 3, 2)); err != nil {
		t.Fatal(err)
	}
	opened, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	next := addVersion(t, opened, "1.9.0")
	if len(next.Files) != 1 {
		t.Fatalf("the continued bundle holds %d files, want only the new one", len(next.Files))
	}
	if err := Write(dir, next); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	// The same bundle written whole has the same generation and files.
	full, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(t.TempDir(), "bundle")
	if err := Write(other, full); err != nil {
		t.Fatal(err)
	}
	whole, err := Read(other)
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifest.Generation != whole.Manifest.Generation || !cmp.Equal(got.Files, whole.Files) {
		t.Errorf("continued and whole bundles differ: %s vs %s", got.Manifest.Generation, whole.Manifest.Generation)
	}
	if n := len(got.Manifest.Schemas[0].Versions); n != 3 {
		t.Errorf("schema 0 has %d versions, want 3", n)
	}
}

func TestReadRefusesCorruptBundles(t *testing.T) {
	tests := []struct {
		name    string
		corrupt func(t *testing.T, real string)
		want    error
	}{
		{"SchemaFileChanged", func(t *testing.T, real string) {
			writeOver(t, filepath.Join(real, "schemas", "s001_v1", "1.0.0.json"), `{"id":"s001_v1","version":"6.6.6"}`)
		}, ErrCorrupt},
		{"SchemaFileMissing", func(t *testing.T, real string) {
			os.Remove(filepath.Join(real, "schemas", "s001_v1", "1.1.0.arrow"))
		}, ErrCorrupt},
		{"VersionListChanged", func(t *testing.T, real string) {
			writeOver(t, filepath.Join(real, "versions", "s002_v1.json"), "[]\n")
		}, ErrCorrupt},
		{"ManifestNotJSON", func(t *testing.T, real string) {
			writeOver(t, filepath.Join(real, ManifestFile), "{")
		}, ErrCorrupt},
		{"FormatVersion", func(t *testing.T, real string) {
			writeOver(t, filepath.Join(real, ManifestFile), `{"format_version": 99}`)
		}, ErrFormat},
		{"PathInID", func(t *testing.T, real string) {
			writeOver(t, filepath.Join(real, ManifestFile), `{"format_version": 1, "schemas": [{"id": "../../etc", "versions": 1, "versions_digest": "sha256:00"}]}`)
		}, ErrCorrupt},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bundle")
			if err := Write(dir, testBundle(t, 3, 2)); err != nil {
				t.Fatal(err)
			}
			real, err := filepath.EvalSymlinks(dir)
			if err != nil {
				t.Fatal(err)
			}
			tc.corrupt(t, real)
			if _, err := Read(dir); !errors.Is(err, tc.want) {
				t.Errorf("Read: %v, want %v", err, tc.want)
			}
		})
	}
}

func writeOver(t *testing.T, name, content string) {
	t.Helper()
	os.Remove(name) // the file may be a hard link shared with another bundle
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestWriteRefusesToReplaceOtherThings(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "precious")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := Write(dir, testBundle(t, 1, 1)); err == nil {
		t.Fatal("Write replaced a folder that is not a bundle")
	}
	if _, err := os.Stat(filepath.Join(dir, "notes.txt")); err != nil {
		t.Fatalf("the folder was touched: %v", err)
	}
}

func TestWriteRefusesCorruptBundle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bundle")
	good := testBundle(t, 2, 1)
	if err := Write(dir, good); err != nil {
		t.Fatal(err)
	}
	bad := testBundle(t, 2, 2)
	bad.Files[SchemaFile("s000_v1", "1.1.0")] = []byte("tampered")
	if err := Write(dir, bad); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Write of a corrupt bundle: %v, want ErrCorrupt", err)
	}
	got, err := Read(dir)
	if err != nil || got.Manifest.Generation != good.Manifest.Generation {
		t.Fatalf("after a refused write the bundle is %v (%v), want the good one", got, err)
	}
}

// TestReadersNeverSeeHalfABundle reads the bundle in a loop while it is
// rewritten: every read is complete and one of the bundles written.
func TestReadersNeverSeeHalfABundle(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bundle")
	first := testBundle(t, 20, 3)
	if err := Write(dir, first); err != nil {
		t.Fatal(err)
	}
	gens := sync.Map{}
	gens.Store(first.Manifest.Generation, true)
	var stop atomic.Bool
	var reads atomic.Int64
	errs := make(chan error, 1)
	go func() {
		defer close(errs)
		for !stop.Load() {
			b, err := Read(dir)
			if err != nil {
				errs <- err
				return
			}
			if _, ok := gens.Load(b.Manifest.Generation); !ok {
				errs <- fmt.Errorf("read generation %s that was never written", b.Manifest.Generation)
				return
			}
			reads.Add(1)
		}
	}()
	cur, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 30 {
		next := addVersion(t, cur, fmt.Sprintf("2.%d.0", i))
		gens.Store(next.Manifest.Generation, true)
		if err := Write(dir, next); err != nil {
			t.Fatal(err)
		}
		if cur, err = Open(dir); err != nil {
			t.Fatal(err)
		}
	}
	stop.Store(true)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if reads.Load() == 0 {
		t.Fatal("the reader never read")
	}
	// Old generations are pruned: the current and the previous one stay.
	entries, _ := os.ReadDir(filepath.Dir(dir))
	if len(entries) > 5 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("%d entries beside the bundle, want at most the link, two generations and their store: %v", len(entries), names)
	}
}

func TestSealVerifiesWhatItSeals(t *testing.T) {
	b := testBundle(t, 3, 2)
	gen := b.Manifest.Generation
	if err := b.Seal(); err != nil || b.Manifest.Generation != gen {
		t.Fatalf("Seal of a sealed bundle: %v, generation %s, was %s", err, b.Manifest.Generation, gen)
	}
	if err := b.Verify(); err != nil {
		t.Fatal(err)
	}
	b.Files[SchemaFile("s001_v1", "1.1.0")] = []byte("tampered")
	if err := b.Seal(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Seal with a file that is not its digest's: %v, want ErrCorrupt", err)
	}
	b = testBundle(t, 3, 2)
	delete(b.Files, ArrowFile("s002_v1", "1.0.0"))
	delete(b.Files, SchemaFile("s002_v1", "1.0.0"))
	if err := b.Seal(); !errors.Is(err, ErrCorrupt) {
		t.Fatalf("Seal with a missing file: %v, want ErrCorrupt", err)
	}
}
