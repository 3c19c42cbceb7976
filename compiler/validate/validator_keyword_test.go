package validate

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/document"
)

// An error from a false subschema or a not names that keyword, never the
// property, index or pointer where the subschema sits.
func TestDataErrorKeywordOfFalseAndNot(t *testing.T) {
	tests := []struct {
		name, schema, data string
		want               []api.DataError
	}{
		{"FalseProperty", `"properties":{"a/b":false}`, `{"a/b":1}`,
			[]api.DataError{{Path: "/a~1b", Keyword: "false"}}},
		{"FalseItem", `"items":[false]`, `[1]`,
			[]api.DataError{{Path: "/0", Keyword: "false"}}},
		{"FalseRoot", `"allOf":[false]`, `1`,
			[]api.DataError{{Path: "", Keyword: "false"}}},
		{"Not", `"not":{"type":"integer"}`, `1`,
			[]api.DataError{{Path: "", Keyword: "not"}}},
		{"NotInProperty", `"properties":{"n":{"not":{}}}`, `{"n":1}`,
			[]api.DataError{{Path: "/n", Keyword: "not"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := mustSchema(t, "k_v1.json", `{"id":"k_v1","version":"1.0.0",`+tt.schema+`}`)
			v, err := NewRegistry(d).Compile(d)
			if err != nil {
				t.Fatal(err)
			}
			data, err := ParseData([]byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			got := v.Validate(data)
			for i := range got {
				got[i].Message = ""
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func mustSchema(t testing.TB, name, s string) *document.Document {
	t.Helper()
	d, err := document.ParseSchema(name, []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
