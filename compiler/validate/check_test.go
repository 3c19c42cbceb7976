package validate

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/compiler/document"
)

// outcome is what compiling a document came to: its Problem, or the text
// of an error of another kind, or neither.
type outcome struct {
	Problem *document.Problem
	Other   string
}

func outcomeOf(err error) outcome {
	var p *document.Problem
	switch {
	case err == nil:
		return outcome{}
	case errors.As(err, &p):
		return outcome{Problem: p}
	}
	return outcome{Other: err.Error()}
}

// checkAsCompile checks d with Check and with Compile, in a registry of
// docs and d, and fails the test when they come to different outcomes. It
// reports whether Check took its single walk.
func checkAsCompile(t testing.TB, d *document.Document, docs ...*document.Document) bool {
	t.Helper()
	reg := NewRegistry(docs...)
	reg.Add(d)
	_, err := reg.Compile(d)
	want := outcomeOf(err)
	again := NewRegistry(docs...)
	again.Add(d)
	got := outcomeOf(again.Check(d))
	walked := plain(d) && reg.compiles(d)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("%s: Check differs from Compile (-Compile +Check):\n%s", d.Path, diff)
	}
	return walked
}

// TestCompileNamesOneProblemOfMany compiles documents with errors against
// the meta-schema in several places, whose order jsonschema finds them in
// differs from run to run: the problem named must not.
func TestCompileNamesOneProblemOfMany(t *testing.T) {
	for _, src := range []string{
		`"type": "7", "items": []`,
		`"properties": {"a": {"type": 1}, "b": {"minLength": -1}, "c": {"required": "x"}}`,
		`"minLength": "x", "maxLength": "y", "pattern": 3, "title": 4`,
	} {
		src = `{"id": "x_v1", "version": "1.0.0", ` + src + `}`
		d, err := document.ParseDocument("schemas/x_v1.json", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		_, first := NewRegistry(d).Compile(d)
		if first == nil {
			t.Fatalf("%s compiled", src)
		}
		for range 200 {
			if _, err := NewRegistry(d).Compile(d); cmp.Diff(outcomeOf(first), outcomeOf(err)) != "" {
				t.Fatalf("%s: one compile says %v, another %v", src, first, err)
			}
		}
	}
}

// TestCompileNamesTheFirstBrokenReference: of several $refs that do not
// resolve, a compile names the one first in key order, every time,
// whatever order the JSON Schema compiler meets them in; an invalid
// pattern, which the meta-schema refuses, comes before any.
func TestCompileNamesTheFirstBrokenReference(t *testing.T) {
	y, err := document.ParseDocument("schemas/y_v1.json", []byte(`{"id": "y_v1", "version": "1.0.0", "type": "object", "definitions": {"a": {"type": "string"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ src, want string }{
		{`"properties": {"c": {"$ref": "#/nope3"}, "a": {"$ref": "#/nope1"}, "b": {"$ref": "#/nope2"}}`, "$ref x_v1#/nope1 does not resolve"},
		{`"properties": {"": {"$ref": "y_v1#/0"}, "19": {"$ref": "#/1"}}`, "$ref y_v1#/0 does not resolve"},
		{`"properties": {"z": {"$ref": "#/definitions/gone"}, "a": {"$ref": "y_v1#/definitions/gone"}}`, "$ref y_v1#/definitions/gone does not resolve"},
		{`"properties": {"z": {"$ref": "#nowhere"}, "y": {"$ref": "y_v1#/definitions/gone"}}`, "$ref y_v1#/definitions/gone does not resolve"},
		{`"properties": {"b": {"pattern": "(x"}, "a": {"pattern": "[x"}}`, "'[x' is not valid regex"},
		{`"properties": {"a": {"$ref": "#/1"}, "b": {"pattern": "[x"}}`, "'[x' is not valid regex"},
	} {
		src := `{"id": "x_v1", "version": "1.0.0", ` + tc.src + `}`
		d, err := document.ParseDocument("schemas/x_v1.json", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		for range 100 {
			reg := NewRegistry(d)
			reg.Add(y)
			_, err := reg.Compile(d)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("%s: %v, want a problem %q", src, err, tc.want)
			}
		}
	}
}

// schemaFiles returns every schema document the tests of the compiler
// keep in files: the JSON files of its testdata folders, the values of its
// fuzz corpora, and this repository's schemas, by a name for each.
func schemaFiles(t testing.TB) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	for _, dir := range []string{"..", filepath.Join("..", "..", "schemas")} {
		err := filepath.WalkDir(dir, func(p string, e os.DirEntry, err error) error {
			if err != nil || e.IsDir() {
				return err
			}
			inTestdata := strings.Contains(filepath.ToSlash(p), "/testdata/")
			if dir == ".." && !inTestdata {
				return nil
			}
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			switch {
			case strings.HasSuffix(p, ".json"):
				out[p] = data
			case strings.Contains(filepath.ToSlash(p), "/testdata/fuzz/"):
				values, err := fuzzValues(data)
				if err != nil {
					return fmt.Errorf("%s: %w", p, err)
				}
				for i, v := range values {
					out[fmt.Sprintf("%s#%d", p, i)] = v
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// fuzzValues returns the []byte and string values of a file of a fuzz
// corpus ("go test fuzz v1", then one Go literal a line).
func fuzzValues(data []byte) ([][]byte, error) {
	var out [][]byte
	for _, line := range strings.Split(string(data), "\n")[1:] {
		line = strings.TrimSpace(line)
		for _, conv := range []string{"[]byte(", "string("} {
			lit, ok := strings.CutPrefix(line, conv)
			if !ok {
				continue
			}
			s, err := strconv.Unquote(strings.TrimSuffix(lit, ")"))
			if err != nil {
				return nil, err
			}
			out = append(out, []byte(s))
		}
	}
	return out, nil
}

// TestCheckAsCompile checks that Check comes to the outcome Compile comes
// to, Problem for Problem, for every schema document of the compiler's
// tests, each compiled alone and beside this repository's schemas, and for
// documents at the edges of the subset Check walks once.
func TestCheckAsCompile(t *testing.T) {
	files := schemaFiles(t)
	var repo []*document.Document
	for name, data := range files {
		if strings.HasPrefix(name, filepath.Join("..", "..", "schemas")) {
			d, err := document.ParseDocument(name, data)
			if err != nil {
				t.Fatal(err)
			}
			repo = append(repo, d)
		}
	}
	for name, data := range checkEdges() {
		files[name] = data
	}
	walked, parsed := 0, 0
	for name, data := range files {
		d, err := document.ParseSchema(name, data)
		if err != nil {
			continue
		}
		parsed++
		if checkAsCompile(t, d) {
			walked++
		}
		checkAsCompile(t, d, repo...)
	}
	t.Logf("%d files, %d parsed, %d checked in one walk", len(files), parsed, walked)
	// Both paths are taken: the equality says something of each.
	if walked == 0 || walked == parsed {
		t.Errorf("%d of %d documents checked in one walk; want some, not all", walked, parsed)
	}
}

// FuzzCheck checks that Check comes to the outcome Compile comes to for
// random schema documents, compiled alone and beside this repository's
// schemas. The seed corpus is the documents of TestCheckAsCompile.
func FuzzCheck(f *testing.F) {
	files := schemaFiles(f)
	var repo []*document.Document
	for name, data := range files {
		if strings.HasPrefix(name, filepath.Join("..", "..", "schemas")) {
			d, err := document.ParseDocument(name, data)
			if err != nil {
				f.Fatal(err)
			}
			repo = append(repo, d)
		}
	}
	for name, data := range checkEdges() {
		files[name] = data
	}
	for _, data := range files {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			t.Skip("larger than 64 KiB")
		}
		d, err := document.ParseSchema("f.json", data)
		if err != nil {
			return
		}
		checkAsCompile(t, d)
		checkAsCompile(t, d, repo...)
	})
}

// checkEdges returns documents at the edges of the subset Check walks
// once: each is in it, or just outside, by one keyword.
func checkEdges() map[string][]byte {
	docs := map[string]string{
		"empty":                `{}`,
		"registry":             `{"id":"e_v1","version":"1.0.0","schema":"http://json-schema.org/draft-07/schema#","compatibility":"FULL","type":"object","properties":{"a":{"type":"string"}}}`,
		"schema_keyword":       `{"$schema":"http://json-schema.org/draft-07/schema#","type":"string"}`,
		"schema_no_hash":       `{"$schema":"http://json-schema.org/draft-07/schema","type":"string"}`,
		"schema_https":         `{"$schema":"https://json-schema.org/draft-07/schema#","type":"string"}`,
		"draft04_id":           `{"$schema":"http://json-schema.org/draft-04/schema#","id":"x_v1","version":"1.0.0","properties":{"a":{"type":"string"}}}`,
		"draft06":              `{"$schema":"http://json-schema.org/draft-06/schema#","properties":{"a":{"type":"string"}}}`,
		"draft2020":            `{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":{"type":"string"}}}`,
		"bool_property":        `{"properties":{"a":true,"b":false},"additionalProperties":false}`,
		"enum_empty":           `{"enum":[]}`,
		"enum_dup":             `{"enum":["a","a"]}`,
		"enum_int_float":       `{"enum":[1,1.0]}`,
		"enum_minus_zero":      `{"enum":[0,-0]}`,
		"enum_ints":            `{"enum":[0,-1,1,10,null,true,false,"1"]}`,
		"enum_objects":         `{"enum":[{"a":1},{"a":1}]}`,
		"enum_not_list":        `{"enum":"a"}`,
		"const_ref":            `{"const":{"$ref":"#/const"}}`,
		"default_ref":          `{"properties":{"a":{"default":{"$ref":"#/properties/a/default"}}}}`,
		"examples_ref":         `{"examples":[{"$ref":"#"}]}`,
		"examples_not_list":    `{"examples":1}`,
		"type_list":            `{"type":["string","null"]}`,
		"type_dup":             `{"type":["string","string"]}`,
		"type_empty":           `{"type":[]}`,
		"type_unknown":         `{"type":"text"}`,
		"format_known":         `{"type":"string","format":"date-time"}`,
		"format_unknown":       `{"type":"string","format":"datetime"}`,
		"format_number":        `{"format":1}`,
		"max_length_negative":  `{"maxLength":-1}`,
		"max_length_fraction":  `{"maxLength":1.5}`,
		"max_length_float_int": `{"maxLength":1.0}`,
		"max_length_exponent":  `{"maxLength":1e2}`,
		"max_length_huge":      `{"maxLength":123456789012345678901234567890}`,
		"min_items_string":     `{"minItems":"1"}`,
		"maximum_huge":         `{"maximum":1e400,"exclusiveMinimum":-1e-400}`,
		"exclusive_bool":       `{"minimum":1,"exclusiveMinimum":true}`,
		"pattern":              `{"type":"string","pattern":"^[A-Z0-9]{4}$"}`,
		"pattern_invalid":      `{"pattern":"("}`,
		"pattern_perl_only":    `{"pattern":"(?<=a)b"}`,
		"pattern_too_large":    `{"pattern":"^(a{1,1000}){3}$"}`,
		"required_dup":         `{"required":["a","a"]}`,
		"required_number":      `{"required":[1]}`,
		"required_empty":       `{"required":[]}`,
		"items_list":           `{"items":[{"type":"string"},true],"additionalItems":{"type":"integer"}}`,
		"items_empty_list":     `{"items":[]}`,
		"items_not_schema":     `{"items":1}`,
		"properties_not_map":   `{"properties":[]}`,
		"property_not_schema":  `{"properties":{"a":1}}`,
		"property_named_ref":   `{"properties":{"$ref":{"type":"string"},"format":{"type":"string"}}}`,
		"property_default_fmt": `{"properties":{"default":{"type":"string","format":"bogus"}}}`,
		"property_odd_names":   `{"properties":{"a%zz":{"type":"string"},"a b":{},"~0/1":{},"#":{},"é\u0000":{},"":{},"%":{"items":[{"pattern":"%"}]}}}`,
		"title_number":         `{"title":1}`,
		"read_only_string":     `{"readOnly":"yes"}`,
		"unknown_keyword":      `{"x-note":{"format":"bogus"}}`,
		"ref":                  `{"definitions":{"a":{"type":"string"}},"properties":{"a":{"$ref":"#/definitions/a"}}}`,
		"nested_id":            `{"properties":{"a":{"$id":"http://example.com/a","type":"string"}}}`,
		"arrow_fits":           `{"id":"a_v1","version":"1.0.0","type":"object","required":["n"],"properties":{"n":{"type":"integer"}},"arrow":{"fields":[{"name":"n","type":"int32"}]}}`,
		"arrow_misfit":         `{"id":"a_v1","version":"1.0.0","type":"object","properties":{"n":{"type":"string"}},"arrow":{"fields":[{"name":"n","type":"int32"}]}}`,
	}
	out := make(map[string][]byte, len(docs)+2)
	for name, doc := range docs {
		out["edge/"+name+".json"] = []byte(doc)
	}
	// As many objects as checkSize allows, and one more: wide, and deep.
	wide := func(n int) []byte {
		var b strings.Builder
		b.WriteString(`{"properties":{`)
		for i := range n {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `"p%d":{"type":"string"}`, i)
		}
		b.WriteString(`}}`)
		return []byte(b.String())
	}
	out["edge/wide_at_limit.json"] = wide(MaxSubschemas - 2)
	out["edge/wide_past_limit.json"] = wide(MaxSubschemas - 1)
	deep := strings.Repeat(`{"properties":{"a":`, 120) + `{"type":"string"}` + strings.Repeat(`}}`, 120)
	out["edge/deep.json"] = []byte(deep)
	return out
}
