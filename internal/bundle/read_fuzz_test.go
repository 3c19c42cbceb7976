package bundle

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead corrupts a bundle on disk, its manifest, one version list and one
// schema file, and reads it: Read never panics, and what it accepts
// verifies.
func FuzzRead(f *testing.F) {
	b := testBundleTB(f, 2, 2)
	layout, err := b.Layout()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(layout[ManifestFile], layout[VersionsFile("s000_v1")], layout[SchemaFile("s001_v1", "1.0.0")])
	f.Add([]byte(`{"format_version":1,"schemas":[{"id":"a","versions":1,"versions_digest":"sha256:x"}]}`), []byte(`[{"version":"../../x"}]`), []byte{})
	f.Add([]byte(`{"format_version":1,"schemas":null}`), []byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, manifest, versions, schema []byte) {
		dir := t.TempDir()
		for name, data := range layout {
			switch name {
			case ManifestFile:
				data = manifest
			case VersionsFile("s000_v1"):
				data = versions
			case SchemaFile("s001_v1", "1.0.0"):
				data = schema
			}
			p := filepath.Join(dir, filepath.FromSlash(name))
			if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		got, err := Read(dir)
		if err != nil {
			return
		}
		if err := got.Verify(); err != nil {
			t.Fatalf("Read accepted a bundle that does not verify: %v", err)
		}
	})
}
