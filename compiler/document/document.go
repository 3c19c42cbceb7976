package document

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/internal/bundle"
)

// The registry fields a document carries at its root, beside the JSON
// Schema keywords.
const (
	FieldID            = "id"
	FieldVersion       = "version"
	FieldSchema        = "schema"
	FieldCompatibility = "compatibility"
	FieldArrow         = "arrow"
)

// The dialects schemareg knows. Draft-07 is the default.
const (
	Draft04   = "http://json-schema.org/draft-04/schema#"
	Draft06   = "http://json-schema.org/draft-06/schema#"
	Draft07   = "http://json-schema.org/draft-07/schema#"
	Draft2019 = "https://json-schema.org/draft/2019-09/schema"
	Draft2020 = "https://json-schema.org/draft/2020-12/schema"
)

// Document is a parsed schema file: a JSON Schema with the registry fields
// id, version, schema, compatibility and arrow at its root.
type Document struct {
	// Path is the file's path, for messages.
	Path string
	// Raw is the file's bytes as read.
	Raw []byte
	// Root is the decoded document: map[string]any, []any, json.Number,
	// string, bool and nil.
	Root any
	// ID is the registry id, "" for a plain JSON Schema.
	ID string
	// Version is the registry version; HasVersion reports whether there is one.
	Version    semver.Version
	HasVersion bool
	// Dialect is the normalized dialect URI named by $schema or schema, ""
	// when the document names none (draft-07 is assumed).
	Dialect string
	// Compatibility is the mode the document sets, "" when it sets none.
	Compatibility Mode
	// Arrow is the document's arrow block, nil when it has none.
	Arrow *ArrowBlock
	// Canonical is the canonical encoding of Root; Digest its "sha256:<hex>".
	Canonical []byte
	Digest    string
}

// Problem is something wrong with a schema file, at a position in it.
type Problem struct {
	Path    string `json:"path"`
	Line    int    `json:"line"`
	Col     int    `json:"col"`
	Message string `json:"message"`
}

// Error formats the problem as path:line:col: message.
func (p *Problem) Error() string {
	if p.Line == 0 {
		return fmt.Sprintf("%s: %s", p.Path, p.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", p.Path, p.Line, p.Col, p.Message)
}

// ParseSchema parses any JSON Schema. Registry fields are optional; those
// present must be valid.
func ParseSchema(path string, data []byte) (*Document, error) {
	return parse(path, data, false)
}

// ParseDocument parses a registry document: id and version are required.
func ParseDocument(path string, data []byte) (*Document, error) {
	return parse(path, data, true)
}

func parse(path string, data []byte, registry bool) (*Document, error) {
	root, err := ParseJSON(data)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return nil, &Problem{Path: path, Line: se.Line, Col: se.Col, Message: se.Msg}
		}
		return nil, &Problem{Path: path, Message: err.Error()}
	}
	d := &Document{Path: path, Raw: data, Root: root}
	obj, ok := root.(map[string]any)
	if !ok {
		if _, isBool := root.(bool); isBool && !registry {
			d.seal()
			return d, nil
		}
		return nil, d.ProblemAt("", "a schema document must be a JSON object, found %s", kindOf(root))
	}
	if err := d.registryFields(obj, registry); err != nil {
		return nil, err
	}
	d.seal()
	return d, nil
}

// seal sets the canonical bytes and their digest. The bytes live as long
// as the document, and a compile keeps those of every version: they are
// written into a buffer of the file's size, which they seldom pass, and
// kept in a slice of their own size.
func (d *Document) seal() {
	var buf bytes.Buffer
	buf.Grow(len(d.Raw))
	writeCanonical(&buf, d.Root)
	d.Canonical = bytes.Clone(buf.Bytes())
	d.Digest = bundle.Digest(d.Canonical)
}

func (d *Document) registryFields(obj map[string]any, registry bool) error {
	if v, ok := obj[FieldID]; ok {
		id, isStr := v.(string)
		switch {
		case !isStr:
			return d.ProblemAt("/id", "id must be a string, found %s", kindOf(v))
		case !bundle.ValidID(id):
			return d.ProblemAt("/id", "id %q is not a valid schema id; use ^[a-z][a-z0-9_.-]{0,127}$, e.g. \"ticks_v1\"", id)
		}
		d.ID = id
	} else if registry {
		return d.ProblemAt("", "missing \"id\"; add \"id\": %q (the file's base name)", BaseName(d.Path))
	}
	if v, ok := obj[FieldVersion]; ok {
		s, isStr := v.(string)
		if !isStr {
			return d.ProblemAt("/version", "version must be a string such as \"1.0.0\", found %s", kindOf(v))
		}
		ver, err := semver.Parse(s)
		if err != nil {
			return d.ProblemAt("/version", "%v", err)
		}
		d.Version, d.HasVersion = ver, true
	} else if registry {
		return d.ProblemAt("", "missing \"version\"; add \"version\": \"1.0.0\"")
	}
	dialect, err := d.dialect(obj)
	if err != nil {
		return err
	}
	d.Dialect = dialect
	if v, ok := obj[FieldCompatibility]; ok {
		s, isStr := v.(string)
		if !isStr {
			return d.ProblemAt("/compatibility", "compatibility must be a string such as \"BACKWARD\", found %s", kindOf(v))
		}
		m, err := ParseMode(s)
		if err != nil {
			return d.ProblemAt("/compatibility", "%v", err)
		}
		d.Compatibility = m
	}
	if v, ok := obj[FieldArrow]; ok {
		block, err := parseArrowBlock(d, v)
		if err != nil {
			return err
		}
		d.Arrow = block
	}
	return nil
}

// dialect reads $schema and schema; both may be present only when equal.
func (d *Document) dialect(obj map[string]any) (string, error) {
	var uris [2]string
	for i, key := range []string{"$schema", FieldSchema} {
		v, ok := obj[key]
		if !ok {
			continue
		}
		s, isStr := v.(string)
		if !isStr {
			return "", d.ProblemAt("/"+EscapePointer(key), "%s must be a dialect URI string, found %s", key, kindOf(v))
		}
		norm, ok := NormalizeDialect(s)
		if !ok {
			return "", d.ProblemAt("/"+EscapePointer(key), "unknown dialect %q in %s; use %s, %s or %s (draft-04 and draft-06 are read too)", s, key, Draft07, Draft2019, Draft2020)
		}
		uris[i] = norm
	}
	if uris[0] != "" && uris[1] != "" && uris[0] != uris[1] {
		return "", d.ProblemAt("/schema", "\"$schema\" and \"schema\" name different dialects (%s, %s); keep one", uris[0], uris[1])
	}
	if uris[0] != "" {
		return uris[0], nil
	}
	return uris[1], nil
}

// normalizeDialect maps the spellings of a known dialect URI to one.
func NormalizeDialect(s string) (string, bool) {
	t := strings.TrimSuffix(strings.TrimSuffix(s, "#"), "/")
	t = strings.TrimPrefix(strings.TrimPrefix(t, "https://"), "http://")
	switch t {
	case "json-schema.org/draft-04/schema":
		return Draft04, true
	case "json-schema.org/draft-06/schema":
		return Draft06, true
	case "json-schema.org/draft-07/schema":
		return Draft07, true
	case "json-schema.org/draft/2019-09/schema":
		return Draft2019, true
	case "json-schema.org/draft/2020-12/schema":
		return Draft2020, true
	}
	return "", false
}

// Line returns the 1-based line of the value at a JSON pointer ("#/a/b" or
// "/a/b"), or of its longest prefix that exists; 0 when unknown.
func (d *Document) Line(pointer string) int {
	if d == nil || len(d.Raw) == 0 {
		return 0
	}
	off, ok := offsetOf(d.Raw, pointer)
	if !ok {
		return 0
	}
	line, _ := position(d.Raw, off)
	return line
}

// position of a pointer as line and column.
func (d *Document) lineCol(pointer string) (int, int) {
	if len(d.Raw) == 0 {
		return 0, 0
	}
	off, ok := offsetOf(d.Raw, pointer)
	if !ok {
		return 0, 0
	}
	return position(d.Raw, off)
}

// problem builds a Problem at the value a JSON pointer names.
func (d *Document) ProblemAt(pointer, format string, args ...any) *Problem {
	line, col := d.lineCol(pointer)
	return &Problem{Path: d.Path, Line: line, Col: col, Message: fmt.Sprintf(format, args...)}
}

// Object returns the root as an object, or nil for a boolean schema.
func (d *Document) Object() map[string]any {
	m, _ := d.Root.(map[string]any)
	return m
}

// Title returns the document's title annotation, "" when it has none.
func (d *Document) Title() string {
	s, _ := d.Object()["title"].(string)
	return s
}

// Description returns the document's description annotation.
func (d *Document) Description() string {
	s, _ := d.Object()["description"].(string)
	return s
}

// baseName is a file's name without folder and extension: its expected id.
func BaseName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
}

// kindOf names a decoded JSON value's type for messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
