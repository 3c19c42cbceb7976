package compat

import (
	"strconv"
	"strings"

	"github.com/schemareg/schemareg/compiler/document"
)

// subject names what a path is about: `field "a.b"`, `items of field
// "a"`, or "the schema".
func subject(path string) string {
	toks := strings.Split(strings.TrimPrefix(strings.TrimPrefix(path, "#"), "/"), "/")
	var name strings.Builder
	for i := 0; i < len(toks); i++ {
		t := document.UnescapePointer(toks[i])
		next := ""
		if i+1 < len(toks) {
			next = document.UnescapePointer(toks[i+1])
		}
		switch t {
		case "properties", "required", "dependencies":
			if i+1 < len(toks) {
				if name.Len() > 0 {
					name.WriteByte('.')
				}
				name.WriteString(next)
				i++
			}
		case "items", "prefixItems":
			if _, err := strconv.Atoi(next); err == nil && i+1 < len(toks) {
				name.WriteString("[" + next + "]")
				i++
			} else {
				name.WriteString("[]")
			}
		case "additionalItems":
			name.WriteString("[…]")
		case "additionalProperties", "unevaluatedProperties":
			name.WriteString(".*")
		case "patternProperties":
			if i+1 < len(toks) {
				name.WriteString("./" + next + "/")
				i++
			}
		case "allOf", "anyOf", "oneOf":
			i++ // an alternative of the same field
		}
	}
	n := name.String()
	switch {
	case n == "":
		return "the schema"
	case len(n) > 80:
		n = "…" + n[len(n)-79:]
	}
	if strings.HasPrefix(n, "[") {
		return "item " + strconv.Quote(n)
	}
	return "field " + strconv.Quote(n)
}

// show formats a JSON value for a message.
func show(v any) string {
	switch v := v.(type) {
	case nil:
		return "none"
	case string:
		return strconv.Quote(v)
	case document.ArrowType:
		s := v.Name
		if v.Unit != "" || v.Timezone != "" {
			s += "(" + strings.Trim(v.Unit+", "+v.Timezone, ", ") + ")"
		}
		if v.Precision != 0 {
			s += "(" + itoa(v.Precision) + ", " + itoa(v.Scale) + ")"
		}
		return s
	case []any:
		parts := make([]string, len(v))
		for i, e := range v {
			if e == nil {
				parts[i] = "null" // a value, not an absence
				continue
			}
			parts[i] = show(e)
		}
		return strings.Join(parts, ", ")
	case []string:
		parts := make([]string, len(v))
		for i, e := range v {
			parts[i] = strconv.Quote(e)
		}
		return strings.Join(parts, ", ")
	case int:
		return itoa(v)
	}
	s := string(document.Canonical(v))
	if len(s) > 60 {
		s = s[:57] + "..."
	}
	return s
}

func count(v any) int {
	switch v := v.(type) {
	case []any:
		return len(v)
	case []string:
		return len(v)
	}
	return 1
}

// message is one sentence a reviewer understands: what changed where, and
// for a change that can break, what happens to data written with the old
// version (label, e.g. "1.x").
func message(f finding, label string) string {
	subj := subject(f.path)
	if name, ok := strings.CutPrefix(f.key, "arrow:"); ok {
		subj = "field " + strconv.Quote(name)
	}
	data := "data written with " + label
	name := kindInfos[f.kind].name
	if text, ok := messageText(f, data); ok {
		return subj + ": " + text
	}
	kw, verb := limitParts(name)
	switch verb {
	case "ADDED":
		return subj + ": " + kw + " " + show(f.new) + " added; " + data + " may not satisfy it"
	case "REMOVED":
		return subj + ": " + kw + " " + show(f.old) + " removed"
	case "INCREASED":
		s := subj + ": " + kw + " raised from " + show(f.old) + " to " + show(f.new)
		if !kindInfos[f.kind].strict {
			s += "; " + data + " may fall below it"
		}
		return s
	case "DECREASED":
		s := subj + ": " + kw + " lowered from " + show(f.old) + " to " + show(f.new)
		if !kindInfos[f.kind].strict {
			s += "; " + data + " may exceed it"
		}
		return s
	case "CHANGED":
		s := subj + ": " + kw + " changed from " + show(f.old) + " to " + show(f.new)
		if !kindInfos[f.kind].strict {
			s += "; " + data + " may not match it"
		}
		return s
	}
	return subj + ": " + kindInfos[f.kind].summary
}

// limitParts splits a kind such as MAX_LENGTH_INCREASED into the keyword
// (maxLength) and the verb (INCREASED).
func limitParts(name string) (kw, verb string) {
	for _, v := range [...]string{"ADDED", "REMOVED", "INCREASED", "DECREASED", "CHANGED"} {
		if base, ok := strings.CutSuffix(name, "_"+v); ok {
			switch base {
			case "MAX_LENGTH", "MIN_LENGTH", "PATTERN", "FORMAT", "CONTENT_ENCODING", "CONTENT_MEDIA_TYPE",
				"MAXIMUM", "MINIMUM", "EXCLUSIVE_MAXIMUM", "EXCLUSIVE_MINIMUM", "MULTIPLE_OF",
				"MAX_PROPERTIES", "MIN_PROPERTIES", "MAX_ITEMS", "MIN_ITEMS", "MAX_CONTAINS", "MIN_CONTAINS":
				return camel(base), v
			}
		}
	}
	return "", ""
}

// camel turns MAX_LENGTH into maxLength.
func camel(s string) string {
	parts := strings.Split(strings.ToLower(s), "_")
	for i := 1; i < len(parts); i++ {
		parts[i] = strings.ToUpper(parts[i][:1]) + parts[i][1:]
	}
	return strings.Join(parts, "")
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
