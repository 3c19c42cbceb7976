package validate

import (
	"errors"
	"fmt"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
)

// TestNumberLimits checks that a number too long or with too large an
// exponent is a syntax error at its position, in schemas and in data: the
// validator's exact arithmetic would otherwise spend seconds on one number,
// or, past math/big's exponent range, crash.
func TestNumberLimits(t *testing.T) {
	tests := []struct {
		num  string
		want string // "" when accepted
	}{
		{"1e10000", ""}, {"-1E-10000", ""}, {"1e+010000", ""}, {"1e0000000000000000000000010", ""},
		{"1" + strings.Repeat("0", document.MaxNumberLength-1), ""},
		{"0." + strings.Repeat("0", document.MaxNumberLength-3) + "1", ""},
		{"1e10001", "1:44: number exponent out of range"},
		{"1e-1000001", "1:45: number exponent out of range"},
		{"1e99999999999999999999999", "1:44: number exponent out of range"},
		{"1" + strings.Repeat("0", document.MaxNumberLength), "1:42: number of 1001 characters"},
		{"0." + strings.Repeat("0", document.MaxNumberLength) + "1", "1:42: number of 1003 characters"},
	}
	for _, tt := range tests {
		name := tt.num
		if len(name) > 30 {
			name = name[:30] + "..."
		}
		t.Run(name, func(t *testing.T) {
			doc := `{"id":"n_v1","version":"1.0.0","maximum":` + tt.num + `}`
			d, err := document.ParseDocument("n_v1.json", []byte(doc))
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), "n_v1.json:"+tt.want)):
				t.Fatalf("got %v, want n_v1.json:%s", err, tt.want)
			case tt.want != "":
				if _, err := ParseData([]byte(tt.num)); err == nil {
					t.Errorf("ParseData accepts %s", name)
				}
				return
			}
			// Accepted numbers compile, validate and stay within the limits
			// in canonical form.
			v, err := NewRegistry(d).Compile(d)
			if err != nil {
				t.Fatal(err)
			}
			data, err := ParseData([]byte(tt.num))
			if err != nil {
				t.Fatal(err)
			}
			v.Validate(data)
			if _, err := document.ParseDocument("n_v1.json", d.Canonical); err != nil {
				t.Errorf("canonical bytes do not parse: %v", err)
			}
		})
	}
	// An integer whose spelled-out form would pass the length limit keeps
	// its exponent form.
	long := "1." + strings.Repeat("7", 900) + "e390"
	d, err := document.ParseSchema("x.json", []byte(`{"const":`+long+`}`))
	if err != nil {
		t.Fatal(err)
	}
	if again, err := document.ParseSchema("x.json", d.Canonical); err != nil || string(again.Canonical) != string(d.Canonical) {
		t.Errorf("canonical form of %s... does not parse back: %v", long[:20], err)
	}
}

// TestParserAllocation checks that the parser's memory stays proportional
// to its input when it does not track positions: a document of long keys
// nested deep once cost a hundred times its size.
func TestParserAllocation(t *testing.T) {
	key := strings.Repeat("k", 4000)
	var b strings.Builder
	for i := 0; i < 250; i++ {
		fmt.Fprintf(&b, `{"%s%d":`, key, i)
	}
	b.WriteString("1" + strings.Repeat("}", 250))
	data := []byte(b.String())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	if _, err := ParseData(data); err != nil {
		t.Fatal(err)
	}
	runtime.ReadMemStats(&after)
	if got := after.TotalAlloc - before.TotalAlloc; got > 8*uint64(len(data)) {
		t.Errorf("parsing %d bytes allocated %d", len(data), got)
	}
}

// bomb returns a document whose definitions a0 … an each apply the next
// twice, through the keyword kw: checking one value against a0 checks it
// 2^n times against an.
func bomb(n int, kw string) string {
	var defs []string
	for i := 0; i < n; i++ {
		next := fmt.Sprintf(`{"$ref":"#/definitions/a%d"}`, i+1)
		var def string
		switch kw {
		case "items", "additionalProperties":
			def = fmt.Sprintf(`{"anyOf":[{%q:%s},{%q:%s}]}`, kw, next, kw, next)
		case "properties":
			def = fmt.Sprintf(`{"allOf":[{"properties":{"x":%s}},{"properties":{"x":%s}}]}`, next, next)
		default:
			def = fmt.Sprintf(`{%q:[%s,%s]}`, kw, next, next)
		}
		defs = append(defs, fmt.Sprintf(`"a%d":%s`, i, def))
	}
	defs = append(defs, fmt.Sprintf(`"a%d":{"type":"string"}`, n))
	return `{"id":"b_v1","version":"1.0.0","definitions":{` + strings.Join(defs, ",") + `},"$ref":"#/definitions/a0"}`
}

// TestEvaluationLimit checks that a schema under which one value would be
// checked more than MaxEvaluations times is refused, at the subschema the
// branches lead to, and that recursive and large schemas whose branches do
// not multiply are not.
func TestEvaluationLimit(t *testing.T) {
	var variants []string
	for i := 0; i < 2000; i++ {
		variants = append(variants, fmt.Sprintf(`{"properties":{"k":{"const":%d},"v%d":{"$ref":"#/definitions/leaf"}}}`, i, i))
	}
	// A graph of 150 definitions of 60 properties each, each property a
	// $ref to a definition picked at random, under an allOf of 8: too many
	// combinations to follow one by one, none of them multiplying.
	var graph []string
	x := 7
	for i := 0; i < 150; i++ {
		var props []string
		for j := 0; j < 60; j++ {
			x = (x*1103515245 + 12345) % 2147483648
			props = append(props, fmt.Sprintf(`"p%d":{"$ref":"#/definitions/n%d"}`, j, x%150))
		}
		graph = append(graph, fmt.Sprintf(`"n%d":{"properties":{%s}}`, i, strings.Join(props, ",")))
	}
	var roots []string
	for i := 0; i < 8; i++ {
		roots = append(roots, fmt.Sprintf(`{"$ref":"#/definitions/n%d"}`, i))
	}
	combinations := `{"definitions":{` + strings.Join(graph, ",") + `},"allOf":[` + strings.Join(roots, ",") + `]}`
	tests := []struct {
		name string
		doc  string
		want string // "" when accepted
	}{
		{"AllOfChain", bomb(40, "allOf"), "one value may have to be checked more than 10000 times"},
		{"AnyOfChain", bomb(20, "anyOf"), "against #/definitions/a1"},
		{"OneOfChain", bomb(14, "oneOf"), "more than 10000 times"},
		{"ItemsChain", bomb(30, "items"), "more than 10000 times"},
		{"PropertiesChain", bomb(30, "properties"), "more than 10000 times"},
		{"AdditionalPropertiesChain", bomb(30, "additionalProperties"), "more than 10000 times"},
		{"RecursiveItems", `{"anyOf":[{"items":{"$ref":"#"}},{"items":{"$ref":"#"}}]}`, "more than 10000 times"},
		{"RecursiveDiamond", `{"definitions":{"n":{"allOf":[{"$ref":"#/definitions/a"},{"$ref":"#/definitions/b"}]},
			"a":{"properties":{"c":{"type":"array","items":{"$ref":"#/definitions/n"}}}},
			"b":{"properties":{"c":{"type":"array","items":{"$ref":"#/definitions/n"}}}}},"$ref":"#/definitions/n"}`, "more than 10000 times"},
		{"ShortChain", bomb(10, "allOf"), ""},
		{"Tree", `{"type":"object","properties":{"left":{"$ref":"#"},"right":{"$ref":"#"},
			"kids":{"type":"array","items":{"$ref":"#"}}},"additionalProperties":{"$ref":"#"}}`, ""},
		{"MixinsOfOtherFields", `{"definitions":{"n":{"allOf":[{"$ref":"#/definitions/a"},{"$ref":"#/definitions/b"}]},
			"a":{"properties":{"left":{"$ref":"#/definitions/n"}}},
			"b":{"properties":{"right":{"$ref":"#/definitions/n"}}}},"$ref":"#/definitions/n"}`, ""},
		{"PatternsOrOthers", `{"patternProperties":{"^x-":{"type":"string"}},"additionalProperties":{"$ref":"#"}}`, ""},
		{"Unevaluated", `{"$schema":"https://json-schema.org/draft/2020-12/schema","properties":{"a":{"$ref":"#"}},
			"unevaluatedProperties":{"$ref":"#"},"prefixItems":[{"$ref":"#"}],"unevaluatedItems":{"$ref":"#"}}`, ""},
		{"ManyVariants", `{"definitions":{"leaf":{"type":"string"}},"oneOf":[` + strings.Join(variants, ",") + `]}`, ""},
		{"ManyCombinations", combinations, ""},
		{"ManyCombinationsOneDoubling", strings.Replace(combinations, `"n3":{"properties":{`, `"n3":{"allOf":[{"$ref":"#/definitions/n4"},{"$ref":"#/definitions/n4"}],"properties":{`, 1), "more than 10000 times"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := tt.doc
			if !strings.Contains(doc, `"id"`) {
				doc = `{"id":"b_v1","version":"1.0.0",` + doc[1:]
			}
			d, err := document.ParseDocument("b_v1.json", []byte(doc))
			if err != nil {
				t.Fatal(err)
			}
			_, err = NewRegistry(d).Compile(d)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want %q", err, tt.want)
			case tt.want != "" && !regexp.MustCompile(`^b_v1\.json:\d+:\d+: `).MatchString(err.Error()):
				t.Errorf("the problem has no position: %v", err)
			}
			// The answer does not depend on the order of map iteration:
			// the compiler records it in the bundle.
			for i := 0; i < 3 && err != nil; i++ {
				if _, again := NewRegistry(d).Compile(d); again == nil || again.Error() != err.Error() {
					t.Fatalf("compiled again: %v, first %v", again, err)
				}
			}
		})
	}
}

// TestEvaluationLimitAcrossDocuments checks the limit through $refs to
// other registry schemas: each document alone is harmless.
func TestEvaluationLimitAcrossDocuments(t *testing.T) {
	var docs []*document.Document
	for i := 0; i < 16; i++ {
		next := fmt.Sprintf(`{"$ref":"c%d_v1"}`, i+1)
		body := fmt.Sprintf(`{"id":"c%d_v1","version":"1.0.0","allOf":[%s,%s]}`, i, next, next)
		if i == 15 {
			body = `{"id":"c15_v1","version":"1.0.0","type":"string"}`
		}
		d, err := document.ParseDocument(fmt.Sprintf("c%d_v1.json", i), []byte(body))
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, d)
	}
	reg := NewRegistry(docs...)
	if _, err := reg.Compile(docs[10]); err != nil {
		t.Fatalf("five levels refused: %v", err)
	}
	_, err := reg.Compile(docs[0])
	if err == nil || !strings.Contains(err.Error(), "c0_v1.json:1:1: one value may have to be checked more than 10000 times, against c1") {
		t.Fatalf("got %v", err)
	}
}

// TestSubschemaLimit checks the bound on the subschemas compiled at once,
// alone and through $refs to other registry schemas.
func TestSubschemaLimit(t *testing.T) {
	props := func(n int) string {
		var p []string
		for i := 0; i < n; i++ {
			p = append(p, fmt.Sprintf(`"p%d":{"type":"string"}`, i))
		}
		return strings.Join(p, ",")
	}
	parse := func(id, body string) *document.Document {
		t.Helper()
		d, err := document.ParseDocument(id+".json", []byte(`{"id":"`+id+`","version":"1.0.0",`+body+`}`))
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	ok := parse("ok_v1", `"properties":{`+props(MaxSubschemas-10)+`}`)
	if _, err := NewRegistry(ok).Compile(ok); err != nil {
		t.Errorf("%d properties refused: %v", MaxSubschemas-10, err)
	}
	big := parse("big_v1", `"properties":{`+props(MaxSubschemas)+`}`)
	if _, err := NewRegistry(big).Compile(big); err == nil || !strings.Contains(err.Error(), "big_v1.json:1:1: the schema has more than 10000 subschemas") {
		t.Errorf("got %v", err)
	}
	half := parse("half_v1", `"properties":{`+props(MaxSubschemas/2)+`}`)
	both := parse("both_v1", `"properties":{`+props(MaxSubschemas/2)+`,"h":{"$ref":"half_v1"}}`)
	_, err := NewRegistry(half, both).Compile(both)
	if err == nil || !strings.Contains(err.Error(), "the schema and the registry schemas its $refs reach have more than 10000") {
		t.Errorf("got %v", err)
	}
	// Data is not counted: a large enum compiles.
	var values []string
	for i := 0; i < 2*MaxSubschemas; i++ {
		values = append(values, fmt.Sprintf(`{"v":%d}`, i))
	}
	enum := parse("enum_v1", `"enum":[`+strings.Join(values, ",")+`]`)
	if _, err := NewRegistry(enum).Compile(enum); err != nil {
		t.Errorf("a large enum refused: %v", err)
	}
}

// TestExternalReferencesNeverLoaded checks every way a document can name a
// schema outside the registry: each is a problem naming the file, its line
// and the reference, and the loader is never asked for anything else.
func TestExternalReferencesNeverLoaded(t *testing.T) {
	tests := []struct {
		name, body, want string
	}{
		{"HTTPRef", `"properties":{"x":{"$ref":"http://127.0.0.1:9/x.json"}}`, "x_v1.json:1:58: $ref http://127.0.0.1:9/x.json: reference outside the registry"},
		{"HTTPSRef", `"items":{"$ref":"https://example.com/s#/a"}`, "$ref https://example.com/s: reference outside the registry"},
		{"FileRef", `"not":{"$ref":"file:///etc/passwd"}`, "$ref file:///etc/passwd: reference outside the registry"},
		{"RelativeToFileID", `"$id":"file:///etc/","properties":{"x":{"$ref":"passwd"}}`, "$ref file:///etc/passwd: reference outside the registry"},
		{"RelativeToHTTPID", `"$id":"http://127.0.0.1:9/a/","allOf":[{"$ref":"b.json"}]`, "$ref http://127.0.0.1:9/a/b.json: reference outside the registry"},
		{"NestedDialect", `"definitions":{"s":{"$id":"http://127.0.0.1:9/s","$schema":"http://127.0.0.1:9/meta"}}`, "x_v1.json:1:91: $schema http://127.0.0.1:9/meta: reference outside the registry"},
		{"RootDialect", `"$schema":"file:///etc/passwd"`, `unknown dialect "file:///etc/passwd" in $schema`},
		{"SchemaField", `"schema":"http://127.0.0.1:9/meta"`, `unknown dialect "http://127.0.0.1:9/meta" in schema`},
		{"RelativeClimb", `"properties":{"x":{"$ref":"../../../etc/passwd"}}`, "x_v1.json:1:58: $ref schemareg:///etc/passwd: reference outside the registry"},
		{"FirstInKeyOrder", `"properties":{"b":{"$ref":"http://127.0.0.1:9/b"},"a":{"$ref":"file:///a"},"c":{"$ref":"https://127.0.0.1:9/c"}}`, "$ref file:///a: reference outside the registry"},
		{"MissingRegistrySchema", `"items":{"$ref":"nope_v1#/definitions/x"}`, `x_v1.json:1:48: $ref nope_v1: no schema with id "nope_v1" in the registry`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := document.ParseDocument("x_v1.json", []byte(`{"id":"x_v1","version":"1.0.0",`+tt.body+`}`))
			if err == nil {
				_, err = NewRegistry(d).Compile(d)
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "x_v1.json:") {
				t.Errorf("got %v, want %q", err, tt.want)
			}
			// The same problem every time: the compiler records it.
			for i := 0; i < 5 && d != nil; i++ {
				if _, again := NewRegistry(d).Compile(d); again == nil || again.Error() != err.Error() {
					t.Fatalf("compiled again: %v, first %v", again, err)
				}
			}
		})
	}
	// A document may refer to the resources it embeds by their $id, and
	// to registry schemas by theirs.
	other, err := document.ParseDocument("o_v1.json", []byte(`{"id":"o_v1","version":"1.0.0","$id":"https://schemas.example.com/o.json","type":"string"}`))
	if err != nil {
		t.Fatal(err)
	}
	d, err := document.ParseDocument("e_v1.json", []byte(`{"id":"e_v1","version":"1.0.0","$id":"https://schemas.example.com/e.json",
		"definitions":{"addr":{"$id":"https://schemas.example.com/addr.json","type":"object","properties":{"o":{"$ref":"o.json"}}}},
		"properties":{"a":{"$ref":"addr.json"},"b":{"$ref":"https://schemas.example.com/addr.json#/properties/o"},"c":{"$ref":"o.json"}}}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewRegistry(other, d).Compile(d); err != nil {
		t.Errorf("embedded and registry references refused: %v", err)
	}
}

// TestEvaluationLimitLongChain checks that the check's own work stays
// bounded on a long chain of subschemas applied in place.
func TestEvaluationLimitLongChain(t *testing.T) {
	var defs []string
	for i := 0; i < 3000; i++ {
		defs = append(defs, fmt.Sprintf(`"a%d":{"allOf":[{"$ref":"#/definitions/a%d"}]}`, i, i+1))
	}
	defs = append(defs, `"a3000":{"type":"string"}`)
	d, err := document.ParseDocument("l_v1.json", []byte(`{"id":"l_v1","version":"1.0.0","definitions":{`+strings.Join(defs, ",")+`},"$ref":"#/definitions/a0"}`))
	if err != nil {
		t.Fatal(err)
	}
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err = NewRegistry(d).Compile(d)
	runtime.ReadMemStats(&after)
	if err == nil || !strings.Contains(err.Error(), "combine in too many ways") {
		t.Errorf("got %v", err)
	}
	if got := after.TotalAlloc - before.TotalAlloc; got > 256<<20 {
		t.Errorf("compiling a 3,000-step chain allocated %d MB", got>>20)
	}
}

// TestCheckLimit checks that a data document whose values, times the most
// checks the schema makes of one value, pass MaxChecks is refused
// unchecked with one error of keyword "limit", and that documents within
// the bound are checked as usual.
func TestCheckLimit(t *testing.T) {
	items := func(n int) []byte {
		return []byte("[" + strings.TrimSuffix(strings.Repeat("1,", n), ",") + "]")
	}
	compile := func(doc string) *Validator {
		t.Helper()
		d, err := document.ParseDocument("c_v1.json", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		v, err := NewRegistry(d).Compile(d)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// Eleven levels of allOf over two $refs to one definition: about 6,000
	// checks of each item, within MaxEvaluations.
	heavy := compile(strings.Replace(bomb(11, "allOf"), `"$ref":"#/definitions/a0"}`, `"type":"array","items":{"$ref":"#/definitions/a0"}}`, 1))
	if heavy.checks < 4000 || heavy.checks > MaxEvaluations {
		t.Fatalf("%d checks a value", heavy.checks)
	}
	data, _ := ParseData(items(MaxChecks/heavy.checks + 10))
	errs := heavy.Validate(data)
	if len(errs) != 1 || errs[0].Keyword != "limit" || !strings.Contains(errs[0].Message, "too large to check against this schema") {
		t.Errorf("a document past the bound: %v", errs)
	}
	data, _ = ParseData([]byte(`["x", 1]`))
	if errs := heavy.Validate(data); len(errs) == 0 || errs[0].Keyword == "limit" {
		t.Errorf("a small document: %v", errs)
	}
	// A plain schema checks a large document.
	light := compile(`{"id":"c_v1","version":"1.0.0","type":"array","items":{"type":"integer"}}`)
	data, _ = ParseData(items(200_000))
	if errs := light.Validate(data); errs != nil {
		t.Errorf("200,000 items of a plain schema: %v", errs[:min(3, len(errs))])
	}
}

// TestPatternLimits refuses a schema whose regular expression compiles to
// more than MaxPatternSize instructions, at the keyword's line, and a data
// document whose strings would cost more than MaxPatternWork steps of the
// schema's largest pattern.
func TestPatternLimits(t *testing.T) {
	compile := func(doc string) (*Validator, error) {
		t.Helper()
		d, err := document.ParseDocument("p_v1.json", []byte(doc))
		if err != nil {
			t.Fatal(err)
		}
		return NewRegistry(d).Compile(d)
	}
	// (a|b){0,999} compiles to several thousand instructions.
	big := `{"id": "p_v1", "version": "1.0.0", "type": "object",
  "properties": {
    "code": {"type": "string",
      "pattern": "^(a|b){0,999}$"}
  },
  "patternProperties": {"^x_[a-z]{0,9}$": {"type": "string"}}
}`
	_, err := compile(big)
	var p *document.Problem
	if !errors.As(err, &p) || p.Line != 4 || !strings.Contains(p.Message, "/properties/code/pattern") ||
		!strings.Contains(p.Message, fmt.Sprintf("the limit is %d", MaxPatternSize)) {
		t.Fatalf("a pattern over the limit: %v", err)
	}
	_, err = compile(strings.NewReplacer(`^(a|b){0,999}$`, `^(a|b){0,9}$`, `{0,9}$"`, `{0,999}$"`).Replace(big))
	if !errors.As(err, &p) || p.Line != 6 || !strings.Contains(p.Message, "/patternProperties/^x_[a-z]{0,999}$") {
		t.Fatalf("a patternProperties key over the limit: %v", err)
	}

	// Within the limit: compiled, and its size bounds the data.
	v, err := compile(`{"id": "p_v1", "version": "1.0.0", "type": "array",
  "items": {"type": "string", "pattern": "[a-f]{0,400}z"}}`)
	if err != nil {
		t.Fatal(err)
	}
	if v.pattern < 400 || v.pattern > MaxPatternSize {
		t.Fatalf("largest pattern of %d instructions", v.pattern)
	}
	long := strings.Repeat("a", MaxPatternWork/v.pattern/4+1)
	data, _ := ParseData([]byte(`["` + long + `","` + long + `","` + long + `","` + long + `"]`))
	if errs := v.Validate(data); len(errs) != 1 || errs[0].Keyword != "limit" || !strings.Contains(errs[0].Message, "bytes of strings") {
		t.Errorf("strings past the bound: %v", errs)
	}
	data, _ = ParseData([]byte(`["` + long + `"]`))
	if errs := v.Validate(data); len(errs) != 1 || errs[0].Keyword != "pattern" {
		t.Errorf("a string within the bound: %v", errs)
	}
	// A schema without patterns checks long strings.
	v, err = compile(`{"id": "p_v1", "version": "1.0.0", "type": "array", "items": {"type": "string"}}`)
	if err != nil {
		t.Fatal(err)
	}
	data, _ = ParseData([]byte(`["` + strings.Repeat("a", 2*MaxPatternWork/1000) + `"]`))
	if errs := v.Validate(data); errs != nil {
		t.Errorf("a long string, no pattern: %v", errs)
	}
}
