package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"time"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/text"
)

func runCompile(ctx context.Context, args []string, e *env) error {
	fs := newFlagSet("compile", "compile [flags]", e)
	repo := fs.String("repo", ".", "the Git repository to compile")
	ref := fs.String("ref", "HEAD", "the revision to compile")
	dir := fs.String("dir", "schemas", "the schemas folder inside the repository")
	out := fs.String("out", "build/bundle", "where to write the bundle (replaced atomically)")
	since := fs.String("since-bundle", "", "continue from this previous bundle (default: --out when it holds one)")
	strict := fs.Bool("strict", false, "fail on any violation in the history, not only at the compiled commit")
	policy := choiceFlag(fs, "policy", "LENIENT", "compatibility policy: LENIENT or STRICT", policyNames...)
	format := choiceFlag(fs, "format", "text", "report format: text or json", "text", "json")
	maxBytes := fs.Int("max-bytes", validate.DefaultMaxBytes, "reject schema files larger than this many bytes")
	memLimit := fs.Int64("memory-limit", 448<<20, "soft limit of the heap in bytes: the garbage collector works harder near it (0: none; GOMEMLIMIT wins)")
	if err := parseFlags(fs, args, e); err != nil {
		return err
	}
	if *memLimit > 0 && e.getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(*memLimit)
	}
	if fs.NArg() > 0 {
		return usageErrorf("compile takes no arguments, got %q", fs.Args())
	}
	pol, err := compat.ParsePolicy(*policy)
	if err != nil {
		return usageErrorf("invalid -policy (%s): %v", envName("policy"), err)
	}
	if *format != "text" && *format != "json" {
		return usageErrorf("invalid -format %q (%s): use text or json", *format, envName("format"))
	}
	opts := compiler.CompileOptions{Repo: *repo, Ref: *ref, Dir: *dir, Policy: pol, Strict: *strict, MaxBytes: *maxBytes}
	prevDir := *since
	if prevDir == "" {
		if _, err := os.Stat(filepath.Join(*out, bundle.ManifestFile)); err == nil {
			prevDir = *out
		}
	}
	if prevDir != "" {
		prev, err := bundle.Open(prevDir)
		switch {
		case err != nil && *since != "":
			return usageErrorf("compile: --since-bundle: %v", err)
		case err != nil:
			fmt.Fprintf(e.stderr, "schemareg: compile: ignoring the previous bundle in %s: %v\n", prevDir, err)
		default:
			opts.Since = prev
		}
	}
	start := time.Now()
	if isTerminal(e.stderr) && *format == "text" {
		opts.Progress = func(p compiler.CompileProgress) {
			if p.Walked%50 == 0 || p.Walked == p.Total {
				fmt.Fprintf(e.stderr, "\rcompiling: %d/%d commits, %d schemas, %s ", p.Walked, p.Total, p.Schemas, time.Since(start).Round(time.Millisecond))
			}
		}
	}
	res, err := compiler.Compile(ctx, opts)
	if opts.Progress != nil {
		fmt.Fprintln(e.stderr)
	}
	var verr *compiler.ViolationError
	if err != nil && !errors.As(err, &verr) {
		return &exitError{code: exitUsage, err: fmt.Errorf("compile: %w", err)}
	}
	if verr == nil && !(prevDir == *out && sameBundle(opts.Since, res.Bundle)) {
		if werr := bundle.Write(*out, res.Bundle); werr != nil {
			return fmt.Errorf("compile: %w", werr)
		}
	}
	report := newCompileReport(res, *out, time.Since(start), verr)
	if *format == "json" {
		enc := json.NewEncoder(e.stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(report); err != nil {
			return err
		}
	} else {
		report.writeText(e.stdout)
	}
	if verr != nil {
		return &exitError{code: exitFailed, err: fmt.Errorf("compile: %v; the previous bundle in %s is unchanged", verr, *out)}
	}
	return nil
}

// sameBundle reports whether b has the manifest of prev, so that writing it
// again would change nothing.
func sameBundle(prev, b *bundle.Bundle) bool {
	if prev == nil {
		return false
	}
	x, err1 := prev.Manifest.Encode()
	y, err2 := b.Manifest.Encode()
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}

// compileReport is what compile prints.
type compileReport struct {
	OK          bool                 `json:"ok"`
	Out         string               `json:"out,omitempty"`
	Commit      string               `json:"commit"`
	Generation  string               `json:"generation"`
	Schemas     int                  `json:"schemas"`
	Versions    int                  `json:"versions"`
	Walked      int                  `json:"walked"`
	Incremental bool                 `json:"incremental"`
	Elapsed     string               `json:"elapsed"`
	Violations  []compiler.Violation `json:"violations"`
	Warnings    []string             `json:"warnings"`
}

func newCompileReport(res *compiler.CompileResult, out string, elapsed time.Duration, verr *compiler.ViolationError) *compileReport {
	m := res.Bundle.Manifest
	r := &compileReport{
		OK: verr == nil, Commit: m.Source.Commit, Generation: m.Generation, Schemas: len(m.Schemas),
		Walked: res.Walked, Incremental: res.Incremental, Elapsed: elapsed.Round(time.Millisecond).String(),
		Violations: res.Violations, Warnings: res.Warnings,
	}
	if verr == nil {
		r.Out = out
	}
	for _, s := range m.Schemas {
		r.Versions += s.VersionCount()
	}
	if r.Violations == nil {
		r.Violations = []compiler.Violation{}
	}
	if r.Warnings == nil {
		r.Warnings = []string{}
	}
	return r
}

func (r *compileReport) writeText(w io.Writer) {
	for _, warn := range r.Warnings {
		fmt.Fprintf(w, "warning: %s\n", text.QuoteControl(warn))
	}
	for _, v := range r.Violations {
		fmt.Fprintln(w, compiler.FormatViolation(v))
	}
	mode := "full"
	if r.Incremental {
		mode = "incremental"
	}
	dest := "nothing written"
	if r.Out != "" {
		dest = "bundle " + r.Out
	}
	fmt.Fprintf(w, "compiled %s (%s, %d %s walked): %d %s, %d %s, %d %s; %s, generation %s, in %s\n",
		text.Short(r.Commit), mode, r.Walked, text.Plural(r.Walked, "commit", "commits"),
		r.Schemas, text.Plural(r.Schemas, "schema", "schemas"), r.Versions, text.Plural(r.Versions, "version", "versions"),
		len(r.Violations), text.Plural(len(r.Violations), "violation", "violations"), dest, text.Short(r.Generation), r.Elapsed)
}
