package expectations

import (
	"sort"
	"strings"
)

// escape escapes a property name as a JSON pointer token.
func escape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// sortedKeys returns an object's keys, sorted: the suite's order does not
// depend on the map's.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// typesOf returns the JSON types a "type" keyword names.
func typesOf(v any) []string {
	switch t := v.(type) {
	case string:
		return []string{t}
	case []any:
		out := make([]string, 0, len(t))
		for _, x := range t {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// hasNull reports whether an enum allows null.
func hasNull(v any) bool {
	list, _ := v.([]any)
	for _, x := range list {
		if x == nil {
			return true
		}
	}
	return false
}

// withoutNull returns an enum's values but null: a null cell is the
// business of expect_column_values_to_not_be_null.
func withoutNull(list []any) []any {
	out := make([]any, 0, len(list))
	for _, x := range list {
		if x != nil {
			out = append(out, x)
		}
	}
	return out
}
