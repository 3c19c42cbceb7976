package main

import "context"

func runRestore(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("restore", "restore [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("restore")
}
