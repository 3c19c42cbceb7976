package main

import "context"

func runDev(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("dev", "dev [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("dev")
}
