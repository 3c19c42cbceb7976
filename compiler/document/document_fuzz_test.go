package document_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/document"
)

// FuzzParseDocument feeds arbitrary bytes to the document parser: it never
// panics, a document it accepts has canonical bytes that parse back to the
// same canonical bytes, and every pointer query answers.
func FuzzParseDocument(f *testing.F) {
	for _, seed := range []string{
		`{"id": "a_v1", "version": "1.0.0", "type": "object"}`,
		`{"id": "a_v1", "version": "1.0.0-rc.1", "schema": "http://json-schema.org/draft-07/schema#", "properties": {"x": {"type": ["string", "null"]}}, "arrow": {"fields": [{"name": "x", "type": "utf8"}]}}`,
		`{"a": [1, 2.5e3, -0, "\u00e9\ud83d\ude00", true, null, {}]}`,
		`[[[[[[]]]]]]`, `{"id": 5}`, `{"x": "\xff"}`, `{"a":1,}`, ``, `"\u12"`,
	} {
		f.Add([]byte(seed))
	}
	paths, _ := filepath.Glob(filepath.Join("..", "..", "schemas", "*", "*.json"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "schemas", "*.json"))
	for _, p := range append(paths, more...) {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := document.ParseSchema("f.json", data)
		if err != nil {
			return
		}
		again, err := document.ParseSchema("f.json", d.Canonical)
		if err != nil {
			t.Fatalf("canonical bytes do not parse: %v\n%s", err, d.Canonical)
		}
		if !bytes.Equal(again.Canonical, d.Canonical) {
			t.Fatalf("canonical form is not stable:\n%s\n%s", d.Canonical, again.Canonical)
		}
		for _, ptr := range []string{"", "#/properties", "#/a/0", "/x/y/z"} {
			d.Line(ptr)
		}
		if _, err := arrowschema.IPC(d, nil); err != nil && d.Arrow == nil {
			t.Fatalf("default arrow mapping failed: %v", err)
		}
	})
}
