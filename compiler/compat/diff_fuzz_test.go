package compat

import (
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
)

// FuzzDiff checks the engine on random schema pairs: it never panics, a
// schema never differs from itself, and FULL's verdict is BACKWARD's and
// FORWARD's together.
func FuzzDiff(f *testing.F) {
	f.Add([]byte(`{"type":"object","properties":{"a":{"type":"string"}},"required":["a"]}`),
		[]byte(`{"type":"object","properties":{"a":{"type":"string","maxLength":3},"b":{"type":"integer"}},"additionalProperties":false}`))
	f.Add([]byte(`{"oneOf":[{"type":"string"},{"type":"number"}]}`), []byte(`{"anyOf":[{"type":"string"}]}`))
	f.Add([]byte(`{"$ref":"#/definitions/n","definitions":{"n":{"type":"array","items":{"$ref":"#/definitions/n"}}}}`),
		[]byte(`{"type":"array","items":[{"type":"string"}],"additionalItems":false}`))
	f.Fuzz(func(t *testing.T, a, b []byte) {
		va, okA := fuzzDecode(a)
		vb, okB := fuzzDecode(b)
		if !okA || !okB {
			t.Skip()
		}
		for _, policy := range []Policy{PolicyLenient, PolicyStrict} {
			back := DiffSchemas(va, vb, DiffOptions{Mode: document.ModeBackward, Policy: policy})
			fwd := DiffSchemas(va, vb, DiffOptions{Mode: document.ModeForward, Policy: policy})
			full := DiffSchemas(va, vb, DiffOptions{Mode: document.ModeFull, Policy: policy})
			if full.Compatible != (back.Compatible && fwd.Compatible) {
				t.Errorf("%s: FULL %v, BACKWARD %v, FORWARD %v", policy, full.Compatible, back.Compatible, fwd.Compatible)
			}
			again, _ := fuzzDecode(a)
			if self := DiffSchemas(va, again, DiffOptions{Mode: document.ModeFull, Policy: policy}); len(self.Changes) != 0 {
				t.Errorf("%s: a schema differs from itself: %v", policy, kindsOf(self))
			}
		}
	})
}

func fuzzDecode(data []byte) (any, bool) {
	if len(data) > 1<<16 {
		return nil, false
	}
	v, err := document.ParseJSON(data)
	if err != nil {
		return nil, false
	}
	switch v.(type) {
	case map[string]any, bool:
		return v, true
	}
	return nil, false
}
