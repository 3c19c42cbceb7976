// Package e2e drives the schemareg binary as a user does, through
// processes, files, Git and HTTP only.
package e2e

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
	dir, err := e2etest.Build("", map[string]string{"schemareg": "../cmd/schemareg"})
	defer os.RemoveAll(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	binary = filepath.Join(dir, "schemareg")
	return m.Run()
}

// schemareg runs the binary to completion and returns its output and exit code.
func schemareg(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Dir = dir
	stdout, stderr, code, err := e2etest.Run(cmd)
	if err != nil {
		t.Fatal(err)
	}
	return stdout, stderr, code
}

// process is a long-running schemareg, stopped with SIGINT when the test ends.
type process = e2etest.Process

// start starts the binary in dir.
func start(t *testing.T, dir string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Dir = dir
	return e2etest.Start(t, cmd)
}

var (
	freeAddr = e2etest.FreeAddr
	waitFor  = e2etest.WaitFor
)

// get fetches a URL and returns status, ETag and body.
func get(t *testing.T, url string, header ...string) (int, string, []byte) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Ask for the identity encoding: Go's transport would otherwise ask
	// for gzip and hide it, and the gzip variant has its own ETag.
	req.Header.Set("Accept-Encoding", "identity")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, "", nil
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("ETag"), body
}

// git runs the git command line in dir.
func git(t *testing.T, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}
