package site

import (
	"encoding/json"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
)

// maxExampleDepth bounds how deep an example follows nested schemas.
const maxExampleDepth = 8

// object is a JSON object with its keys in the order they are shown.
type object struct {
	keys []string
	vals []any
}

// omitted marks a property left out of an example: it would repeat a schema
// that is already being filled in.
type omitted struct{}

// exampleGen fills in an example document from a schema.
type exampleGen struct {
	sc        *scope
	patterns  *patternCache
	fields    *fieldBuilder // for objectProps
	expanding map[string]bool
}

// buildExample returns an example document for a version, as indented JSON
// with the root's properties in field order: the schema's own examples,
// defaults, consts and first enum values where it has them, else the
// smallest value each keyword allows.
func buildExample(sc *scope, doc *document.Document, order []string, patterns *patternCache) string {
	g := &exampleGen{sc: sc, patterns: patterns, fields: &fieldBuilder{sc: sc}, expanding: map[string]bool{}}
	v := g.value(doc, doc.Root, 0, order)
	var b strings.Builder
	writeJSON(&b, v, "")
	return b.String()
}

func (g *exampleGen) value(doc *document.Document, schema any, depth int, order []string) any {
	r := g.sc.resolve(doc, schema)
	m, ok := r.schema.(map[string]any)
	if r.broken || !ok || depth > maxExampleDepth {
		return nil
	}
	if r.key != "" {
		if g.expanding[r.key] {
			return omitted{}
		}
		g.expanding[r.key] = true
		defer delete(g.expanding, r.key)
	}
	if ex, ok := m["examples"].([]any); ok && len(ex) > 0 {
		return ex[0]
	}
	for _, kw := range []string{"const", "default"} {
		if v, ok := m[kw]; ok {
			return v
		}
	}
	if e, ok := m["enum"].([]any); ok && len(e) > 0 {
		return e[0]
	}
	switch exampleType(m) {
	case "object":
		return g.object(r.doc, m, depth, order)
	case "array":
		return g.array(r.doc, m, depth)
	case "string":
		return g.stringExample(m)
	case "integer":
		return json.Number(numberExample(m, true))
	case "number":
		return json.Number(numberExample(m, false))
	case "boolean":
		return true
	}
	for _, kw := range []string{"oneOf", "anyOf"} {
		if options, ok := m[kw].([]any); ok && len(options) > 0 {
			return g.value(r.doc, options[0], depth+1, nil)
		}
	}
	return nil
}

// exampleType picks the JSON type an example of m has.
func exampleType(m map[string]any) string {
	for _, t := range typeNames(m) {
		if t != "null" {
			return t
		}
	}
	switch {
	case objectish(m):
		return "object"
	case arrayish(m):
		return "array"
	}
	return ""
}

func (g *exampleGen) object(doc *document.Document, m map[string]any, depth int, order []string) any {
	props := orderProps(g.fields.objectProps(doc, m, 0), order)
	o := &object{}
	for _, p := range props {
		v := g.value(p.doc, p.schema, depth+1, nil)
		if _, skip := v.(omitted); skip {
			if !p.required {
				continue
			}
			v = nil
		}
		o.keys = append(o.keys, p.name)
		o.vals = append(o.vals, v)
	}
	return o
}

func (g *exampleGen) array(doc *document.Document, m map[string]any, depth int) any {
	switch items := m["items"].(type) {
	case []any:
		out := make([]any, 0, len(items))
		for _, it := range items {
			out = append(out, g.value(doc, it, depth+1, nil))
		}
		return out
	case nil:
		return []any{}
	default:
		n := max(1, int(intKeyword(m, "minItems", 1)))
		v := g.value(doc, items, depth+1, nil)
		if _, skip := v.(omitted); skip {
			return []any{}
		}
		out := make([]any, 0, n)
		for range min(n, 16) {
			out = append(out, v)
		}
		return out
	}
}

// stringExample is a string of the schema's format or pattern, else
// "string", fitted to its length bounds.
func (g *exampleGen) stringExample(m map[string]any) string {
	minLen := int(intKeyword(m, "minLength", 0))
	maxLen := int(intKeyword(m, "maxLength", -1))
	fits := func(s string) bool {
		n := len([]rune(s))
		return n >= minLen && (maxLen < 0 || n <= maxLen)
	}
	if f, ok := m["format"].(string); ok {
		if s, ok := formatExample(f); ok && fits(s) {
			return s
		}
	}
	if p, ok := m["pattern"].(string); ok {
		if s, ok := g.patterns.example(p, minLen, maxLen); ok {
			return s
		}
	}
	s := "string"
	for len(s) < minLen {
		s += "x"
	}
	if maxLen >= 0 && len(s) > maxLen {
		s = s[:maxLen]
	}
	return s
}

// formatExample is a value of a string format, for the formats with a
// well-known example.
func formatExample(format string) (string, bool) {
	switch format {
	case "date-time":
		return "2024-01-02T09:30:00Z", true
	case "date":
		return "2024-01-02", true
	case "time":
		return "09:30:00Z", true
	case "duration":
		return "PT1M", true
	case "email", "idn-email":
		return "user@example.com", true
	case "hostname", "idn-hostname":
		return "example.com", true
	case "ipv4":
		return "192.0.2.1", true
	case "ipv6":
		return "2001:db8::1", true
	case "uri", "iri", "uri-reference", "iri-reference":
		return "https://example.com/", true
	case "uuid":
		return "123e4567-e89b-12d3-a456-426614174000", true
	case "json-pointer":
		return "/a/b", true
	}
	return "", false
}

// numberExample is the smallest number the bounds allow, 0 when they allow
// it, rounded up to a multiple of multipleOf.
func numberExample(m map[string]any, integer bool) string {
	// lo and hi are the bounds with a step of 1 past an exclusive one;
	// rawLo and rawHi the bounds as written.
	lo, hi := math.Inf(-1), math.Inf(1)
	rawLo, rawHi := lo, hi
	if v, ok := number(m["minimum"]); ok {
		lo, rawLo = v, v
		if m["exclusiveMinimum"] == true {
			lo = v + 1
		}
	}
	if v, ok := number(m["exclusiveMinimum"]); ok && v+1 > lo {
		lo, rawLo = v+1, v
	}
	if v, ok := number(m["maximum"]); ok {
		hi, rawHi = v, v
		if m["exclusiveMaximum"] == true {
			hi = v - 1
		}
	}
	if v, ok := number(m["exclusiveMaximum"]); ok && v-1 < hi {
		hi, rawHi = v-1, v
	}
	x := 0.0
	switch {
	case lo > hi:
		x = (rawLo + rawHi) / 2 // a narrow range: its middle
	case lo > 0:
		x = lo
	case hi < 0:
		x = hi
	}
	if k, ok := number(m["multipleOf"]); ok && k > 0 {
		x = math.Ceil(x/k) * k
	}
	if integer {
		x = math.Ceil(x)
	}
	return strconv.FormatFloat(x, 'f', -1, 64)
}

// number returns a decoded JSON number as a float64.
func number(v any) (float64, bool) {
	n, ok := v.(json.Number)
	if !ok {
		return 0, false
	}
	f, err := n.Float64()
	return f, err == nil
}

// intKeyword returns a small non-negative integer keyword, or def.
func intKeyword(m map[string]any, key string, def int64) int64 {
	if f, ok := number(m[key]); ok && f >= 0 && f <= 1<<20 {
		return int64(f)
	}
	return def
}

// writeJSON writes v as JSON indented by two spaces.
func writeJSON(b *strings.Builder, v any, indent string) {
	inner := indent + "  "
	switch v := v.(type) {
	case nil, omitted:
		b.WriteString("null")
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case json.Number:
		b.WriteString(string(v))
	case string:
		b.WriteString(jsonText(v))
	case []any:
		if len(v) == 0 {
			b.WriteString("[]")
			return
		}
		b.WriteString("[\n")
		for i, x := range v {
			b.WriteString(inner)
			writeJSON(b, x, inner)
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "]")
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		o := &object{keys: keys}
		for _, k := range keys {
			o.vals = append(o.vals, v[k])
		}
		writeJSON(b, o, indent)
	case *object:
		if len(v.keys) == 0 {
			b.WriteString("{}")
			return
		}
		b.WriteString("{\n")
		for i, k := range v.keys {
			b.WriteString(inner + jsonText(k) + ": ")
			writeJSON(b, v.vals[i], inner)
			if i < len(v.keys)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	default:
		b.WriteString(jsonText(v))
	}
}
