package site

import (
	"regexp"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
)

// TestExamplesValidate checks that the example document of every version
// of the example and synthetic bundles, and of schemas with tricky
// keywords, is valid against its schema.
func TestExamplesValidate(t *testing.T) {
	for name, b := range map[string]*bundle.Bundle{
		"Examples":  exampleBundle(t),
		"Synthetic": syntheticBundle(t, 2, 12),
	} {
		t.Run(name, func(t *testing.T) {
			docs, err := newDocSet(b)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range b.Manifest.Schemas {
				for _, dv := range docs.byID[s.ID] {
					checkExample(t, docs, dv)
				}
			}
		})
	}
	t.Run("Keywords", func(t *testing.T) {
		for name, schema := range map[string]string{
			"Bounds":      `{"type": "object", "properties": {"n": {"type": "number", "minimum": 5, "maximum": 5.5}, "i": {"type": "integer", "exclusiveMaximum": -3}, "m": {"type": "number", "multipleOf": 0.25, "minimum": 0.3}}, "required": ["n", "i", "m"]}`,
			"Narrow":      `{"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.5}`,
			"Lengths":     `{"type": "string", "minLength": 12, "maxLength": 12}`,
			"Pattern":     `{"type": "string", "pattern": "^[A-Z]{2}[A-Z0-9]{9}[0-9]$"}`,
			"PatternLong": `{"type": "string", "pattern": "^a+b*$", "minLength": 5}`,
			"Formats":     `{"type": "object", "properties": {"d": {"type": "string", "format": "date"}, "u": {"type": "string", "format": "uuid"}, "e": {"type": "string", "format": "email"}}}`,
			"Items":       `{"type": "array", "items": {"type": "string", "enum": ["x"]}, "minItems": 3}`,
			"Tuple":       `{"type": "array", "items": [{"type": "integer"}, {"type": "string"}]}`,
			"OneOf":       `{"oneOf": [{"type": "integer", "minimum": 3}, {"type": "string"}]}`,
			"AllOf":       `{"allOf": [{"properties": {"a": {"type": "string"}}, "required": ["a"]}, {"properties": {"b": {"const": 2}}, "required": ["b"]}]}`,
			"Examples":    `{"type": "object", "examples": [{"z": 1}]}`,
			"Recursive":   `{"definitions": {"n": {"type": "object", "properties": {"next": {"$ref": "#/definitions/n"}}}}, "$ref": "#/definitions/n"}`,
		} {
			t.Run(name, func(t *testing.T) {
				d := mustParse(t, schema)
				sc := &scope{where: map[*document.Document]*docVersion{}}
				validExample(t, validate.NewRegistry(), d, buildExample(sc, d, nil, &patternCache{}))
			})
		}
	})
}

func checkExample(t *testing.T, docs *docSet, dv *docVersion) {
	t.Helper()
	doc, err := dv.document()
	if err != nil {
		t.Fatal(err)
	}
	sc, err := docs.scopeFor(dv)
	if err != nil {
		t.Fatal(err)
	}
	var all []*document.Document
	for d := range sc.where {
		all = append(all, d)
	}
	validExample(t, validate.NewRegistry(all...), doc, buildExample(sc, doc, nil, &patternCache{}))
}

func validExample(t *testing.T, reg *validate.Registry, doc *document.Document, example string) {
	t.Helper()
	v, err := reg.Compile(doc)
	if err != nil {
		t.Fatalf("%s: %v", doc.Path, err)
	}
	data, err := validate.ParseData([]byte(example))
	if err != nil {
		t.Fatalf("%s: the example is not JSON: %v\n%s", doc.Path, err, example)
	}
	if problems := v.Validate(data); len(problems) > 0 {
		t.Errorf("%s %s: the example is invalid: %v\n%s", doc.ID, doc.Version, problems, example)
	}
}

func TestPatternExample(t *testing.T) {
	tests := []struct {
		pattern        string
		minLen, maxLen int
		ok             bool
	}{
		{`^[A-Z0-9][A-Z0-9._-]*$`, 1, 32, true},
		{`^[A-Z]{3}$`, 0, -1, true},
		{`^[A-Z]{2}[A-Z0-9]{9}[0-9]$`, 0, -1, true},
		{`^(buy|sell)$`, 0, -1, true},
		{`^\d{4}-\d{2}$`, 0, -1, true},
		{`[a-z]+@[a-z]+\.com`, 0, -1, true},
		{`^x*$`, 3, 5, true},
		{`^ab$`, 3, -1, false},
		{`(`, 0, -1, false},
		{`^[^\x00-\x{10FFFF}]$`, 0, -1, false},
	}
	for _, tc := range tests {
		s, ok := patternExample(tc.pattern, tc.minLen, tc.maxLen)
		if ok != tc.ok {
			t.Errorf("%s: ok %v, want %v (%q)", tc.pattern, ok, tc.ok, s)
			continue
		}
		if !ok {
			continue
		}
		if !regexp.MustCompile(tc.pattern).MatchString(s) || len(s) < tc.minLen || tc.maxLen >= 0 && len(s) > tc.maxLen {
			t.Errorf("%s [%d, %d]: %q does not fit", tc.pattern, tc.minLen, tc.maxLen, s)
		}
	}
}
