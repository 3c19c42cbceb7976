// Package hostile drives the schemareg binary with hostile input: schemas
// that reach for the network or the file system, requests past every
// limit, slow clients, bad certificates and wrong passwords, and checks
// that secrets never reach what the processes print.
package hostile

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/e2e/internal/e2etest"
)

// binary is the schemareg binary TestMain builds.
var binary string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	dir, err := e2etest.Build("", map[string]string{"schemareg": "../../cmd/schemareg"})
	defer os.RemoveAll(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	binary = filepath.Join(dir, "schemareg")
	return m.Run()
}

// needBinary skips a test under -short: it runs the binary.
func needBinary(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the schemareg binary")
	}
}

// result is what a finished schemareg printed and how it exited.
type result struct {
	stdout, stderr string
	code           int
}

// output is stdout and stderr together, for greps.
func (r result) output() string { return r.stdout + r.stderr }

// schemareg runs the binary in dir to completion with env added to the
// test's environment (less the SCHEMAREG_ and AWS_ variables of whoever
// runs the test).
func schemareg(t *testing.T, dir string, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	stdout, stderr, code, err := e2etest.Run(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return result{stdout, stderr, code}
}

// cleanEnv is the test's environment without the variables that would
// change what schemareg does.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SCHEMAREG_") || strings.HasPrefix(kv, "AWS_") || strings.HasPrefix(kv, "GITHUB_") ||
			strings.HasPrefix(kv, "INPUT_") || strings.HasPrefix(kv, "HTTP_PROXY=") || strings.HasPrefix(kv, "HTTPS_PROXY=") ||
			strings.HasPrefix(kv, "http_proxy=") || strings.HasPrefix(kv, "https_proxy=") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "NO_PROXY=*", "GIT_CONFIG_GLOBAL=/dev/null", "GIT_CONFIG_NOSYSTEM=1")
}

// process is a long-running schemareg, stopped with SIGINT when the test
// ends.
type process = e2etest.Process

// start starts the binary in dir with env added to cleanEnv.
func start(t *testing.T, dir string, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), env...)
	return e2etest.Start(t, cmd)
}

var (
	freeAddr = e2etest.FreeAddr
	waitFor  = e2etest.WaitFor
)

// get fetches a URL with client (nil: a plain one) and returns the
// status and body; status 0 when the request failed.
func get(t *testing.T, client *http.Client, url string) (int, []byte) {
	t.Helper()
	if client == nil {
		client = &http.Client{Transport: &http.Transport{Proxy: nil}}
		defer client.CloseIdleConnections()
	}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, body
}

// git runs the git command line in dir.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// writeFile writes a file, making its folders.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// newRepo makes a Git repository with the files given (path → content)
// in one commit and returns its folder.
func newRepo(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	for p, c := range files {
		writeFile(t, filepath.Join(dir, p), c)
	}
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "--allow-empty", "-m", "first")
	return dir
}

// ticks is a small registry schema at a version, with extra properties
// (JSON members after "price", each with its leading comma).
func ticks(version, extra string) string {
	return `{
  "id": "ticks_v1",
  "version": "` + version + `",
  "type": "object",
  "properties": {
    "symbol": {"type": "string", "minLength": 1},
    "price": {"type": "number", "exclusiveMinimum": 0}` + extra + `
  },
  "required": ["symbol", "price"],
  "additionalProperties": false
}
`
}
