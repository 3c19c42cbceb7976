package compiler

import (
	"context"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/text"
)

// CheckOptions configures Check.
type CheckOptions struct {
	// Repo is the repository's folder; "" is the current folder.
	Repo string
	// Dir is the schemas folder; "" is "schemas".
	Dir string
	// Base and Head are the revisions to compare: a pull request's base and head commits.
	Base, Head string
	// Mode, when set, overrides every schema's compatibility mode.
	Mode document.Mode
	// Policy is the compatibility policy; "" is LENIENT.
	Policy compat.Policy
	// MaxBytes is the largest schema file; 0 is DefaultMaxBytes.
	MaxBytes int
	// Since, when set, is a bundle compiled at a commit of Base's
	// first-parent history, such as the registry's last one: the history is
	// walked from it rather than from the root. One that does not continue
	// that history is passed over, with a warning in the report.
	Since *bundle.Bundle
}

// Check judges the schema changes between two commits, as a pull request
// would land them: it compiles the history up to Base, then applies the
// difference between Base and Head as one commit, and reports, for every
// schema that difference touches, the old and new version, the bump the
// changes require and whether the new version makes it. An error means bad
// input: a revision that does not exist (errors.Is ErrRevisionNotFound) or
// an unreadable repository.
func Check(ctx context.Context, opts CheckOptions) (*CheckReport, error) {
	h, err := openHistory(opts.Repo, opts.Dir, opts.Policy, opts.MaxBytes)
	if err != nil {
		return nil, err
	}
	defer h.git.close()
	g, dir := h.git, h.dir
	base, err := g.resolve(opts.Base)
	if err != nil {
		return nil, err
	}
	head, err := g.resolve(opts.Head)
	if err != nil {
		return nil, err
	}
	resumed := &CompileResult{}
	chain, from, err := h.resume(base, opts.Since, resumed)
	if err != nil {
		return nil, err
	}
	if from == nil {
		if chain, _, err = g.firstParentChain(base, plumbing.ZeroHash); err != nil {
			return nil, err
		}
	}
	fromTree, err := g.dirHash(from, dir)
	if err != nil {
		return nil, err
	}
	if err := h.run(ctx, chain, fromTree, nil); err != nil {
		return nil, err
	}
	prevTree, err := g.dirHash(base, dir)
	if err != nil {
		return nil, err
	}
	headTree, err := g.dirHash(head, dir)
	if err != nil {
		return nil, err
	}
	changes, err := g.diffTrees(prevTree, headTree, dir)
	if err != nil {
		return nil, err
	}
	before := len(h.violations)
	h.events = nil
	h.mode = opts.Mode
	if len(changes) > 0 {
		st := &step{commit: head, tree: headTree, changes: changes, docs: make([]prepared, len(changes))}
		for i, ch := range changes {
			if !ch.To.IsZero() {
				data, err := g.readBlob(ch.To, h.maxBytes)
				if err != nil {
					return nil, err
				}
				st.docs[i] = prepare(ch.Path, data, h.maxBytes)
			}
		}
		if err := h.apply(st); err != nil {
			return nil, err
		}
	}
	r := &CheckReport{Base: base.Hash.String(), Head: head.Hash.String(), OK: true, Policy: h.policy, Schemas: []SchemaReport{},
		Walked: len(chain), Warnings: resumed.Warnings}
	r.Schemas = h.reports(changes, h.violations[before:], opts.Mode)
	for i := range r.Schemas {
		if r.Schemas[i].Dependents, err = h.dependents(r.Schemas[i], opts.Mode); err != nil {
			return nil, err
		}
	}
	for _, s := range r.Schemas {
		if s.Verdict != VerdictOK {
			r.OK = false
		}
		if !s.Compatible {
			r.Breaking = true
		}
		if s.RequiredBump > r.RequiredBump {
			r.RequiredBump = s.RequiredBump
		}
	}
	return r, nil
}

// reports turns what the last apply did into one report per schema.
func (h *history) reports(changes []fileChange, violations []Violation, mode document.Mode) []SchemaReport {
	byPath := map[string]*SchemaReport{}
	var out []*SchemaReport
	add := func(p string, s SchemaReport) *SchemaReport {
		if r, ok := byPath[p]; ok {
			return r
		}
		s.Path = p
		if s.Changes == nil {
			s.Changes = []api.Change{}
		}
		r := &s
		byPath[p] = r
		out = append(out, r)
		return r
	}
	modeOf := func(id string) document.Mode {
		if mode != "" {
			return mode
		}
		if st, ok := h.schemas[id]; ok && st.entry.Compatibility != "" {
			return document.Mode(st.entry.Compatibility)
		}
		return document.ModeBackward
	}
	for _, ev := range h.events {
		s := SchemaReport{ID: ev.id, OldPath: ev.oldPath, OldVersion: ev.old, NewVersion: ev.new, Mode: modeOf(ev.id),
			Bump: ev.made, RequiredBump: ev.res.Bump, Compatible: true, Verdict: VerdictOK, Changes: ev.res.Changes}
		switch ev.kind {
		case eventPublished:
			s.Compatible = ev.res.Compatible
			switch {
			case ev.first:
				s.Status = StatusAdded
				s.OldVersion = ""
				s.Message = fmt.Sprintf("new schema, first version %s", ev.new)
			case ev.oldPath != "":
				s.Status = StatusRenamed
			default:
				s.Status = StatusModified
			}
			if !ev.first {
				s.Message = fmt.Sprintf("%s → %s is a %s bump; the changes need %s", ev.old, ev.new, ev.made, ev.res.Bump.Describe())
				s.Notice = ev.notice
			}
		case eventRejected:
			s.Status = StatusModified
			s.Compatible = ev.res.Compatible
			s.Verdict = VerdictInvalidBump
		case eventUnchanged:
			s.Status = StatusUnchanged
			if ev.oldPath != "" {
				s.Status = StatusRenamed
			}
			s.NewVersion = ev.old
			s.Message = "no change to the schema itself (formatting or key order only)"
			if ev.oldPath != "" {
				s.Message = fmt.Sprintf("moved from %s; history kept", ev.oldPath)
			}
		case eventDeprecated:
			s.Status = StatusDeleted
			s.NewVersion = ""
			s.Compatible = false
			n := len(h.schemas[ev.id].entry.Versions)
			s.Message = fmt.Sprintf("schema deleted: its %d published %s stay served and the id is marked deprecated", n, text.Plural(n, "version", "versions"))
		}
		add(ev.path, s)
	}
	added := map[string]bool{}
	for _, ch := range changes {
		added[ch.Path] = ch.From.IsZero()
	}
	for _, v := range violations {
		status := StatusModified
		if added[v.Path] {
			status = StatusAdded
		}
		s := add(v.Path, SchemaReport{ID: v.ID, Status: status, Mode: modeOf(v.ID), Compatible: true})
		if s.ID == "" {
			s.ID = strings.TrimSuffix(path.Base(v.Path), ".json")
		}
		switch v.Kind {
		case ViolationInvalidSchema, ViolationDuplicateID:
			s.Verdict = VerdictInvalid
			s.Problems = append(s.Problems, document.Problem{Path: v.Path, Line: v.Line, Message: v.Message})
		default:
			s.Verdict = VerdictInvalidBump
		}
		s.Message = v.Message
		if s.Line == 0 {
			s.Line = v.Line
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].ID != out[j].ID {
			return out[i].ID < out[j].ID
		}
		return out[i].Path < out[j].Path
	})
	res := make([]SchemaReport, len(out))
	for i, s := range out {
		res[i] = *s
	}
	return res
}
