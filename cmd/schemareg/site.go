package main

import "context"

func runSite(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("site", "site [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("site")
}
