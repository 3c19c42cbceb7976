package main

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
)

const pathsSecret = "AKIASECRETFROMOUTSIDE"

// outsideRepo makes a folder outside the repository holding a credential
// file that parses as JSON, and a repository (cwd) with one valid schema.
func outsideRepo(t *testing.T) (outside string) {
	t.Helper()
	outside = t.TempDir()
	writeFiles(t, outside, map[string]string{
		"config.json":     `{"id": "config", "version": "1.0.0", "description": "` + pathsSecret + `"}`,
		"other/.git/HEAD": "ref: refs/heads/main\n",
		"other/x_v1.json": `{"id": "x_v1", "version": "1.0.0", "description": "` + pathsSecret + `"}`,
	})
	t.Chdir(t.TempDir())
	writeFiles(t, ".", map[string]string{
		".git/HEAD":               "ref: refs/heads/main\n",
		"schemas/ticks_v1.json":   `{"id": "ticks_v1", "version": "1.0.0", "type": "object", "properties": {"x": {"type": "string"}}}`,
		"fixtures/inside_v1.json": `{"id": "inside_v1", "version": "1.0.0", "type": "string"}`,
	})
	return outside
}

func symlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(link), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestExplicitPathLinksOutsideRefused(t *testing.T) {
	outside := outsideRepo(t)
	symlink(t, filepath.Join(outside, "config.json"), "schemas/base_v1.json")
	symlink(t, outside, "schemas/linked")
	symlink(t, filepath.Join(outside, "other"), "schemas/otherrepo")
	for _, args := range [][]string{
		{"validate", "schemas/base_v1.json"},
		{"validate", "schemas/linked/config.json"},
		{"validate", "schemas/linked"},
		{"validate", "schemas/otherrepo/x_v1.json"},
		{"diff", "schemas/ticks_v1.json", "schemas/base_v1.json"},
		{"diff", "schemas/base_v1.json", "schemas/ticks_v1.json"},
		{"diff", "schemas/linked/config.json", "schemas/ticks_v1.json"},
		{"diff", "schemas/otherrepo/x_v1.json", "schemas/ticks_v1.json"},
		{"export", "schemas/base_v1.json"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			stdout, stderr, code := runCmd(t, nil, args...)
			if code != 2 {
				t.Errorf("exit %d, want 2\n%s%s", code, stdout, stderr)
			}
			if !strings.Contains(stderr, "symbolic link leaves the repository") {
				t.Errorf("stderr does not say the link leaves the repository:\n%s", stderr)
			}
			if strings.Contains(stdout+stderr, pathsSecret) {
				t.Errorf("the output shows the file outside the repository:\n%s%s", stdout, stderr)
			}
		})
	}
}

func TestExplicitPathLinksInsideRead(t *testing.T) {
	outsideRepo(t)
	symlink(t, filepath.Join("..", "fixtures", "inside_v1.json"), "schemas/alias.json")
	stdout, stderr, code := runCmd(t, nil, "diff", "fixtures/inside_v1.json", "schemas/alias.json")
	if code != 0 {
		t.Errorf("a link inside the repository: exit %d\n%s%s", code, stdout, stderr)
	}
	symlink(t, "fixtures", "alias")
	stdout, stderr, code = runCmd(t, nil, "validate", "--format", "json", "alias")
	if code != 0 || !strings.Contains(stdout, `"files": 1`) {
		t.Errorf("a linked folder inside the repository: exit %d\n%s%s", code, stdout, stderr)
	}
	writeFiles(t, ".", map[string]string{"fixtures/bad_v1.json": `{"id": "bad_v1"}`})
	stdout, _, _ = runCmd(t, nil, "validate", "alias")
	if !strings.HasPrefix(stdout, "alias/bad_v1.json:1:1: ") {
		t.Errorf("a problem below a linked folder is not named below it as given:\n%s", stdout)
	}
}

// fifoWatch makes a named pipe at path and records whether anything
// opened it to read: it tries to open the write end without blocking,
// which succeeds only while a reader has the pipe open.
type fifoWatch struct {
	mu     sync.Mutex
	opened int
	stop   chan struct{}
	done   chan struct{}
}

func watchFIFO(t *testing.T, path string) *fifoWatch {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	w := &fifoWatch{stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(w.done)
		for {
			select {
			case <-w.stop:
				return
			default:
			}
			f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
			if err != nil {
				if !errors.Is(err, syscall.ENXIO) {
					return
				}
				continue
			}
			f.Write([]byte(`{"id": "pipe_v1", "version": "1.0.0"}`))
			f.Close()
			w.mu.Lock()
			w.opened++
			w.mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		close(w.stop)
		<-w.done
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.opened > 0 {
			t.Errorf("the named pipe %s was opened %d times", path, w.opened)
		}
	})
	return w
}

func TestExplicitPathFIFORefused(t *testing.T) {
	outside := outsideRepo(t)
	watchFIFO(t, filepath.Join(outside, "pipe.json"))
	watchFIFO(t, "schemas/pipe_v1.json")
	symlink(t, filepath.Join(outside, "pipe.json"), "schemas/outpipe_v1.json")
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"validate", "schemas/pipe_v1.json"}, "schemas/pipe_v1.json: a named pipe (FIFO), not a regular file"},
		{[]string{"validate", filepath.Join(outside, "pipe.json")}, "a named pipe (FIFO), not a regular file"},
		{[]string{"diff", "schemas/pipe_v1.json", "schemas/ticks_v1.json"}, "schemas/pipe_v1.json: a named pipe (FIFO), not a regular file"},
		{[]string{"diff", "schemas/ticks_v1.json", "schemas/outpipe_v1.json"}, "symbolic link leaves the repository"},
		{[]string{"validate", "/dev/zero"}, "/dev/zero: a character device, not a regular file"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			stdout, stderr, code := runCmd(t, nil, tt.args...)
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, want 2 and %q\n%s%s", code, tt.want, stdout, stderr)
			}
		})
	}
}

func TestValidateFolderReportsSkipped(t *testing.T) {
	outside := outsideRepo(t)
	watchFIFO(t, "schemas/pipe_v1.json")
	symlink(t, filepath.Join(outside, "config.json"), "schemas/base_v1.json")
	symlink(t, outside, "schemas/linked")
	stdout, stderr, code := runCmd(t, nil, "validate", "schemas")
	if code != 0 || stdout != "1 schema valid\n" {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
	want := "schemareg: validate: skipped schemas/base_v1.json: a symbolic link, never followed; commit the file itself\n" +
		"schemareg: validate: skipped schemas/linked: a symbolic link, never followed; commit the file itself\n" +
		"schemareg: validate: skipped schemas/pipe_v1.json: a named pipe (FIFO), not a regular file\n"
	if stderr != want {
		t.Errorf("stderr:\n%s\nwant:\n%s", stderr, want)
	}
	stdout, _, code = runCmd(t, nil, "validate", "--format", "json", "schemas")
	if code != 0 || !strings.Contains(stdout, `"path": "schemas/pipe_v1.json"`) || !strings.Contains(stdout, `"reason": "a symbolic link, never followed; commit the file itself"`) {
		t.Errorf("json: exit %d\n%s", code, stdout)
	}
}

func TestControlCharacterFileNamesRefused(t *testing.T) {
	outsideRepo(t)
	name := "schemas/a\n::error file=x::forged_v1.json"
	writeFiles(t, ".", map[string]string{name: `{"id": "a", "version": "1.0.0"}`})
	for _, args := range [][]string{{"validate", "schemas"}, {"validate", name}, {"diff", name, "schemas/ticks_v1.json"}} {
		stdout, stderr, code := runCmd(t, nil, args...)
		if code != 2 || !strings.Contains(stderr, `"schemas/a\n::error file=x::forged_v1.json": a control character in a file name; rename it`) {
			t.Errorf("%q: exit %d\n%s%s", args, code, stdout, stderr)
		}
		for _, line := range strings.Split(stdout+stderr, "\n") {
			if strings.HasPrefix(line, "::") {
				t.Errorf("%q printed a workflow command: %q", args, line)
			}
		}
	}
}

func TestSchemaTextCannotForgeCommands(t *testing.T) {
	t.Chdir(t.TempDir())
	hostile := `a\n::error file=x::forged\r\u001b[2J\u2028`
	writeFiles(t, ".", map[string]string{
		"old.json": `{"id": "t_v1", "version": "1.0.0", "type": "object", "properties": {"` + hostile + `": {"type": "string", "description": "` + hostile + `"}}, "additionalProperties": false}`,
		"new.json": `{"id": "t_v1", "version": "1.1.0", "type": "object", "properties": {}, "additionalProperties": false}`,
	})
	for _, format := range []string{"text", "github", "markdown"} {
		stdout, stderr, code := runCmd(t, nil, "diff", "--format", format, "old.json", "new.json")
		if code != 1 {
			t.Errorf("%s: exit %d, want 1 (breaking)\n%s%s", format, code, stdout, stderr)
		}
		for _, line := range strings.Split(stdout, "\n") {
			if strings.HasPrefix(line, "::error file=x") || (format != "github" && strings.HasPrefix(line, "::")) {
				t.Errorf("%s: a schema's property name forged the line %q", format, line)
			}
			if strings.ContainsAny(line, "\r\x1b\u2028") {
				t.Errorf("%s: a control character reached the output: %q", format, line)
			}
		}
	}
}
