package bundle

import (
	"errors"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// Pins survive a write and a read, in the version lists and in bundle.json's
// entries; Open reads the entries' pins without the version lists.
func TestPinsSurviveWriteRead(t *testing.T) {
	b := testBundle(t, 2, 2)
	pins := map[string]string{b.Manifest.Schemas[0].ID: b.Manifest.Schemas[0].Latest}
	s := &b.Manifest.Schemas[1]
	s.Versions[len(s.Versions)-1].Deps = pins
	s.Deps = pins
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
	gs := got.Manifest.Schemas[1]
	if diff := cmp.Diff(pins, gs.Versions[len(gs.Versions)-1].Deps); diff != "" {
		t.Errorf("version pins (-want +got):\n%s", diff)
	}
	opened, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(pins, opened.Manifest.Schemas[1].Deps); diff != "" || opened.Manifest.Schemas[1].Versions != nil {
		t.Errorf("Open: entry pins (-want +got):\n%s (versions loaded: %v)", diff, opened.Manifest.Schemas[1].Versions != nil)
	}
}

// An entry whose pins are not its latest version's is a corrupt bundle.
func TestVerifyRefusesEntryPinsThatDiffer(t *testing.T) {
	b := testBundle(t, 2, 2)
	b.Manifest.Schemas[1].Deps = map[string]string{b.Manifest.Schemas[0].ID: "9.9.9"}
	if err := b.Manifest.Seal(); err != nil {
		t.Fatal(err)
	}
	if err := b.Verify(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("Verify: %v, want ErrCorrupt", err)
	}
}
