package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"
)

const (
	diffOld = `{
  "id": "ticks_v1",
  "version": "1.0.0",
  "type": "object",
  "properties": {
    "side": {"type": "string", "enum": ["B", "S"]},
    "size": {"type": "integer"}
  },
  "additionalProperties": false
}`
	diffCompatible = `{
  "id": "ticks_v1",
  "version": "1.1.0",
  "type": "object",
  "properties": {
    "side": {"type": "string", "enum": ["B", "S"]},
    "size": {"type": "number"}
  },
  "additionalProperties": false
}`
	diffBreaking = `{
  "id": "ticks_v1",
  "version": "2.0.0",
  "type": "object",
  "properties": {
    "side": {"type": "string", "enum": ["B"]},
    "size": {"type": "integer"}
  },
  "additionalProperties": false
}`
)

func TestDiffCommand(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"old.json": diffOld, "compatible.json": diffCompatible, "breaking.json": diffBreaking,
		"plain.json": `{"type":"string"}`, "broken.json": `{"type": "string",}`, "invalid.json": `{"type": 5}`,
	})
	p := func(name string) string { return filepath.Join(dir, name) }
	tests := []struct {
		name     string
		env      map[string]string
		args     []string
		code     int
		inStdout []string
		inStderr string
	}{
		{"Compatible", nil, []string{"diff", p("old.json"), p("compatible.json")}, 0,
			[]string{"compatible under BACKWARD (LENIENT): minor bump required, 1 change", "TYPE_EXTENDED", "#/properties/size"}, ""},
		{"Breaking", nil, []string{"diff", p("old.json"), p("breaking.json")}, 1,
			[]string{"breaking under BACKWARD", "ENUM_ARRAY_NARROWED", `enum value "S" removed`}, ""},
		{"ModeFlag", nil, []string{"diff", "-mode", "forward", p("old.json"), p("compatible.json")}, 1,
			[]string{"breaking under FORWARD"}, ""},
		{"ModeFromEnv", map[string]string{"SCHEMAREG_MODE": "NONE"}, []string{"diff", p("old.json"), p("breaking.json")}, 0,
			[]string{"compatible under NONE"}, ""},
		{"PolicyFromEnv", map[string]string{"SCHEMAREG_POLICY": "strict"}, []string{"diff", p("old.json"), p("compatible.json")}, 0,
			[]string{"(STRICT)"}, ""},
		{"GitHubFormat", nil, []string{"diff", "-format", "github", p("old.json"), p("breaking.json")}, 1,
			[]string{"::error file=" + p("breaking.json") + ",line=6,title=ENUM_ARRAY_NARROWED breaks BACKWARD::"}, ""},
		{"MarkdownFormat", map[string]string{"SCHEMAREG_FORMAT": "markdown"}, []string{"diff", p("old.json"), p("breaking.json")}, 1,
			[]string{"❌ **breaking**", "| ❌ | **breaking** | `ENUM_ARRAY_NARROWED` |"}, ""},
		{"PlainSchemas", nil, []string{"diff", p("plain.json"), p("old.json")}, 1, []string{"TYPE_CHANGED"}, ""},
		{"UnknownMode", nil, []string{"diff", "-mode", "sideways", p("old.json"), p("breaking.json")}, 2, nil, "unknown compatibility mode"},
		{"UnknownModeFromEnv", map[string]string{"SCHEMAREG_MODE": "sideways"}, []string{"diff", p("old.json"), p("breaking.json")}, 2, nil, "SCHEMAREG_MODE"},
		{"UnknownFormat", nil, []string{"diff", "-format", "yaml", p("old.json"), p("breaking.json")}, 2, nil, "unknown format"},
		{"UnparseableFile", nil, []string{"diff", p("old.json"), p("broken.json")}, 2, nil, "broken.json:1:19"},
		{"InvalidSchema", nil, []string{"diff", p("invalid.json"), p("old.json")}, 2, nil, "invalid.json"},
		{"MissingFile", nil, []string{"diff", p("old.json"), p("missing.json")}, 2, nil, "missing.json"},
		{"OneArgument", nil, []string{"diff", p("old.json")}, 2, nil, "needs two schemas"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := runCmd(t, tt.env, tt.args...)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout, stderr)
			}
			for _, s := range tt.inStdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			if !strings.Contains(stderr, tt.inStderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.inStderr, stderr)
			}
		})
	}
}

func TestDiffCommandJSON(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"old.json": diffOld, "new.json": diffBreaking})
	stdout, _, code := runCmd(t, nil, "diff", "-format", "json", filepath.Join(dir, "old.json"), filepath.Join(dir, "new.json"))
	if code != 1 {
		t.Errorf("exit %d, want 1", code)
	}
	var got struct {
		Compatible bool   `json:"compatible"`
		Bump       string `json:"bump"`
		Mode       string `json:"mode"`
		Changes    []struct {
			Kind, Path, Message         string
			Line                        int
			Backward, Forward, Breaking bool
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v:\n%s", err, stdout)
	}
	if got.Compatible || got.Bump != "major" || got.Mode != "BACKWARD" || len(got.Changes) != 1 ||
		got.Changes[0].Kind != "ENUM_ARRAY_NARROWED" || got.Changes[0].Line != 6 || !got.Changes[0].Breaking {
		t.Errorf("got %+v", got)
	}
}

func TestDiffCommandRevisions(t *testing.T) {
	dir := t.TempDir()
	repo, err := git.PlainInit(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{diffOld, diffBreaking} {
		writeFiles(t, dir, map[string]string{"schemas/ticks_v1.json": content})
		if _, err := wt.Add("schemas/ticks_v1.json"); err != nil {
			t.Fatal(err)
		}
		sig := &object.Signature{Name: "T", Email: "t@example.com", When: time.Unix(1_700_000_000, 0)}
		if _, err := wt.Commit("ticks", &git.CommitOptions{Author: sig, Committer: sig}); err != nil {
			t.Fatal(err)
		}
	}
	stdout, stderr, code := runCmd(t, nil, "diff", "-repo", dir, "HEAD~1:schemas/ticks_v1.json", "HEAD:schemas/ticks_v1.json")
	if code != 1 || !strings.Contains(stdout, "ENUM_ARRAY_NARROWED") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	// A revision against the work tree, the repository from the environment.
	if err := os.WriteFile(filepath.Join(dir, "new.json"), []byte(diffCompatible), 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, code = runCmd(t, map[string]string{"SCHEMAREG_REPO": dir}, "diff", "HEAD~1:schemas/ticks_v1.json", filepath.Join(dir, "new.json"))
	if code != 0 || !strings.Contains(stdout, "TYPE_EXTENDED") {
		t.Errorf("exit %d\nstdout: %s\nstderr: %s", code, stdout, stderr)
	}
	_, stderr, code = runCmd(t, nil, "diff", "-repo", dir, "nope:schemas/ticks_v1.json", "HEAD:schemas/ticks_v1.json")
	if code != 2 || !strings.Contains(stderr, "revision not found") {
		t.Errorf("bad revision: exit %d, stderr %s", code, stderr)
	}
}
