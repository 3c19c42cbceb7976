package compiler

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler/validate"
)

// hugeBlobBytes is the size of the oversized schema file: zeros, so that
// Git stores it in well under a megabyte.
const hugeBlobBytes = 96 << 20

// heapBudget is what reading the whole repository may allocate. Reading
// the oversized blob whole would take hugeBlobBytes.
const heapBudget = 24 << 20

// hugeBlobRepo commits schemas/ok.json and then schemas/huge.json, a file
// of hugeBlobBytes, with the git command, loose or packed.
func hugeBlobRepo(t *testing.T, packed bool) string {
	t.Helper()
	dir := t.TempDir()
	gitRun := func(args ...string) { gitCLI(t, dir, args...) }
	gitRun("init", "-q", "-b", "main")
	if err := os.MkdirAll(filepath.Join(dir, "schemas"), 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, "schemas", name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("ok.json", []byte(schemaJSON("ok", "1.0.0", "", prop{"a", "string", true})))
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "add ok")
	write("huge.json", make([]byte, hugeBlobBytes))
	gitRun("add", ".")
	gitRun("commit", "-q", "-m", "add huge")
	if err := os.Remove(filepath.Join(dir, "schemas", "huge.json")); err != nil {
		t.Fatal(err)
	}
	if packed {
		gitRun("repack", "-a", "-d", "-q")
	}
	return dir
}

// gitCLI runs the git command in dir, for what go-git will not write.
func gitCLI(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// allocated returns the bytes f allocates on the heap.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestOversizedBlobNeverReadWhole(t *testing.T) {
	if testing.Short() {
		t.Skip("writes a large git object")
	}
	for _, packed := range []bool{false, true} {
		name := "Loose"
		if packed {
			name = "Packed"
		}
		t.Run(name, func(t *testing.T) {
			dir := hugeBlobRepo(t, packed)
			t.Run("Check", func(t *testing.T) {
				var rep *CheckReport
				var err error
				n := allocated(func() { rep, err = Check(t.Context(), CheckOptions{Repo: dir, Base: "HEAD~1", Head: "HEAD"}) })
				if err != nil {
					t.Fatal(err)
				}
				if rep.OK || !strings.Contains(checkText(t, rep), "larger than the limit") {
					t.Errorf("check did not refuse the oversized file:\n%s", checkText(t, rep))
				}
				if n > heapBudget {
					t.Errorf("check allocated %d bytes for a %d-byte blob; want at most %d", n, hugeBlobBytes, heapBudget)
				}
			})
			t.Run("Compile", func(t *testing.T) {
				var err error
				n := allocated(func() { _, err = Compile(t.Context(), CompileOptions{Repo: dir, Strict: true}) })
				if err == nil || !strings.Contains(err.Error(), "larger than the limit") {
					t.Errorf("compile error = %v; want the file refused as larger than the limit", err)
				}
				if n > heapBudget {
					t.Errorf("compile allocated %d bytes for a %d-byte blob; want at most %d", n, hugeBlobBytes, heapBudget)
				}
			})
			t.Run("ReadRevision", func(t *testing.T) {
				var err error
				n := allocated(func() { _, err = ReadRevision(t.Context(), dir, "HEAD", "schemas/huge.json", validate.DefaultMaxBytes) })
				if err == nil || !strings.Contains(err.Error(), "more than the limit") {
					t.Errorf("ReadRevision error = %v; want the file refused as over the limit", err)
				}
				if n > heapBudget {
					t.Errorf("ReadRevision allocated %d bytes for a %d-byte blob; want at most %d", n, hugeBlobBytes, heapBudget)
				}
			})
		})
	}
}

// checkText is what a check report says: each schema's message and its
// problems, one a line.
func checkText(t *testing.T, rep *CheckReport) string {
	t.Helper()
	var b strings.Builder
	for _, s := range rep.Schemas {
		fmt.Fprintf(&b, "%s: %s: %s\n", s.Path, s.Verdict, s.Message)
		for _, p := range s.Problems {
			b.WriteString(p.Error() + "\n")
		}
	}
	return b.String()
}
