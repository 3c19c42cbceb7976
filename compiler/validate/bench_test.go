package validate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
)

// benchCase is a document the benchmarks check, in the registry it is
// checked in.
type benchCase struct {
	doc *document.Document
	reg *Registry
}

// benchCases returns the documents of a benchmark: "synthetic" are
// versions of the schemas compiler/internal/gen writes, as the compile of
// its history checks them, each alone (testdata/bench holds sixteen, the
// blobs at even steps of `gen -schemas 1000 -commits 20000`); "repository"
// are this repository's schemas, in one registry.
func benchCases(b *testing.B, set string) []benchCase {
	b.Helper()
	dir := filepath.Join("testdata", "bench")
	if set == "repository" {
		dir = filepath.Join("..", "..", "schemas")
	}
	docs := parseSchemas(b, dir)
	cases := make([]benchCase, len(docs))
	shared := NewRegistry(docs...)
	for i, d := range docs {
		cases[i] = benchCase{doc: d, reg: shared}
		if set == "synthetic" {
			cases[i].reg = NewRegistry(d)
		}
	}
	return cases
}

// BenchmarkCompile compiles one document an op, with what a Validator
// needs.
func BenchmarkCompile(b *testing.B) {
	benchEach(b, func(c benchCase) error {
		_, err := c.reg.Compile(c.doc)
		return err
	})
}

// BenchmarkCheck checks one document an op, as the compiler does before it
// publishes a version.
func BenchmarkCheck(b *testing.B) {
	benchEach(b, func(c benchCase) error { return c.reg.Check(c.doc) })
}

// benchEach runs op on one document of each set an op, in turn.
func benchEach(b *testing.B, op func(benchCase) error) {
	for _, set := range []string{"synthetic", "repository"} {
		b.Run(set, func(b *testing.B) {
			cases := benchCases(b, set)
			b.ReportAllocs()
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if err := op(cases[i%len(cases)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// parseSchemas parses every *.json file below dir as a registry document.
func parseSchemas(tb testing.TB, dir string) []*document.Document {
	tb.Helper()
	var docs []*document.Document
	err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
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
		docs = append(docs, d)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return docs
}
