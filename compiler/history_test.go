package compiler

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/internal/bundle"
)

// summary renders what a compile found, one line per version and per
// violation, for readable comparisons.
func summary(b *bundle.Bundle) []string {
	var out []string
	for _, s := range b.Manifest.Schemas {
		dep := ""
		if s.Deprecated {
			dep = " deprecated"
		}
		out = append(out, fmt.Sprintf("schema %s latest=%s path=%s%s", s.ID, s.Latest, s.Path, dep))
		for _, v := range s.Versions {
			out = append(out, fmt.Sprintf("  %s bump=%s required=%s compatible=%v", v.Version, v.Bump, v.RequiredBump, v.Compatible))
		}
	}
	for _, v := range b.Manifest.Violations {
		out = append(out, strings.TrimSpace(fmt.Sprintf("violation %s %s:%d %s %s", v.Kind, v.Path, v.Line, v.ID, v.Version)))
	}
	return out
}

func mustCompile(t *testing.T, r *testRepo, opts CompileOptions) *CompileResult {
	t.Helper()
	opts.Repo = r.dir
	res, err := Compile(t.Context(), opts)
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	return res
}

func TestCompileHistory(t *testing.T) {
	tests := []struct {
		name  string
		build func(r *testRepo)
		want  []string
	}{
		{
			name: "FirstVersion",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS, propSymbol))
				r.commit("add ticks")
			},
			want: []string{
				"schema ticks_v1 latest=1.0.0 path=schemas/ticks_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
			},
		},
		{
			name: "CompatibleMinorThenAnnotationPatchThenBreakingMajor",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS, propSymbol, propSide))
				r.commit("v1")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propSymbol, propSide, propVenue))
				r.commit("add optional venue")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.1", `"description": "Ticks."`, propTS, propSymbol, propSide, propVenue))
				r.commit("describe")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "2.0.0", `"description": "Ticks."`, propTS, propSymbol, propVenue))
				r.commit("drop side")
			},
			want: []string{
				"schema ticks_v1 latest=2.0.0 path=schemas/ticks_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"  1.1.0 bump=minor required=minor compatible=true",
				"  1.1.1 bump=patch required=patch compatible=true",
				"  2.0.0 bump=major required=major compatible=false",
			},
		},
		{
			name: "BreakingChangeWithMinorBump",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS, propSymbol, propSide))
				r.commit("v1")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propSymbol))
				r.commit("drop side with a minor bump")
				r.commit("an unrelated commit on top")
			},
			// A refused version is never published: 1.0.0 stays latest.
			want: []string{
				"schema ticks_v1 latest=1.0.0 path=schemas/ticks_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"violation INVALID_BUMP schemas/ticks_v1.json:3 ticks_v1 1.1.0",
			},
		},
		{
			name: "VersionGoingBackwards",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.2.0", "", propTS))
				r.commit("v1.2")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propVenue))
				r.commit("backwards")
				r.commit("on top")
			},
			want: []string{
				"schema ticks_v1 latest=1.2.0 path=schemas/ticks_v1.json",
				"  1.2.0 bump=none required=none compatible=true",
				"violation VERSION_NOT_INCREASED schemas/ticks_v1.json:3 ticks_v1 1.1.0",
			},
		},
		{
			name: "MutatedPublishedVersion",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
				r.commit("v1")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS, propVenue))
				r.commit("mutate 1.0.0")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propVenue))
				r.commit("bump properly")
			},
			want: []string{
				"schema ticks_v1 latest=1.1.0 path=schemas/ticks_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"  1.1.0 bump=minor required=minor compatible=true",
				"violation MUTATED_VERSION schemas/ticks_v1.json:3 ticks_v1 1.0.0",
			},
		},
		{
			name: "FileMovedKeepsHistory",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
				r.commit("v1")
				r.remove("schemas/ticks_v1.json")
				r.write("schemas/market/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
				r.commit("move")
				r.write("schemas/market/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propVenue))
				r.commit("v1.1")
			},
			want: []string{
				"schema ticks_v1 latest=1.1.0 path=schemas/market/ticks_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"  1.1.0 bump=minor required=minor compatible=true",
			},
		},
		{
			name: "IDRenamed",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
				r.commit("v1")
				r.remove("schemas/ticks_v1.json")
				r.write("schemas/trades_v1.json", schemaJSON("trades_v1", "1.0.0", "", propTS))
				r.commit("rename the id")
				r.commit("on top")
			},
			want: []string{
				"schema ticks_v1 latest=1.0.0 path=schemas/ticks_v1.json deprecated",
				"  1.0.0 bump=none required=none compatible=true",
				"schema trades_v1 latest=1.0.0 path=schemas/trades_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"violation ID_CHANGED schemas/trades_v1.json:2 trades_v1 1.0.0",
			},
		},
		{
			name: "DeletedSchemaStaysPublished",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
				r.write("schemas/quotes_v1.json", schemaJSON("quotes_v1", "1.0.0", "", propTS))
				r.commit("two schemas")
				r.remove("schemas/ticks_v1.json")
				r.commit("delete ticks")
			},
			want: []string{
				"schema quotes_v1 latest=1.0.0 path=schemas/quotes_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"schema ticks_v1 latest=1.0.0 path=schemas/ticks_v1.json deprecated",
				"  1.0.0 bump=none required=none compatible=true",
			},
		},
		{
			name: "InvalidFileInTheMiddle",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
				r.commit("v1")
				r.write("schemas/ticks_v1.json", "{\n  \"id\": \"ticks_v1\",\n  \"version\": \"1.1.0\",\n  \"type\": \"object\"\n  \"properties\": {}\n}\n")
				r.commit("broken")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propVenue))
				r.commit("fixed")
			},
			want: []string{
				"schema ticks_v1 latest=1.1.0 path=schemas/ticks_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"  1.1.0 bump=minor required=minor compatible=true",
				"violation INVALID_SCHEMA schemas/ticks_v1.json:5 ticks_v1",
			},
		},
		{
			name: "TwoSchemasInOneCommit",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
				r.write("schemas/quotes_v1.json", schemaJSON("quotes_v1", "1.0.0", "", propTS))
				r.commit("two")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propVenue))
				r.write("schemas/quotes_v1.json", schemaJSON("quotes_v1", "2.0.0", "", propSymbol))
				r.commit("both change")
			},
			want: []string{
				"schema quotes_v1 latest=2.0.0 path=schemas/quotes_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"  2.0.0 bump=major required=major compatible=false",
				"schema ticks_v1 latest=1.1.0 path=schemas/ticks_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"  1.1.0 bump=minor required=minor compatible=true",
			},
		},
		{
			name: "DuplicateID",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
				r.commit("v1")
				r.write("schemas/copy/ticks_v1.json", schemaJSON("ticks_v1", "9.0.0", "", propSymbol))
				r.commit("a second file claims the id")
				r.commit("on top")
			},
			want: []string{
				"schema ticks_v1 latest=1.0.0 path=schemas/ticks_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"violation DUPLICATE_ID schemas/copy/ticks_v1.json:2 ticks_v1 9.0.0",
			},
		},
		{
			name: "MergeCommitJudgedAtTheMerge",
			build: func(r *testRepo) {
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
				r.commit("v1")
				r.checkout("feature", true)
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.1", `"title": "Ticks"`, propTS))
				r.commit("feature: title")
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", `"title": "Ticks"`, propTS, propVenue))
				feature := r.commit("feature: venue")
				r.checkout("main", false)
				r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", `"title": "Ticks"`, propTS, propVenue))
				r.commit("merge feature", feature)
			},
			want: []string{
				"schema ticks_v1 latest=1.1.0 path=schemas/ticks_v1.json",
				"  1.0.0 bump=none required=none compatible=true",
				"  1.1.0 bump=minor required=minor compatible=true",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := newTestRepo(t)
			tc.build(r)
			res := mustCompile(t, r, CompileOptions{})
			if diff := cmp.Diff(tc.want, summary(res.Bundle)); diff != "" {
				t.Errorf("compile (-want +got):\n%s", diff)
			}
			// Incremental from every earlier commit gives the same bytes.
			assertIncrementalEqual(t, r, res.Bundle)
		})
	}
}

// assertIncrementalEqual compiles every first-parent prefix of the history,
// then continues from it to HEAD, and compares with the full bundle.
func assertIncrementalEqual(t *testing.T, r *testRepo, full *bundle.Bundle) {
	t.Helper()
	g, err := openRepo(r.dir)
	if err != nil {
		t.Fatal(err)
	}
	tip, err := g.resolve("HEAD")
	if err != nil {
		t.Fatal(err)
	}
	chain, _, err := g.firstParentChain(tip, [20]byte{})
	if err != nil {
		t.Fatal(err)
	}
	want := encode(t, full)
	for _, c := range chain[:len(chain)-1] {
		prev, err := Compile(t.Context(), CompileOptions{Repo: r.dir, Ref: c.Hash.String()})
		var verr *ViolationError
		if err != nil && !errors.As(err, &verr) {
			t.Fatalf("compile at %s: %v", c.Hash, err)
		}
		inc, err := Compile(t.Context(), CompileOptions{Repo: r.dir, Since: prev.Bundle})
		if err != nil {
			t.Fatalf("incremental compile from %s: %v", c.Hash, err)
		}
		if !inc.Incremental {
			t.Fatalf("compile from %s was not incremental: %v", c.Hash, inc.Warnings)
		}
		if got := encode(t, inc.Bundle); got != want {
			t.Errorf("incremental compile from %s differs from the full compile:\n%s", c.Hash, cmp.Diff(want, got))
		}
	}
}

func encode(t *testing.T, b *bundle.Bundle) string {
	t.Helper()
	data, err := b.Manifest.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// TestCompileRewrittenHistory continues from a bundle whose commit is no
// longer on the history: the compile starts from the root, says so, and
// gives what a full compile gives.
func TestCompileRewrittenHistory(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS))
	first := r.commit("v1")
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propVenue))
	r.commit("v1.1")
	prev := mustCompile(t, r, CompileOptions{})

	// Rewrite: main goes back to the first commit and takes another way.
	if err := r.Repo.Repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), first)); err != nil {
		t.Fatal(err)
	}
	r.checkout("main", false)
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "2.0.0", "", propSymbol))
	r.commit("another way")

	res := mustCompile(t, r, CompileOptions{Since: prev.Bundle})
	if res.Incremental || len(res.Warnings) != 1 || !strings.Contains(res.Warnings[0], "not on the first-parent history") {
		t.Errorf("incremental %v, warnings %q; want a full compile that says why", res.Incremental, res.Warnings)
	}
	full := mustCompile(t, r, CompileOptions{})
	if encode(t, res.Bundle) != encode(t, full.Bundle) {
		t.Error("the compile after a rewrite differs from a full compile")
	}
}
