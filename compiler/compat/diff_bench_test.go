package compat

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
)

// benchSchemas builds a 500-property registry document and a next version
// with the changes a busy quarter brings: fields added and removed, enums
// grown and shrunk, limits moved, types widened, descriptions reworded.
func benchSchemas(tb testing.TB) (*document.Document, *document.Document) {
	tb.Helper()
	build := func(version string, next bool) *document.Document {
		props := map[string]any{}
		var required []any
		for i := 0; i < 500; i++ {
			name := fmt.Sprintf("field_%03d", i)
			var s map[string]any
			switch i % 6 {
			case 0:
				s = map[string]any{"type": "string", "maxLength": 32, "description": "A name."}
			case 1:
				s = map[string]any{"type": "integer", "minimum": 0}
			case 2:
				s = map[string]any{"type": "string", "enum": []any{"A", "B", "C"}}
			case 3:
				s = map[string]any{"type": "array", "items": map[string]any{"$ref": "#/definitions/leg"}}
			case 4:
				s = map[string]any{"type": "object", "properties": map[string]any{
					"x": map[string]any{"type": "number"}, "y": map[string]any{"type": "number"}}, "required": []any{"x"}}
			default:
				s = map[string]any{"type": []any{"string", "null"}, "format": "date-time"}
			}
			if next {
				switch {
				case i%50 == 0:
					s["maxLength"] = 64
				case i%50 == 1:
					s["type"] = "number"
				case i%50 == 2:
					s["enum"] = []any{"A", "B", "C", "D"}
				case i%50 == 8:
					s["enum"] = []any{"A", "B"}
				case i%50 == 6:
					s["description"] = "A reworded name."
				case i%50 == 49:
					continue // removed
				}
			}
			props[name] = s
			if i%3 == 0 {
				required = append(required, name)
			}
		}
		if next {
			for i := 0; i < 10; i++ {
				props[fmt.Sprintf("added_%d", i)] = map[string]any{"type": "string"}
			}
		}
		leg := map[string]any{"type": "object", "properties": map[string]any{
			"venue": map[string]any{"type": "string"}, "qty": map[string]any{"type": "integer"}}}
		if next {
			leg["properties"].(map[string]any)["qty"] = map[string]any{"type": "number"}
		}
		doc := map[string]any{"id": "big_v1", "version": version, "type": "object", "properties": props,
			"required": required, "additionalProperties": false, "definitions": map[string]any{"leg": leg}}
		data, err := json.MarshalIndent(doc, "", "  ")
		if err != nil {
			tb.Fatal(err)
		}
		d, err := document.ParseDocument("big_v1.json", data)
		if err != nil {
			tb.Fatal(err)
		}
		return d
	}
	return build("1.0.0", false), build("2.0.0", true)
}

func BenchmarkDiff500Properties(b *testing.B) {
	old, new := benchSchemas(b)
	b.ReportAllocs()
	var changes int
	for b.Loop() {
		changes = len(Diff(old, new, DiffOptions{}).Changes)
	}
	b.ReportMetric(float64(changes), "changes/op")
}

// conformancePair is one case of the peers' data, decoded once.
type conformancePair struct {
	old, new any
}

func loadConformancePairs(tb testing.TB) []conformancePair {
	tb.Helper()
	dir := conformanceDir()
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("no conformance data at %s: %v", dir, err)
	}
	var pairs []conformancePair
	files, _ := filepath.Glob(filepath.Join(dir, "confluent", "*.json"))
	for _, path := range files {
		var cases []confluentCase
		decodeLoose(tb, path, &cases)
		for _, c := range cases {
			pairs = append(pairs, conformancePair{c.Original, c.Update})
		}
	}
	var data struct {
		Tests []apicurioCase `json:"tests"`
	}
	decodeLoose(tb, filepath.Join(dir, "apicurio", "compatibility-test-data.json"), &data)
	for _, c := range data.Tests {
		pairs = append(pairs, conformancePair{c.Original, c.Updated})
	}
	return pairs
}

// BenchmarkDiffConformance diffs all the peers' pairs per iteration, both
// directions each, as Diff always does.
func BenchmarkDiffConformance(b *testing.B) {
	pairs := loadConformancePairs(b)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pairs {
			DiffSchemas(p.old, p.new, DiffOptions{Policy: PolicyStrict})
		}
	}
	b.ReportMetric(float64(len(pairs))*float64(b.N)/b.Elapsed().Seconds(), "pairs/s")
	b.ReportMetric(float64(len(pairs)), "pairs/op")
}
