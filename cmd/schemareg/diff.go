package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/render"
)

// runDiff compares two schemas: diff OLD NEW, each a file or REV:path in
// the Git repository. Exit 0 when compatible under the mode, 1 when a
// change breaks it or the files' own versions make too small a bump, 2 on
// bad input.
func runDiff(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("diff", "diff [flags] OLD NEW\n\nOLD and NEW are schema files or REV:path in the Git repository (e.g. HEAD~1:schemas/ticks_v1.json).", e)
	vf := addVerdictFlags(fs, "the new schema's \"compatibility\" field, else BACKWARD")
	repo := fs.String("repo", ".", "Git repository that REV:path arguments read from")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	mode, policy, err := vf.parse()
	if err != nil {
		return err
	}
	opts := compat.DiffOptions{Mode: mode, Policy: policy}
	if fs.NArg() != 2 {
		fs.Usage()
		return usageErrorf("diff needs two schemas, OLD and NEW; got %d", fs.NArg())
	}
	old, err := loadSchema(ctx, *repo, fs.Arg(0))
	if err != nil {
		return usageErrorf("%v", err)
	}
	cur, err := loadSchema(ctx, *repo, fs.Arg(1))
	if err != nil {
		return usageErrorf("%v", err)
	}
	res := compat.Diff(old, cur, opts)
	file := cur.Path
	color := vf.useColor(e.stdout)
	var out io.Writer = e.stdout
	if !color {
		out = lineSafeWriter{e.stdout}
	}
	if *vf.format != render.FormatJSON {
		res, file = printableDiff(res), safeLine(file)
	}
	if *vf.format == render.FormatText {
		err = render.WriteText(out, safeLine(fs.Arg(0)+" → "+fs.Arg(1)), res, color)
	} else {
		err = render.WriteDiff(out, *vf.format, file, res)
	}
	if err != nil {
		return err
	}
	bumpOK := judgeVersions(e.stderr, old, cur, res.Bump)
	if !res.Compatible || !bumpOK {
		return exitWith(exitFailed)
	}
	return nil
}

// judgeVersions says, on w, what a registry would say of the two files'
// own fields: two ids are two schemas, and a version bump too small for
// the changes is refused. It reports whether the bump stands; two files
// without versions, or with the same one, make no bump to judge.
func judgeVersions(w io.Writer, old, cur *document.Document, required semver.Bump) bool {
	if old.ID != "" && cur.ID != "" && old.ID != cur.ID {
		fmt.Fprintf(w, "warning: the files have different ids, %s and %s; the registry compares versions of one id only\n", old.ID, cur.ID)
	}
	if !old.HasVersion || !cur.HasVersion || old.Version.Compare(cur.Version) == 0 {
		return true
	}
	ok, notice, err := semver.CheckBump(old.Version, cur.Version, required)
	switch {
	case err != nil:
		fmt.Fprintf(w, "bump: %v\n", err)
	case !ok:
		fmt.Fprintf(w, "bump: %s\n", notice)
	case notice != "":
		fmt.Fprintf(w, "bump: %s\n", notice)
	default:
		fmt.Fprintf(w, "bump: %s → %s is a %s bump, as the changes need\n", old.Version, cur.Version, cur.Version.BumpFrom(old.Version))
	}
	return ok
}

// loadSchema reads and parses one side of a diff: a file, or REV:path from
// the repository. Either may be a plain JSON Schema without registry fields.
func loadSchema(ctx context.Context, repo, arg string) (*document.Document, error) {
	var data []byte
	name := arg
	if rev, file, ok := compiler.RevisionArg(arg); ok {
		b, err := compiler.ReadRevision(ctx, repo, rev, file, validate.DefaultMaxBytes)
		if err != nil {
			return nil, err
		}
		data, name = b, file
	} else {
		b, err := compiler.ReadSchemaFile(arg, repo, validate.DefaultMaxBytes)
		if err != nil {
			return nil, err
		}
		if len(b) > validate.DefaultMaxBytes {
			return nil, fmt.Errorf("read %s: larger than %d bytes", arg, validate.DefaultMaxBytes)
		}
		data = b
	}
	doc, err := document.ParseSchema(name, data)
	if err != nil {
		return nil, err
	}
	if _, err := validate.NewRegistry(doc).Compile(doc); err != nil && !isMissingRef(err) {
		return nil, err
	}
	return doc, nil
}

// isMissingRef reports a compile error that only says a $ref names another
// registry schema, which a two-file diff does not have.
func isMissingRef(err error) bool {
	return errors.Is(err, validate.ErrExternalRef) || strings.Contains(err.Error(), "no schema with id") ||
		strings.Contains(err.Error(), "has no published version")
}
