package compiler

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
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
	var lenient DiffResult
	for _, policy := range []Policy{PolicyLenient, PolicyStrict} {
		for _, mode := range []Mode{ModeBackward, ModeForward, ModeFull} {
			r := Diff(prev, cur, DiffOptions{Mode: mode, Policy: policy})
			fmt.Fprintf(&b, "%-8s %-7s %s\n", mode, policy, Summary(r))
			if mode == ModeBackward && policy == PolicyLenient {
				lenient = r
			}
		}
	}
	b.WriteString("\n")
	for _, c := range lenient.Changes {
		fmt.Fprintf(&b, "%s %s line=%d backward=%v forward=%v annotation=%v\n  %s\n",
			c.Kind, c.Path, c.Line, c.Backward, c.Forward, c.Annotation, c.Message)
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
		t.Fatalf("%v (run go test ./compiler -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s: findings differ from want.txt (-want +got):\n%s", rule, diff)
	}
}

// mustParse reads and parses a schema file.
func mustParse(t testing.TB, path string) *Document {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	d, err := ParseSchema(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// testKinds runs the golden case of every kind in a family, in kind order,
// each as a subtest named after its folder.
func testKinds(t *testing.T, family map[kind]kindInfo) {
	t.Helper()
	kinds := make([]kind, 0, len(family))
	for k := range family {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	for _, k := range kinds {
		rule := strings.ToLower(family[k].name)
		t.Run(rule, func(t *testing.T) { testBreaking(t, rule) })
	}
}
