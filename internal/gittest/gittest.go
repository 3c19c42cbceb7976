// Package gittest builds real Git repositories for tests, in a test's
// temporary folder, with go-git. Every commit has a fixed author and a
// clock that advances an hour per commit, so histories are reproducible.
//
//	r := gittest.New(t)
//	r.Write("schemas/ticks_v1.json", doc)
//	base := r.Commit("add ticks")
package gittest

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// Repo is a repository with a work tree.
type Repo struct {
	t    testing.TB
	Dir  string
	Repo *git.Repository
	wt   *git.Worktree
	// Clock is the time of the last commit; each commit adds an hour.
	Clock time.Time
}

// New initializes an empty repository whose branch is "main".
func New(t testing.TB) *Repo {
	t.Helper()
	dir := t.TempDir()
	repo, err := git.PlainInitWithOptions(dir, &git.PlainInitOptions{
		InitOptions: git.InitOptions{DefaultBranch: plumbing.NewBranchReferenceName("main")},
	})
	if err != nil {
		t.Fatal(err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		t.Fatal(err)
	}
	return &Repo{t: t, Dir: dir, Repo: repo, wt: wt, Clock: time.Date(2026, 1, 2, 9, 0, 0, 0, time.FixedZone("CET", 3600))}
}

// Write writes a file of the work tree and stages it.
func (r *Repo) Write(path, content string) {
	r.t.Helper()
	full := filepath.Join(r.Dir, filepath.FromSlash(path))
	if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
		r.t.Fatal(err)
	}
	if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.wt.Add(path); err != nil {
		r.t.Fatal(err)
	}
}

// Remove removes a file and stages the removal.
func (r *Repo) Remove(path string) {
	r.t.Helper()
	if _, err := r.wt.Remove(path); err != nil {
		r.t.Fatal(err)
	}
}

// Commit commits what is staged; extra parents make a merge commit whose
// first parent is HEAD.
func (r *Repo) Commit(msg string, parents ...plumbing.Hash) plumbing.Hash {
	r.t.Helper()
	r.Clock = r.Clock.Add(time.Hour)
	sig := &object.Signature{Name: "Ada Lovelace", Email: "ada@example.com", When: r.Clock}
	opts := &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true}
	if len(parents) > 0 {
		opts.Parents = append([]plumbing.Hash{r.Head()}, parents...)
	}
	h, err := r.wt.Commit(msg, opts)
	if err != nil {
		r.t.Fatal(err)
	}
	return h
}

// Head returns the commit HEAD points at.
func (r *Repo) Head() plumbing.Hash {
	r.t.Helper()
	ref, err := r.Repo.Head()
	if err != nil {
		r.t.Fatal(err)
	}
	return ref.Hash()
}

// Checkout moves the work tree to a branch, creating it at HEAD when create is set.
func (r *Repo) Checkout(branch string, create bool) {
	r.t.Helper()
	if err := r.wt.Checkout(&git.CheckoutOptions{Branch: plumbing.NewBranchReferenceName(branch), Create: create}); err != nil {
		r.t.Fatal(err)
	}
}
