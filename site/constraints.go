package site

import (
	"strconv"

	"github.com/schemareg/schemareg/compiler/document"
)

// maxEnumShown bounds the enum values a row lists.
const maxEnumShown = 50

// constraints lists the validation keywords of a schema.
func constraints(m map[string]any) []constraint {
	// The validation keywords a row shows, in this order.
	keys := [...]struct{ key, name string }{
		{"minLength", "min length"},
		{"maxLength", "max length"},
		{"pattern", "pattern"},
		{"minimum", "minimum"},
		{"exclusiveMinimum", "exclusive minimum"},
		{"maximum", "maximum"},
		{"exclusiveMaximum", "exclusive maximum"},
		{"multipleOf", "multiple of"},
		{"minItems", "min items"},
		{"maxItems", "max items"},
		{"uniqueItems", "unique items"},
		{"minProperties", "min properties"},
		{"maxProperties", "max properties"},
		{"const", "const"},
		{"default", "default"},
		{"readOnly", "read only"},
		{"writeOnly", "write only"},
	}
	var out []constraint
	// Draft-04 spells an exclusive bound as a boolean beside minimum and maximum.
	exclusiveMin := m["exclusiveMinimum"] == true
	exclusiveMax := m["exclusiveMaximum"] == true
	for _, k := range keys {
		v, ok := m[k.key]
		if !ok {
			continue
		}
		c := constraint{Name: k.name, Value: jsonText(v)}
		switch k.key {
		case "minimum":
			if exclusiveMin {
				c.Name = "exclusive minimum"
			}
		case "maximum":
			if exclusiveMax {
				c.Name = "exclusive maximum"
			}
		case "exclusiveMinimum", "exclusiveMaximum":
			if _, isBool := v.(bool); isBool {
				continue
			}
		case "uniqueItems", "readOnly", "writeOnly":
			if v != true {
				continue
			}
			c.Value = ""
		case "pattern":
			if s, ok := v.(string); ok {
				c.Value = s
			}
		}
		out = append(out, c)
	}
	if m["additionalProperties"] == false {
		out = append(out, constraint{Name: "no other properties"})
	}
	return out
}

// enumValues lists the canonical JSON of a schema's enum values.
func enumValues(m map[string]any) []string {
	list, ok := m["enum"].([]any)
	if !ok {
		return nil
	}
	out := make([]string, 0, min(len(list), maxEnumShown+1))
	for i, v := range list {
		if i == maxEnumShown {
			out = append(out, "… "+strconv.Itoa(len(list)-i)+" more")
			break
		}
		out = append(out, jsonText(v))
	}
	return out
}

// jsonText is the canonical JSON of a decoded value.
func jsonText(v any) string {
	return string(document.Canonical(v))
}
