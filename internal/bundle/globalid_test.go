package bundle

import (
	"errors"
	"path/filepath"
	"testing"
)

func TestGlobalIDsSurviveWriteRead(t *testing.T) {
	b := testBundle(t, 2, 2)
	n := 0
	for i := range b.Manifest.Schemas {
		for j := range b.Manifest.Schemas[i].Versions {
			n++
			b.Manifest.Schemas[i].Versions[j].GlobalID = n
		}
	}
	b.Manifest.GlobalIDs = n
	if err := b.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := Write(dir, b); err != nil {
		t.Fatal(err)
	}
	got, err := Read(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Manifest.GlobalIDs != n || got.Manifest.Schemas[1].Versions[1].GlobalID != n {
		t.Errorf("read back global_ids %d and last id %d, want %d", got.Manifest.GlobalIDs, got.Manifest.Schemas[1].Versions[1].GlobalID, n)
	}
}

func TestVerifyRefusesBadGlobalIDs(t *testing.T) {
	for name, set := range map[string]func(b *Bundle){
		"negative": func(b *Bundle) { b.Manifest.Schemas[0].Versions[0].GlobalID = -1 },
		"over max": func(b *Bundle) { b.Manifest.Schemas[0].Versions[0].GlobalID = 3 },
		"duplicate": func(b *Bundle) {
			b.Manifest.Schemas[0].Versions[0].GlobalID = 2
			b.Manifest.Schemas[1].Versions[0].GlobalID = 2
		},
	} {
		t.Run(name, func(t *testing.T) {
			b := testBundle(t, 2, 1)
			b.Manifest.GlobalIDs = 2
			set(b)
			if err := b.Manifest.Seal(); err != nil {
				t.Fatal(err)
			}
			if err := b.Verify(); !errors.Is(err, ErrCorrupt) {
				t.Errorf("Verify: %v, want ErrCorrupt", err)
			}
		})
	}
}
