package main

import "context"

func runSync(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("sync", "sync [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("sync")
}
