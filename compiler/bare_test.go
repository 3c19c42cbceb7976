package compiler

import (
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestCompileBareRepository compiles a bare repository, the kind a server
// that writes commits keeps, and gets the bundle of its work-tree clone.
func TestCompileBareRepository(t *testing.T) {
	r := newTestRepo(t)
	r.write("schemas/a_v1.json", schemaJSON("a_v1", "1.0.0", "", prop{"x", `{"type": "string"}`, true}))
	r.commit("add a_v1")
	r.write("schemas/a_v1.json", schemaJSON("a_v1", "1.1.0", "", prop{"x", `{"type": "string"}`, true}, prop{"y", `{"type": "integer"}`, false}))
	r.commit("a_v1: add y")

	bare := filepath.Join(t.TempDir(), "registry.git")
	if out, err := exec.Command("git", "clone", "--quiet", "--bare", r.dir, bare).CombinedOutput(); err != nil {
		t.Fatalf("git clone --bare: %v\n%s", err, out)
	}
	out := t.TempDir()
	writeBundle(t, r.dir, filepath.Join(out, "work"))
	writeBundle(t, bare, filepath.Join(out, "bare"))
	want, got := readTree(t, filepath.Join(out, "work")), readTree(t, filepath.Join(out, "bare"))
	if len(want) == 0 {
		t.Fatal("the work tree's bundle is empty")
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("bundle of the bare repository differs (-work tree +bare):\n%s", diff)
	}
}

// TestCompileNotARepository names the folder that holds no repository.
func TestCompileNotARepository(t *testing.T) {
	_, err := Compile(t.Context(), CompileOptions{Repo: t.TempDir()})
	if err == nil {
		t.Fatal("compile of an empty folder succeeded")
	}
}
