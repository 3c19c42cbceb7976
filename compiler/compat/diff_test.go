package compat

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
)

// decode parses JSON the way documents are decoded: numbers as json.Number.
func decode(t testing.TB, s string) any {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatalf("decode %s: %v", s, err)
	}
	return v
}

func mustDoc(t testing.TB, name, s string) *document.Document {
	t.Helper()
	d, err := document.ParseSchema(name, []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func kindsOf(r DiffResult) []string {
	out := []string{}
	for _, c := range r.Changes {
		out = append(out, c.Kind+" "+c.Path)
	}
	return out
}

func TestDiffEquivalentSpellingsAreNoChange(t *testing.T) {
	tests := []struct{ name, old, new string }{
		{"KeyOrder", `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}}}`,
			`{"properties":{"b":{"type":"integer"},"a":{"type":"string"}},"type":"object"}`},
		{"NumberSpelling", `{"type":"number","maximum":1}`, `{"type":"number","maximum":1.0}`},
		{"ExponentSpelling", `{"type":"number","maximum":100}`, `{"maximum":1e2,"type":"number"}`},
		{"TypeArrayOfOne", `{"type":"string"}`, `{"type":["string"]}`},
		{"BooleanAndEmpty", `{"properties":{"a":true}}`, `{"properties":{"a":{}}}`},
		{"EmptyItems", `{"type":"array","items":true}`, `{"type":"array"}`},
		{"ConstAndEnumOfOne", `{"const":"x"}`, `{"enum":["x"]}`},
		{"EnumOrder", `{"enum":["a","b"]}`, `{"enum":["b","a"]}`},
		{"DuplicateAllOf", `{"allOf":[{"type":"string"},{"type":"string"}]}`, `{"allOf":[{"type":"string"}]}`},
		{"Draft04ExclusiveMinimum", `{"type":"number","minimum":0,"exclusiveMinimum":true}`, `{"type":"number","exclusiveMinimum":0}`},
		{"RegistryFields", `{"id":"a_v1","version":"1.0.0","schema":"http://json-schema.org/draft-07/schema#","type":"string"}`,
			`{"id":"a_v1","version":"1.0.1","$schema":"http://json-schema.org/draft-07/schema","compatibility":"FULL","type":"string"}`},
		{"MovedToRef", `{"type":"object","properties":{"a":{"type":"string"}}}`,
			`{"type":"object","properties":{"a":{"$ref":"#/definitions/s"}},"definitions":{"s":{"type":"string"}}}`},
		{"MovedToDefs", `{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":{"type":"string"}}}`,
			`{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":{"$ref":"#/$defs/s"}},"$defs":{"s":{"type":"string"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := DiffSchemas(decode(t, tt.old), decode(t, tt.new), DiffOptions{Mode: document.ModeFull})
			if len(r.Changes) != 0 || !r.Compatible || r.Bump != semver.BumpNone {
				t.Errorf("got %v, compatible %v, bump %v; want no change", kindsOf(r), r.Compatible, r.Bump)
			}
			r = DiffSchemas(decode(t, tt.new), decode(t, tt.old), DiffOptions{Mode: document.ModeFull})
			if len(r.Changes) != 0 {
				t.Errorf("swapped: got %v; want no change", kindsOf(r))
			}
		})
	}
}

// TestDiffSeedRules checks the registry's rules in the default
// configuration (BACKWARD, LENIENT) on the closed objects the registry's
// schemas use.
func TestDiffSeedRules(t *testing.T) {
	base := `{"type":"object","additionalProperties":false,"required":["id","side"],"properties":{
		"id":{"type":"integer","minimum":0},"side":{"type":"string","enum":["B","S"]},
		"note":{"type":"string","maxLength":10},"size":{"type":"integer"}}}`
	edit := func(f func(m map[string]any)) string {
		m := decode(t, base).(map[string]any)
		f(m)
		return string(document.Canonical(m))
	}
	props := func(m map[string]any) map[string]any { return m["properties"].(map[string]any) }
	tests := []struct {
		name       string
		new        string
		compatible bool
	}{
		{"AddOptionalField", edit(func(m map[string]any) { props(m)["venue"] = map[string]any{"type": "string"} }), true},
		{"WidenNumericType", edit(func(m map[string]any) { props(m)["size"] = map[string]any{"type": "number"} }), true},
		{"AddEnumValue", edit(func(m map[string]any) {
			props(m)["side"] = map[string]any{"type": "string", "enum": []any{"B", "S", "X"}}
		}), true},
		{"RelaxConstraint", edit(func(m map[string]any) {
			props(m)["note"] = map[string]any{"type": "string", "maxLength": json.Number("20")}
		}), true},
		{"RemoveField", edit(func(m map[string]any) { delete(props(m), "note") }), false},
		{"RemoveRequiredField", edit(func(m map[string]any) {
			delete(props(m), "side")
			m["required"] = []any{"id"}
		}), false},
		{"NarrowType", edit(func(m map[string]any) {
			props(m)["size"] = map[string]any{"type": "integer", "minimum": json.Number("1")}
		}), false},
		{"RemoveEnumValue", edit(func(m map[string]any) {
			props(m)["side"] = map[string]any{"type": "string", "enum": []any{"B"}}
		}), false},
		{"MakeOptionalRequired", edit(func(m map[string]any) { m["required"] = []any{"id", "side", "note"} }), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := DiffSchemas(decode(t, base), decode(t, tt.new), DiffOptions{})
			if r.Mode != document.ModeBackward || r.Policy != PolicyLenient {
				t.Fatalf("defaults: mode %s policy %s", r.Mode, r.Policy)
			}
			if r.Compatible != tt.compatible {
				t.Errorf("compatible = %v, want %v: %v", r.Compatible, tt.compatible, kindsOf(r))
			}
			want := semver.BumpMinor
			if !tt.compatible {
				want = semver.BumpMajor
			}
			if r.Bump != want {
				t.Errorf("bump = %v, want %v", r.Bump, want)
			}
		})
	}
}

func TestDiffModes(t *testing.T) {
	// Adding an enum value is backward compatible, not forward.
	old := decode(t, `{"enum":["a"]}`)
	new := decode(t, `{"enum":["a","b"]}`)
	tests := []struct {
		mode       document.Mode
		compatible bool
	}{
		{document.ModeBackward, true}, {document.ModeBackwardTransitive, true}, {document.ModeForward, false},
		{document.ModeForwardTransitive, false}, {document.ModeFull, false}, {document.ModeFullTransitive, false}, {document.ModeNone, true},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode), func(t *testing.T) {
			r := DiffSchemas(old, new, DiffOptions{Mode: tt.mode})
			if r.Compatible != tt.compatible || r.Mode != tt.mode {
				t.Errorf("compatible = %v (mode %s), want %v", r.Compatible, r.Mode, tt.compatible)
			}
			c := r.Changes[0]
			if !c.Backward || c.Forward {
				t.Errorf("backward %v forward %v, want true false", c.Backward, c.Forward)
			}
		})
	}
}

func TestDiffDocumentSetsMode(t *testing.T) {
	old := mustDoc(t, "a.json", `{"id":"a_v1","version":"1.0.0","enum":["a"]}`)
	new := mustDoc(t, "a.json", `{"id":"a_v1","version":"1.1.0","compatibility":"FORWARD","enum":["a","b"]}`)
	r := Diff(old, new, DiffOptions{})
	if r.Mode != document.ModeForward || r.Compatible {
		t.Errorf("mode %s compatible %v, want FORWARD false", r.Mode, r.Compatible)
	}
	r = Diff(old, new, DiffOptions{Mode: document.ModeBackward})
	if r.Mode != document.ModeBackward || !r.Compatible {
		t.Errorf("option: mode %s compatible %v, want BACKWARD true", r.Mode, r.Compatible)
	}
}

func TestDiffLinesAndMessages(t *testing.T) {
	old := mustDoc(t, "ticks.json", `{
  "id": "ticks_v1",
  "version": "1.0.0",
  "type": "object",
  "properties": {
    "side": {"type": "string", "enum": ["B", "S"]}
  }
}`)
	new := mustDoc(t, "ticks.json", `{
  "id": "ticks_v1",
  "version": "2.0.0",
  "type": "object",
  "properties": {
    "side": {
      "type": "string",
      "enum": ["B"]
    }
  }
}`)
	r := Diff(old, new, DiffOptions{})
	want := []api.Change{{Kind: "ENUM_ARRAY_NARROWED", Path: "#/properties/side/enum", Line: 8, Backward: false, Forward: true,
		Breaking: true, Message: `field "side": enum value "S" removed; data written with 1.x may hold it`}}
	if diff := cmp.Diff(want, r.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestDiffRefsAcrossDocuments(t *testing.T) {
	instrumentsOld := mustDoc(t, "instruments.json", `{"id":"instruments_v1","version":"1.0.0","definitions":{"symbol":{"type":"string","maxLength":32}}}`)
	instrumentsNew := mustDoc(t, "instruments.json", `{"id":"instruments_v1","version":"1.1.0","definitions":{"symbol":{"type":"string","maxLength":16}}}`)
	quotes := `{"id":"quotes_v1","version":"1.0.0","type":"object","properties":{"symbol":{"$ref":"instruments_v1#/definitions/symbol"}}}`
	old, new := mustDoc(t, "q.json", quotes), mustDoc(t, "q.json", quotes)
	resolver := func(d *document.Document) func(string) (*document.Document, bool) {
		return func(ref string) (*document.Document, bool) { return d, strings.HasPrefix(ref, "instruments_v1") }
	}
	// The same $ref text resolves against a registry that changed under it.
	r := Diff(old, new, DiffOptions{Resolve: resolver(instrumentsOld)})
	if len(r.Changes) != 0 {
		t.Errorf("same target: %v", kindsOf(r))
	}
	oldDoc := mustDoc(t, "q.json", strings.Replace(quotes, `{"$ref":"instruments_v1#/definitions/symbol"}`, `{"type":"string","maxLength":32}`, 1))
	r = Diff(oldDoc, new, DiffOptions{Resolve: resolver(instrumentsNew)})
	if got := kindsOf(r); !cmp.Equal(got, []string{"MAX_LENGTH_DECREASED #/properties/symbol/maxLength"}) {
		t.Errorf("inline → $ref: %v", got)
	}
	// Without a resolver, a $ref is compared by its text.
	r = DiffSchemas(decode(t, `{"$ref":"x_v1#/a"}`), decode(t, `{"$ref":"x_v1#/b"}`), DiffOptions{})
	if got := kindsOf(r); !cmp.Equal(got, []string{"REFERENCE_CHANGED #/"}) || r.Compatible {
		t.Errorf("unresolved: %v compatible %v", got, r.Compatible)
	}
}

func TestDiffRecursiveSchemasEnd(t *testing.T) {
	tree := `{"definitions":{"node":{"type":"object","properties":{"value":{"type":"%s"},
		"children":{"type":"array","items":{"$ref":"#/definitions/node"}}}}},"$ref":"#/definitions/node"}`
	old := decode(t, strings.Replace(tree, "%s", "integer", 1))
	new := decode(t, strings.Replace(tree, "%s", "number", 1))
	r := DiffSchemas(old, new, DiffOptions{})
	if got := kindsOf(r); !cmp.Equal(got, []string{"TYPE_EXTENDED #/properties/value"}) {
		t.Errorf("got %v", got)
	}
	// A $ref that names itself constrains nothing and does not loop.
	r = DiffSchemas(decode(t, `{"$ref":"#"}`), decode(t, `{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"$ref":"#/definitions/a"}`), DiffOptions{})
	if len(r.Changes) != 0 {
		t.Errorf("self references: %v", kindsOf(r))
	}
}

func TestDiffDeepSchemasStop(t *testing.T) {
	deep := func(leaf string, n int) any {
		var b bytes.Buffer
		for i := 0; i < n; i++ {
			b.WriteString(`{"items":`)
		}
		b.WriteString(leaf)
		b.WriteString(strings.Repeat("}", n))
		return decode(t, b.String())
	}
	for _, n := range []int{50, 250, 5000} {
		r := DiffSchemas(deep(`{"type":"string"}`, n), deep(`{"type":"number"}`, n), DiffOptions{})
		if r.Compatible || len(r.Changes) != 1 {
			t.Errorf("depth %d: compatible %v changes %v", n, r.Compatible, kindsOf(r))
		}
		if r := DiffSchemas(deep(`{}`, n), deep(`{}`, n), DiffOptions{}); len(r.Changes) != 0 {
			t.Errorf("depth %d: equal schemas differ: %v", n, kindsOf(r))
		}
	}
}

func TestDiffTransitive(t *testing.T) {
	v := func(version, enum string) *document.Document {
		return mustDoc(t, "a.json", `{"id":"a_v1","version":"`+version+`","compatibility":"BACKWARD_TRANSITIVE","enum":[`+enum+`]}`)
	}
	history := []*document.Document{v("1.0.0", `"a","b"`), v("1.1.0", `"a"`), v("1.2.0", `"a","c"`)}
	// Compatible with 1.2.0, but drops "b" that 1.0.0 allowed.
	r := DiffTransitive(history, v("1.3.0", `"a","c"`), DiffOptions{})
	if r.Compatible || r.Bump != semver.BumpMajor {
		t.Fatalf("compatible %v bump %v: %v", r.Compatible, r.Bump, kindsOf(r))
	}
	last := r.Changes[len(r.Changes)-1]
	if !strings.HasPrefix(last.Message, "against 1.0.0: ") {
		t.Errorf("message %q should name the version", last.Message)
	}
	// 1.0.0 is not in the major line of 2.0.0.
	r = DiffTransitive(history[:1], v("2.0.0", `"a","b","c"`), DiffOptions{})
	if !r.Compatible {
		t.Errorf("2.0.0: %v", kindsOf(r))
	}
	// A non-transitive mode looks at the last version only.
	r = DiffTransitive(history, v("1.3.0", `"a","c"`), DiffOptions{Mode: document.ModeBackward})
	if !r.Compatible {
		t.Errorf("BACKWARD: %v", kindsOf(r))
	}
}

func TestDiffForwardIsTheSwappedDiff(t *testing.T) {
	pairs := [][2]string{
		{`{"type":"object","properties":{"a":{"type":"string"}}}`, `{"type":"object","properties":{"a":{"type":"string"},"b":{"type":"integer"}},"required":["b"]}`},
		{`{"type":"array","items":[{"type":"string"}],"additionalItems":false}`, `{"type":"array","items":[{"type":"string"},{"type":"number"}]}`},
		{`{"oneOf":[{"type":"string"},{"type":"number"}]}`, `{"anyOf":[{"type":"string"}]}`},
	}
	for _, p := range pairs {
		for _, policy := range []Policy{PolicyLenient, PolicyStrict} {
			a, b := decode(t, p[0]), decode(t, p[1])
			fwd := DiffSchemas(a, b, DiffOptions{Mode: document.ModeForward, Policy: policy})
			swapped := DiffSchemas(b, a, DiffOptions{Mode: document.ModeBackward, Policy: policy})
			if fwd.Compatible != swapped.Compatible {
				t.Errorf("%s → %s (%s): forward %v, swapped backward %v", p[0], p[1], policy, fwd.Compatible, swapped.Compatible)
			}
		}
	}
}

func TestKindsAreDescribed(t *testing.T) {
	seen := map[string]bool{}
	for _, k := range Kinds() {
		if k.Kind == "" || k.Summary == "" || seen[k.Kind] {
			t.Errorf("kind %+v: empty or repeated", k)
		}
		seen[k.Kind] = true
		if k.Annotation && (!k.BackwardStrict || !k.BackwardLenient) {
			t.Errorf("%s: an annotation never breaks", k.Kind)
		}
		if k.BackwardStrict && !k.BackwardLenient {
			t.Errorf("%s: LENIENT must allow what STRICT allows", k.Kind)
		}
		if got, ok := LookupKind(k.Kind); !ok || got != k {
			t.Errorf("LookupKind(%s) = %+v, %v", k.Kind, got, ok)
		}
	}
}

// TestLineScannerAgreesWithDocumentLine checks the one-pass line finder
// against Document.Line on every value of the example schemas.
func TestLineScannerAgreesWithDocumentLine(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "schemas", "*", "*.json"))
	more, _ := filepath.Glob(filepath.Join("..", "..", "schemas", "*.json"))
	files = append(files, more...)
	files = append(files, filepath.Join("testdata", "breaking", "property_removed_from_closed_content_model", "current.json"))
	for _, path := range files {
		d := mustParse(t, path)
		var ptrs []string
		var walk func(v any, ptr string)
		walk = func(v any, ptr string) {
			ptrs = append(ptrs, ptr)
			switch v := v.(type) {
			case map[string]any:
				for k, c := range v {
					walk(c, ptr+"/"+document.EscapePointer(k))
				}
			case []any:
				for i, c := range v {
					walk(c, ptr+"/"+itoa(i))
				}
			}
		}
		walk(d.Root, "")
		ptrs = append(ptrs, "/properties/missing/deeper", "/nope")
		l := newLineFinder(newSdoc(map[string]any{}, nil), newSdoc(d.Root, d))
		for _, p := range ptrs {
			l.ask(finding{ptr: p, doc: l.new})
		}
		for _, p := range ptrs {
			if got, old := l.lines(finding{ptr: p, doc: l.new}); got != d.Line(p) || old != 0 {
				want := d.Line(p)
				t.Errorf("%s %s: line %d (old %d), Document.Line %d", path, p, got, old, want)
			}
		}
	}
}

// mustParse reads and parses a schema file.
func mustParse(t testing.TB, path string) *document.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := document.ParseSchema(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}
