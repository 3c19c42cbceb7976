package compiler

import (
	"context"
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/text"
)

// CompileOptions configures Compile.
type CompileOptions struct {
	// Repo is the repository's folder; "" is the current folder.
	Repo string
	// Ref is the revision to compile; "" is HEAD.
	Ref string
	// Dir is the schemas folder inside the repository; "" is "schemas".
	Dir string
	// Policy is the compatibility policy; "" is LENIENT.
	Policy compat.Policy
	// Strict makes every violation in the history fatal, not only those at Ref.
	Strict bool
	// Since is a previous bundle of the same repository to continue from:
	// only the commits after its commit are walked. When its commit is not
	// on Ref's first-parent history, Compile starts from the root and says so
	// in Warnings.
	Since *bundle.Bundle
	// MaxBytes is the largest schema file; 0 is DefaultMaxBytes.
	MaxBytes int
	// Progress, when set, is called after each commit with the work done so far.
	Progress func(CompileProgress)
}

// CompileProgress is how far a compile has come.
type CompileProgress struct {
	Walked, Total int // commits walked in this run, commits to walk
	Schemas       int // schemas known so far
}

// CompileResult is a compiled bundle and what the compile found.
type CompileResult struct {
	Bundle *bundle.Bundle
	// Walked counts the commits this run walked; Incremental reports whether
	// it continued from CompileOptions.Since.
	Walked      int
	Incremental bool
	// Violations found by this run, in history order. Those of an earlier
	// run are in the bundle.
	Violations []Violation
	Warnings   []string
}

// ViolationError is returned when violations make a compile fail: those at
// the compiled commit, or any with CompileOptions.Strict.
type ViolationError struct {
	Violations []Violation
	Strict     bool
}

func (e *ViolationError) Error() string {
	var b strings.Builder
	if e.Strict {
		fmt.Fprintf(&b, "%d %s in the history (strict)", len(e.Violations), text.Plural(len(e.Violations), "violation", "violations"))
	} else {
		fmt.Fprintf(&b, "%d %s at the compiled commit", len(e.Violations), text.Plural(len(e.Violations), "violation", "violations"))
	}
	for _, v := range e.Violations {
		b.WriteString("\n  ")
		b.WriteString(FormatViolation(v))
	}
	return b.String()
}

// FormatViolation formats a violation on one line as path:line: commit:
// KIND: message, with the control characters of names and values a file
// holds quoted (QuoteControl), so no file can forge another line.
func FormatViolation(v Violation) string {
	loc := v.Path
	if v.Line > 0 {
		loc = fmt.Sprintf("%s:%d", v.Path, v.Line)
	}
	return text.QuoteControl(fmt.Sprintf("%s: commit %s: %s: %s", loc, text.Short(v.Commit), v.Kind, v.Message))
}

// Compile walks the first-parent history of opts.Ref from the root (or from
// opts.Since), judges every version of every schema ever committed to the
// schemas folder and returns the bundle. It never writes anything; see
// bundle.Write.
func Compile(ctx context.Context, opts CompileOptions) (*CompileResult, error) {
	if opts.Ref == "" {
		opts.Ref = "HEAD"
	}
	h, err := openHistory(opts.Repo, opts.Dir, opts.Policy, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	defer h.git.close()
	g, dir := h.git, h.dir
	tip, err := g.resolve(opts.Ref)
	if err != nil {
		return nil, err
	}
	res := &CompileResult{}
	var prev *object.Commit
	chain, resumed, err := h.resume(tip, opts.Since, res)
	if err != nil {
		return nil, err
	}
	if resumed != nil {
		prev = resumed
	} else if chain, _, err = g.firstParentChain(tip, plumbing.ZeroHash); err != nil {
		return nil, err
	}
	before := len(h.violations)
	prevTree, err := g.dirHash(prev, dir)
	if err != nil {
		return nil, err
	}
	err = h.run(ctx, chain, prevTree, func(i int) {
		res.Walked++
		if opts.Progress != nil {
			opts.Progress(CompileProgress{Walked: i + 1, Total: len(chain), Schemas: len(h.schemas)})
		}
	})
	if err != nil {
		return nil, err
	}
	res.Violations = append([]Violation{}, h.violations[before:]...)
	h.forgetDocuments()
	b, err := h.bundle(tip, dir)
	if err != nil {
		return nil, err
	}
	res.Bundle = b
	if opts.Strict && len(h.violations) > 0 {
		return res, &ViolationError{Violations: h.violations, Strict: true}
	}
	var atTip []Violation
	for _, v := range res.Violations {
		if v.Commit == tip.Hash.String() {
			atTip = append(atTip, v)
		}
	}
	if len(atTip) > 0 {
		return res, &ViolationError{Violations: atTip}
	}
	return res, nil
}

// openHistory opens the repository (default ".") for a walk of the
// schemas folder dir (default "schemas") under policy (default LENIENT),
// with files up to maxBytes (default DefaultMaxBytes). Close h.git when done.
func openHistory(repo, dir string, policy compat.Policy, maxBytes int) (*history, error) {
	if repo == "" {
		repo = "."
	}
	dir, err := cleanDir(dir)
	if err != nil {
		return nil, err
	}
	if policy == "" {
		policy = compat.PolicyLenient
	}
	if maxBytes <= 0 {
		maxBytes = validate.DefaultMaxBytes
	}
	g, err := openRepo(repo)
	if err != nil {
		return nil, err
	}
	return newHistory(g, dir, policy, maxBytes), nil
}

// run walks chain and applies every commit, calling done after each.
func (h *history) run(ctx context.Context, chain []*object.Commit, prev plumbing.Hash, done func(i int)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	steps, walkErr := h.walkSteps(ctx, chain, prev)
	var err error
	i := 0
	for st := range steps {
		if err != nil {
			continue // drain: the walk stops at the cancel
		}
		<-st.ready
		if len(st.changes) == 0 {
			h.commits++
		} else if err = h.apply(st); err != nil {
			cancel()
			continue
		}
		if done != nil {
			done(i)
		}
		i++
	}
	if err != nil {
		return err
	}
	return walkErr()
}

// forgetDocuments drops the parsed files and versions the walk kept, which
// sealing the bundle needs no more.
func (h *history) forgetDocuments() {
	h.treeDocs = nil
	for _, st := range h.schemas {
		st.latest, st.model, st.docs = nil, nil, nil
	}
}

// resume restores the state of a previous bundle when its commit is on the
// first-parent history of tip. It returns the commits after it and its
// commit; a nil commit means a compile from the root.
func (h *history) resume(tip *object.Commit, since *bundle.Bundle, res *CompileResult) ([]*object.Commit, *object.Commit, error) {
	if since == nil {
		return nil, nil, nil
	}
	m := since.Manifest
	switch {
	case m.FormatVersion != bundle.FormatVersion:
		res.Warnings = append(res.Warnings, fmt.Sprintf("previous bundle has format_version %d; compiling from the root", m.FormatVersion))
		return nil, nil, nil
	case m.Source.Dir != h.dir:
		res.Warnings = append(res.Warnings, fmt.Sprintf("previous bundle was compiled from %q, not %q; compiling from the root", m.Source.Dir, h.dir))
		return nil, nil, nil
	case !plumbing.IsHash(m.Source.Commit):
		res.Warnings = append(res.Warnings, "previous bundle names no commit; compiling from the root")
		return nil, nil, nil
	case m.GlobalIDs == 0 && len(m.Schemas) > 0:
		res.Warnings = append(res.Warnings, "previous bundle has no global ids; compiling from the root")
		return nil, nil, nil
	}
	from := plumbing.NewHash(m.Source.Commit)
	chain, found, err := h.git.firstParentChain(tip, from)
	if err != nil {
		return nil, nil, err
	}
	if !found {
		res.Warnings = append(res.Warnings, fmt.Sprintf("previous bundle's commit %s is not on the first-parent history of the compiled commit (history rewritten?); compiling from the root", text.Short(m.Source.Commit)))
		return nil, nil, nil
	}
	prev, err := h.git.commit(from)
	if err != nil {
		return nil, nil, fmt.Errorf("read %s: %w", from, err)
	}
	for _, s := range m.Schemas {
		s.Versions = append([]bundle.Version(nil), s.Versions...)
		h.schemas[s.ID] = &schemaState{entry: s}
	}
	for name, data := range since.Files {
		h.files[name] = data
	}
	h.base = since.Base
	h.violations = append(h.violations, m.Violations...)
	h.commits = m.Source.Commits
	h.globalIDs = m.GlobalIDs
	res.Incremental = true
	return chain, prev, nil
}

// bundle seals the state into a bundle compiled at tip.
func (h *history) bundle(tip *object.Commit, dir string) (*bundle.Bundle, error) {
	m := bundle.Manifest{
		Source: bundle.Source{
			Commit:  tip.Hash.String(),
			Time:    tip.Committer.When.UTC().Format(time.RFC3339),
			Dir:     dir,
			Commits: h.commits,
		},
		Violations: append([]Violation{}, h.violations...),
		GlobalIDs:  h.globalIDs,
	}
	files := make(map[string][]byte, len(h.files))
	for _, id := range h.sortedIDs() {
		st := h.schemas[id]
		if st.entry.Versions != nil && len(st.entry.Versions) == 0 {
			continue // an id whose every content was invalid
		}
		m.Schemas = append(m.Schemas, st.entry)
		for _, v := range st.entry.Versions {
			for _, name := range []string{bundle.SchemaFile(id, v.Version), bundle.ArrowFile(id, v.Version)} {
				// Files of a lazily opened bundle stay in it (h.base).
				if data, ok := h.files[name]; ok {
					files[name] = data
				}
			}
		}
	}
	b := &bundle.Bundle{Manifest: m, Files: files, Base: h.base}
	if err := b.Seal(); err != nil {
		return nil, fmt.Errorf("compiled bundle does not verify: %w", err)
	}
	return b, nil
}

// cleanDir normalizes the schemas folder: slash-separated, relative, inside
// the repository.
func cleanDir(dir string) (string, error) {
	if dir == "" {
		return "schemas", nil
	}
	d := path.Clean(filepath.ToSlash(dir))
	if path.IsAbs(d) || d == ".." || strings.HasPrefix(d, "../") {
		return "", fmt.Errorf("schemas folder %q must be a path inside the repository, e.g. \"schemas\"", dir)
	}
	if d == "." {
		return "", nil
	}
	return d, nil
}
