package fastrow

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// Verdicts of a row in the tables: certified, invalid (the full path
// rejects it too) or not known (valid, but not certified).
const (
	certified = "certified"
	invalid   = "invalid"
	unknown   = "unknown"
)

type rowCase struct {
	row  string
	want string
}

// checkRows asserts each row's verdict, and that the full path agrees
// with the certified and invalid ones and finds the unknown ones valid.
func checkRows(t *testing.T, chk *Checker, full func([]byte) (bool, error), rows []rowCase) {
	t.Helper()
	for _, rc := range rows {
		got := chk.Valid([]byte(rc.row))
		if got != (rc.want == certified) {
			t.Errorf("Valid(%s) = %v, want %s", rc.row, got, rc.want)
		}
		ok, err := full([]byte(rc.row))
		switch rc.want {
		case certified, unknown:
			if !ok {
				t.Errorf("full path rejects %s, which the table says is %s: %v", rc.row, rc.want, err)
			}
		case invalid:
			if ok {
				t.Errorf("full path accepts %s, which the table says is invalid", rc.row)
			}
		}
	}
}

const tick = `{"ts":"2026-01-02T15:04:05.000123Z","symbol":"AAPL","price":187.42,"size":100,"side":"B","exchange":"XNAS"}`

// repoRows are rows for each of the repository's schemas, by id.
func repoRows() map[string][]rowCase {
	return map[string][]rowCase{
		"ticks_v1": {
			{tick, certified},
			{` ` + tick + "\r\n", certified},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"ÄPFEL","price":1e2,"size":0,"side":"S"}`, certified},
			{`{"ts":"2026-01-02T15:04:05.000123Z","symbol":"AAPL","price":-1,"size":9,"side":"X"}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":0,"size":1,"side":"B"}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1.5,"side":"B"}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1.0,"side":"B"}`, unknown},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1e2,"side":"B"}`, unknown},
			{`{"ts":"2026-13-02T15:04:05Z","symbol":"AAPL","price":1,"size":1,"side":"B"}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"","price":1,"size":1,"side":"B"}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"` + strings.Repeat("é", 32) + `","price":1,"size":1,"side":"B"}`, certified},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"` + strings.Repeat("é", 33) + `","price":1,"size":1,"side":"B"}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1,"side":"B","exchange":"xnas"}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1,"side":"B","venue":"XNAS"}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"A\u0041PL","price":1,"size":1,"side":"B"}`, unknown},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1,"side":"B","side":"B"}`, invalid},
			{tick + ` {}`, invalid},
			{tick + `x`, invalid},
			{`[` + tick + `]`, invalid},
			{``, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":01,"size":1,"side":"B"}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","price":1,"size":1,"side":"B",}`, invalid},
			{"\ufeff" + tick, invalid},
			{"\v" + tick, invalid},
		},
		"instruments_v1": {
			{`{"symbol":"BRK.B","mic":"XNYS","currency":"USD","tick_size":0.01,"lot_size":1,"listed_on":"1996-05-09"}`, certified},
			{`{"symbol":"BRK.B","mic":"XNYS","currency":"USD","tick_size":0.01,"lot_size":1,"listed_on":"1996-02-30"}`, invalid},
			{`{"symbol":"brk","mic":"XNYS","currency":"USD","tick_size":0.01,"lot_size":1}`, invalid},
			{`{"symbol":"BRK","mic":"XNYS","currency":"USD","tick_size":0.01,"lot_size":0}`, invalid},
		},
		"quotes_v1": {
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","bid":187.41,"ask":187.42,"bid_size":3,"ask_size":0,"venue":"XNAS"}`, certified},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","bid":-0.01,"ask":187.42,"bid_size":3,"ask_size":0}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","bid":0,"ask":-0,"bid_size":3,"ask_size":-0}`, certified},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","bid":1e-400,"ask":1,"bid_size":3,"ask_size":0}`, certified}, // a bound of 0: the sign decides,
		},
		"trades_v1": {
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","trade_id":"7","price":1,"size":1,"venue":"XNAS","conditions":["regular","late"]}`, certified},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","trade_id":"7","price":1,"size":1,"venue":"XNAS","conditions":[]}`, certified},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","trade_id":"7","price":1,"size":1,"venue":"XNAS","conditions":["late","late"]}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","trade_id":"7","price":1,"size":1,"venue":"XNAS","conditions":["late" , "late"]}`, invalid},
			{`{"ts":"2026-01-02T15:04:05Z","symbol":"AAPL","trade_id":"7","price":1,"size":1,"venue":"XNAS","conditions":["lost"]}`, invalid},
		},
		"bars_1m_v1": {
			{`{"ts":"2026-01-02T15:04:00Z","symbol":"AAPL","open":1,"high":2,"low":0.5,"close":1.5,"volume":1000}`, certified},
			{`{"ts":"2026-01-02T15:04:00Z","symbol":"AAPL","open":1,"high":2,"low":0.5,"close":1.5}`, invalid},
		},
	}
}

func TestRepoSchemas(t *testing.T) {
	schemas := repoSchemas(t)
	tests := repoRows()
	if len(tests) != len(schemas) {
		t.Errorf("the table covers %d schemas, the repository has %d", len(tests), len(schemas))
	}
	for id, rows := range tests {
		t.Run(id, func(t *testing.T) {
			s := schemas[id]
			if s == nil {
				t.Fatalf("no schema %s", id)
			}
			chk := mustCompile(t, s, Limits{})
			checkRows(t, chk, func(row []byte) (bool, error) { return fullValid(s, row) }, rows)
		})
	}
}

// keywordTest is a small schema for one keyword with rows for it.
type keywordTest struct {
	name   string
	schema string
	rows   []rowCase
}

func keywordTests() []keywordTest {
	return []keywordTest{
		{"TrueSchema", `true`, []rowCase{
			{`{"a":[1,{"b":null}],"c":"d"}`, certified},
			{`{"a":1,"a":2}`, invalid},
			{`{"a":{"b":1,"b":2}}`, invalid},
			{`[{"a":1},{"a":1}]`, certified},
			{`"\n"`, unknown},
			{`"\x01"`, invalid},
			{`1.`, invalid},
			{`-`, invalid},
			{`.5`, invalid},
			{`1e`, invalid},
			{`1e10001`, invalid},
			{`1e010000`, certified},
			{`tru`, invalid},
			{`nulls`, invalid},
			{`[1,]`, invalid},
			{`[1 2]`, invalid},
			{`{"a" 1}`, invalid},
			{`{"a":1 "b":2}`, invalid},
			{`{a:1}`, invalid},
			{"\"\xff\"", invalid},
			{"\"\xed\xa0\x80\"", invalid},
			{strings.Repeat("[", 256) + strings.Repeat("]", 256), certified},
			{strings.Repeat("[", 257) + strings.Repeat("]", 257), invalid},
			{"1" + strings.Repeat("0", 999), certified},
			{"1" + strings.Repeat("0", 1000), invalid},
		}},
		{"FalseSchema", `{"properties":{"a":false}}`, []rowCase{
			{`{"b":1}`, certified},
			{`{"a":1}`, invalid},
		}},
		{"Types", `{"type":["string","null","boolean"]}`, []rowCase{
			{`"x"`, certified},
			{`null`, certified},
			{`false`, certified},
			{`1`, invalid},
			{`{}`, invalid},
			{`[]`, invalid},
		}},
		{"Integer", `{"type":"integer"}`, []rowCase{
			{`-12`, certified},
			{`0`, certified},
			{`1.5`, invalid},
			{`2.0`, unknown},
			{`2E0`, unknown},
			{`"1"`, invalid},
		}},
		{"NumberBounds", `{"type":"number","minimum":-1.5,"maximum":10,"exclusiveMaximum":10}`, []rowCase{
			{`-1.5`, unknown}, // equal to the bound: float64 does not decide
			{`-1.49`, certified},
			{`-1.51`, invalid},
			{`9.99`, certified},
			{`10`, invalid},
			{`9.9999999999999`, unknown},
			{`1e1`, invalid},
			{`1e-400`, unknown},
			{`1.0000000000000000000000000000001`, unknown},
		}},
		{"ExclusiveBounds", `{"exclusiveMinimum":0.1,"exclusiveMaximum":1e300}`, []rowCase{
			{`0.2`, certified},
			{`0.1`, invalid},
			{`0.10`, invalid},
			{`0.1000000001`, unknown},
			{`"x"`, certified},
		}},
		{"Draft4ExclusiveMinimum", `{"$schema":"http://json-schema.org/draft-04/schema#","minimum":0,"exclusiveMinimum":true}`, []rowCase{
			{`0.5`, certified},
			{`0`, invalid},
			{`-0.0`, invalid},
		}},
		{"MultipleOf", `{"multipleOf":5}`, []rowCase{
			{`15`, certified},
			{`-10`, certified},
			{`16`, invalid},
			{`15.0`, unknown},
			{`12345678901234567890`, unknown},
		}},
		{"EnumConst", `{"properties":{"e":{"enum":["a",1,null,true]},"c":{"const":"x"},"n":{"const":2}}}`, []rowCase{
			{`{"e":"a","c":"x","n":2}`, certified},
			{`{"e":1}`, certified},
			{`{"e":null}`, certified},
			{`{"e":true}`, certified},
			{`{"e":false}`, invalid},
			{`{"e":"b"}`, invalid},
			{`{"e":2}`, invalid},
			{`{"e":1.0}`, unknown},
			{`{"c":"y"}`, invalid},
			{`{"n":2.0}`, unknown},
			{`{"n":3}`, invalid},
			{`{"e":{}}`, invalid},
		}},
		{"Strings", `{"type":"string","minLength":2,"maxLength":3,"pattern":"^[a-zé]+$"}`, []rowCase{
			{`"ab"`, certified},
			{`"éé"`, certified},
			{`"éééé"`, invalid},
			{`"a"`, invalid},
			{`"aB"`, invalid},
		}},
		{"Format", `{"format":"ipv4"}`, []rowCase{
			{`"10.0.0.1"`, certified},
			{`"10.0.0.256"`, invalid},
			{`12`, certified},
			{`true`, certified},
			{`null`, certified},
		}},
		{"Required", `{"type":"object","required":["a","b"],"properties":{"a":{},"b":{"type":"string"}}}`, []rowCase{
			{`{"a":1,"b":"x"}`, certified},
			{`{"b":"x","a":[1]}`, certified},
			{`{"a":1}`, invalid},
			{`{"a":1,"b":1}`, invalid},
		}},
		{"RequiredUndeclared", `{"required":["z"]}`, []rowCase{
			{`{"z":1}`, unknown},
			{`{"a":1}`, invalid},
		}},
		{"AdditionalSchema", `{"properties":{"a":{"type":"string"}},"additionalProperties":{"type":"integer"}}`, []rowCase{
			{`{"a":"x","b":1,"c":2}`, certified},
			{`{"a":"x","b":"y"}`, invalid},
		}},
		{"Properties", `{"minProperties":1,"maxProperties":2}`, []rowCase{
			{`{"a":1}`, certified},
			{`{}`, invalid},
			{`{"a":1,"b":2,"c":3}`, invalid},
			{`[]`, certified},
		}},
		{"Items", `{"type":"array","items":{"type":"integer","minimum":0},"minItems":1,"maxItems":3}`, []rowCase{
			{`[1,2,3]`, certified},
			{`[]`, invalid},
			{`[1,2,3,4]`, invalid},
			{`[1,-2]`, invalid},
		}},
		{"UniqueItems", `{"uniqueItems":true}`, []rowCase{
			{`["a","b",true,false,null]`, certified},
			{`["a","a"]`, invalid},
			{`[null,null]`, invalid},
			{`[1,2]`, unknown},
			{`[{},[]]`, unknown},
		}},
		{"Ref", `{"definitions":{"s":{"type":"string"},"r":{"$ref":"#/definitions/s"}},"properties":{"a":{"$ref":"#/definitions/r"}}}`, []rowCase{
			{`{"a":"x"}`, certified},
			{`{"a":1}`, invalid},
		}},
		{"Recursive", `{"type":"object","properties":{"v":{"type":"integer"},"next":{"$ref":"#"}},"additionalProperties":false}`, []rowCase{
			{`{"v":1,"next":{"v":2,"next":{"v":3}}}`, certified},
			{`{"v":1,"next":{"v":"x"}}`, invalid},
			{`{"v":1,"next":{"w":1}}`, invalid},
		}},
		{"Draft2020Items", `{"$schema":"https://json-schema.org/draft/2020-12/schema","items":{"type":"string"}}`, []rowCase{
			{`["a"]`, certified},
			{`[1]`, invalid},
		}},
	}
}

func TestKeywords(t *testing.T) {
	for _, tt := range keywordTests() {
		t.Run(tt.name, func(t *testing.T) {
			s := mustSchema(t, tt.schema)
			chk := mustCompile(t, s, Limits{})
			checkRows(t, chk, func(row []byte) (bool, error) { return fullValid(s, row) }, tt.rows)
		})
	}
}

func TestCompileRefuses(t *testing.T) {
	tests := map[string]string{
		"AllOf":               `{"allOf":[{"type":"string"}]}`,
		"AnyOf":               `{"anyOf":[{"type":"string"}]}`,
		"OneOf":               `{"oneOf":[{"type":"string"}]}`,
		"Not":                 `{"not":{"type":"string"}}`,
		"If":                  `{"if":{"type":"string"},"then":{"minLength":1}}`,
		"Dependencies":        `{"dependencies":{"a":["b"]}}`,
		"PatternProperties":   `{"patternProperties":{"^a":{"type":"string"}}}`,
		"PropertyNames":       `{"propertyNames":{"maxLength":3}}`,
		"Contains":            `{"contains":{"type":"string"}}`,
		"TupleItems":          `{"items":[{"type":"string"}]}`,
		"PrefixItems":         `{"$schema":"https://json-schema.org/draft/2020-12/schema","prefixItems":[{"type":"string"}]}`,
		"Unevaluated":         `{"$schema":"https://json-schema.org/draft/2020-12/schema","unevaluatedProperties":false}`,
		"DependentRequired":   `{"$schema":"https://json-schema.org/draft/2020-12/schema","dependentRequired":{"a":["b"]}}`,
		"DynamicRef":          `{"$schema":"https://json-schema.org/draft/2020-12/schema","$dynamicRef":"#"}`,
		"RefWithSiblings2020": `{"$schema":"https://json-schema.org/draft/2020-12/schema","$defs":{"s":{"type":"string"}},"$ref":"#/$defs/s","minLength":1}`,
		"RefWithConst":        `{"definitions":{"s":{"type":"string"}},"$ref":"#/definitions/s","const":"a"}`,
		"RefCycle":            `{"definitions":{"a":{"$ref":"#/definitions/b"},"b":{"$ref":"#/definitions/a"}},"properties":{"x":{"$ref":"#/definitions/a"}}}`,
		"DecimalMultipleOf":   `{"multipleOf":0.01}`,
		"EnumOfObjects":       `{"enum":[{"a":1}]}`,
		"NestedUnsupported":   `{"properties":{"a":{"items":{"anyOf":[true]}}}}`,
		"AdditionalItems":     `{"items":[true],"additionalItems":false}`,
	}
	for name, src := range tests {
		t.Run(name, func(t *testing.T) {
			if _, ok := Compile(mustSchema(t, src), Limits{}); ok {
				t.Errorf("Compile(%s) accepted it", src)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	s := mustSchema(t, `{"type":"object","additionalProperties":{"type":"string"}}`)
	row := []byte(`{"a":"xy","b":"z"}`) // 5 values (the object, 2 names, 2 strings), 5 bytes
	tests := []struct {
		lim  Limits
		want bool
	}{
		{Limits{}, true},
		{Limits{MaxValues: 6}, true},
		{Limits{MaxValues: 5}, false},
		{Limits{MaxStringBytes: 6}, true},
		{Limits{MaxStringBytes: 5}, false},
	}
	for _, tt := range tests {
		if got := mustCompile(t, s, tt.lim).Valid(row); got != tt.want {
			t.Errorf("%+v: Valid = %v, want %v", tt.lim, got, tt.want)
		}
	}
}

func TestTooManyKeys(t *testing.T) {
	chk := mustCompile(t, mustSchema(t, `true`), Limits{})
	var b strings.Builder
	b.WriteString("{")
	for i := range maxKeys + 1 {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"k` + strings.Repeat("x", i) + `":1`)
	}
	b.WriteString("}")
	if chk.Valid([]byte(b.String())) {
		t.Errorf("an object of %d keys is certified; a Checker tracks %d", maxKeys+1, maxKeys)
	}
}

// TestValidAllocs checks that Valid allocates nothing of its own: the
// only allocations are a string's conversion to the any Format.Validate
// takes, one per formatted string, and those of the format's own code
// (jsonschema's date-time check allocates in strings.SplitN).
func TestValidAllocs(t *testing.T) {
	schemas := repoSchemas(t)
	tests := []struct {
		schema  string
		row     string
		formats []string // the formatted strings of row, in the order checked
	}{
		{"ticks_v1", tick, []string{"2026-01-02T15:04:05.000123Z"}},
		{"bars_1m_v1", `{"ts":"2026-01-02T15:04:00Z","symbol":"AAPL","open":1,"high":2,"low":0.5,"close":1.5,"volume":1000}`, []string{"2026-01-02T15:04:00Z"}},
		{"instruments_v1", `{"symbol":"BRK.B","mic":"XNYS","currency":"USD","tick_size":0.01,"lot_size":1}`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.schema, func(t *testing.T) {
			s := schemas[tt.schema]
			chk := mustCompile(t, s, Limits{MaxValues: 1000, MaxStringBytes: 1 << 20})
			row := []byte(tt.row)
			if !chk.Valid(row) {
				t.Fatalf("%s is not certified", tt.row)
			}
			want := 0.0
			for _, f := range tt.formats {
				v := any(f)
				format := s.Properties["ts"].Format
				want += 1 + testing.AllocsPerRun(100, func() { format.Validate(v) })
			}
			if got := testing.AllocsPerRun(100, func() { chk.Valid(row) }); got != want {
				t.Errorf("allocs per row = %v, want %v (formats %d)", got, want, len(tt.formats))
			}
		})
	}
}

func TestConcurrent(t *testing.T) {
	chk := mustCompile(t, repoSchemas(t)["ticks_v1"], Limits{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 1000 {
				if !chk.Valid([]byte(tick)) {
					t.Error("tick not certified")
					return
				}
			}
		})
	}
	wg.Wait()
}

// TestManyProperties covers properties past the 64 that have bits: their
// repeats are found among the spans, and a row is not certified when one of
// them is required.
func TestManyProperties(t *testing.T) {
	var props []string
	for i := range 70 {
		props = append(props, fmt.Sprintf(`"p%02d":{"type":"integer"}`, i))
	}
	schema := `{"properties":{` + strings.Join(props, ",") + `}}`
	s := mustSchema(t, schema)
	chk := mustCompile(t, s, Limits{})
	checkRows(t, chk, func(row []byte) (bool, error) { return fullValid(s, row) }, []rowCase{
		{`{"p00":1,"p69":2,"x":3}`, certified},
		{`{"p69":1,"p69":2}`, invalid},
		{`{"p00":1,"p00":2}`, invalid},
		{`{"p69":"a"}`, invalid},
	})
	// Required properties get bits first: p69 is told apart.
	s = mustSchema(t, `{"required":["p69"],`+schema[1:])
	checkRows(t, mustCompile(t, s, Limits{}), func(row []byte) (bool, error) { return fullValid(s, row) }, []rowCase{
		{`{"p69":1}`, certified},
		{`{"p00":1}`, invalid},
	})
	// Past 64 required properties, a row is not certified.
	var names, all []string
	for i := range 70 {
		names = append(names, fmt.Sprintf(`"p%02d"`, i))
		all = append(all, fmt.Sprintf(`"p%02d":%d`, i, i))
	}
	s = mustSchema(t, `{"required":[`+strings.Join(names, ",")+`],`+schema[1:])
	checkRows(t, mustCompile(t, s, Limits{}), func(row []byte) (bool, error) { return fullValid(s, row) }, []rowCase{
		{`{` + strings.Join(all, ",") + `}`, unknown},
		{`{` + strings.Join(all[1:], ",") + `}`, invalid},
	})
}
