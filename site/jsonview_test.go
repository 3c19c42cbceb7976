package site

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// TestIndentJSON checks the indentation against encoding/json's for every
// document of the example bundle.
func TestIndentJSON(t *testing.T) {
	b := exampleBundle(t)
	for name, data := range b.Files {
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		var want bytes.Buffer
		if err := json.Indent(&want, data, "", "  "); err != nil {
			t.Fatal(err)
		}
		if got := indentJSON(data).text; got != want.String() {
			t.Errorf("%s: indentJSON differs from json.Indent:\n%s", name, firstDifference(want.Bytes(), []byte(got)))
		}
	}
}

func TestLocate(t *testing.T) {
	doc := indentJSON([]byte(`{"a":{"b~c":[1,{"d/e":2}],"empty":{}},"f":[]}`))
	// Lines: 0 {, 1 "a": {, 2 "b~c": [, 3 1, 4 {, 5 "d/e": 2, 6 }, 7 ], 8 "empty": {}, 9 }, 10 "f": [], 11 }
	paths := []string{"#", "#/a", "#/a/b~0c/0", "#/a/b~0c/1/d~1e", "#/a/empty", "#/f", "#/a/missing/x", "#/a/b%7E0c/1"}
	lines, exact := doc.locate(paths)
	want := map[string]int{"#": 0, "#/a": 1, "#/a/b~0c/0": 3, "#/a/b~0c/1/d~1e": 5, "#/a/empty": 8, "#/f": 10, "#/a/missing/x": 1, "#/a/b%7E0c/1": 4}
	for p, n := range want {
		if lines[p] != n {
			t.Errorf("%s: line %d, want %d", p, lines[p], n)
		}
	}
	if exact["#/a/missing/x"] || !exact["#/a/b~0c/1/d~1e"] || !exact["#/a/b%7E0c/1"] {
		t.Errorf("exact = %v", exact)
	}
}

// TestDiffLines checks on random documents that the diff keeps, removes
// and adds exactly the lines that turn one into the other, in order.
func TestDiffLines(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for n := range 200 {
		a, b := randomLines(r), randomLines(r)
		ops, ok := diffLines(a, b)
		if !ok {
			t.Fatal("small documents too large to compare")
		}
		var gotA, gotB []string
		kept := 0
		for _, op := range ops {
			switch op.op {
			case ' ':
				if a[op.old] != b[op.new] {
					t.Fatalf("case %d: kept line differs: %q, %q", n, a[op.old], b[op.new])
				}
				gotA, gotB = append(gotA, a[op.old]), append(gotB, b[op.new])
				kept++
			case '-':
				gotA = append(gotA, a[op.old])
			case '+':
				gotB = append(gotB, b[op.new])
			}
		}
		if strings.Join(gotA, "\n") != strings.Join(a, "\n") || strings.Join(gotB, "\n") != strings.Join(b, "\n") {
			t.Fatalf("case %d: the diff does not rebuild both sides", n)
		}
		if want := lcsLength(a, b); kept != want {
			t.Fatalf("case %d: kept %d lines, the longest common subsequence has %d", n, kept, want)
		}
	}
}

func randomLines(r *rand.Rand) []string {
	out := make([]string, r.IntN(30))
	for i := range out {
		out[i] = strconv.Itoa(r.IntN(6))
	}
	return out
}

func lcsLength(a, b []string) int {
	prev := make([]int, len(b)+1)
	for i := range a {
		cur := make([]int, len(b)+1)
		for j := range b {
			if a[i] == b[j] {
				cur[j+1] = prev[j] + 1
			} else {
				cur[j+1] = max(prev[j+1], cur[j])
			}
		}
		prev = cur
	}
	return prev[len(b)]
}

func TestDiffTooLarge(t *testing.T) {
	a := make([]string, 3000)
	b := make([]string, 3000)
	for i := range a {
		a[i], b[i] = "a"+strconv.Itoa(i), "b"+strconv.Itoa(i)
	}
	if _, ok := diffLines(a, b); ok {
		t.Error("two 3,000-line documents with nothing in common were compared")
	}
}
