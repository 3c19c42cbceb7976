package expectations

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"
	"sort"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
)

// Suite is a Great Expectations ExpectationSuite in the JSON format of GX
// Core 1.x: a name, the expectations, and meta.
type Suite struct {
	Name         string        `json:"name"`
	Expectations []Expectation `json:"expectations"`
	Meta         SuiteMeta     `json:"meta"`
}

// Expectation is one expectation: its type, arguments and where it comes
// from in the schema.
type Expectation struct {
	Type   string         `json:"type"`
	Kwargs map[string]any `json:"kwargs"`
	Meta   Source         `json:"meta"`
}

// Source names the JSON Schema keyword an expectation, or an unmapped
// keyword, comes from: its name and JSON pointer in the schema.
type Source struct {
	Keyword string `json:"json_schema_keyword"`
	Pointer string `json:"json_pointer"`
}

// SuiteMeta says which schema version the suite was derived from, and
// lists every keyword no expectation stands for.
type SuiteMeta struct {
	Schemareg Origin   `json:"schemareg"`
	Unmapped  []Source `json:"unmapped_keywords"`
}

// Origin is the schema version a suite was derived from; ID and Version
// are "" for a plain JSON Schema.
type Origin struct {
	ID      string `json:"id"`
	Version string `json:"version"`
	Digest  string `json:"digest"`
}

// ignored are keywords that constrain nothing (annotations) or that the
// registry reads itself: no expectation is expected of them.
var ignored = map[string]bool{
	"title": true, "description": true, "$comment": true, "examples": true, "default": true,
	"deprecated": true, "readOnly": true, "writeOnly": true, "$schema": true, "$id": true,
	document.FieldID: true, document.FieldVersion: true, document.FieldSchema: true,
	document.FieldCompatibility: true, document.FieldArrow: true,
}

// typeNames maps a JSON type to the type name expect_column_values_to_be_of_type
// takes: a pandas/NumPy dtype name for numbers, a Python type name else.
var typeNames = map[string]string{
	"string": "str", "integer": "int64", "number": "float64", "boolean": "bool",
	"object": "dict", "array": "list",
}

// FromDocument derives the suite of a registry document: the rows of a
// table, one column per top-level property. It reads the document only.
func FromDocument(d *document.Document) (*Suite, error) {
	root, ok := d.Root.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("%s: the document is not an object", d.Path)
	}
	name, version := d.ID, ""
	if name == "" { // a plain JSON Schema: named by its file
		name = strings.TrimSuffix(filepath.Base(d.Path), filepath.Ext(d.Path))
	}
	if d.HasVersion {
		version = d.Version.String()
	}
	s := &Suite{Name: name, Expectations: []Expectation{},
		Meta: SuiteMeta{Schemareg: Origin{ID: d.ID, Version: version, Digest: d.Digest}, Unmapped: []Source{}}}
	props, _ := root["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	sort.Strings(names)
	required := map[string]bool{}
	if req, ok := root["required"].([]any); ok {
		for _, r := range req {
			if n, ok := r.(string); ok {
				required[n] = true
			}
		}
	}
	for _, name := range names {
		p := "/properties/" + escape(name)
		s.add("expect_column_to_exist", map[string]any{"column": name}, "properties", p)
		schema, ok := props[name].(map[string]any)
		if !ok {
			s.unmapped("properties", p) // a boolean schema
			continue
		}
		s.column(name, p, schema, required[name])
	}
	for _, k := range sortedKeys(root) {
		switch k {
		case "properties", "type":
			// the table's columns; a table is an object
		case "required":
			for _, r := range root["required"].([]any) {
				if n, ok := r.(string); !ok || props[n] == nil {
					s.unmapped("required", "/required")
					break
				}
			}
		case "additionalProperties":
			if root[k] == false {
				s.add("expect_table_columns_to_match_set", map[string]any{"column_set": names, "exact_match": true}, k, "/"+k)
			} else {
				s.unmapped(k, "/"+k)
			}
		default:
			if !ignored[k] {
				s.unmapped(k, "/"+escape(k))
			}
		}
	}
	return s, nil
}

// column adds the expectations of one property's schema.
func (s *Suite) column(name, p string, schema map[string]any, required bool) {
	types := typesOf(schema["type"])
	nullable := len(types) == 0 || contains(types, "null")
	if _, ok := schema["enum"]; ok && !hasNull(schema["enum"]) {
		nullable = false
	}
	if c, ok := schema["const"]; ok && c != nil {
		nullable = false
	}
	if required && !nullable {
		s.add("expect_column_values_to_not_be_null", map[string]any{"column": name}, "required", "/required")
	}
	keys := sortedKeys(schema)
	bounds := map[string]any{"column": name}
	var boundKeys []string
	lengths := map[string]any{"column": name}
	var lengthKeys []string
	for _, k := range keys {
		v := schema[k]
		kp := p + "/" + escape(k)
		switch k {
		case "type":
			var tn []string
			for _, t := range types {
				if t != "null" {
					tn = append(tn, typeNames[t])
				}
			}
			switch {
			case len(tn) == 1:
				s.add("expect_column_values_to_be_of_type", map[string]any{"column": name, "type_": tn[0]}, k, kp)
			case len(tn) > 1:
				s.add("expect_column_values_to_be_in_type_list", map[string]any{"column": name, "type_list": tn}, k, kp)
			default:
				s.unmapped(k, kp)
			}
		case "enum":
			set, _ := v.([]any)
			s.add("expect_column_values_to_be_in_set", map[string]any{"column": name, "value_set": withoutNull(set)}, k, kp)
		case "const":
			s.add("expect_column_values_to_be_in_set", map[string]any{"column": name, "value_set": []any{v}}, k, kp)
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
			if !bound(bounds, k, v, schema) {
				s.unmapped(k, kp)
				continue
			}
			boundKeys = append(boundKeys, k)
		case "minLength":
			lengths["min_value"] = v
			lengthKeys = append(lengthKeys, k)
		case "maxLength":
			lengths["max_value"] = v
			lengthKeys = append(lengthKeys, k)
		case "pattern":
			s.add("expect_column_values_to_match_regex", map[string]any{"column": name, "regex": v}, k, kp)
		default:
			if !ignored[k] {
				s.unmapped(k, kp)
			}
		}
	}
	if len(boundKeys) > 0 {
		s.add("expect_column_values_to_be_between", bounds, strings.Join(boundKeys, ","), p)
	}
	if len(lengthKeys) > 0 {
		s.add("expect_column_value_lengths_to_be_between", lengths, strings.Join(lengthKeys, ","), p)
	}
}

// bound sets the between arguments of one numeric bound keyword; false
// for a form it does not know. Draft-04's boolean exclusiveMinimum and
// exclusiveMaximum make minimum and maximum strict.
func bound(args map[string]any, k string, v any, schema map[string]any) bool {
	if b, ok := v.(bool); ok {
		if k == "exclusiveMinimum" {
			args["strict_min"] = b
		} else if k == "exclusiveMaximum" {
			args["strict_max"] = b
		} else {
			return false
		}
		return true
	}
	if _, ok := v.(json.Number); !ok {
		return false
	}
	switch k {
	case "minimum":
		if _, set := args["min_value"]; !set {
			args["min_value"] = v
		}
		if _, set := args["strict_min"]; !set {
			args["strict_min"] = false
		}
	case "maximum":
		if _, set := args["max_value"]; !set {
			args["max_value"] = v
		}
		if _, set := args["strict_max"]; !set {
			args["strict_max"] = false
		}
	case "exclusiveMinimum":
		args["min_value"], args["strict_min"] = v, true
	case "exclusiveMaximum":
		args["max_value"], args["strict_max"] = v, true
	}
	return true
}

func (s *Suite) add(typ string, kwargs map[string]any, keyword, pointer string) {
	s.Expectations = append(s.Expectations, Expectation{Type: typ, Kwargs: kwargs, Meta: Source{Keyword: keyword, Pointer: pointer}})
}

func (s *Suite) unmapped(keyword, pointer string) {
	s.Meta.Unmapped = append(s.Meta.Unmapped, Source{Keyword: keyword, Pointer: pointer})
}

// Encode returns the suite's JSON: indented, keys in a fixed order, a
// trailing newline. The same suite gives the same bytes.
func Encode(s *Suite) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(s); err != nil {
		return nil, fmt.Errorf("encode suite %s: %w", s.Name, err)
	}
	return buf.Bytes(), nil
}
