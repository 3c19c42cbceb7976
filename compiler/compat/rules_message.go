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
// version (label, e.g. "1.x"). The kind's row says the words.
func message(f finding, label string) string {
	subj := subject(f.path)
	if name, ok := strings.CutPrefix(f.key, "arrow:"); ok {
		subj = "field " + strconv.Quote(name)
	}
	info := &kindInfos[f.kind]
	if info.text == nil {
		return subj + ": " + info.summary
	}
	return subj + ": " + info.text(f, "data written with "+label)
}

// limitAdded is the text of a keyword limit added.
func limitAdded(kw string) func(finding, string) string {
	return func(f finding, data string) string {
		return kw + " " + show(f.new) + " added; " + data + " may not satisfy it"
	}
}

// limitRemoved is the text of a keyword limit removed.
func limitRemoved(kw string) func(finding, string) string {
	return func(f finding, _ string) string { return kw + " " + show(f.old) + " removed" }
}

// limitChanged is the text of a keyword limit moved (verb: raised, lowered,
// changed); consequence, when not empty, says what it does to old data.
func limitChanged(kw, verb, consequence string) func(finding, string) string {
	return func(f finding, data string) string {
		s := kw + " " + verb + " from " + show(f.old) + " to " + show(f.new)
		if consequence != "" {
			s += "; " + data + " " + consequence
		}
		return s
	}
}

// annotationText is the text of an annotation keyword added, removed or
// changed; withValues false leaves long values (descriptions) out.
func annotationText(kw string, withValues bool) func(finding, string) string {
	return func(f finding, _ string) string {
		switch {
		case f.old == nil:
			return kw + " " + show(f.new) + " added"
		case f.new == nil:
			return kw + " " + show(f.old) + " removed"
		case !withValues:
			return kw + " changed"
		}
		return kw + " changed from " + show(f.old) + " to " + show(f.new)
	}
}

// show2 shows a type name or keyword without quotes.
func show2(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return show(v)
}

// productText names what an allOf gained or lost.
func productText(v any, verb string) string {
	if s, ok := v.(string); ok {
		return s + " " + verb
	}
	return "a schema every value must match " + verb
}
