package compiler

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/schemareg/schemareg/internal/bundle"
)

// buildExampleHistory commits a history with every kind of event.
func buildExampleHistory(r *testRepo) {
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.0.0", "", propTS, propSymbol, propSide))
	r.write("schemas/quotes_v1.json", schemaJSON("quotes_v1", "1.0.0", `"arrow": {"fields": [{"name": "ts", "type": {"name": "timestamp", "unit": "us", "timezone": "UTC"}}]}`, propTS, propPrice))
	r.commit("first")
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "1.1.0", "", propTS, propSymbol, propSide, propVenue))
	r.commit("venue")
	r.write("schemas/quotes_v1.json", schemaJSON("quotes_v1", "1.1.0", "", propTS))
	r.commit("breaking with a minor bump")
	r.write("schemas/ticks_v1.json", schemaJSON("ticks_v1", "2.0.0", "", propTS, propSymbol, propVenue))
	r.commit("drop side")
}

// writeBundle compiles the repository at dir and writes the bundle to out.
func writeBundle(t *testing.T, dir, out string) {
	t.Helper()
	res, err := Compile(t.Context(), CompileOptions{Repo: dir})
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	if err := bundle.Write(out, res.Bundle); err != nil {
		t.Fatal(err)
	}
}

// TestHelperCompileProcess is not a test: TestCompileDeterministic runs it
// in a child process with another time zone.
func TestHelperCompileProcess(t *testing.T) {
	dir, out := os.Getenv("SCHEMAREG_HELPER_REPO"), os.Getenv("SCHEMAREG_HELPER_OUT")
	if dir == "" {
		t.Skip("helper process only")
	}
	writeBundle(t, dir, out)
}

func TestCompileDeterministic(t *testing.T) {
	r := newTestRepo(t)
	buildExampleHistory(r)
	tmp := t.TempDir()
	first, second, tokyo := filepath.Join(tmp, "first"), filepath.Join(tmp, "second"), filepath.Join(tmp, "tokyo")
	writeBundle(t, r.dir, first)
	writeBundle(t, r.dir, second)

	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestHelperCompileProcess$")
	cmd.Env = append(os.Environ(), "TZ=Asia/Tokyo", "SCHEMAREG_HELPER_REPO="+r.dir, "SCHEMAREG_HELPER_OUT="+tokyo)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("compile in Asia/Tokyo: %v\n%s", err, out)
	}
	want := readTree(t, first)
	for _, other := range []string{second, tokyo} {
		got := readTree(t, other)
		if len(got) != len(want) {
			t.Fatalf("%s has %d files, %s has %d", other, len(got), first, len(want))
		}
		for name, data := range want {
			if !bytes.Equal(got[name], data) {
				t.Errorf("%s differs between %s and %s", name, first, other)
			}
		}
	}
}

// readTree reads every file below dir as a reader sees it, following
// symbolic links.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	var walk func(rel string)
	walk = func(rel string) {
		entries, err := os.ReadDir(filepath.Join(dir, rel))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			p := filepath.Join(rel, e.Name())
			fi, err := os.Stat(filepath.Join(dir, p))
			if err != nil {
				t.Fatal(err)
			}
			if fi.IsDir() {
				walk(p)
				continue
			}
			data, err := os.ReadFile(filepath.Join(dir, p))
			if err != nil {
				t.Fatal(err)
			}
			files[p] = data
		}
	}
	walk("")
	return files
}
