package api

import (
	"slices"
	"testing"
	"time"
)

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

// TestPage cuts pages as GET /schemas?after=&limit= answers them: ids after
// after, at most limit, Next only when more follow.
func TestPage(t *testing.T) {
	all := []SchemaEntry{{ID: "a_v1"}, {ID: "b_v1"}, {ID: "c_v1"}}
	for _, tc := range []struct {
		after string
		limit int
		ids   []string
		next  string
	}{
		{"", 2, []string{"a_v1", "b_v1"}, "b_v1"},
		{"b_v1", 2, []string{"c_v1"}, ""},
		{"", 3, []string{"a_v1", "b_v1", "c_v1"}, ""},
		{"a", 1, []string{"a_v1"}, "a_v1"},
		{"c_v1", 5, nil, ""},
	} {
		p := Page(all, tc.after, tc.limit)
		var ids []string
		for _, s := range p.Schemas {
			ids = append(ids, s.ID)
		}
		if !slices.Equal(ids, tc.ids) || p.Next != tc.next {
			t.Errorf("Page(after %q, limit %d) = %v next %q, want %v next %q", tc.after, tc.limit, ids, p.Next, tc.ids, tc.next)
		}
	}
}

func TestVersionEntryCommitTime(t *testing.T) {
	v := VersionEntry{Time: "2026-01-02T03:04:05Z"}
	got, err := v.CommitTime()
	if err != nil || !got.Equal(time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)) {
		t.Errorf("CommitTime() = %v, %v", got, err)
	}
	if _, err := (VersionEntry{Time: "yesterday"}).CommitTime(); err == nil {
		t.Error("CommitTime of a non-RFC 3339 time: no error")
	}
}
