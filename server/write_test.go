package server

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

const (
	aliceToken = "alice-0123456789abcdef"
	bobToken   = "bob-fedcba9876543210xx"
)

var writeTokens = []WriteToken{{Name: "alice", Token: aliceToken}, {Name: "bob", Token: bobToken}}

// bareClone clones the harness's repository bare: the target of writes.
func bareClone(t *testing.T, h *harness) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "schemas.git")
	if _, err := git.PlainClone(dir, true, &git.CloneOptions{URL: h.repo.Dir}); err != nil {
		t.Fatal(err)
	}
	return dir
}

// publishFrom compiles a repository's branch and publishes it, as the
// syncer does; a commit the compiler refuses fails the test.
func publishFrom(t *testing.T, h *harness, dir string) {
	t.Helper()
	b, err := testrepo.Compile(t.Context(), dir)
	if err != nil {
		t.Fatalf("compile %s: %v", dir, err)
	}
	if _, err := testrepo.Publish(t.Context(), h.cli, b); err != nil {
		t.Fatal(err)
	}
}

func branchCommit(t *testing.T, dir string) *object.Commit {
	t.Helper()
	repo, err := git.PlainOpen(dir)
	if err != nil {
		t.Fatal(err)
	}
	ref, err := repo.Reference(plumbing.NewBranchReferenceName(testrepo.Branch), true)
	if err != nil {
		t.Fatal(err)
	}
	c, err := repo.CommitObject(ref.Hash())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func writeServer(t *testing.T, h *harness, repo string) *testServer {
	t.Helper()
	return h.server(Options{Git: &GitTarget{Repo: repo, Branch: testrepo.Branch}, WriteTokens: writeTokens})
}

func TestWriteNeedsAuthentication(t *testing.T) {
	h := newHarness(t)
	bare := bareClone(t, h)
	ts := writeServer(t, h, bare)
	body := ticks120(t, h)
	const ct = "Content-Type: application/json"

	r := ts.do(t, http.MethodPost, "/schema/ticks_v1", body, ct)
	r.wantError(t, http.StatusUnauthorized, "unauthorized")
	if got := r.Header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
		t.Errorf("WWW-Authenticate %q", got)
	}
	ts.do(t, http.MethodPost, "/schema/ticks_v1", body, ct, "Authorization: Bearer "+aliceToken+"x").wantError(t, http.StatusUnauthorized, "unauthorized")
	ts.do(t, http.MethodPost, "/schema/ticks_v1", body, ct, "Authorization: Bearer "+aliceToken[:10]).wantError(t, http.StatusUnauthorized, "unauthorized")
	ts.do(t, http.MethodPost, "/schema/ticks_v1", body, ct, "Authorization: Basic "+aliceToken).wantError(t, http.StatusUnauthorized, "unauthorized")

	// A CORS simple request: no type, or text/plain, is refused even with a token.
	auth := "Authorization: Bearer " + bobToken
	ts.do(t, http.MethodPost, "/schema/ticks_v1", body, auth).wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
	ts.do(t, http.MethodPost, "/schema/ticks_v1", body, auth, "Content-Type: text/plain").wantError(t, http.StatusUnsupportedMediaType, "unsupported_media_type")
	if c := branchCommit(t, bare); c.Hash.String() != h.repo.Commits[len(h.repo.Commits)-1] {
		t.Fatalf("a refused write moved the branch to %s", c.Hash)
	}

	var c api.Created
	ts.do(t, http.MethodPost, "/schema/ticks_v1", body, ct, auth).wantStatus(t, http.StatusAccepted).decode(t, &c)
	commit := branchCommit(t, bare)
	if commit.Hash.String() != c.Commit || commit.Author.Name != "bob" || !strings.Contains(commit.Message, "Written-by: bob (bearer token)") {
		t.Errorf("commit %s by %q: %q", commit.Hash, commit.Author.Name, commit.Message)
	}
	if commit.Committer.Name != "schemareg" {
		t.Errorf("committer %q", commit.Committer.Name)
	}

	// Git without any way to authenticate writes nothing.
	none := h.server(Options{Git: &GitTarget{Repo: bare, Branch: testrepo.Branch}})
	none.do(t, http.MethodPost, "/schema/ticks_v1", body, ct, auth).wantError(t, http.StatusForbidden, "forbidden")
}

// trapBody counts reads of a request body.
type trapBody struct{ reads atomic.Int64 }

func (b *trapBody) Read(p []byte) (int, error) {
	b.reads.Add(1)
	return copy(p, "{"), nil
}

func (b *trapBody) Close() error { return nil }

func TestWriteRefusedBeforeTheBodyIsRead(t *testing.T) {
	h := newHarness(t)
	for name, opts := range map[string]Options{
		"no git":   {},
		"no token": {Git: &GitTarget{Repo: bareClone(t, h), Branch: testrepo.Branch}, WriteTokens: writeTokens},
	} {
		t.Run(name, func(t *testing.T) {
			s := h.server(opts).Server
			body := &trapBody{}
			req := httptest.NewRequest(http.MethodPost, "/schema/ticks_v1", nil)
			req.Body, req.ContentLength = body, -1 // unknown length: only reading finds the limit
			req.Header.Set("Content-Type", "application/json")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusForbidden && rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d: %s", rec.Code, rec.Body)
			}
			if n := body.reads.Load(); n != 0 {
				t.Errorf("the body was read %d times before the refusal", n)
			}
		})
	}
}

// TestWriteJudgedAgainstTheBranch: 1.2.0 adds a property, then at once,
// before anything is published, 1.3.0 drops it. Against etcd (1.1.1) 1.3.0
// looks harmless; against the branch it breaks major 1 and the compiler
// would refuse it, so the server must.
func TestWriteJudgedAgainstTheBranch(t *testing.T) {
	h := newHarness(t)
	bare := bareClone(t, h)
	ts := writeServer(t, h, bare)
	post := func(body []byte) *response {
		return ts.do(t, http.MethodPost, "/schema/ticks_v1", body, "Content-Type: application/json", "Authorization: Bearer "+aliceToken)
	}
	venue := func(d map[string]any) { d["properties"].(map[string]any)["venue"] = map[string]any{"type": "string"} }
	post(editTicks(t, h, "1.2.0", venue)).wantStatus(t, http.StatusAccepted)
	tip := branchCommit(t, bare).Hash

	var ref refusal
	post(editTicks(t, h, "1.3.0", nil)).wantStatus(t, http.StatusConflict).decode(t, &ref)
	if !strings.Contains(ref.Error.Message, "compiler would refuse") || !strings.Contains(ref.Error.Message, "schemas/ticks_v1.json") {
		t.Errorf("refusal %+v", ref.Error)
	}
	if got := branchCommit(t, bare).Hash; got != tip {
		t.Fatalf("the refused commit moved the branch to %s", got)
	}
	// What the server accepted, the compiler accepts.
	publishFrom(t, h, bare)
	post(editTicks(t, h, "2.0.0", nil)).wantStatus(t, http.StatusAccepted)
	publishFrom(t, h, bare)
}

// TestWriteTwoServersShareARepository: two servers commit to one
// repository at once. Every write is 202 or a 409 to retry, never a 5xx,
// and the branch holds every accepted commit, one after the other.
func TestWriteTwoServersShareARepository(t *testing.T) {
	h := newHarness(t)
	bare := bareClone(t, h)
	servers := []*testServer{writeServer(t, h, bare), writeServer(t, h, bare)}
	const writes = 8
	var wg sync.WaitGroup
	codes := make([]int, writes)
	commits := make([]string, writes)
	for i := range writes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("race_%02d", i)
			req, err := http.NewRequest(http.MethodPost, servers[i%2].url+"/schema/"+id, strings.NewReader(string(testrepo.Synthetic(id, "1.0.0"))))
			if err != nil {
				t.Error(err)
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+aliceToken)
			resp, err := servers[i%2].client.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			defer resp.Body.Close()
			codes[i] = resp.StatusCode
			if resp.StatusCode >= 500 {
				body, _ := io.ReadAll(resp.Body)
				t.Logf("write %d: %s", i, body)
			}
			var c api.Created
			if resp.StatusCode == http.StatusAccepted {
				if err := json.NewDecoder(resp.Body).Decode(&c); err != nil {
					t.Error(err)
				}
				commits[i] = c.Commit
			}
		}()
	}
	wg.Wait()
	accepted := map[string]bool{}
	for i, code := range codes {
		switch code {
		case http.StatusAccepted:
			accepted[commits[i]] = true
		case http.StatusConflict:
		default:
			t.Errorf("write %d: status %d", i, code)
		}
	}
	if len(accepted) == 0 {
		t.Fatal("no write was accepted")
	}
	// Walk the branch back to the clone's tip: exactly the accepted commits.
	c := branchCommit(t, bare)
	base := h.repo.Commits[len(h.repo.Commits)-1]
	seen := 0
	for c.Hash.String() != base {
		if !accepted[c.Hash.String()] {
			t.Fatalf("commit %s on the branch was not answered 202", c.Hash)
		}
		seen++
		var err error
		if c, err = c.Parent(0); err != nil {
			t.Fatal(err)
		}
	}
	if seen != len(accepted) {
		t.Errorf("%d commits on the branch, %d accepted: a write was lost", seen, len(accepted))
	}
	publishFrom(t, h, bare)
}

func TestWriteIfMatch(t *testing.T) {
	h := newHarness(t)
	ts := writeServer(t, h, bareClone(t, h))
	etag := ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK).Header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	post := func(path string, body []byte, ifMatch string) *response {
		return ts.do(t, http.MethodPost, path, body, "Content-Type: application/json", "Authorization: Bearer "+aliceToken, "If-Match: "+ifMatch)
	}
	body := ticks120(t, h)
	post("/schema/ticks_v1", body, `"sha256:0000"`).wantError(t, http.StatusPreconditionFailed, "precondition_failed")
	post("/schema/ticks_v1", body, "W/"+etag).wantError(t, http.StatusPreconditionFailed, "precondition_failed")
	post("/schema/ticks_v1?dry_run=true", body, `"x", `+etag).wantStatus(t, http.StatusOK)
	post("/schema/fresh_v1", testrepo.Synthetic("fresh_v1", "1.0.0"), "*").wantError(t, http.StatusPreconditionFailed, "precondition_failed")
	post("/schema/ticks_v1", body, etag).wantStatus(t, http.StatusAccepted)
}

func TestWriteNeverTouchesAWorkTree(t *testing.T) {
	h := newHarness(t)
	tip := branchCommit(t, h.repo.Dir).Hash
	ts := writeServer(t, h, h.repo.Dir)
	var ref refusal
	ts.do(t, http.MethodPost, "/schema/ticks_v1", ticks120(t, h), "Content-Type: application/json", "Authorization: Bearer "+aliceToken).
		wantStatus(t, http.StatusForbidden).decode(t, &ref)
	if !strings.Contains(ref.Error.Message, "checked out") || !strings.Contains(ref.Error.Message, "bare") {
		t.Errorf("refusal %+v", ref.Error)
	}
	if got := branchCommit(t, h.repo.Dir).Hash; got != tip {
		t.Errorf("the branch checked out moved to %s", got)
	}
	if err := (GitTarget{Repo: h.repo.Dir}).Check(); err == nil {
		t.Error("Check takes a checked-out branch")
	}
	if err := (GitTarget{Repo: t.TempDir()}).Check(); err == nil || !strings.Contains(err.Error(), "not a git repository") {
		t.Errorf("Check of an empty folder: %v", err)
	}
}
