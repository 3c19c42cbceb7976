package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runCmd runs the schemareg command line in-process and returns its
// output and exit code.
func runCmd(t *testing.T, environ map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := &env{
		getenv: func(k string) string { return environ[k] },
		stdin:  strings.NewReader(""),
		stdout: &out,
		stderr: &errb,
	}
	err := run(context.Background(), args, e)
	if err != nil {
		var x *exitError
		if !asExit(err, &x) || x.err != nil {
			errb.WriteString("schemareg: " + err.Error() + "\n")
		}
	}
	return out.String(), errb.String(), exitCode(err)
}

func asExit(err error, target **exitError) bool {
	x, ok := err.(*exitError)
	if ok {
		*target = x
	}
	return ok
}

// writeFiles writes files below dir.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUsage(t *testing.T) {
	tests := []struct {
		args     []string
		code     int
		inStderr string
	}{
		{nil, 2, "no command given"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"validate", "-nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"validate", "-h"}, 0, "Usage: schemareg validate"},
		{[]string{"help"}, 0, ""},
		{[]string{"help", "diff"}, 0, "Usage: schemareg diff"},
		{[]string{"help", "nope"}, 2, `unknown command "nope"`},
	}
	for _, tc := range tests {
		t.Run(strings.Join(append([]string{"args"}, tc.args...), "_"), func(t *testing.T) {
			_, stderr, code := runCmd(t, nil, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d (stderr %q)", code, tc.code, stderr)
			}
			if !strings.Contains(stderr, tc.inStderr) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.inStderr)
			}
		})
	}
	// A bad flag gets its error and a one-line hint, not the whole usage.
	_, stderr, _ := runCmd(t, nil, "validate", "-nope")
	if strings.Contains(stderr, "Usage:") || !strings.Contains(stderr, `Run "schemareg validate -h" for its flags.`) {
		t.Errorf("a bad flag: stderr %q", stderr)
	}
}

// TestFlagsAnywhere: flags may follow the arguments, as with git or
// kubectl; "--" ends the flags.
func TestFlagsAnywhere(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, ".", map[string]string{
		"a.json": `{"id": "a_v1", "version": "1.0.0", "type": "object", "properties": {"x": {"type": "string"}}}`,
		"b.json": `{"id": "a_v1", "version": "1.1.0", "type": "object", "properties": {"x": {"type": "string"}, "y": {"type": "integer"}}}`,
	})
	before, _, code1 := runCmd(t, nil, "diff", "--format", "json", "a.json", "b.json")
	after, stderr, code2 := runCmd(t, nil, "diff", "a.json", "b.json", "--format", "json")
	if code1 != code2 || before != after || !strings.HasPrefix(strings.TrimSpace(after), "{") {
		t.Errorf("flags after the arguments: exit %d, %q\n%s\nwant exit %d, %q", code2, after, stderr, code1, before)
	}
	mixed, _, _ := runCmd(t, nil, "diff", "a.json", "--format=json", "b.json")
	if mixed != before {
		t.Errorf("a flag between the arguments: %q", mixed)
	}
	// After "--", a word that starts with "-" is an argument.
	_, stderr, code := runCmd(t, nil, "diff", "--format", "json", "--", "a.json", "-b.json")
	if code == 0 || strings.Contains(stderr, "flag provided but not defined") || !strings.Contains(stderr, "-b.json") {
		t.Errorf("-- then -b.json: exit %d, stderr %q", code, stderr)
	}
}

func TestFlagFromEnvironment(t *testing.T) {
	t.Chdir(t.TempDir())
	writeFiles(t, ".", map[string]string{"schemas/a_v1.json": `{"id": "a_v1", "version": "1.0.0"}`})
	stdout, stderr, code := runCmd(t, map[string]string{"SCHEMAREG_FORMAT": "json"}, "validate")
	if code != 0 || !strings.Contains(stdout, `"valid": true`) {
		t.Fatalf("SCHEMAREG_FORMAT=json: exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
	_, stderr, code = runCmd(t, map[string]string{"SCHEMAREG_MAX_BYTES": "lots"}, "validate")
	want := `invalid value "lots" for -max-bytes from SCHEMAREG_MAX_BYTES`
	if code != 2 || !strings.Contains(stderr, want) {
		t.Fatalf("SCHEMAREG_MAX_BYTES=lots: exit %d, stderr %q, want it to contain %q", code, stderr, want)
	}
	stdout, _, code = runCmd(t, map[string]string{"SCHEMAREG_FORMAT": "json"}, "validate", "-format", "text")
	if code != 0 || !strings.HasSuffix(stdout, "1 schema valid\n") {
		t.Fatalf("a flag must win over its variable: exit %d, stdout %q", code, stdout)
	}
}

// TestDiffJudgesTheFilesVersions: diff says what the registry would of the
// two files' own versions, and warns when their ids differ.
func TestDiffJudgesTheFilesVersions(t *testing.T) {
	t.Chdir(t.TempDir())
	doc := func(id, version, extra string) string {
		return `{"id": "` + id + `", "version": "` + version + `", "type": "object", "properties": {"x": {"type": "string"}` + extra + `}}`
	}
	writeFiles(t, ".", map[string]string{
		"old.json":   doc("a_v1", "1.1.1", ""),
		"patch.json": doc("a_v1", "1.1.2", `, "y": {"type": "integer"}`),
		"minor.json": doc("a_v1", "1.2.0", `, "y": {"type": "integer"}`),
		"other.json": doc("b_v1", "1.2.0", `, "y": {"type": "integer"}`),
	})
	_, stderr, code := runCmd(t, nil, "diff", "old.json", "patch.json")
	if code != 1 || !strings.Contains(stderr, "1.1.1 → 1.1.2 is a patch bump, but the changes need a minor bump: use 1.2.0") {
		t.Errorf("a patch bump for a minor change: exit %d, stderr %q", code, stderr)
	}
	_, stderr, code = runCmd(t, nil, "diff", "old.json", "minor.json")
	if code != 0 || !strings.Contains(stderr, "1.1.1 → 1.2.0 is a minor bump, as the changes need") {
		t.Errorf("a minor bump: exit %d, stderr %q", code, stderr)
	}
	_, stderr, _ = runCmd(t, nil, "diff", "old.json", "other.json")
	if !strings.Contains(stderr, "different ids, a_v1 and b_v1") {
		t.Errorf("two ids: stderr %q", stderr)
	}
}
