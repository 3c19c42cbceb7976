package action

import (
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/internal/gittest"
)

func TestActionMissingBaseCommit(t *testing.T) {
	p := newPR(t)
	head := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "size")})
	// The repository has no origin, so fetching the base fails.
	out := p.run(shaA, head, nil, nil)
	if !errors.Is(out.err, ErrMissingCommit) || !strings.Contains(out.err.Error(), "fetch-depth: 0") || !strings.Contains(out.err.Error(), shaA) {
		t.Fatalf("err %v, want ErrMissingCommit naming the base and fetch-depth: 0", out.err)
	}
	if !strings.Contains(out.stdout, "::error title=schemareg::") || !strings.Contains(out.summary, "could not run") {
		t.Errorf("the failure is not annotated or summarized:\n%s\n%s", out.stdout, out.summary)
	}
	if len(out.requests) != 0 {
		t.Errorf("requests %q, want none", out.requests)
	}
}

func TestActionFetchesMissingBase(t *testing.T) {
	git, err := exec.LookPath("git")
	if err != nil {
		t.Skip("no git binary to make a shallow clone")
	}
	p := newPR(t)
	head := p.repo.commit("add size", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "size")})
	ws := filepath.Join(t.TempDir(), "ws")
	clone := exec.CommandContext(t.Context(), git, "clone", "--quiet", "--depth", "1", "--branch", "feature", "file://"+p.repo.Dir, ws)
	if out, err := clone.CombinedOutput(); err != nil {
		t.Fatalf("git clone: %v: %s", err, out)
	}
	if openTestRepo(t, ws).commit(p.base) != nil {
		t.Fatal("the shallow clone has the base commit")
	}
	out := p.run(p.base, head, nil, func(c *Config) { c.Workspace = ws })
	if out.err != nil || out.res.Failed {
		t.Fatalf("err %v, failed %v; want the base fetched and a passing run", out.err, out.res.Failed)
	}
	if out.res.Report.Base != p.base || len(out.res.Report.Schemas) != 1 {
		t.Errorf("report %+v, want ticks_v1 judged from %s", out.res.Report, p.base)
	}
}

func openTestRepo(t *testing.T, dir string) *repo {
	t.Helper()
	r, err := openRepo(dir)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestActionMergeBase(t *testing.T) {
	p := newPR(t)
	quotes := strings.ReplaceAll(strings.ReplaceAll(ticks("1.0.0", "ts", "price"), "ticks_v1", "quotes_v1"), "Ticks", "Quotes")
	head := p.repo.commit("add quotes", map[string]string{"schemas/quotes_v1.json": quotes})
	// main moves on after the branch: the pull request lacks ticks_v1 1.1.0.
	p.repo.Checkout("main", false)
	tip := p.repo.commit("ticks_v1 1.1.0", map[string]string{"schemas/ticks_v1.json": ticks("1.1.0", "ts", "price", "side", "exchange")})
	out := p.run(tip, head, nil, nil)
	if out.err != nil || out.res.Failed {
		t.Fatalf("err %v, failed %v; main's own change must not count against the pull request", out.err, out.res.Failed)
	}
	r := out.res.Report
	if r.Base != p.base || len(r.Schemas) != 1 || r.Schemas[0].ID != "quotes_v1" {
		t.Errorf("report from %s with %+v; want quotes_v1 alone, judged from the merge base %s", r.Base, r.Schemas, p.base)
	}
}

func TestActionInvalidSchema(t *testing.T) {
	for _, failOn := range []FailOn{FailOnInvalidBump, FailOnNever} {
		t.Run(string(failOn), func(t *testing.T) {
			p := newPR(t)
			broken := strings.Replace(ticks("1.1.0", "ts", "price", "side"), `"type": "number"`, `"type": "number",,`, 1)
			head := p.repo.commit("oops", map[string]string{"schemas/ticks_v1.json": broken})
			out := p.run(p.base, head, nil, func(c *Config) { c.FailOn = failOn })
			if out.err != nil || !out.res.Failed {
				t.Fatalf("err %v, failed %v; an invalid schema fails the run", out.err, out.res.Failed)
			}
			if !strings.Contains(out.stdout, "::error file=schemas/ticks_v1.json,line=9,") {
				t.Errorf("no annotation on the broken line:\n%s", out.stdout)
			}
			if failOn == FailOnInvalidBump {
				checkGolden(t, "invalid_schema", out.golden(p.gh))
			}
		})
	}
}

// testRepo is a gittest repository that commits a set of files at once.
type testRepo struct {
	*gittest.Repo
}

// deleted, as a file's content in a commit, removes the file.
const deleted = "\x00deleted"

func newTestRepo(t *testing.T) *testRepo {
	return &testRepo{gittest.New(t)}
}

// commit writes files (path to content, or deleted), commits them and
// returns the commit's id.
func (r *testRepo) commit(msg string, files map[string]string) string {
	for name, content := range files {
		if content == deleted {
			r.Remove(name)
		} else {
			r.Write(name, content)
		}
	}
	return r.Commit(msg).String()
}

// The base of a pull request is found among head's nearest ancestors; one
// further back than the bound is left to the full merge-base walk.
func TestReachesWithin(t *testing.T) {
	r := newTestRepo(t)
	var hashes []string
	for i := range 5 {
		hashes = append(hashes, r.commit("c", map[string]string{"f.txt": strings.Repeat("x", i+1)}))
	}
	rp, err := openRepo(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	head, root := rp.commit(hashes[4]), rp.commit(hashes[0])
	if !reachesWithin(head, root.Hash, 5) {
		t.Error("the root is the fifth commit from head")
	}
	if reachesWithin(head, root.Hash, 3) {
		t.Error("the root found within three commits")
	}
	if got := rp.mergeBase(hashes[1], hashes[4]); got != hashes[1] {
		t.Errorf("merge base of an ancestor: %s, want %s", got, hashes[1])
	}
}
