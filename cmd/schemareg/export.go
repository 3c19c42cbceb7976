package main

import (
	"context"

	"github.com/schemareg/schemareg/expectations"
)

// formatGreatExpectations is the one format export writes.
const formatGreatExpectations = "great-expectations"

// runExport derives another tool's artifact from a schema: export
// --format great-expectations FILE|REV:path writes the Great Expectations
// suite to stdout. Exit 2 on bad input.
func runExport(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("export", "export [flags] SCHEMA\n\nSCHEMA is a schema file or REV:path in the Git repository (e.g. HEAD:schemas/ticks_v1.json).", e)
	format := choiceFlag(fs, "format", formatGreatExpectations, "what to write: great-expectations (an ExpectationSuite, GX Core 1.x JSON)", formatGreatExpectations)
	repo := fs.String("repo", ".", "Git repository that REV:path arguments read from")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if *format != formatGreatExpectations {
		return usageErrorf("invalid -format %q (%s): use %s", *format, envName("format"), formatGreatExpectations)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return usageErrorf("export needs one schema, a file or REV:path; got %d", fs.NArg())
	}
	d, err := loadSchema(ctx, *repo, fs.Arg(0))
	if err != nil {
		return usageErrorf("%v", err)
	}
	suite, err := expectations.FromDocument(d)
	if err != nil {
		return usageErrorf("%v", err)
	}
	out, err := expectations.Encode(suite)
	if err != nil {
		return err
	}
	_, err = e.stdout.Write(out)
	return err
}
