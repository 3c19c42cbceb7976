package site

import (
	"testing"

	"github.com/schemareg/schemareg/internal/bundle"
)

// TestMirrorShapes pins the bytes of versions.json and schemas.json, which
// the REST server sends for the same reads.
func TestMirrorShapes(t *testing.T) {
	s := bundle.Schema{ID: "ticks_v1", Latest: "1.1.0", Compatibility: "BACKWARD", Title: "Ticks & <quotes>",
		Versions: []bundle.Version{
			{Version: "1.0.0", Digest: "sha256:aa", Commit: "c1", Time: "2026-01-01T00:00:00Z", Bump: "none", Author: "x"},
			{Version: "1.1.0", Digest: "sha256:bb", Commit: "c2", Time: "2026-02-01T00:00:00Z", Bump: "minor"},
		}}
	versions, err := VersionsJSON(&s)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"id":"ticks_v1","versions":[` +
		`{"version":"1.0.0","digest":"sha256:aa","commit":"c1","time":"2026-01-01T00:00:00Z","bump":"none"},` +
		`{"version":"1.1.0","digest":"sha256:bb","commit":"c2","time":"2026-02-01T00:00:00Z","bump":"minor"}]}` + "\n"
	if string(versions) != want {
		t.Errorf("versions.json:\n got %s\nwant %s", versions, want)
	}
	m := bundle.Manifest{Schemas: []bundle.Schema{s, {ID: "zz_v1", Latest: "1.0.0", Deprecated: true,
		Versions: []bundle.Version{{Version: "1.0.0", Digest: "sha256:cc"}}}}}
	schemas, err := SchemasJSON(&m)
	if err != nil {
		t.Fatal(err)
	}
	want = `{"schemas":[` +
		`{"id":"ticks_v1","latest":"1.1.0","digest":"sha256:bb","title":"Ticks & <quotes>","description":"","deprecated":false,"compatibility":"BACKWARD"},` +
		`{"id":"zz_v1","latest":"1.0.0","digest":"sha256:cc","title":"","description":"","deprecated":true,"compatibility":""}]}` + "\n"
	if string(schemas) != want {
		t.Errorf("schemas.json:\n got %s\nwant %s", schemas, want)
	}
	m.Schemas[0].Latest = "9.9.9"
	if _, err := SchemasJSON(&m); err == nil {
		t.Error("a latest version that is not a version was accepted")
	}
}
