package fastrow

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// registryBase is where the registry compiles a document with an id
// (compiler/jsonschema.go): "instruments_v1#/definitions/symbol" in
// another document resolves against it.
const registryBase = "schemareg:///schemas/"

// repoSchemas compiles the repository's schemas as the registry does:
// draft 7 by default, the document's "schema" field as its $schema, every
// document reachable by its id.
func repoSchemas(t testing.TB) map[string]*jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	var ids []string
	err := filepath.WalkDir("../../schemas", func(path string, e fs.DirEntry, err error) error {
		if err != nil || e.IsDir() || !strings.HasSuffix(path, ".json") {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		obj := doc.(map[string]any)
		id := obj["id"].(string)
		if d, ok := obj["schema"].(string); ok {
			if _, has := obj["$schema"]; !has {
				obj["$schema"] = d
			}
		}
		ids = append(ids, id)
		return c.AddResource(registryBase+id, obj)
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) == 0 {
		t.Fatal("no schemas under ../../schemas")
	}
	sort.Strings(ids)
	out := map[string]*jsonschema.Schema{}
	for _, id := range ids {
		s, err := c.Compile(registryBase + id)
		if err != nil {
			t.Fatalf("compile %s: %v", id, err)
		}
		out[id] = s
	}
	return out
}

// mustSchema compiles one schema document given as JSON, draft 7 unless it
// says otherwise.
func mustSchema(t testing.TB, src string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(src))
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft7)
	if err := c.AddResource(registryBase+"t", doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(registryBase + "t")
	if err != nil {
		t.Fatalf("%s: %v", src, err)
	}
	return s
}

func mustCompile(t testing.TB, s *jsonschema.Schema, lim Limits) *Checker {
	t.Helper()
	chk, ok := Compile(s, lim)
	if !ok {
		t.Fatalf("Compile refused %s", s.Location)
	}
	return chk
}

// decodeStrict decodes row as the registry's parser (compiler.ParseData)
// accepts it, with encoding/json: strict JSON, valid UTF-8, json.Number
// numbers of at most 1000 bytes and exponents of at most 10000, no
// duplicate keys, at most 256 levels of nesting.
func decodeStrict(row []byte) (any, error) {
	if !utf8.Valid(row) {
		return nil, errors.New("invalid UTF-8")
	}
	if !json.Valid(row) {
		return nil, errors.New("invalid JSON")
	}
	dec := json.NewDecoder(bytes.NewReader(row))
	dec.UseNumber()
	v, err := decodeValue(dec, 0)
	if err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the value")
	}
	return v, nil
}

func decodeValue(dec *json.Decoder, depth int) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch t := tok.(type) {
	case json.Delim:
		if depth++; depth > MaxDepth {
			return nil, errors.New("too deep")
		}
		if t == '[' {
			a := []any{}
			for dec.More() {
				v, err := decodeValue(dec, depth)
				if err != nil {
					return nil, err
				}
				a = append(a, v)
			}
			_, err := dec.Token()
			return a, err
		}
		m := map[string]any{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key := k.(string)
			if _, dup := m[key]; dup {
				return nil, fmt.Errorf("duplicate key %q", key)
			}
			if m[key], err = decodeValue(dec, depth); err != nil {
				return nil, err
			}
		}
		_, err := dec.Token()
		return m, err
	case json.Number:
		if len(t) > maxNumberLength {
			return nil, errors.New("number too long")
		}
		if i := strings.IndexAny(string(t), "eE"); i >= 0 {
			exp := strings.TrimLeft(strings.TrimLeft(string(t[i+1:]), "+-"), "0")
			if len(exp) > 5 || len(exp) == 5 && exp > "10000" {
				return nil, errors.New("exponent out of range")
			}
		}
		return t, nil
	}
	return tok, nil
}

// fullValid is the full path: decode as the registry does, then validate.
func fullValid(s *jsonschema.Schema, row []byte) (bool, error) {
	v, err := decodeStrict(row)
	if err != nil {
		return false, err
	}
	if err := s.Validate(v); err != nil {
		return false, err
	}
	return true, nil
}
