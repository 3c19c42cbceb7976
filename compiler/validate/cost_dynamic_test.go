package validate

import (
	"strconv"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/document"
)

// strictTree is the 2020-12 specification's "strict tree" example in one
// document: a tree whose nodes $dynamicRef "node", extended by a root
// that sets unevaluatedProperties and takes the anchor over.
const strictTree = `{"id":"strict_tree_v1","version":"1.0.0",
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://example.com/strict-tree",
  "$dynamicAnchor": "node",
  "$ref": "tree",
  "unevaluatedProperties": false,
  "$defs": {
    "tree": {
      "$id": "https://example.com/tree",
      "$dynamicAnchor": "node",
      "type": "object",
      "properties": {
        "data": true,
        "children": {"type": "array", "items": {"$dynamicRef": "#node"}}
      }
    }
  }
}`

// recursiveTree is the same with draft 2019-09's $recursiveRef.
const recursiveTree = `{"id":"strict_tree_v1","version":"1.0.0",
  "$schema": "https://json-schema.org/draft/2019-09/schema",
  "$id": "https://example.com/strict-tree",
  "$recursiveAnchor": true,
  "$ref": "tree",
  "unevaluatedProperties": false,
  "$defs": {
    "tree": {
      "$id": "https://example.com/tree",
      "$recursiveAnchor": true,
      "type": "object",
      "properties": {
        "data": true,
        "children": {"type": "array", "items": {"$recursiveRef": "#"}}
      }
    }
  }
}`

// A dynamic reference resolves to one of its targets when the validator
// runs: the cost check bounds it by the costliest target, not their sum,
// and accepts small recursive schemas, yet still refuses a bomb built on
// dynamic references.
func TestEvaluationLimitDynamicRefs(t *testing.T) {
	// Every level refers to "node" twice: the checks double per level
	// whichever target the reference takes.
	var defs []string
	for i := 0; i < 20; i++ {
		defs = append(defs, `"d`+strconv.Itoa(i)+`":{"$id":"https://example.com/d`+strconv.Itoa(i)+`","$dynamicAnchor":"node","allOf":[{"$dynamicRef":"#node"},{"$dynamicRef":"#node"}],"properties":{"x":{"$ref":"https://example.com/d`+strconv.Itoa(i+1)+`"}}}`)
	}
	defs = append(defs, `"d20":{"$id":"https://example.com/d20","type":"string"}`)
	bombDoc := `{"id":"strict_tree_v1","version":"1.0.0","$schema":"https://json-schema.org/draft/2020-12/schema",
		"$id":"https://example.com/root","$dynamicAnchor":"node","$ref":"https://example.com/d0","$defs":{` + strings.Join(defs, ",") + `}}`
	tests := []struct {
		name, doc, want string
	}{
		{"StrictTree", strictTree, ""},
		{"RecursiveStrictTree", recursiveTree, ""},
		{"DynamicBomb", bombDoc, "more than 10000 times"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := document.ParseDocument("strict_tree_v1.json", []byte(tt.doc))
			if err != nil {
				t.Fatal(err)
			}
			v, err := NewRegistry(d).Compile(d)
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want %q", err, tt.want)
			}
			if tt.want != "" {
				return
			}
			ok, _ := ParseData([]byte(`{"data":1,"children":[{"data":2,"children":[]}]}`))
			if errs := v.Validate(ok); errs != nil {
				t.Errorf("a strict tree: %v", errs)
			}
			bad, _ := ParseData([]byte(`{"children":[{"daat":1}]}`))
			if errs := v.Validate(bad); len(errs) == 0 {
				t.Error("a misspelled property deep in the tree is accepted")
			}
		})
	}
}
