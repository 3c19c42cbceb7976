package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/gittest"
)

func ticks(version, extra string) string {
	return `{
  "id": "ticks_v1",
  "version": "` + version + `",
  "type": "object",
  "properties": {
    "ts": {"type": "string", "format": "date-time"},
    "side": {"type": "string", "enum": ["B", "S"]}` + extra + `
  },
  "required": ["ts", "side"],
  "additionalProperties": false
}
`
}

func TestCompileCommand(t *testing.T) {
	r := gittest.New(t)
	r.Write("schemas/ticks_v1.json", ticks("1.0.0", ""))
	r.Commit("first")
	r.Write("schemas/ticks_v1.json", ticks("1.1.0", `, "venue": {"type": "string"}`))
	r.Commit("venue")
	out := filepath.Join(t.TempDir(), "bundle")

	stdout, stderr, code := runCmd(t, nil, "compile", "-repo", r.Dir, "-out", out, "-format", "json")
	if code != 0 {
		t.Fatalf("compile: exit %d\n%s%s", code, stdout, stderr)
	}
	var rep compileReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.OK || rep.Schemas != 1 || rep.Versions != 2 || rep.Walked != 2 || rep.Incremental {
		t.Errorf("report %+v", rep)
	}
	b, err := bundle.Read(out)
	if err != nil {
		t.Fatalf("the bundle does not read back: %v", err)
	}
	if got := b.Manifest.Schemas[0].Latest; got != "1.1.0" {
		t.Errorf("latest %s, want 1.1.0", got)
	}

	// A second compile continues from the bundle in -out and changes nothing.
	before, _ := os.Readlink(out)
	stdout, _, code = runCmd(t, nil, "compile", "-repo", r.Dir, "-out", out)
	if code != 0 || !strings.Contains(stdout, "(incremental, 0 commits walked)") {
		t.Fatalf("second compile: exit %d, %q", code, stdout)
	}
	if after, _ := os.Readlink(out); after != before {
		t.Errorf("an unchanged compile rewrote the bundle: %s → %s", before, after)
	}

	// A breaking change with a minor bump at the tip fails the compile and
	// leaves the bundle as it was.
	r.Write("schemas/ticks_v1.json", ticks("1.2.0", ""))
	r.Commit("drop venue with a minor bump")
	stdout, stderr, code = runCmd(t, nil, "compile", "-repo", r.Dir, "-out", out)
	if code != 1 {
		t.Fatalf("tip violation: exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "INVALID_BUMP") || !strings.Contains(stderr, "the previous bundle in "+out+" is unchanged") {
		t.Errorf("stdout %q\nstderr %q", stdout, stderr)
	}
	if after, _ := os.Readlink(out); after != before {
		t.Errorf("a failed compile replaced the bundle: %s → %s", before, after)
	}
	if _, err := bundle.Read(out); err != nil {
		t.Errorf("the previous bundle no longer reads: %v", err)
	}
}

func TestCompileBadInput(t *testing.T) {
	t.Chdir(t.TempDir())
	_, stderr, code := runCmd(t, nil, "compile", "-repo", ".")
	if code != 2 || !strings.Contains(stderr, "open git repository .") {
		t.Errorf("not a repository: exit %d, stderr %q", code, stderr)
	}
	r := gittest.New(t)
	r.Write("schemas/ticks_v1.json", ticks("1.0.0", ""))
	r.Commit("first")
	_, stderr, code = runCmd(t, nil, "compile", "-repo", r.Dir, "-ref", "nope")
	if code != 2 || !strings.Contains(stderr, "revision not found: nope") {
		t.Errorf("unknown ref: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCmd(t, nil, "compile", "-repo", r.Dir, "-dir", "../outside")
	if code != 2 || !strings.Contains(stderr, "must be a path inside the repository") {
		t.Errorf("dir outside: exit %d, stderr %q", code, stderr)
	}
}

func TestCheckCommand(t *testing.T) {
	r := gittest.New(t)
	r.Write("schemas/ticks_v1.json", ticks("1.0.0", ""))
	base := r.Commit("first").String()
	r.Write("schemas/ticks_v1.json", ticks("1.0.1", `, "venue": {"type": "string"}`))
	bad := r.Commit("compatible change with a patch bump").String()

	stdout, _, code := runCmd(t, nil, "check", "-repo", r.Dir, "-base", base, "-head", bad)
	if code != 1 {
		t.Fatalf("too small a bump: exit %d, want 1\n%s", code, stdout)
	}
	for _, want := range []string{"ticks_v1: 1.0.0 → 1.0.1, patch bump (needs minor): invalid-bump", "1 schema changed: 1 schema fails; no breaking change; required bump minor"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("stdout lacks %q:\n%s", want, stdout)
		}
	}
	stdout, _, code = runCmd(t, nil, "check", "-repo", r.Dir, "-base", base, "-head", bad, "-format", "github")
	if code != 1 || !strings.HasPrefix(stdout, "::error file=schemas/ticks_v1.json,line=3,title=version bump too small::") {
		t.Errorf("github format: exit %d\n%s", code, stdout)
	}

	r.Write("schemas/ticks_v1.json", ticks("1.1.0", `, "venue": {"type": "string"}`))
	good := r.Commit("right bump").String()
	stdout, _, code = runCmd(t, nil, "check", "-repo", r.Dir, "-base", base, "-head", good, "-format", "json")
	if code != 0 {
		t.Fatalf("good bump: exit %d\n%s", code, stdout)
	}
	var rep struct {
		OK      bool `json:"ok"`
		Schemas []struct {
			ID, Verdict, Bump string
		} `json:"schemas"`
	}
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	if !rep.OK || len(rep.Schemas) != 1 || rep.Schemas[0].Verdict != "ok" || rep.Schemas[0].Bump != "minor" {
		t.Errorf("report %+v", rep)
	}

	// From a bundle compiled at the base: the same verdict, one commit
	// walked; a folder that holds no bundle is bad input.
	out := filepath.Join(t.TempDir(), "bundle")
	if _, stderr, code := runCmd(t, nil, "compile", "-repo", r.Dir, "-ref", base, "-out", out); code != 0 {
		t.Fatalf("compile: exit %d\n%s", code, stderr)
	}
	since, _, code := runCmd(t, nil, "check", "-repo", r.Dir, "-base", base, "-head", good, "-format", "json", "-since-bundle", out)
	var sinceRep struct {
		Walked int `json:"walked"`
	}
	if err := json.Unmarshal([]byte(since), &sinceRep); err != nil || code != 0 || sinceRep.Walked != 0 {
		t.Errorf("check --since-bundle: exit %d, walked %d (%v), want 0\n%s", code, sinceRep.Walked, err, since)
	}
	if strings.Replace(since, `"walked": 0`, `"walked": 1`, 1) != stdout {
		t.Errorf("check --since-bundle reports\n%s\nfrom the root\n%s", since, stdout)
	}
	_, stderr, code := runCmd(t, nil, "check", "-repo", r.Dir, "-base", base, "-head", good, "-since-bundle", t.TempDir())
	if code != 2 || !strings.Contains(stderr, "--since-bundle") {
		t.Errorf("a folder without a bundle: exit %d, stderr %q", code, stderr)
	}

	_, stderr, code = runCmd(t, nil, "check", "-repo", r.Dir, "-head", good)
	if code != 2 || !strings.Contains(stderr, "check needs --base") {
		t.Errorf("no base: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCmd(t, nil, "check", "-repo", r.Dir, "-base", "0123456789abcdef0123456789abcdef01234567")
	if code != 2 || !strings.Contains(stderr, "fetch-depth: 0") {
		t.Errorf("missing base: exit %d, stderr %q", code, stderr)
	}
}

// TestCheckSaysUncommittedEditsAreNotJudged: check judges commits; edits
// in the work tree are named as left out, and nothing is said without any.
func TestCheckSaysUncommittedEditsAreNotJudged(t *testing.T) {
	r := gittest.New(t)
	r.Write("schemas/ticks_v1.json", ticks("1.0.0", ""))
	r.Write("schemas/quotes_v1.json", `{"id": "quotes_v1", "version": "1.0.0"}`+"\n")
	base := r.Commit("first").String()
	_, stderr, code := runCmd(t, nil, "check", "-repo", r.Dir, "-base", base)
	if code != 0 || strings.Contains(stderr, "uncommitted") {
		t.Fatalf("a clean work tree: exit %d, stderr %q", code, stderr)
	}
	if err := os.WriteFile(filepath.Join(r.Dir, "schemas", "ticks_v1.json"), []byte(ticks("1.0.1", `, "venue": {"type": "string"}`)), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(r.Dir, "schemas", "new_v1.json"), []byte(`{"id": "new_v1", "version": "1.0.0"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(r.Dir, "schemas", "quotes_v1.json")); err != nil {
		t.Fatal(err)
	}
	_, stderr, code = runCmd(t, nil, "check", "-repo", r.Dir, "-base", base)
	want := "3 uncommitted changes in schemas not judged (schemas/new_v1.json, schemas/quotes_v1.json, schemas/ticks_v1.json)"
	if code != 0 || !strings.Contains(stderr, want) {
		t.Errorf("edits in the work tree: exit %d, stderr %q, want it to say %q", code, stderr, want)
	}
}
