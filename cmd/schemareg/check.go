package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/schemareg/schemareg/compiler"
)

// runCheck is the pull-request verdict: the schema changes between two
// commits, each judged against its published history. Exit 0 when every
// bump is valid, 1 when one is not, 2 on bad input.
func runCheck(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("check", "check --base REV --head REV [flags]", e)
	repo := fs.String("repo", ".", "the Git repository")
	dir := fs.String("dir", "schemas", "the schemas folder inside the repository")
	base := fs.String("base", "", "the base revision (the pull request's target), required")
	head := fs.String("head", "HEAD", "the head revision (the pull request's last commit)")
	vf := addVerdictFlags(fs, "each schema's own, else BACKWARD")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if *base == "" {
		return usageErrorf("check needs --base (%s): the revision the changes are judged against", envName("base"))
	}
	mode, policy, err := vf.parse()
	if err != nil {
		return err
	}
	opts := compiler.CheckOptions{Repo: *repo, Dir: *dir, Base: *base, Head: *head, Mode: mode, Policy: policy}
	rep, err := compiler.Check(ctx, opts)
	if err != nil {
		if errors.Is(err, compiler.ErrRevisionNotFound) {
			return usageErrorf("check: %v (in a shallow clone, fetch the full history: fetch-depth: 0)", err)
		}
		return usageErrorf("check: %v", err)
	}
	if err := compiler.WriteCheck(e.stdout, *vf.format, rep, vf.useColor(e.stdout)); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if !rep.OK {
		return exitWith(exitFailed)
	}
	return nil
}
