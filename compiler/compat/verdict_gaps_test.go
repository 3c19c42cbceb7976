package compat

import (
	"strings"
	"testing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
)

// verdictCase is one pair of schemas and whether the change between them
// keeps data valid under a mode and policy.
type verdictCase struct {
	name     string
	old, new string
	mode     document.Mode
	policy   Policy
	want     bool // compatible
}

func runVerdictCases(t *testing.T, cases []verdictCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			old, err := validate.ParseData([]byte(tc.old))
			if err != nil {
				t.Fatal(err)
			}
			cur, err := validate.ParseData([]byte(tc.new))
			if err != nil {
				t.Fatal(err)
			}
			r := DiffSchemas(old, cur, DiffOptions{Mode: tc.mode, Policy: tc.policy})
			if r.Compatible != tc.want {
				t.Errorf("%s %s: compatible = %v, want %v; changes:\n%s", tc.mode, tc.policy, r.Compatible, tc.want, describeChanges(r.Changes))
			}
		})
	}
}

func describeChanges(cs []api.Change) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString("  " + c.Kind + " " + c.Path + "\n")
	}
	return b.String()
}

// An empty or true patternProperties entry constrains nothing in an open
// object: adding or removing it keeps every value valid both ways.
func TestVerdictEmptyPatternPropertyOpenObject(t *testing.T) {
	with := `{"type":"object","patternProperties":{"^x-":{}}}`
	withTrue := `{"type":"object","patternProperties":{"^x-":true}}`
	without := `{"type":"object"}`
	var cases []verdictCase
	for _, mode := range []document.Mode{document.ModeBackward, document.ModeForward, document.ModeFull} {
		for _, policy := range []Policy{PolicyStrict, PolicyLenient} {
			cases = append(cases,
				verdictCase{"RemoveEmpty/" + string(mode) + "/" + string(policy), with, without, mode, policy, true},
				verdictCase{"RemoveTrue/" + string(mode) + "/" + string(policy), withTrue, without, mode, policy, true},
				verdictCase{"AddEmpty/" + string(mode) + "/" + string(policy), without, with, mode, policy, true})
		}
	}
	// In a closed object the entry admits names: removing it breaks.
	cases = append(cases, verdictCase{"RemoveFromClosed",
		`{"type":"object","patternProperties":{"^x-":{}},"additionalProperties":false}`,
		`{"type":"object","additionalProperties":false}`, document.ModeBackward, PolicyStrict, false})
	runVerdictCases(t, cases)
}

// A pattern every string matches, under ECMA-262's search semantics,
// constrains nothing, in pattern and in propertyNames.
func TestVerdictMatchAllPattern(t *testing.T) {
	var cases []verdictCase
	for _, p := range []string{``, `.*`, `a*`, `(x|)`} {
		for _, mode := range []document.Mode{document.ModeBackward, document.ModeForward} {
			cases = append(cases,
				verdictCase{"Pattern/" + p + "/" + string(mode), `{"type":"string"}`,
					`{"type":"string","pattern":"` + p + `"}`, mode, PolicyStrict, true},
				verdictCase{"PropertyNames/" + p + "/" + string(mode), `{"type":"object"}`,
					`{"type":"object","propertyNames":{"pattern":"` + p + `"}}`, mode, PolicyStrict, true})
		}
	}
	// Anchored or non-empty patterns still constrain.
	for _, p := range []string{`^a*$`, `a`, `^$`, `\\bx*`} {
		cases = append(cases,
			verdictCase{"Constrains/" + p, `{"type":"string"}`,
				`{"type":"string","pattern":"` + p + `"}`, document.ModeBackward, PolicyLenient, false},
			verdictCase{"PropertyNamesConstrain/" + p, `{"type":"object"}`,
				`{"type":"object","propertyNames":{"pattern":"` + p + `"}}`, document.ModeBackward, PolicyLenient, false})
	}
	runVerdictCases(t, cases)
}

// {"not": {}} and {"not": true} accept nothing, exactly like false.
func TestVerdictNotEmptyIsFalse(t *testing.T) {
	var cases []verdictCase
	for _, never := range []string{`{"not":{}}`, `{"not":true}`, `false`} {
		cases = append(cases,
			verdictCase{"ClosedObject/" + never,
				`{"type":"object","properties":{"a":{}}}`,
				`{"type":"object","properties":{"a":{}},"additionalProperties":` + never + `}`,
				document.ModeBackward, PolicyStrict, false},
			verdictCase{"SameAsFalse/" + never,
				`{"type":"object","additionalProperties":false}`,
				`{"type":"object","additionalProperties":` + never + `}`,
				document.ModeFull, PolicyStrict, true},
			verdictCase{"FalsePropertyRemovedFromClosed/" + never,
				`{"type":"object","properties":{"a":` + never + `},"additionalProperties":false}`,
				`{"type":"object","additionalProperties":false}`,
				document.ModeFull, PolicyStrict, true},
			verdictCase{"TupleClosed/" + never,
				`{"type":"array","items":[{"type":"integer"}],"additionalItems":false}`,
				`{"type":"array","items":[{"type":"integer"}],"additionalItems":` + never + `}`,
				document.ModeFull, PolicyStrict, true})
	}
	runVerdictCases(t, cases)
}

// Switching items between its tuple and single-schema forms is judged by
// the arrays each accepts.
func TestVerdictTupleAndSingleItems(t *testing.T) {
	closedTuple := `{"items":[{"type":"integer"}],"additionalItems":false}`
	single := `{"items":{"type":"integer"}}`
	restTuple := `{"items":[{"type":"integer"}],"additionalItems":{"type":"integer"}}`
	runVerdictCases(t, []verdictCase{
		{"ClosedTupleToSingle", closedTuple, single, document.ModeBackward, PolicyStrict, true},
		{"SingleToClosedTuple", single, closedTuple, document.ModeBackward, PolicyStrict, false},
		{"SingleToRestTuple", single, restTuple, document.ModeFull, PolicyStrict, true},
		{"RestTupleToSingle", restTuple, single, document.ModeFull, PolicyStrict, true},
		{"NarrowerSingle", closedTuple, `{"items":{"type":"integer","minimum":0}}`, document.ModeBackward, PolicyStrict, false},
	})
}
