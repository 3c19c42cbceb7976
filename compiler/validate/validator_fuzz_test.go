package validate

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
)

// FuzzValidator compiles random schema documents beside this repository's
// schemas, as validate, compile, check and the server do, and validates a
// random data document with each that compiles: neither may panic or run
// without end, and a schema that does not compile is a Problem of its own
// file. The seed corpus is in testdata/fuzz/FuzzValidator: the schemas of
// this repository with rows for them, and schemas that reach outside the
// registry, hold numbers past the limits, or multiply a validator's work.
func FuzzValidator(f *testing.F) {
	var repo []*document.Document
	err := filepath.WalkDir(filepath.Join("..", "..", "schemas"), func(p string, e os.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(p, ".json") {
			return err
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		d, err := document.ParseDocument(p, data)
		if err != nil {
			return err
		}
		repo = append(repo, d)
		return nil
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, schema, data []byte) {
		if len(schema) > 1<<16 || len(data) > 1<<16 {
			t.Skip()
		}
		d, err := document.ParseSchema("f.json", schema)
		if err != nil {
			return
		}
		reg := NewRegistry(repo...)
		reg.Add(d)
		v, err := reg.Compile(d)
		if err != nil {
			var p *document.Problem
			if !errors.As(err, &p) || p.Path != "f.json" {
				t.Fatalf("compile error not about the file: %v", err)
			}
			return
		}
		value, err := ParseData(data)
		if err != nil {
			return
		}
		v.Validate(value)
	})
}
