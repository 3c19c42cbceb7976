package api

import "testing"

// TestEncode encodes as every body and mirror file is encoded: fields in
// declaration order, no HTML escaping, no indentation, a trailing newline;
// Next only when set.
func TestEncode(t *testing.T) {
	for _, tc := range []struct {
		v    any
		want string
	}{
		{SchemaList{Schemas: []SchemaEntry{{ID: "a_v1", Latest: "1.0.0", Title: "<b> & \"c\""}}},
			`{"schemas":[{"id":"a_v1","latest":"1.0.0","digest":"","title":"<b> & \"c\"","description":"","deprecated":false,"compatibility":""}]}` + "\n"},
		{SchemaList{Schemas: []SchemaEntry{}, Next: "a_v1"}, `{"schemas":[],"next":"a_v1"}` + "\n"},
		{VersionList{ID: "a_v1", Versions: []VersionEntry{{Version: "1.0.0", Bump: "none"}}},
			`{"id":"a_v1","versions":[{"version":"1.0.0","digest":"","commit":"","time":"","bump":"none"}]}` + "\n"},
	} {
		got, err := Encode(tc.v)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tc.want {
			t.Errorf("Encode(%+v)\n got %s\nwant %s", tc.v, got, tc.want)
		}
	}
}
