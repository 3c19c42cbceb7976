package site

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
)

// fieldsOf builds the field table of a schema document given as JSON,
// with the other documents its $refs may name.
func fieldsOf(t *testing.T, doc string, others ...string) *fieldTable {
	t.Helper()
	d := mustParse(t, doc)
	docs := []*document.Document{d}
	for _, o := range others {
		docs = append(docs, mustParse(t, o))
	}
	sc := &scope{reg: validate.NewRegistry(docs...), where: map[*document.Document]*docVersion{}}
	table, _ := buildFields(sc, d, nil, "Fields")
	return table
}

func mustParse(t testing.TB, doc string) *document.Document {
	t.Helper()
	d, err := document.ParseSchema("test.json", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// findField returns the row at a path, searching nested tables.
func findField(table *fieldTable, path string) *field {
	if table == nil {
		return nil
	}
	for _, f := range table.Rows {
		if f.Path == path {
			return f
		}
		if g := findField(f.Children, path); g != nil {
			return g
		}
	}
	return nil
}

func TestFieldTypes(t *testing.T) {
	tests := []struct {
		name, schema, typ, constraints, enum string
	}{
		{"String", `{"type": "string"}`, "string", "", ""},
		{"Format", `{"type": "string", "format": "date-time"}`, "string (date-time)", "", ""},
		{"Nullable", `{"type": ["string", "null"], "maxLength": 3}`, "string | null", "max length 3", ""},
		{"Bounds", `{"type": "number", "exclusiveMinimum": 0, "maximum": 10.5, "multipleOf": 0.5}`, "number",
			"exclusive minimum 0, maximum 10.5, multiple of 0.5", ""},
		{"Draft4Exclusive", `{"type": "integer", "minimum": 1, "exclusiveMinimum": true}`, "integer", "exclusive minimum 1", ""},
		{"Enum", `{"type": "string", "enum": ["B", "S"]}`, "string", "", `"B" "S"`},
		{"EnumWithoutType", `{"enum": [1, "x", null]}`, "enum", "", `1 "x" null`},
		{"Const", `{"const": "v1"}`, "const", `const "v1"`, ""},
		{"Default", `{"type": "boolean", "default": true}`, "boolean", "default true", ""},
		{"ArrayOfEnum", `{"type": "array", "items": {"type": "string", "enum": ["a"], "minLength": 1}, "uniqueItems": true}`,
			"array of string", "unique items, item min length 1", `"a"`},
		{"Closed", `{"type": "object", "properties": {}, "additionalProperties": false}`, "object", "no other properties", ""},
		{"OneOf", `{"oneOf": [{"type": "string"}, {"type": "null"}]}`, "string | null", "", ""},
		{"Any", `{}`, "any", "", ""},
		{"BrokenRef", `{"$ref": "#/definitions/missing"}`, "unresolved $ref", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			table := fieldsOf(t, `{"type": "object", "properties": {"f": `+tc.schema+`}}`)
			f := findField(table, "f")
			if f == nil {
				t.Fatal("no row for f")
			}
			var cs []string
			for _, c := range f.Constraints {
				cs = append(cs, strings.TrimSpace(c.Name+" "+c.Value))
			}
			if f.Type != tc.typ || strings.Join(cs, ", ") != tc.constraints || strings.Join(f.Enum, " ") != tc.enum {
				t.Errorf("type %q, constraints %q, enum %q; want %q, %q, %q",
					f.Type, strings.Join(cs, ", "), strings.Join(f.Enum, " "), tc.typ, tc.constraints, tc.enum)
			}
		})
	}
}

func TestFieldNesting(t *testing.T) {
	table := fieldsOf(t, `{
		"type": "object",
		"definitions": {"level": {"type": "object", "properties": {"price": {"type": "number"}}, "required": ["price"]}},
		"allOf": [{"properties": {"merged": {"type": "integer"}}, "required": ["merged"]}],
		"properties": {
			"book": {"type": "object", "properties": {"bids": {"type": "array", "items": {"$ref": "#/definitions/level"}}}},
			"grid": {"type": "array", "items": {"type": "array", "items": {"type": "object", "properties": {"x": {"type": "integer"}}}}},
			"choice": {"oneOf": [{"type": "object", "properties": {"a": {"type": "string"}}}, {"type": "null"}]},
			"labels": {"type": "object", "additionalProperties": {"type": "string"}}
		}
	}`)
	for path, anchor := range map[string]string{
		"merged":                   "field-merged",
		"book.bids":                "field-book.bids",
		"book.bids[].price":        "field-book.bids~items.price",
		"grid[]":                   "field-grid~items",
		"grid[][].x":               "field-grid~items~items.x",
		"choice (option 1)":        "field-choice~option1",
		"choice (option 1).a":      "field-choice~option1.a",
		"labels.*":                 "field-labels.~other",
		"book.bids[].price (gone)": "",
	} {
		f := findField(table, path)
		switch {
		case anchor == "" && f != nil:
			t.Errorf("unexpected row %s", path)
		case anchor != "" && f == nil:
			t.Errorf("no row %s", path)
		case f != nil && f.Anchor != anchor:
			t.Errorf("%s: anchor %q, want %q", path, f.Anchor, anchor)
		}
	}
	if f := findField(table, "merged"); f == nil || f.Required != "yes" {
		t.Errorf("a property of an allOf branch is not merged as required: %+v", f)
	}
	if f := findField(table, "book.bids[].price"); f == nil || f.Required != "yes" || f.Ref != "" {
		t.Errorf("item field: %+v", f)
	}
}

func TestFieldCycles(t *testing.T) {
	table := fieldsOf(t, `{
		"type": "object",
		"definitions": {"node": {"type": "object", "properties": {
			"name": {"type": "string"},
			"children": {"type": "array", "items": {"$ref": "#/definitions/node"}},
			"parent": {"$ref": "#/definitions/node"}}}},
		"properties": {"root": {"$ref": "#/definitions/node"}, "self": {"$ref": "#"}}
	}`)
	parent := findField(table, "root.parent")
	if parent == nil || parent.NoteHref != "#field-root" || !strings.HasPrefix(parent.Note, "recursive") {
		t.Errorf("the recursive property: %+v", parent)
	}
	if f := findField(table, "root.children[].name"); f != nil {
		t.Errorf("the recursive items were expanded: %+v", f)
	}
	if f := findField(table, "self"); f == nil || f.Children == nil {
		t.Errorf("a $ref to the root is expanded once: %+v", f)
	} else if g := findField(f.Children, "self.self"); g == nil || g.NoteHref != "#field-self" {
		t.Errorf("and then stops: %+v", g)
	}
}

func TestFieldLimits(t *testing.T) {
	t.Run("Depth", func(t *testing.T) {
		doc := `{"type": "string"}`
		for range 2 * maxFieldDepth {
			doc = `{"type": "object", "properties": {"a": ` + doc + `}}`
		}
		table := fieldsOf(t, doc)
		deepest := "a"
		for range maxFieldDepth - 1 {
			deepest += ".a"
		}
		f := findField(table, deepest)
		if f == nil || f.Children != nil || !strings.Contains(f.Note, "nested more than") {
			t.Errorf("row at the depth limit: %+v", f)
		}
	})
	t.Run("Rows", func(t *testing.T) {
		var props []string
		for i := range maxFieldRows + 250 {
			props = append(props, `"p`+strconv.Itoa(i)+`": {"type": "integer"}`)
		}
		table := fieldsOf(t, `{"type": "object", "properties": {`+strings.Join(props, ",")+`}}`)
		if len(table.Rows) != maxFieldRows || table.Omitted != 250 {
			t.Errorf("%d rows, %d omitted", len(table.Rows), table.Omitted)
		}
	})
}

func TestFieldAnchors(t *testing.T) {
	names := []string{"a", "a.b", "a~2eb", "", "~", "-", "x y", "ü", `"><img>`, "a[]", "*", "~items", "~option1"}
	var props []string
	for _, n := range names {
		props = append(props, jsonText(n)+`: {"type": "object", "properties": {"b": {"type": "string"}}}`)
	}
	table := fieldsOf(t, `{"type": "object", "properties": {`+strings.Join(props, ",")+`}}`)
	valid := regexp.MustCompile(`^field-[A-Za-z0-9_.~-]+$`)
	seen := map[string]string{}
	var walk func(*fieldTable)
	walk = func(tb *fieldTable) {
		for _, f := range tb.Rows {
			if !valid.MatchString(f.Anchor) {
				t.Errorf("%q: anchor %q has a character a URL escapes", f.Path, f.Anchor)
			}
			if other, ok := seen[f.Anchor]; ok {
				t.Errorf("%q and %q share the anchor %q", f.Path, other, f.Anchor)
			}
			seen[f.Anchor] = f.Path
			if f.Children != nil {
				walk(f.Children)
			}
		}
	}
	walk(table)
	if len(seen) != 2*len(names) {
		t.Errorf("%d anchors for %d rows", len(seen), 2*len(names))
	}
}
