package main

import "context"

func runCheck(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("check", "check [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("check")
}
