package hostile

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

const writeToken = "hostile-write-token-0123456789"

// write posts a schema with the given headers ("Name: value").
func (s *server) write(t *testing.T, path, body string, headers ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		name, value, _ := strings.Cut(h, ": ")
		req.Header.Set(name, value)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Errorf("POST %s: %v", path, err)
		return 0, ""
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// TestWriteAttacks drives two `serve --git-repo` processes sharing one bare
// repository: a cross-origin page's request writes nothing, racing writes
// never fail with 5xx nor hide the branch from git, a commit the compiler
// would refuse is refused, and a checked-out branch is never a target.
func TestWriteAttacks(t *testing.T) {
	repo := newRepo(t, map[string]string{"schemas/ticks_v1.json": ticks("1.0.0", "")})
	bare := filepath.Join(t.TempDir(), "schemas.git")
	git(t, repo, "clone", "-q", "--bare", repo, bare)
	tokens := filepath.Join(t.TempDir(), "tokens")
	if err := os.WriteFile(tokens, []byte("ci "+writeToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"--git-repo", bare, "--write-token-file", tokens}
	a, b := startServer(t, repo, args...), startServer(t, repo, args...)
	tip := func() string { return strings.TrimSpace(git(t, bare, "rev-parse", "main")) }
	first := tip()
	auth, ct := "Authorization: Bearer "+writeToken, "Content-Type: application/json"

	t.Run("CrossOriginPage", func(t *testing.T) {
		body := ticks("1.1.0", `, "venue": {"type": "string"}`)
		for _, h := range [][]string{nil, {"Content-Type: text/plain"}, {auth}, {auth, "Content-Type: text/plain;charset=UTF-8"}, {ct, "Authorization: Bearer nope"}} {
			if code, resp := a.write(t, "/schema/ticks_v1", body, h...); code != http.StatusUnauthorized && code != http.StatusUnsupportedMediaType {
				t.Errorf("headers %q: %d %s; want 401 or 415", h, code, resp)
			}
		}
		if got := tip(); got != first {
			t.Fatalf("a refused write moved main to %s", got)
		}
	})

	t.Run("JudgedAgainstTheBranch", func(t *testing.T) {
		if code, resp := a.write(t, "/schema/ticks_v1", ticks("1.1.0", `, "venue": {"type": "string"}`), auth, ct); code != http.StatusAccepted {
			t.Fatalf("1.1.0: %d %s", code, resp)
		}
		// etcd still has 1.0.0, the branch 1.1.0: dropping venue breaks major 1.
		code, resp := b.write(t, "/schema/ticks_v1", ticks("1.2.0", ""), auth, ct)
		if code != http.StatusConflict || !strings.Contains(resp, "compiler would refuse") {
			t.Fatalf("1.2.0 dropping venue: %d %s", code, resp)
		}
		if msg := git(t, bare, "log", "-1", "--format=%an|%B", "main"); !strings.HasPrefix(msg, "ci|") || !strings.Contains(msg, "Written-by: ci (bearer token)") {
			t.Errorf("the commit does not record its writer: %q", msg)
		}
	})

	t.Run("TwoReplicasRace", func(t *testing.T) {
		const writes = 12
		var wg sync.WaitGroup
		var accepted, missing atomic.Int64
		done := make(chan struct{})
		go func() { // another git process reads main all along
			for {
				select {
				case <-done:
					return
				default:
				}
				if err := exec.Command("git", "-C", bare, "rev-parse", "--verify", "-q", "main").Run(); err != nil {
					missing.Add(1)
				}
			}
		}()
		for i := range writes {
			wg.Add(1)
			go func() {
				defer wg.Done()
				id := fmt.Sprintf("race_%02d", i)
				body := `{"id": "` + id + `", "version": "1.0.0", "type": "object", "properties": {"n": {"type": "integer"}}}`
				srv := []*server{a, b}[i%2]
				switch code, resp := srv.write(t, "/schema/"+id, body, auth, ct); code {
				case http.StatusAccepted:
					accepted.Add(1)
				case http.StatusConflict:
				default:
					t.Errorf("%s: %d %s; want 202 or 409", id, code, resp)
				}
			}()
		}
		wg.Wait()
		close(done)
		if n := missing.Load(); n > 0 {
			t.Errorf("git saw main missing %d times", n)
		}
		files := git(t, bare, "ls-tree", "--name-only", "main", "schemas/")
		if got := int64(strings.Count(files, "race_")); got != accepted.Load() || got == 0 {
			t.Errorf("%d files on main, %d writes accepted:\n%s", got, accepted.Load(), files)
		}
		git(t, bare, "fsck", "--no-progress")
	})

	// What the servers committed, the compiler accepts.
	work := filepath.Join(t.TempDir(), "work")
	git(t, repo, "clone", "-q", bare, work)
	if r := schemareg(t, work, nil, "compile", "--out", filepath.Join(t.TempDir(), "bundle")); r.code != 0 {
		t.Errorf("compile of what the servers committed: exit %d\n%s", r.code, r.output())
	}

	t.Run("CheckedOutBranchRefused", func(t *testing.T) {
		r := schemareg(t, repo, nil, "serve", "--git-repo", repo, "--write-token-file", tokens)
		if r.code != 2 || !strings.Contains(r.stderr, "checked out in its work tree") {
			t.Errorf("exit %d\n%s", r.code, r.output())
		}
		if st := git(t, repo, "status", "--porcelain"); st != "" {
			t.Errorf("git status: %s", st)
		}
	})
}
