package validate

import (
	"encoding/json"
	"regexp"

	"github.com/schemareg/schemareg/compiler/arrowschema"
	"github.com/schemareg/schemareg/compiler/document"
)

// Check reports what Compile would, the same problem or none, without
// making a Validator. A document of the subset of draft-07 most schemas
// keep to (no $ref, $id, definitions or applicator) is checked in one
// walk, then its arrow block; any other goes through all that Compile
// does but the validator's fast path.
func (r *Registry) Check(d *document.Document) error {
	if plain(d) && r.compiles(d) {
		return arrowschema.Check(d, r)
	}
	_, _, err := r.compile(d)
	return err
}

// compiles reports whether compiling d compiles d itself: the JSON Schema
// compiler loads a document with an id from the registry, which may hold
// another under it.
func (r *Registry) compiles(d *document.Document) bool {
	if d.ID == "" {
		return true
	}
	got, ok := r.LookupTarget(location(d))
	return ok && got == d
}

// plain reports whether Compile accepts d up to its arrow check, for a
// document of the subset of draft-07 most schemas keep to: type,
// properties, required, additionalProperties, items, additionalItems, an
// enum of scalars, const, default and examples without a $ref in them, the
// bounds of strings, numbers, arrays and objects, a pattern, a known
// format, title, description, $comment, readOnly and writeOnly, and no
// other keyword. It walks d once and allocates nothing but the patterns it
// compiles.
//
// It is exact in one direction: true only for a document that every check
// before the arrow check accepts, false meaning only that the full path
// decides. For such a document refCycle, checkExternal and checkSize find
// nothing: it has no $ref, not even inside its data, and at most
// MaxSubschemas objects; unknownFormat finds no unknown format; the
// draft-07 meta-schema holds each keyword's value to what plain checks;
// jsonschema compiles each keyword of the subset without error given such
// a value (a pattern is compiled here as there); and checkCost finds every
// value checked against one subschema, a pattern within MaxPatternSize,
// and its walk within maxExploreWork, since it visits each of at most
// MaxSubschemas subschemas once with a few units of work.
func plain(d *document.Document) bool {
	root, ok := d.Root.(map[string]any)
	if !ok || d.Dialect != "" && d.Dialect != document.Draft07 {
		return false
	}
	p := plainWalk{objects: 1}
	for k, v := range root {
		switch k {
		case "$schema":
			// jsonschema reads the draft from it: only the spelling the
			// registry adds when the document names the draft otherwise.
			if s, ok := v.(string); !ok || s != document.Draft07 {
				return false
			}
		case document.FieldID, document.FieldVersion, document.FieldSchema, document.FieldCompatibility:
			// Registry fields: keywords of no draft but draft-04 ("id").
			if _, ok := v.(string); !ok {
				return false
			}
		case document.FieldArrow:
			if hasRefKey(v) {
				return false
			}
		default:
			if !p.keyword(k, v) {
				return false
			}
		}
	}
	return p.objects <= MaxSubschemas
}

// plainWalk counts the objects of the schema it walks, as checkSize
// counts them or more.
type plainWalk struct {
	objects int
}

// schema reports whether v is a schema of the subset.
func (p *plainWalk) schema(v any) bool {
	switch v := v.(type) {
	case bool:
		return true
	case map[string]any:
		p.objects++
		if p.objects > MaxSubschemas {
			return false
		}
		for k, x := range v {
			if !p.keyword(k, x) {
				return false
			}
		}
		return true
	}
	return false
}

// keyword reports whether the keyword k of a schema, of value v, is of
// the subset, with a value the draft-07 meta-schema accepts.
func (p *plainWalk) keyword(k string, v any) bool {
	switch k {
	case "title", "description", "$comment":
		_, ok := v.(string)
		return ok
	case "readOnly", "writeOnly", "uniqueItems":
		_, ok := v.(bool)
		return ok
	case "default", "const":
		// Data, but refCycle follows a $ref anywhere.
		return !hasRefKey(v)
	case "examples":
		_, ok := v.([]any)
		return ok && !hasRefKey(v)
	case "enum":
		return plainEnum(v)
	case "type":
		return plainType(v)
	case "format":
		s, ok := v.(string)
		return ok && knownFormat(s)
	case "maximum", "minimum", "exclusiveMaximum", "exclusiveMinimum":
		_, ok := v.(json.Number)
		return ok
	case "maxLength", "minLength", "maxItems", "minItems", "maxProperties", "minProperties":
		n, ok := v.(json.Number)
		return ok && digits(string(n))
	case "pattern":
		s, ok := v.(string)
		return ok && plainPattern(s)
	case "required":
		return distinctStrings(v)
	case "properties":
		props, ok := v.(map[string]any)
		if !ok {
			return false
		}
		p.objects++
		for _, s := range props {
			if !p.schema(s) {
				return false
			}
		}
		return true
	case "additionalProperties", "additionalItems":
		return p.schema(v)
	case "items":
		list, ok := v.([]any)
		if !ok {
			return p.schema(v)
		}
		if len(list) == 0 {
			return false
		}
		for _, s := range list {
			if !p.schema(s) {
				return false
			}
		}
		return true
	}
	return false
}

// hasRefKey reports whether a value holds an object with a "$ref".
func hasRefKey(v any) bool {
	switch v := v.(type) {
	case map[string]any:
		if _, ok := v["$ref"]; ok {
			return true
		}
		for _, x := range v {
			if hasRefKey(x) {
				return true
			}
		}
	case []any:
		for _, x := range v {
			if hasRefKey(x) {
				return true
			}
		}
	}
	return false
}

// maxPlainList bounds the lists whose items plain compares pairwise.
const maxPlainList = 256

// plainEnum reports whether v is a non-empty list of distinct strings,
// booleans, nulls and integers spelled as JSON spells them once (no
// "-0"): values that are equal exactly when they are the same Go value.
func plainEnum(v any) bool {
	list, ok := v.([]any)
	if !ok || len(list) == 0 || len(list) > maxPlainList {
		return false
	}
	for i, x := range list {
		switch x := x.(type) {
		case string, bool, nil:
		case json.Number:
			s := string(x)
			if s != "" && s[0] == '-' {
				s = s[1:]
			}
			if !digits(s) || s[0] == '0' && (len(s) > 1 || len(x) > 1) {
				return false
			}
		default:
			return false
		}
		for _, y := range list[:i] {
			if x == y {
				return false
			}
		}
	}
	return true
}

// plainType reports whether v is a simple type or a non-empty list of
// distinct ones.
func plainType(v any) bool {
	switch v := v.(type) {
	case string:
		return simpleType(v)
	case []any:
		if len(v) == 0 {
			return false
		}
		for i, x := range v {
			s, ok := x.(string)
			if !ok || !simpleType(s) {
				return false
			}
			for _, y := range v[:i] {
				if x == y {
					return false
				}
			}
		}
		return true
	}
	return false
}

func simpleType(s string) bool {
	switch s {
	case "array", "boolean", "integer", "null", "number", "object", "string":
		return true
	}
	return false
}

// distinctStrings reports whether v is a list of distinct strings.
func distinctStrings(v any) bool {
	list, ok := v.([]any)
	if !ok || len(list) > maxPlainList {
		return false
	}
	for i, x := range list {
		if _, ok := x.(string); !ok {
			return false
		}
		for _, y := range list[:i] {
			if x == y {
				return false
			}
		}
	}
	return true
}

// digits reports whether s is a non-empty run of decimal digits.
func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// plainPattern reports whether jsonschema compiles a pattern, as the
// meta-schema's "regex" format and its compiler do (with regexp), and
// checkCost finds it within MaxPatternSize.
func plainPattern(s string) bool {
	if _, err := regexp.Compile(s); err != nil {
		return false
	}
	size, err := patternSize(s)
	return err == nil && size <= MaxPatternSize
}
