package site

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
)

// BenchmarkSite1000x20 generates the site of 1,000 schemas of 20 versions
// each. The target: under 10 s and under 1 GB of output. Run it with
//
//	go test ./site -run '^$' -bench Site1000x20 -benchtime 1x
func BenchmarkSite1000x20(b *testing.B) {
	bun := syntheticBundle(b, 1000, 20)
	out := filepath.Join(b.TempDir(), "site")
	var stats Stats
	for b.Loop() {
		var err error
		stats, err = Generate(b.Context(), bun, out, Options{})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/site")
	b.ReportMetric(float64(stats.Bytes), "bytes/site")
	b.ReportMetric(float64(stats.Files), "files/site")
}

// syntheticBundle makes a bundle of n schemas of v versions. Each schema
// looks like a market-data schema: a dozen fields with formats, patterns,
// enums, a $ref into a shared reference schema, a nested object and an
// array of objects. Each version adds a field; every fifth is a major
// version that removes one.
func syntheticBundle(tb testing.TB, n, v int) *bundle.Bundle {
	tb.Helper()
	docs := map[string]*document.Document{}
	history := map[string]published{}
	parse := func(text string) *document.Document {
		d, err := document.ParseDocument("synthetic.json", []byte(text))
		if err != nil {
			tb.Fatalf("%v\n%s", err, text)
		}
		return d
	}
	ref := parse(`{"id": "ref_v1", "version": "1.0.0", "type": "object",
		"definitions": {"symbol": {"type": "string", "minLength": 1, "maxLength": 32, "pattern": "^[A-Z0-9][A-Z0-9._-]*$",
			"description": "Instrument symbol, upper case."}},
		"properties": {"symbol": {"$ref": "#/definitions/symbol"}}}`)
	docs["ref_v1@1.0.0"] = ref
	history["ref_v1@1.0.0"] = published{commit: fmt.Sprintf("%040x", 1), time: "2025-01-01T00:00:00Z",
		author: "Maya Chen <maya@example.com>", bump: "none", required: "none", compatible: true}
	for i := range n {
		id := fmt.Sprintf("feed_%04d_v1", i)
		major, minor := 1, 0
		for k := range v {
			ver := fmt.Sprintf("%d.%d.0", major, minor)
			h := published{commit: fmt.Sprintf("%040x", i*v+k+2), time: fmt.Sprintf("2025-01-%02dT%02d:00:00Z", 2+k, i%24),
				author: "Ravi Patel <ravi@example.com>", bump: "minor", required: "minor", compatible: true}
			switch {
			case k == 0:
				h.bump, h.required = "none", "none"
			case k%5 == 0:
				h.bump, h.required, h.compatible = "major", "major", false
				h.changes = []api.Change{{Kind: "PROPERTY_REMOVED_FROM_CLOSED_CONTENT_MODEL", Path: fmt.Sprintf("#/properties/extra_%d", k-2),
					Forward: true, Breaking: true, Message: fmt.Sprintf("Property \"extra_%d\" was removed.", k-2)}}
			default:
				h.changes = []api.Change{{Kind: "OPTIONAL_PROPERTY_ADDED_TO_UNOPEN_CONTENT_MODEL", Path: fmt.Sprintf("#/properties/extra_%d", k),
					Backward: true, Message: fmt.Sprintf("Optional property \"extra_%d\" was added.", k)}}
			}
			docs[id+"@"+ver] = parse(syntheticSchema(id, ver, k))
			history[id+"@"+ver] = h
			if k+1 < v && (k+1)%5 == 0 {
				major, minor = major+1, 0
			} else {
				minor++
			}
		}
	}
	return buildBundle(tb, docs, nil, history, false)
}

// syntheticSchema is version k of a synthetic schema: the base fields and
// an optional field per earlier version, but those the major versions
// removed.
func syntheticSchema(id, version string, k int) string {
	var extra strings.Builder
	for j := 1; j <= k; j++ {
		if j%5 == 3 && j+2 <= k {
			continue // removed by the major version two after it
		}
		fmt.Fprintf(&extra, `, "extra_%d": {"type": "number", "minimum": 0, "description": "Added in version %d."}`, j, j)
	}
	return fmt.Sprintf(`{
  "id": %q, "version": %q, "schema": "http://json-schema.org/draft-07/schema#",
  "title": "Feed %s", "description": "Synthetic market-data feed for the benchmark.",
  "type": "object",
  "definitions": {"leg": {"type": "object", "properties": {
    "price": {"type": "number", "exclusiveMinimum": 0, "description": "Price of the leg."},
    "qty": {"type": "integer", "minimum": 1, "description": "Quantity of the leg."}}, "required": ["price", "qty"]}},
  "properties": {
    "ts": {"type": "string", "format": "date-time", "description": "Event time in UTC."},
    "symbol": {"$ref": "ref_v1#/definitions/symbol"},
    "price": {"type": "number", "exclusiveMinimum": 0, "description": "Trade price."},
    "size": {"type": "integer", "minimum": 0, "description": "Trade size."},
    "side": {"type": "string", "enum": ["B", "S"], "description": "Aggressor side."},
    "venue": {"type": "string", "pattern": "^[A-Z0-9]{4}$", "description": "Market identifier code."},
    "conditions": {"type": "array", "items": {"type": "string", "enum": ["regular", "odd_lot", "opening", "closing"]}, "uniqueItems": true},
    "meta": {"type": "object", "properties": {
      "source": {"type": "string", "description": "Feed handler."},
      "seq": {"type": "integer", "minimum": 0, "description": "Sequence number."},
      "latency_us": {"type": "integer", "minimum": 0}}, "required": ["seq"]},
    "legs": {"type": "array", "items": {"$ref": "#/definitions/leg"}, "maxItems": 4}%s
  },
  "required": ["ts", "symbol", "price", "size"],
  "additionalProperties": false,
  "arrow": {"fields": [
    {"name": "ts", "type": {"name": "timestamp", "unit": "us", "timezone": "UTC"}},
    {"name": "symbol", "type": "utf8"}, {"name": "price", "type": "float64"}, {"name": "size", "type": "int64"}]}
}`, id, version, id, extra.String())
}
