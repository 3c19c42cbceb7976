package compiler

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/schemareg/schemareg/internal/bundle"
)

// checkSummary renders a report one line per schema.
func checkSummary(r *CheckReport) []string {
	out := []string{fmt.Sprintf("ok=%v breaking=%v required=%s", r.OK, r.Breaking, r.RequiredBump)}
	for _, s := range r.Schemas {
		out = append(out, fmt.Sprintf("%s %s %s %s→%s bump=%s required=%s compatible=%v verdict=%s",
			s.ID, s.Status, s.Path, s.OldVersion, s.NewVersion, s.Bump, s.RequiredBump, s.Compatible, s.Verdict))
	}
	return out
}

func TestCheck(t *testing.T) {
	base := func(r *testRepo) {
		r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS, propSymbol, propSide))
		r.write("schemas/quotes_v1.json", schemaJSON("quotes_v1", "1.0.0", "", propTS, propPrice))
		r.commit("base")
	}
	tests := []struct {
		name string
		head func(r *testRepo)
		want []string
	}{
		{
			name: "CompatibleMinor",
			head: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propSymbol, propSide, propVenue))
			},
			want: []string{
				"ok=true breaking=false required=minor",
				"ticks_v1 modified schemas/ticks_v1.json 1.0.0→1.1.0 bump=minor required=minor compatible=true verdict=ok",
			},
		},
		{
			name: "BreakingWithMinorBump",
			head: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propSymbol))
			},
			want: []string{
				"ok=false breaking=true required=major",
				"ticks_v1 modified schemas/ticks_v1.json 1.0.0→1.1.0 bump=minor required=major compatible=false verdict=invalid-bump",
			},
		},
		{
			name: "BreakingWithMajorBump",
			head: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "2.0.0", "", propTS, propSymbol))
			},
			want: []string{
				"ok=true breaking=true required=major",
				"ticks_v1 modified schemas/ticks_v1.json 1.0.0→2.0.0 bump=major required=major compatible=false verdict=ok",
			},
		},
		{
			name: "MutatedVersion",
			head: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS, propSymbol, propSide, propVenue))
			},
			want: []string{
				"ok=false breaking=false required=minor",
				"ticks_v1 modified schemas/ticks_v1.json 1.0.0→1.0.0 bump=none required=minor compatible=true verdict=invalid-bump",
			},
		},
		{
			name: "AddedDeletedMoved",
			head: func(r *testRepo) {
				r.write("schemas/trades_v1.json", schemaJSON("trades_v1", "0.1.0", "", propTS))
				r.remove("schemas/quotes_v1.json")
				r.remove("schemas/ticks_v1.json")
				r.write("schemas/market/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS, propSymbol, propSide))
			},
			want: []string{
				"ok=true breaking=true required=none",
				"quotes_v1 deleted schemas/quotes_v1.json 1.0.0→ bump=none required=none compatible=false verdict=ok",
				"ticks_v1 renamed schemas/market/ticks_v1.json 1.0.0→1.0.0 bump=none required=none compatible=true verdict=ok",
				"trades_v1 added schemas/trades_v1.json →0.1.0 bump=none required=none compatible=true verdict=ok",
			},
		},
		{
			name: "InvalidFile",
			head: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", "{\"id\": \"ticks_v1\", \"version\": \"1.1.0\",}")
			},
			want: []string{
				"ok=false breaking=false required=none",
				"ticks_v1 modified schemas/ticks_v1.json → bump=none required=none compatible=true verdict=invalid",
			},
		},
		{
			name: "NothingChanged",
			head: func(r *testRepo) { r.write("README.md", "docs only") },
			want: []string{"ok=true breaking=false required=none"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newTestRepo(t)
			base(r)
			b := r.head()
			tc.head(r)
			h := r.commit("head")
			rep, err := Check(t.Context(), CheckOptions{Repo: r.dir, Base: b.String(), Head: h.String()})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, checkSummary(rep)); diff != "" {
				t.Errorf("check (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckMissingBase(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
	h := r.commit("head")
	_, err := Check(t.Context(), CheckOptions{Repo: r.dir, Base: "0123456789abcdef0123456789abcdef01234567", Head: h.String()})
	if !errors.Is(err, ErrRevisionNotFound) {
		t.Fatalf("got %v, want ErrRevisionNotFound", err)
	}
}

// TestCheckSinceBundle checks a pull request with the base's history
// walked from a bundle on disk compiled at an earlier commit of it: the
// report is the one a walk from the root makes, after fewer commits. A
// bundle of another history is passed over, with a warning.
func TestCheckSinceBundle(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS, propSymbol, propSide))
	r.write("schemas/quotes_v1.json", schemaJSON("quotes_v1", "1.0.0", "", propTS, propPrice))
	r.commit("first")
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propSymbol, propSide, propVenue))
	at := r.commit("ticks 1.1.0")
	dir := filepath.Join(t.TempDir(), "bundle")
	if err := bundle.Write(dir, mustCompile(t, r, CompileOptions{Ref: at.String()}).Bundle); err != nil {
		t.Fatal(err)
	}
	r.write("schemas/quotes_v1.json", schemaJSON("quotes_v1", "1.1.0", "", propTS, propPrice, propVenue))
	base := r.commit("quotes 1.1.0")
	r.checkout("pr", true)
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.2.0", "", propTS, propSymbol, propVenue))
	r.write("schemas/quotes_v1.json", schemaJSON("quotes_v1", "1.2.0", "", propTS, propPrice, propVenue, prop{"size", `{"type": "integer"}`, false}))
	head := r.commit("the pull request")

	check := func(since *bundle.Bundle) *CheckReport {
		t.Helper()
		rep, err := Check(t.Context(), CheckOptions{Repo: r.dir, Base: base.String(), Head: head.String(), Since: since})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	full := check(nil)
	want := []string{
		"ok=false breaking=true required=major",
		"quotes_v1 modified schemas/quotes_v1.json 1.1.0→1.2.0 bump=minor required=minor compatible=true verdict=ok",
		"ticks_v1 modified schemas/ticks_v1.json 1.1.0→1.2.0 bump=minor required=major compatible=false verdict=invalid-bump",
	}
	if diff := cmp.Diff(want, checkSummary(full)); diff != "" {
		t.Fatalf("check from the root (-want +got):\n%s", diff)
	}
	since, err := bundle.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	resumed := check(since)
	if full.Walked != 3 || resumed.Walked != 1 || len(resumed.Warnings) != 0 {
		t.Errorf("walked %d commits from the root, %d from the bundle (warnings %q); want 3 and 1", full.Walked, resumed.Walked, resumed.Warnings)
	}
	ignoreWalked := cmpopts.IgnoreFields(CheckReport{}, "Walked", "Warnings")
	if diff := cmp.Diff(full, resumed, ignoreWalked); diff != "" {
		t.Errorf("the report from the bundle differs from the one from the root (-root +bundle):\n%s", diff)
	}

	// A bundle of another repository's history.
	other := newTestRepo(t)
	other.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
	other.commit("elsewhere")
	foreign := check(mustCompile(t, other, CompileOptions{}).Bundle)
	if foreign.Walked != 3 || len(foreign.Warnings) != 1 || !strings.Contains(foreign.Warnings[0], "not on the first-parent history") {
		t.Errorf("a bundle of another history: walked %d, warnings %q", foreign.Walked, foreign.Warnings)
	}
	if diff := cmp.Diff(full, foreign, ignoreWalked); diff != "" {
		t.Errorf("the report with a foreign bundle differs (-root +foreign):\n%s", diff)
	}
}
