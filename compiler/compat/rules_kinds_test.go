package compat

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEveryKindHasOneRow checks that the families' tables hold exactly one
// row for each kind, named and described.
func TestEveryKindHasOneRow(t *testing.T) {
	upperSnake := regexp.MustCompile(`^[A-Z]+(_[A-Z]+)*$`)
	rows := map[kind]int{}
	names := map[string]kind{}
	for _, family := range kindFamilies {
		for k, info := range family.rows {
			rows[k]++
			if !upperSnake.MatchString(info.name) || info.summary == "" {
				t.Errorf("kind %d: name %q, summary %q: want an UPPER_SNAKE name and a summary", k, info.name, info.summary)
			}
			if other, ok := names[info.name]; ok && other != k {
				t.Errorf("%s names kinds %d and %d", info.name, other, k)
			}
			names[info.name] = k
		}
	}
	for k := kind(0); k < numKinds; k++ {
		if rows[k] != 1 {
			t.Errorf("kind %d (%s) has %d rows, want 1", k, kindInfos[k].name, rows[k])
		}
	}
}

// TestEveryKindHasAGoldenCase checks that testdata/breaking holds a case
// folder for every kind and no folder that names no kind.
func TestEveryKindHasAGoldenCase(t *testing.T) {
	dir := filepath.Join("testdata", "breaking")
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	folders := map[string]bool{}
	for _, e := range entries {
		folders[e.Name()] = true
	}
	for k := kind(0); k < numKinds; k++ {
		name := strings.ToLower(kindInfos[k].name)
		if !folders[name] {
			t.Errorf("%s has no golden case: add %s/previous.json and current.json, then run go test -update", kindInfos[k].name, filepath.Join(dir, name))
		}
		delete(folders, name)
	}
	for name := range folders {
		t.Errorf("%s names no change kind: rename or remove it", filepath.Join(dir, name))
	}
}
