package confluent

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/schemareg/schemareg/compiler"
)

// CommitOptions say how CommitImport writes the history.
type CommitOptions struct {
	// Repo is the repository's folder; an empty or missing one is initialized.
	Repo string
	// From is the registry the plan was read from, stated in each message.
	From string
	// Author signs every commit; When is the commits' date.
	Author, Email string
	When          time.Time
}

// CommitImport writes one commit per step of plan into the repository,
// then compiles the history the way schemareg compile does: an imported
// version that breaks its own mode is named in the error.
func CommitImport(ctx context.Context, plan *ImportPlan, opts CommitOptions) (*compiler.CompileResult, error) {
	repo, err := git.PlainOpen(opts.Repo)
	if errors.Is(err, git.ErrRepositoryNotExists) {
		if err := os.MkdirAll(opts.Repo, 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", opts.Repo, err)
		}
		repo, err = git.PlainInit(opts.Repo, false)
	}
	if err != nil {
		return nil, fmt.Errorf("open repository %s: %w", opts.Repo, err)
	}
	wt, err := repo.Worktree()
	if err != nil {
		return nil, fmt.Errorf("open work tree of %s: %w", opts.Repo, err)
	}
	byCommit := map[string]ImportStep{}
	for _, st := range plan.Steps {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		full := filepath.Join(opts.Repo, filepath.FromSlash(st.Path))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return nil, fmt.Errorf("create %s: %w", filepath.Dir(full), err)
		}
		if err := os.WriteFile(full, st.Content, 0o644); err != nil {
			return nil, fmt.Errorf("write %s: %w", full, err)
		}
		if _, err := wt.Add(st.Path); err != nil {
			return nil, fmt.Errorf("add %s: %w", st.Path, err)
		}
		sig := &object.Signature{Name: opts.Author, Email: opts.Email, When: opts.When}
		msg := fmt.Sprintf("import %s %s (subject %s version %d, schema id %d)\n\nImported from %s; mode %s, bump %s.\n",
			st.ID, st.SemVer, st.Subject, st.Version, st.GlobalID, opts.From, st.Mode, st.Bump)
		h, err := wt.Commit(msg, &git.CommitOptions{Author: sig, Committer: sig, AllowEmptyCommits: true})
		if err != nil {
			return nil, fmt.Errorf("commit %s %s: %w", st.ID, st.SemVer, err)
		}
		byCommit[h.String()] = st
	}
	// Strict: a violation anywhere in the imported history fails, named.
	res, err := compiler.Compile(ctx, compiler.CompileOptions{Repo: opts.Repo, Strict: true})
	var verr *compiler.ViolationError
	if errors.As(err, &verr) {
		var lines []string
		for _, v := range verr.Violations {
			line := compiler.FormatViolation(v)
			if st, ok := byCommit[v.Commit]; ok {
				line = fmt.Sprintf("subject %s version %d (schema id %d, imported as %s %s): %s", st.Subject, st.Version, st.GlobalID, st.ID, st.SemVer, line)
			}
			lines = append(lines, line)
		}
		return nil, fmt.Errorf("the imported history breaks its own rules; the commits stay, fix them with a new commit or import fewer subjects:\n  %s", strings.Join(lines, "\n  "))
	}
	if err != nil {
		return nil, fmt.Errorf("compile the imported history: %w", err)
	}
	return res, nil
}
