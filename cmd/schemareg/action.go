package main

import "context"

func runAction(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("action", "action [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("action")
}
