package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestCompletionGolden keeps each shell's script equal to
// testdata/completion.SHELL: go test ./cmd/schemareg -run Completion -update
// rewrites them.
func TestCompletionGolden(t *testing.T) {
	for _, sh := range shellNames() {
		t.Run(sh, func(t *testing.T) {
			got, stderr, code := runCmd(t, nil, "completion", sh)
			if code != 0 {
				t.Fatalf("completion %s: exit %d, stderr %q", sh, code, stderr)
			}
			path := filepath.Join("testdata", "completion."+sh)
			if *update {
				if err := os.MkdirAll("testdata", 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if got != string(want) {
				t.Errorf("completion %s differs from %s; run go test ./cmd/schemareg -run Completion -update", sh, path)
			}
		})
	}
}

// TestCompletionHasEveryFlag: each script completes every command and
// every flag of every command, with the values of flags that take one of a
// fixed set, in its shell's own form.
func TestCompletionHasEveryFlag(t *testing.T) {
	cmds := completionCommands(context.Background())
	if !slices.ContainsFunc(cmds, func(c completed) bool { return c.name == "diff" && len(c.flags) > 0 }) {
		t.Fatalf("no flags read from diff: %+v", cmds)
	}
	scripts := map[string]string{}
	for _, sh := range shellNames() {
		scripts[sh], _, _ = runCmd(t, nil, "completion", sh)
	}
	for _, c := range commands() {
		var cc completed
		for _, x := range cmds {
			if x.name == c.name {
				cc = x
			}
		}
		if cc.name == "" {
			t.Errorf("%s: not in the completion commands", c.name)
			continue
		}
		for sh, want := range map[string]string{
			"bash": "\t" + c.name + ") REPLY=",
			"zsh":  shellQuote(c.name + ":" + c.summary),
			"fish": "-a " + c.name + " -d",
		} {
			if !strings.Contains(scripts[sh], want) {
				t.Errorf("%s: the %s script lacks %q", c.name, sh, want)
			}
		}
		for _, f := range cc.flags {
			values := strings.Join(f.values, " ")
			checks := map[string][]string{
				"bash": {"--" + f.name},
				"zsh":  {"'--" + f.name + "[", "'--" + f.name + "=["},
				"fish": {"'__schemareg_command " + c.name + "' -l " + f.name + " "},
			}
			if f.values != nil {
				checks["bash"] = append(checks["bash"], c.name+":"+f.name)
				checks["zsh"] = []string{":" + f.name + ":(" + values + ")'"}
				checks["fish"] = []string{"'__schemareg_command " + c.name + "' -l " + f.name + " -x -a '" + values + "'"}
			}
			for sh, wants := range checks {
				// zsh: one of the two forms; the others: all of them.
				found := 0
				for _, w := range wants {
					if strings.Contains(scripts[sh], w) {
						found++
					}
				}
				if found == 0 || (sh != "zsh" && found != len(wants)) {
					t.Errorf("%s --%s: the %s script lacks %q", c.name, f.name, sh, wants)
				}
			}
		}
	}
	// The flags that take one of a few values say so.
	for _, want := range []string{"diff:format", "check:mode", "action:fail-on", "serve:confluent-subjects", "sync:log-format"} {
		cmd, name, _ := strings.Cut(want, ":")
		ok := false
		for _, c := range cmds {
			for _, f := range c.flags {
				ok = ok || (c.name == cmd && f.name == name && len(f.values) > 1)
			}
		}
		if !ok {
			t.Errorf("%s --%s: no set of values", cmd, name)
		}
	}
}

// scriptFile writes the completion script of shell to a temporary file and
// returns its path.
func scriptFile(t *testing.T, shell string) string {
	t.Helper()
	script, _, _ := runCmd(t, nil, "completion", shell)
	path := filepath.Join(t.TempDir(), "schemareg."+shell)
	if err := os.WriteFile(path, []byte(script), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCompletionBash sources the script in bash and completes command
// lines as bash would, through COMP_WORDS and COMP_CWORD.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash")
	}
	path := scriptFile(t, "bash")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.json": "{}", "b.json": "{}", "schemas/c.json": "{}"})
	tests := []struct {
		line []string // the last word is the one completed
		want []string
	}{
		{[]string{"schemareg", "di"}, []string{"diff"}},
		{[]string{"schemareg", "co"}, []string{"compile", "completion"}},
		{[]string{"schemareg", "--v"}, []string{"--version"}},
		{[]string{"schemareg", "diff", "--for"}, []string{"--format"}},
		{[]string{"schemareg", "diff", "--format", ""}, []string{"text", "json", "markdown", "github"}},
		{[]string{"schemareg", "diff", "a.json", "--format", "j"}, []string{"json"}},
		{[]string{"schemareg", "diff", "-format", "m"}, []string{"markdown"}},
		{[]string{"schemareg", "validate", "--format", ""}, []string{"text", "json"}},
		{[]string{"schemareg", "check", "--mode", "FULL"}, []string{"FULL", "FULL_TRANSITIVE"}},
		{[]string{"schemareg", "diff", "--format=j"}, []string{"--format=json"}},
		{[]string{"schemareg", "diff", "--format", "=", "m"}, []string{"markdown"}},
		{[]string{"schemareg", "diff", "--repo", "sch"}, []string{"schemas"}},
		{[]string{"schemareg", "diff", ""}, []string{"a.json", "b.json", "schemas"}},
		{[]string{"schemareg", "compile", "--strict", "a"}, []string{"a.json"}},
		{[]string{"schemareg", "diff", "--", "--for"}, nil},
		{[]string{"schemareg", "help", "ex"}, []string{"export"}},
		{[]string{"schemareg", "completion", "z"}, []string{"zsh"}},
		{[]string{"schemareg", "sync", "--log-format", ""}, []string{"text", "json"}},
		{[]string{"schemareg", "version", "--x"}, nil},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.line, "_"), func(t *testing.T) {
			args := append([]string{"--norc", "--noprofile", "-c",
				`source "$0" || exit 3; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _schemareg; printf '%s\n' "${COMPREPLY[@]}"`,
				path}, tc.line...)
			cmd := exec.Command(bash, args...)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("bash: %v\n%s", err, out)
			}
			got := strings.Fields(string(out))
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tc.want))
			if !slices.Equal(got, want) {
				t.Errorf("COMPREPLY %q, want %q", got, want)
			}
		})
	}
}

// TestCompletionShells runs bash -n, zsh -n and fish -n on their scripts
// where the shell is installed.
func TestCompletionShells(t *testing.T) {
	for _, sh := range shellNames() {
		t.Run(sh, func(t *testing.T) {
			bin, err := exec.LookPath(sh)
			if err != nil {
				t.Skipf("no %s installed: the golden file alone checks its script", sh)
			}
			if out, err := exec.Command(bin, "-n", scriptFile(t, sh)).CombinedOutput(); err != nil {
				t.Errorf("%s -n: %v\n%s", sh, err, out)
			}
		})
	}
}

// TestCompletionFish loads the script in fish and completes command lines
// with fish's own "complete -C", through a schemareg function that runs the
// test binary's command.
func TestCompletionFish(t *testing.T) {
	fish, err := exec.LookPath("fish")
	if err != nil {
		t.Skip("no fish installed (make deps installs it): the golden file alone checks its script")
	}
	path := scriptFile(t, "fish")
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{"a.json": "{}", "b.json": "{}"})
	tests := []struct {
		line string
		want []string
	}{
		{"schemareg di", []string{"diff"}},
		{"schemareg co", []string{"compile", "completion"}},
		{"schemareg diff --for", []string{"--format"}},
		{"schemareg diff --format ", []string{"github", "json", "markdown", "text"}},
		{"schemareg diff a.json --format j", []string{"json"}},
		{"schemareg validate --format ", []string{"json", "text"}},
		{"schemareg diff a", []string{"a.json"}},
		{"schemareg completion z", []string{"zsh"}},
	}
	for _, tc := range tests {
		t.Run(strings.ReplaceAll(tc.line, " ", "_"), func(t *testing.T) {
			cmd := exec.Command(fish, "--no-config", "-c", `source $argv[1]; or exit 3; complete -C $argv[2]`, path, tc.line)
			cmd.Dir = dir
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("fish: %v\n%s", err, out)
			}
			var got []string
			for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
				if l != "" {
					got = append(got, strings.SplitN(l, "\t", 2)[0])
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("complete -C %q = %q, want %q", tc.line, got, tc.want)
			}
		})
	}
}

func TestCompletionUsage(t *testing.T) {
	for _, args := range [][]string{{"completion", "tcsh"}, {"completion"}, {"completion", "bash", "zsh"}} {
		stdout, stderr, code := runCmd(t, nil, args...)
		if code != 2 || stdout != "" || strings.Contains(stderr, "Usage:") ||
			!strings.Contains(stderr, `Run "schemareg help completion" for how to install it.`) {
			t.Errorf("%q: exit %d, stdout %q, stderr %q", args, code, stdout, stderr)
		}
	}
	_, stderr, code := runCmd(t, nil, "help", "completion")
	for _, want := range []string{"source <(schemareg completion bash)", "$fpath", "~/.config/fish/completions/schemareg.fish"} {
		if code != 0 || !strings.Contains(stderr, want) {
			t.Errorf("help completion: exit %d, lacks %q:\n%s", code, want, stderr)
		}
	}
}
