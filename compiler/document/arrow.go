package document

import (
	"encoding/json"
	"strconv"
)

// ArrowBlock is a document's "arrow" field: the Arrow types C++ readers use
// for some of its properties.
type ArrowBlock struct {
	Fields []ArrowField `json:"fields"`
}

// ArrowField gives one property its Arrow type.
type ArrowField struct {
	Name     string    `json:"name"`
	Type     ArrowType `json:"type"`
	Nullable *bool     `json:"nullable,omitempty"`
}

// ArrowType names an Arrow data type with its parameters: "int64",
// {"name":"timestamp","unit":"us","timezone":"UTC"}, {"name":"decimal","precision":18,"scale":4}.
type ArrowType struct {
	Name      string `json:"name"`
	Unit      string `json:"unit,omitempty"`
	Timezone  string `json:"timezone,omitempty"`
	Precision int    `json:"precision,omitempty"`
	Scale     int    `json:"scale,omitempty"`
}

func parseArrowBlock(d *Document, v any) (*ArrowBlock, error) {
	obj, ok := v.(map[string]any)
	if !ok {
		return nil, d.ProblemAt("/arrow", "arrow must be an object {\"fields\": [...]}, found %s", kindOf(v))
	}
	for k := range obj {
		if k != "fields" {
			return nil, d.ProblemAt("/arrow/"+EscapePointer(k), "unknown key %q in arrow; it holds only \"fields\"", k)
		}
	}
	list, ok := obj["fields"].([]any)
	if !ok {
		return nil, d.ProblemAt("/arrow", "arrow.fields must be an array of {\"name\", \"type\", \"nullable\"}")
	}
	block := &ArrowBlock{}
	seen := map[string]bool{}
	for i, f := range list {
		ptr := "/arrow/fields/" + strconv.Itoa(i)
		field, err := parseArrowField(d, ptr, f)
		if err != nil {
			return nil, err
		}
		if seen[field.Name] {
			return nil, d.ProblemAt(ptr+"/name", "arrow field %q is listed twice", field.Name)
		}
		seen[field.Name] = true
		if props, _ := d.Object()["properties"].(map[string]any); props[field.Name] == nil {
			return nil, d.ProblemAt(ptr+"/name", "arrow field %q is not a property of the schema; add it to \"properties\" or remove it from arrow", field.Name)
		}
		block.Fields = append(block.Fields, field)
	}
	return block, nil
}

func parseArrowField(d *Document, ptr string, v any) (ArrowField, error) {
	var f ArrowField
	obj, ok := v.(map[string]any)
	if !ok {
		return f, d.ProblemAt(ptr, "an arrow field must be an object {\"name\", \"type\"}, found %s", kindOf(v))
	}
	for k := range obj {
		if k != "name" && k != "type" && k != "nullable" {
			return f, d.ProblemAt(ptr+"/"+EscapePointer(k), "unknown key %q in an arrow field; use name, type, nullable", k)
		}
	}
	if f.Name, ok = obj["name"].(string); !ok || f.Name == "" {
		return f, d.ProblemAt(ptr, "arrow field needs a \"name\": the property it types")
	}
	if n, present := obj["nullable"]; present {
		b, isBool := n.(bool)
		if !isBool {
			return f, d.ProblemAt(ptr+"/nullable", "nullable must be true or false")
		}
		f.Nullable = &b
	}
	t, err := parseArrowType(d, ptr+"/type", obj["type"])
	if err != nil {
		return f, err
	}
	f.Type = t
	return f, nil
}

func parseArrowType(d *Document, ptr string, v any) (ArrowType, error) {
	var t ArrowType
	switch v := v.(type) {
	case string:
		t.Name = v
	case map[string]any:
		for k, x := range v {
			switch k {
			case "name", "unit", "timezone":
				s, ok := x.(string)
				if !ok {
					return t, d.ProblemAt(ptr+"/"+k, "%s must be a string", k)
				}
				switch k {
				case "name":
					t.Name = s
				case "unit":
					t.Unit = s
				default:
					t.Timezone = s
				}
			case "precision", "scale":
				n, ok := x.(json.Number)
				i, err := strconv.Atoi(string(n))
				if !ok || err != nil || i < 0 {
					return t, d.ProblemAt(ptr+"/"+k, "%s must be a non-negative integer", k)
				}
				if k == "precision" {
					t.Precision = i
				} else {
					t.Scale = i
				}
			default:
				return t, d.ProblemAt(ptr+"/"+EscapePointer(k), "unknown key %q in an arrow type; use name, unit, timezone, precision, scale", k)
			}
		}
	default:
		return t, d.ProblemAt(ptr, "arrow type must be a name such as \"int64\" or an object {\"name\": ...}")
	}
	if ArrowFit(t.Name) == nil {
		return t, d.ProblemAt(ptr, "unknown arrow type %q; use int8..int64, uint8..uint64, float16, float32, float64, decimal, utf8, large_utf8, timestamp, date32, bool", t.Name)
	}
	switch t.Name {
	case "timestamp":
		switch t.Unit {
		case "s", "ms", "us", "ns":
		case "":
			return t, d.ProblemAt(ptr, "timestamp needs a \"unit\": s, ms, us or ns")
		default:
			return t, d.ProblemAt(ptr+"/unit", "timestamp unit %q; use s, ms, us or ns", t.Unit)
		}
	case "decimal", "decimal128", "decimal256":
		max := 76
		if t.Name == "decimal128" {
			max = 38
		}
		if t.Precision < 1 || t.Precision > max {
			return t, d.ProblemAt(ptr, "%s needs a \"precision\" from 1 to %d", t.Name, max)
		}
		if t.Scale > t.Precision {
			return t, d.ProblemAt(ptr, "decimal scale %d is larger than its precision %d", t.Scale, t.Precision)
		}
	}
	if t.Name != "timestamp" && (t.Unit != "" || t.Timezone != "") {
		return t, d.ProblemAt(ptr, "unit and timezone belong to timestamp, not %s", t.Name)
	}
	return t, nil
}

// ArrowFit lists, for an Arrow type name, the JSON types whose values it holds.
func ArrowFit(name string) []string {
	switch name {
	case "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64":
		return []string{"integer"}
	case "float16", "float32", "float64", "decimal", "decimal128", "decimal256":
		return []string{"number", "integer"}
	case "utf8", "large_utf8":
		return []string{"string"}
	case "timestamp":
		return []string{"string:date-time", "integer"}
	case "date32":
		return []string{"string:date", "integer"}
	case "bool":
		return []string{"boolean"}
	}
	return nil
}
