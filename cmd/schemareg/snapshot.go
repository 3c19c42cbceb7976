package main

import "context"

func runSnapshot(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("snapshot", "snapshot [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("snapshot")
}
