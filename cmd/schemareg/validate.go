package main

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/text"
)

func runValidate(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("validate", "validate [flags] [PATH...]", e)
	format := choiceFlag(fs, "format", "text", "output format: text or json", "text", "json")
	maxBytes := fs.Int("max-bytes", validate.DefaultMaxBytes, "reject schema files larger than this many bytes")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("invalid -format %q (%s): use text or json", *format, envName("format"))
	}
	if *maxBytes <= 0 {
		return usageErrorf("invalid -max-bytes %d (%s): must be positive", *maxBytes, envName("max-bytes"))
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths = []string{"schemas"}
	}
	files, skipped, err := compiler.ReadPaths(paths, ".", *maxBytes)
	if err != nil {
		return usageErrorf("validate: %v", err)
	}
	for _, s := range skipped {
		fmt.Fprintf(e.stderr, "schemareg: validate: skipped %s: %s\n", quoteName(s.Path), s.Reason)
	}
	docs, problems := validate.CheckTree(files, validate.TreeOptions{MaxBytes: *maxBytes})
	if *format == "json" {
		out := struct {
			Valid    bool               `json:"valid"`
			Files    int                `json:"files"`
			Problems []document.Problem `json:"problems"`
			Skipped  []compiler.Skipped `json:"skipped"`
		}{len(problems) == 0, len(files), problems, skipped}
		if out.Problems == nil {
			out.Problems = []document.Problem{}
		}
		if out.Skipped == nil {
			out.Skipped = []compiler.Skipped{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
	} else {
		for _, p := range problems {
			fmt.Fprintln(e.stdout, safeLine(p.Error()))
		}
		switch {
		case len(files) == 0:
			fmt.Fprintf(e.stdout, "no schema files found in %v\n", paths)
		case len(problems) == 0:
			fmt.Fprintf(e.stdout, "%d %s valid\n", len(docs), text.Plural(len(docs), "schema", "schemas"))
		default:
			fmt.Fprintf(e.stdout, "%d %s in %d %s; %d valid\n", len(problems), text.Plural(len(problems), "problem", "problems"),
				len(files), text.Plural(len(files), "file", "files"), len(docs))
		}
	}
	if len(problems) > 0 {
		return exitWith(exitFailed)
	}
	return nil
}
