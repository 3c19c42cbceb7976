package main

import "context"

func runCompile(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("compile", "compile [flags]", e)
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	return notImplemented("compile")
}
