package arrowschema

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/schemareg/schemareg/compiler/document"
)

// Resolver finds the document a $ref outside its own document names;
// *validate.Registry is one. A nil Resolver resolves nothing.
type Resolver interface {
	Resolve(ref string) (*document.Document, bool)
}

// checkArrow checks that every field of the arrow block names a property
// whose JSON type its Arrow type can hold, following $refs through reg.
func Check(d *document.Document, reg Resolver) error {
	if d.Arrow == nil {
		return nil
	}
	props, _ := d.Object()["properties"].(map[string]any)
	for i, f := range d.Arrow.Fields {
		if err := checkArrowFit(d, reg, "/arrow/fields/"+strconv.Itoa(i), f, props[f.Name]); err != nil {
			return err
		}
	}
	return nil
}

func checkArrowFit(d *document.Document, reg Resolver, ptr string, f document.ArrowField, prop any) error {
	types, format := jsonTypes(reg, d.Root, prop)
	if len(types) != 1 {
		return d.ProblemAt(ptr+"/type", "arrow field %q: the property must have exactly one JSON type besides null to map to %s, found [%s]", f.Name, f.Type.Name, strings.Join(types, ", "))
	}
	have := types[0]
	for _, fit := range document.ArrowFit(f.Type.Name) {
		want, wantFormat, _ := strings.Cut(fit, ":")
		if want == have && (wantFormat == "" || wantFormat == format) {
			return nil
		}
	}
	got := have
	if format != "" {
		got += " (format " + format + ")"
	}
	return d.ProblemAt(ptr+"/type", "arrow type %s does not fit property %q of JSON type %s; it holds %s", f.Type.Name, f.Name, got, strings.Join(document.ArrowFit(f.Type.Name), ", "))
}

// jsonTypes returns a property schema's JSON types without "null", sorted,
// and its format, following $refs.
func jsonTypes(reg Resolver, root, schema any) ([]string, string) {
	_, s := resolveRef(reg, root, schema)
	m, _ := s.(map[string]any)
	var types []string
	switch t := m["type"].(type) {
	case string:
		types = []string{t}
	case []any:
		for _, x := range t {
			if s, ok := x.(string); ok {
				types = append(types, s)
			}
		}
	}
	out := types[:0]
	for _, t := range types {
		if t != "null" {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	format, _ := m["format"].(string)
	return out, format
}

// nullableType reports whether a property schema's type includes "null".
func nullableType(reg Resolver, root, schema any) bool {
	_, s := resolveRef(reg, root, schema)
	m, _ := s.(map[string]any)
	switch t := m["type"].(type) {
	case string:
		return t == "null"
	case []any:
		for _, x := range t {
			if x == "null" {
				return true
			}
		}
	}
	return false
}

// resolveRef follows $refs, at most 32 of them: "#/..." within root, others
// to registry documents through reg (nil: local ones only). It returns the
// root of the document the schema it ends at belongs to, and that schema.
func resolveRef(reg Resolver, root, schema any) (any, any) {
	for i := 0; i < 32; i++ {
		m, ok := schema.(map[string]any)
		if !ok {
			return root, schema
		}
		ref, ok := m["$ref"].(string)
		if !ok {
			return root, schema
		}
		base, frag, _ := strings.Cut(ref, "#")
		if base != "" {
			if reg == nil {
				return root, schema
			}
			d, ok := reg.Resolve(ref)
			if !ok {
				return root, schema
			}
			root = d.Root
		}
		target, ok := document.LookupPointer(root, frag)
		if !ok {
			return root, schema
		}
		schema = target
	}
	return root, schema
}

// ArrowSchema converts the document to an Arrow schema: the fields of the
// arrow block first, in its order, then every other top-level property in
// key order with a default mapping (integer → int64, number → float64,
// string → utf8, date-time → timestamp[us, UTC], date → date32, boolean →
// bool, object → struct, array → list). A property is nullable unless it is
// required and its type excludes null; the block's nullable overrides. It
// returns nil when the document has no top-level properties.
func Schema(d *document.Document, reg Resolver) (*arrow.Schema, error) {
	props, _ := d.Object()["properties"].(map[string]any)
	if len(props) == 0 {
		return nil, nil
	}
	required := requiredSet(d.Object())
	fields := make([]arrow.Field, 0, len(props))
	listed := map[string]bool{}
	if d.Arrow != nil {
		for _, f := range d.Arrow.Fields {
			dt, err := DataType(f.Type)
			if err != nil {
				return nil, err
			}
			nullable := !required[f.Name] || nullableType(reg, d.Root, props[f.Name])
			if f.Nullable != nil {
				nullable = *f.Nullable
			}
			fields = append(fields, arrow.Field{Name: f.Name, Type: dt, Nullable: nullable})
			listed[f.Name] = true
		}
	}
	names := make([]string, 0, len(props))
	for name := range props {
		if !listed[name] {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		fields = append(fields, defaultArrowField(reg, d.Root, name, props[name], required[name], 0))
	}
	return arrow.NewSchema(fields, nil), nil
}

// ArrowIPC returns the Arrow IPC stream bytes of the document's Arrow schema
// (a schema message and the end-of-stream marker; arrow::ipc::ReadSchema
// reads it), or nil when the document has no Arrow schema. $refs to other
// documents resolve through reg, which may be nil.
func IPC(d *document.Document, reg Resolver) ([]byte, error) {
	s, err := Schema(d, reg)
	if err != nil || s == nil {
		return nil, err
	}
	var buf bytes.Buffer
	w := ipc.NewWriter(&buf, ipc.WithSchema(s))
	if err := w.Close(); err != nil {
		return nil, fmt.Errorf("%s: encode arrow schema: %w", d.Path, err)
	}
	// A compile keeps the bytes of every version: none of the buffer's
	// spare room.
	return bytes.Clone(buf.Bytes()), nil
}

// DataType returns the Arrow data type t names.
func DataType(t document.ArrowType) (arrow.DataType, error) {
	switch t.Name {
	case "bool":
		return arrow.FixedWidthTypes.Boolean, nil
	case "int8":
		return arrow.PrimitiveTypes.Int8, nil
	case "int16":
		return arrow.PrimitiveTypes.Int16, nil
	case "int32":
		return arrow.PrimitiveTypes.Int32, nil
	case "int64":
		return arrow.PrimitiveTypes.Int64, nil
	case "uint8":
		return arrow.PrimitiveTypes.Uint8, nil
	case "uint16":
		return arrow.PrimitiveTypes.Uint16, nil
	case "uint32":
		return arrow.PrimitiveTypes.Uint32, nil
	case "uint64":
		return arrow.PrimitiveTypes.Uint64, nil
	case "float16":
		return arrow.FixedWidthTypes.Float16, nil
	case "float32":
		return arrow.PrimitiveTypes.Float32, nil
	case "float64":
		return arrow.PrimitiveTypes.Float64, nil
	case "decimal", "decimal128", "decimal256":
		if t.Name == "decimal256" || t.Name == "decimal" && t.Precision > 38 {
			return &arrow.Decimal256Type{Precision: int32(t.Precision), Scale: int32(t.Scale)}, nil
		}
		return &arrow.Decimal128Type{Precision: int32(t.Precision), Scale: int32(t.Scale)}, nil
	case "utf8":
		return arrow.BinaryTypes.String, nil
	case "large_utf8":
		return arrow.BinaryTypes.LargeString, nil
	case "date32":
		return arrow.FixedWidthTypes.Date32, nil
	case "timestamp":
		units := map[string]arrow.TimeUnit{"s": arrow.Second, "ms": arrow.Millisecond, "us": arrow.Microsecond, "ns": arrow.Nanosecond}
		unit, ok := units[t.Unit]
		if !ok {
			return nil, fmt.Errorf("timestamp unit %q; use s, ms, us or ns", t.Unit)
		}
		return &arrow.TimestampType{Unit: unit, TimeZone: t.Timezone}, nil
	}
	return nil, fmt.Errorf("unknown arrow type %q", t.Name)
}

// maxArrowNesting bounds how deep the default mapping follows objects and arrays.
const maxArrowNesting = 32

func defaultArrowField(reg Resolver, root any, name string, schema any, required bool, depth int) arrow.Field {
	nullable := !required || nullableType(reg, root, schema)
	return arrow.Field{Name: name, Type: defaultArrowType(reg, root, schema, depth), Nullable: nullable}
}

func defaultArrowType(reg Resolver, root, schema any, depth int) arrow.DataType {
	types, format := jsonTypes(reg, root, schema)
	if len(types) != 1 || depth >= maxArrowNesting {
		return arrow.BinaryTypes.String // JSON text
	}
	root, target := resolveRef(reg, root, schema)
	m, _ := target.(map[string]any)
	switch types[0] {
	case "integer":
		return arrow.PrimitiveTypes.Int64
	case "number":
		return arrow.PrimitiveTypes.Float64
	case "boolean":
		return arrow.FixedWidthTypes.Boolean
	case "string":
		switch format {
		case "date-time":
			return &arrow.TimestampType{Unit: arrow.Microsecond, TimeZone: "UTC"}
		case "date":
			return arrow.FixedWidthTypes.Date32
		}
		return arrow.BinaryTypes.String
	case "object":
		props, _ := m["properties"].(map[string]any)
		if len(props) == 0 {
			return arrow.BinaryTypes.String
		}
		required := requiredSet(m)
		names := make([]string, 0, len(props))
		for n := range props {
			names = append(names, n)
		}
		sort.Strings(names)
		fields := make([]arrow.Field, 0, len(names))
		for _, n := range names {
			fields = append(fields, defaultArrowField(reg, root, n, props[n], required[n], depth+1))
		}
		return arrow.StructOf(fields...)
	case "array":
		if items, ok := m["items"].(map[string]any); ok {
			return arrow.ListOf(defaultArrowType(reg, root, items, depth+1))
		}
	}
	return arrow.BinaryTypes.String
}

func requiredSet(obj map[string]any) map[string]bool {
	out := map[string]bool{}
	list, _ := obj["required"].([]any)
	for _, r := range list {
		if s, ok := r.(string); ok {
			out[s] = true
		}
	}
	return out
}
