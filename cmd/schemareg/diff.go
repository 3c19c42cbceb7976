package main

import "context"

func runDiff(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("diff", "diff [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("diff")
}
