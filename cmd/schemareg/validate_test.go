package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValidateRepoSchemas(t *testing.T) {
	stdout, stderr, code := runCmd(t, nil, "validate", filepath.Join("..", "..", "schemas"))
	if code != 0 {
		t.Fatalf("the repository's own schemas: exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.HasSuffix(stdout, "schemas valid\n") {
		t.Errorf("stdout %q", stdout)
	}
}

func TestValidateBadInput(t *testing.T) {
	valid := `{"id": "good_v1", "version": "1.0.0", "type": "object", "properties": {"x": {"type": "string"}}}`
	tests := []struct {
		name  string
		files map[string]string
		args  []string
		want  string // the first line of output
	}{
		{"EmptyFile", map[string]string{"empty_v1.json": ""},
			nil, "schemas/empty_v1.json:1:1: empty document; a schema is a JSON object"},
		{"BinaryFile", map[string]string{"bin_v1.json": "\x89PNG\r\n\x1a\n\x00\x00"},
			nil, "schemas/bin_v1.json:1:1: invalid UTF-8; save the file as UTF-8"},
		{"InvalidUTF8InString", map[string]string{"utf_v1.json": "{\"id\": \"utf_v1\",\n \"title\": \"caf\xe9\"}"},
			nil, "schemas/utf_v1.json:2:15: invalid UTF-8; save the file as UTF-8"},
		{"SyntaxError", map[string]string{"syn_v1.json": "{\n  \"id\": \"syn_v1\",\n  \"version\": \"1.0.0\"\n  \"type\": \"object\"\n}"},
			nil, `schemas/syn_v1.json:4:3: unexpected '"'; expected ',' or '}'`},
		{"TrailingComma", map[string]string{"tc_v1.json": `{"id": "tc_v1", "version": "1.0.0",}`},
			nil, "schemas/tc_v1.json:1:36: trailing comma before '}'"},
		{"DuplicateKey", map[string]string{"dk_v1.json": `{"id": "dk_v1", "id": "dk_v1", "version": "1.0.0"}`},
			nil, `schemas/dk_v1.json:1:17: duplicate key "id"; a key may appear once per object`},
		{"DeepNesting", map[string]string{"deep_v1.json": strings.Repeat("[", 10000) + strings.Repeat("]", 10000)},
			nil, "schemas/deep_v1.json:1:257: nesting deeper than 256 levels of arrays and objects; flatten the document"},
		{"TooLarge", map[string]string{"big_v1.json": `{"id": "big_v1", "version": "1.0.0", "description": "` + strings.Repeat("x", 50<<20) + `"}`},
			nil, "schemas/big_v1.json: file is larger than the limit of 1048576 bytes; split the schema or raise --max-bytes"},
		{"TooLargeForLimit", map[string]string{"good_v1.json": valid},
			[]string{"-max-bytes", "10"}, "schemas/good_v1.json: file is larger than the limit of 10 bytes; split the schema or raise --max-bytes"},
		{"NotAnObject", map[string]string{"arr_v1.json": `[1, 2]`},
			nil, "schemas/arr_v1.json:1:1: a schema document must be a JSON object, found an array"},
		{"MissingID", map[string]string{"noid_v1.json": `{"version": "1.0.0"}`},
			nil, `schemas/noid_v1.json:1:1: missing "id"; add "id": "noid_v1" (the file's base name)`},
		{"MissingVersion", map[string]string{"nov_v1.json": `{"id": "nov_v1"}`},
			nil, `schemas/nov_v1.json:1:1: missing "version"; add "version": "1.0.0"`},
		{"BadID", map[string]string{"Ticks.json": `{"id": "Ticks", "version": "1.0.0"}`},
			nil, `schemas/Ticks.json:1:8: id "Ticks" is not a valid schema id; use ^[a-z][a-z0-9_.-]{0,127}$, e.g. "ticks_v1"`},
		{"IDNotFileName", map[string]string{"a_v1.json": `{"id": "b_v1", "version": "1.0.0"}`},
			nil, `schemas/a_v1.json:1:8: id "b_v1" does not match the file name "a_v1.json"; rename the file to b_v1.json or set "id": "a_v1"`},
		{"DuplicateID", map[string]string{"dup_v1.json": `{"id": "dup_v1", "version": "1.0.0"}`, "sub/dup_v1.json": `{"id": "dup_v1", "version": "2.0.0"}`},
			nil, `schemas/sub/dup_v1.json:1:8: duplicate id "dup_v1", already used by schemas/dup_v1.json; ids are unique across the schemas folder`},
		{"BuildMetadata", map[string]string{"v_v1.json": `{"id": "v_v1", "version": "1.0.0+42"}`},
			nil, `schemas/v_v1.json:1:27: version "1.0.0+42" has build metadata (+...); schemareg versions are MAJOR.MINOR.PATCH[-PRERELEASE]`},
		{"NotSemver", map[string]string{"v_v1.json": `{"id": "v_v1", "version": "1.0"}`},
			nil, `schemas/v_v1.json:1:27: version "1.0" is not MAJOR.MINOR.PATCH, e.g. "1.0.0"`},
		{"TwoDialects", map[string]string{"d_v1.json": `{"id": "d_v1", "version": "1.0.0", "$schema": "http://json-schema.org/draft-07/schema#", "schema": "https://json-schema.org/draft/2020-12/schema"}`},
			nil, `schemas/d_v1.json:1:100: "$schema" and "schema" name different dialects (http://json-schema.org/draft-07/schema#, https://json-schema.org/draft/2020-12/schema); keep one`},
		{"UnknownDialect", map[string]string{"d_v1.json": `{"id": "d_v1", "version": "1.0.0", "$schema": "http://example.com/meta"}`},
			nil, `schemas/d_v1.json:1:47: unknown dialect "http://example.com/meta" in $schema; use http://json-schema.org/draft-07/schema#, https://json-schema.org/draft/2019-09/schema or https://json-schema.org/draft/2020-12/schema (draft-04 and draft-06 are read too)`},
		{"NotAJSONSchema", map[string]string{"m_v1.json": "{\"id\": \"m_v1\", \"version\": \"1.0.0\",\n \"properties\": {\"x\": {\"type\": 5}}}"},
			nil, `schemas/m_v1.json:2:31: not a valid JSON Schema: at #/properties/x/type: value must be one of 'array', 'boolean', 'integer', 'null', 'number', 'object', 'string'`},
		{"UnknownFormat", map[string]string{"f_v1.json": `{"id": "f_v1", "version": "1.0.0", "properties": {"x": {"type": "string", "format": "money"}}}`},
			nil, `schemas/f_v1.json:1:85: unknown format "money"; use a format of the JSON Schema specification (date-time, date, time, duration, email, hostname, ipv4, ipv6, uri, uri-reference, uuid, regex, ...)`},
		{"BadRegex", map[string]string{"r_v1.json": `{"id": "r_v1", "version": "1.0.0", "properties": {"x": {"type": "string", "pattern": "(["}}}`},
			nil, "schemas/r_v1.json:1:86: not a valid JSON Schema: at #/properties/x/pattern: '([' is not valid regex: error parsing regexp: missing closing ]: `[`"},
		{"UnresolvableLocalRef", map[string]string{"l_v1.json": `{"id": "l_v1", "version": "1.0.0", "properties": {"x": {"$ref": "#/definitions/nope"}}}`},
			nil, `schemas/l_v1.json:1:65: $ref l_v1#/definitions/nope does not resolve: no such location`},
		{"UnresolvableRegistryRef", map[string]string{"l_v1.json": `{"id": "l_v1", "version": "1.0.0", "properties": {"x": {"$ref": "nothere_v1#/definitions/x"}}}`},
			nil, `schemas/l_v1.json:1:65: $ref nothere_v1: no schema with id "nothere_v1" in the registry`},
		{"RefCycle", map[string]string{"c_v1.json": `{"id": "c_v1", "version": "1.0.0", "definitions": {"a": {"$ref": "#/definitions/b"}, "b": {"$ref": "#/definitions/a"}}}`},
			nil, `schemas/c_v1.json:1:66: $ref cycle #/definitions/a → #/definitions/b → #/definitions/a; a chain of $refs must end in a schema`},
		{"HTTPRefNeverFetched", map[string]string{"h_v1.json": `{"id": "h_v1", "version": "1.0.0", "properties": {"x": {"$ref": "http://127.0.0.1:9/x.json"}}}`},
			nil, `schemas/h_v1.json:1:65: $ref http://127.0.0.1:9/x.json: reference outside the registry: http://127.0.0.1:9/x.json is never fetched; refer to registry schemas by id, e.g. "quotes_v1#/definitions/price"`},
		{"FileRefNeverRead", map[string]string{"h_v1.json": `{"id": "h_v1", "version": "1.0.0", "properties": {"x": {"$ref": "file:///etc/passwd"}}}`},
			nil, `schemas/h_v1.json:1:65: $ref file:///etc/passwd: reference outside the registry: file:///etc/passwd is never fetched; refer to registry schemas by id, e.g. "quotes_v1#/definitions/price"`},
		{"ArrowFieldNotAProperty", map[string]string{"a_v1.json": `{"id": "a_v1", "version": "1.0.0", "properties": {"x": {"type": "string"}}, "arrow": {"fields": [{"name": "y", "type": "utf8"}]}}`},
			nil, `schemas/a_v1.json:1:107: arrow field "y" is not a property of the schema; add it to "properties" or remove it from arrow`},
		{"ArrowTypeMisfit", map[string]string{"a_v1.json": `{"id": "a_v1", "version": "1.0.0", "properties": {"x": {"type": "string"}}, "arrow": {"fields": [{"name": "x", "type": "int64"}]}}`},
			nil, `schemas/a_v1.json:1:120: arrow type int64 does not fit property "x" of JSON type string; it holds integer`},
		{"ArrowTimestampNeedsUnit", map[string]string{"a_v1.json": `{"id": "a_v1", "version": "1.0.0", "properties": {"x": {"type": "string", "format": "date-time"}}, "arrow": {"fields": [{"name": "x", "type": {"name": "timestamp"}}]}}`},
			nil, `schemas/a_v1.json:1:143: timestamp needs a "unit": s, ms, us or ns`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Chdir(t.TempDir())
			files := map[string]string{}
			for name, content := range tc.files {
				files["schemas/"+name] = content
			}
			writeFiles(t, ".", files)
			stdout, stderr, code := runCmd(t, nil, append(append([]string{"validate"}, tc.args...), "schemas")...)
			if code != 1 {
				t.Errorf("exit %d, want 1; stderr %q", code, stderr)
			}
			first, _, _ := strings.Cut(stdout, "\n")
			if diff := cmp.Diff(tc.want, first); diff != "" {
				t.Errorf("first line (-want +got):\n%s\nwhole output:\n%s", diff, stdout)
			}
		})
	}
}

func TestValidateJSONFormatAndSummary(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, ".", map[string]string{
		"schemas/a_v1.json": `{"id": "a_v1", "version": "1.0.0"}`,
		"schemas/b_v1.json": `{"id": "b_v1"}`,
	})
	stdout, _, code := runCmd(t, nil, "validate")
	want := "schemas/b_v1.json:1:1: missing \"version\"; add \"version\": \"1.0.0\"\n1 problem in 2 files; 1 valid\n"
	if code != 1 || stdout != want {
		t.Errorf("text: exit %d, stdout:\n%s\nwant:\n%s", code, stdout, want)
	}
	stdout, _, code = runCmd(t, nil, "validate", "-format", "json")
	wantJSON := `{
  "valid": false,
  "files": 2,
  "problems": [
    {
      "path": "schemas/b_v1.json",
      "line": 1,
      "col": 1,
      "message": "missing \"version\"; add \"version\": \"1.0.0\""
    }
  ],
  "skipped": []
}
`
	if code != 1 || stdout != wantJSON {
		t.Errorf("json: exit %d, diff (-want +got):\n%s", code, cmp.Diff(wantJSON, stdout))
	}
}

func TestValidateMissingPath(t *testing.T) {
	t.Chdir(t.TempDir())
	_, stderr, code := runCmd(t, nil, "validate", "nowhere")
	if code != 2 || !strings.Contains(stderr, "nowhere") {
		t.Errorf("exit %d, stderr %q; want exit 2 naming the path", code, stderr)
	}
	if err := os.Mkdir("empty", 0o755); err != nil {
		t.Fatal(err)
	}
	stdout, _, code := runCmd(t, nil, "validate", "empty")
	if code != 0 || stdout != "no schema files found in [empty]\n" {
		t.Errorf("empty folder: exit %d, stdout %q", code, stdout)
	}
}
