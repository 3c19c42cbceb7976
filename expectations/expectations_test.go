package expectations

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/compiler/document"
)

var update = flag.Bool("update", false, "rewrite the golden want.json files")

// testMapping derives the suite of testdata/<name>/schema.json and compares
// it with want.json; go test ./expectations -update rewrites it.
func testMapping(t *testing.T, name string) {
	t.Helper()
	dir := filepath.Join("testdata", name)
	got := suiteOf(t, filepath.Join(dir, "schema.json"))
	golden(t, filepath.Join(dir, "want.json"), got)
}

func suiteOf(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := document.ParseDocument(path, data)
	if err != nil {
		t.Fatal(err)
	}
	s, err := FromDocument(d)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./expectations -update writes it)", err)
	}
	var w, g any
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(w, g); diff != "" {
		t.Errorf("%s (-want +got):\n%s", path, diff)
	}
	if !bytes.Equal(want, got) {
		t.Errorf("%s: same JSON, other bytes; the encoding changed", path)
	}
}

func TestColumnToExist(t *testing.T)  { testMapping(t, "column_to_exist") }
func TestNotNull(t *testing.T)        { testMapping(t, "not_null") }
func TestOfType(t *testing.T)         { testMapping(t, "of_type") }
func TestInTypeList(t *testing.T)     { testMapping(t, "in_type_list") }
func TestInSet(t *testing.T)          { testMapping(t, "in_set") }
func TestBetween(t *testing.T)        { testMapping(t, "between") }
func TestBetweenDraft04(t *testing.T) { testMapping(t, "between_draft04") }
func TestValueLengths(t *testing.T)   { testMapping(t, "value_lengths") }
func TestMatchRegex(t *testing.T)     { testMapping(t, "match_regex") }
func TestClosedTable(t *testing.T)    { testMapping(t, "closed_table") }
func TestUnmapped(t *testing.T)       { testMapping(t, "unmapped") }

// TestEveryMappingHasATest keeps the folders and the tests one to one.
func TestEveryMappingHasATest(t *testing.T) {
	dirs, err := filepath.Glob("testdata/*/schema.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) != 11 {
		t.Errorf("%d mapping folders, 11 tests: add a Test function for each folder", len(dirs))
	}
}

// TestExampleSchemas derives the suite of every example schema.
func TestExampleSchemas(t *testing.T) {
	files, err := filepath.Glob("../schemas/*.json")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../schemas/*/*.json")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no example schemas")
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			got := suiteOf(t, f)
			golden(t, filepath.Join("testdata", "examples", name), got)
			if again := suiteOf(t, f); !bytes.Equal(got, again) {
				t.Error("two derivations differ")
			}
		})
	}
}
