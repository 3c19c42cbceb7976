package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

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
	mode := fs.String("mode", "", "compatibility mode for every schema (default: each schema's own, else BACKWARD)")
	policy := fs.String("policy", "LENIENT", "policy for open content models: LENIENT or STRICT")
	format := fs.String("format", "text", "output format: "+strings.Join(compiler.Formats(), ", "))
	color := fs.String("color", "auto", "colour in the text format: auto, always or never")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if *base == "" {
		return usageErrorf("check needs --base (%s): the revision the changes are judged against", envName("base"))
	}
	opts := compiler.CheckOptions{Repo: *repo, Dir: *dir, Base: *base, Head: *head}
	if *mode != "" {
		m, err := compiler.ParseMode(*mode)
		if err != nil {
			return usageErrorf("invalid -mode (%s): %v", envName("mode"), err)
		}
		opts.Mode = m
	}
	p, err := compiler.ParsePolicy(*policy)
	if err != nil {
		return usageErrorf("invalid -policy (%s): %v", envName("policy"), err)
	}
	opts.Policy = p
	if _, err := compiler.ParseFormat(*format); err != nil {
		return usageErrorf("invalid -format (%s): %v", envName("format"), err)
	}
	if *color != "auto" && *color != "always" && *color != "never" {
		return usageErrorf("invalid -color %q (%s): use auto, always or never", *color, envName("color"))
	}
	rep, err := compiler.Check(ctx, opts)
	if err != nil {
		if errors.Is(err, compiler.ErrRevisionNotFound) {
			return usageErrorf("check: %v (in a shallow clone, fetch the full history: fetch-depth: 0)", err)
		}
		return usageErrorf("check: %v", err)
	}
	useColor := *color == "always" || *color == "auto" && isTerminal(e.stdout)
	if err := compiler.WriteCheck(e.stdout, *format, rep, useColor); err != nil {
		return fmt.Errorf("check: %w", err)
	}
	if !rep.OK {
		return exitWith(exitFailed)
	}
	return nil
}
