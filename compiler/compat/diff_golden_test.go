package compat_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/render"
)

// testBreaking diffs testdata/breaking/<rule>/previous.json against
// current.json under each policy, renders the findings and compares them
// with want.txt. The rule's own kind must be among the changes.
func testBreaking(t *testing.T, rule string) {
	t.Helper()
	dir := filepath.Join("testdata", "breaking", rule)
	prev := mustParse(t, filepath.Join(dir, "previous.json"))
	cur := mustParse(t, filepath.Join(dir, "current.json"))
	var b strings.Builder
	var lenient compat.DiffResult
	for _, policy := range []compat.Policy{compat.PolicyLenient, compat.PolicyStrict} {
		for _, mode := range []document.Mode{document.ModeBackward, document.ModeForward, document.ModeFull} {
			r := compat.Diff(prev, cur, compat.DiffOptions{Mode: mode, Policy: policy})
			fmt.Fprintf(&b, "%-8s %-7s %s\n", mode, policy, render.Summary(r))
			if mode == document.ModeBackward && policy == compat.PolicyLenient {
				lenient = r
			}
		}
	}
	b.WriteString("\n")
	for _, c := range lenient.Changes {
		fmt.Fprintf(&b, "%s %s line=%d old_line=%d backward=%v forward=%v annotation=%v\n  %s\n",
			c.Kind, c.Path, c.Line, c.OldLine, c.Backward, c.Forward, c.Annotation, c.Message)
	}
	// A line names a line of the file it is read in: Line the new file's
	// (an annotation names the new file), OldLine the old one's.
	newLines, oldLines := bytes.Count(cur.Raw, []byte("\n"))+1, bytes.Count(prev.Raw, []byte("\n"))+1
	for _, c := range lenient.Changes {
		if c.Line > newLines || c.OldLine > oldLines {
			t.Errorf("%s %s: line %d of %d, old line %d of %d", c.Kind, c.Path, c.Line, newLines, c.OldLine, oldLines)
		}
	}
	got := b.String()
	kind := strings.ToUpper(rule)
	found := false
	for _, c := range lenient.Changes {
		found = found || c.Kind == kind
	}
	if !found {
		t.Errorf("%s: the diff does not report %s:\n%s", rule, kind, got)
	}
	golden := filepath.Join(dir, "want.txt")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./compiler/compat -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s: findings differ from want.txt (-want +got):\n%s", rule, diff)
	}
}

// mustParse reads and parses a schema file.
func mustParse(t testing.TB, path string) *document.Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := document.ParseSchema(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// testKinds runs the golden case of every kind of a family, in the
// order of Kinds, each as a subtest named after its folder. A family with no
// kind fails: its name is wrong.
func testKinds(t *testing.T, family string) {
	t.Helper()
	n := 0
	for _, k := range compat.Kinds() {
		if k.Family != family {
			continue
		}
		n++
		rule := strings.ToLower(k.Kind)
		t.Run(rule, func(t *testing.T) { testBreaking(t, rule) })
	}
	if n == 0 {
		t.Fatalf("no kind of family %q", family)
	}
}
