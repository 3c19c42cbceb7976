package main

import "context"

func runServe(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("serve", "serve [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("serve")
}
