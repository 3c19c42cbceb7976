package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/text"
	"github.com/schemareg/schemareg/render"
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
	since := fs.String("since-bundle", "", "walk the base's history from this bundle, compiled at a commit of it (e.g. the registry's last), not from the root")
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
	if *since != "" {
		if opts.Since, err = bundle.Open(*since); err != nil {
			return usageErrorf("check: --since-bundle: %v", err)
		}
	}
	rep, err := compiler.Check(ctx, opts)
	if err != nil {
		if errors.Is(err, compiler.ErrRevisionNotFound) {
			return usageErrorf("check: %v (in a shallow clone, fetch the full history: fetch-depth: 0)", err)
		}
		return usageErrorf("check: %v", err)
	}
	for _, w := range rep.Warnings {
		fmt.Fprintf(e.stderr, "schemareg: check: %s\n", safeLine(w))
	}
	if *head == "HEAD" {
		// check judges commits: say what it leaves out, not a word otherwise.
		if files, err := compiler.Uncommitted(ctx, *repo, *dir, "HEAD", validate.DefaultMaxBytes); err == nil && len(files) > 0 {
			shown := files
			if len(shown) > 3 {
				shown = append(shown[:3:3], "…")
			}
			fmt.Fprintf(e.stderr, "schemareg: check: %d uncommitted %s in %s not judged (%s): check judges commits; commit them, or compare files with schemareg diff\n",
				len(files), text.Plural(len(files), "change", "changes"), *dir, safeLine(strings.Join(shown, ", ")))
		}
	}
	color := vf.useColor(e.stdout)
	var out io.Writer = e.stdout
	if !color {
		out = lineSafeWriter{e.stdout}
	}
	printed := rep
	if *vf.format != render.FormatJSON {
		printed = printableCheck(rep)
	}
	if err := render.WriteCheck(out, *vf.format, printed, color); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if !rep.OK {
		return exitWith(exitFailed)
	}
	return nil
}
