package compiler

import (
	"fmt"
	"maps"
	"strings"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
)

// dependencies returns the schemas d reaches, each at the version it is
// pinned to, and refuses d when one of them is not a published version:
// a published version depends on published versions only.
func (h *history) dependencies(d *document.Document) ([]validate.Dependency, error) {
	if h.alone(d) {
		return []validate.Dependency{}, nil
	}
	deps, err := h.reg.Dependencies(d)
	if err != nil {
		return nil, err
	}
	for _, dep := range deps {
		st, ok := h.schemas[dep.ID]
		var v *bundle.Version
		if ok {
			v, ok = st.entry.Version(dep.Version)
		}
		if !ok || v.Digest != dep.Doc.Digest {
			return nil, d.ProblemAt(h.refTo(d, dep.ID), "it refers to %s %s, which is not published; publish %s first, in this commit or an earlier one", dep.ID, dep.Version, dep.ID)
		}
	}
	return deps, nil
}

// alone reports whether the workers found that d refers to no other
// document, so that it has no references to follow.
func (h *history) alone(d *document.Document) bool {
	pr := h.prepared(d)
	return pr != nil && pr.checked
}

// refTo returns the pointer of d's first reference that reaches id
// directly, "" when d reaches it only through another schema.
func (h *history) refTo(d *document.Document, id string) string {
	for _, ref := range validate.Outgoing(d) {
		if t, ok := h.reg.LookupTarget(ref.Target); ok && t.ID == id {
			return ref.Pointer
		}
	}
	return ""
}

// dependencyOrder orders this commit's documents so that each comes after
// the documents of the commit it refers to, keeping their path order
// otherwise; a cycle keeps path order.
func (h *history) dependencyOrder(docs []*document.Document) []*document.Document {
	if len(docs) < 2 {
		return docs
	}
	byID := make(map[string]*document.Document, len(docs))
	for _, d := range docs {
		byID[d.ID] = d
	}
	const (
		unseen = iota
		visiting
		done
	)
	state := make(map[*document.Document]int, len(docs))
	out := make([]*document.Document, 0, len(docs))
	var visit func(d *document.Document)
	visit = func(d *document.Document) {
		if state[d] != unseen {
			return
		}
		state[d] = visiting
		if h.alone(d) {
			state[d] = done
			out = append(out, d)
			return
		}
		for _, ref := range validate.Outgoing(d) {
			if dep, ok := byID[h.pendingTarget(ref.Target)]; ok && dep != d {
				visit(dep)
			}
		}
		state[d] = done
		out = append(out, d)
	}
	for _, d := range docs {
		visit(d)
	}
	return out
}

// pendingTarget returns the id of this commit's document a reference's
// URL names, by id or by root $id; "" for any other.
func (h *history) pendingTarget(u string) string {
	u = strings.TrimSuffix(u, ".json")
	if rest, ok := strings.CutPrefix(u, validate.RegistryURL("")); ok {
		id, version := validate.SplitPin(rest)
		if version != "" {
			return ""
		}
		return id
	}
	id, _ := h.pendingWithRootID(u)
	return id
}

// pinnedResolver resolves the references of a published version the way
// it was published: each schema it reaches at the version it is pinned
// to. It is nil for a version published before versions recorded their
// pins; such a version's references resolve to what the registry holds now.
func (h *history) pinnedResolver(v *bundle.Version) func(string) (*document.Document, bool) {
	if v.Deps == nil {
		return nil
	}
	return func(ref string) (*document.Document, bool) {
		cur, ok := h.reg.Resolve(ref)
		if !ok || cur.ID == "" {
			return cur, ok
		}
		base, _, _ := strings.Cut(ref, "#")
		if _, explicit := validate.SplitPin(base); explicit != "" {
			return cur, true
		}
		version, ok := v.Deps[cur.ID]
		if !ok || version == cur.Version.String() {
			return cur, true
		}
		if d, ok := h.loadVersion(cur.ID, version); ok {
			return d, true
		}
		return cur, true
	}
}

// dependents lists the schemas whose latest version is pinned to another
// version of s's schema than the one s publishes, with what adopting it
// would mean for each: its effective schema, with the new version in place
// of the pinned one, judged under its own mode (or mode, when set).
// Dependents this check publishes a new version of are left out.
func (h *history) dependents(s SchemaReport, mode document.Mode) ([]DependentReport, error) {
	if s.Status != StatusModified && s.Status != StatusRenamed || s.NewVersion == "" || s.NewVersion == s.OldVersion || s.Verdict != VerdictOK {
		return nil, nil
	}
	changed := map[string]bool{}
	for _, ev := range h.events {
		if ev.kind == eventPublished {
			changed[ev.id] = true
		}
	}
	var out []DependentReport
	for _, id := range h.sortedIDs() {
		st := h.schemas[id]
		// The manifest's entry holds the latest version's pins: only a
		// dependent's version list is read.
		if id == s.ID || changed[id] || st.entry.Deprecated || st.entry.Deps[s.ID] == "" || st.entry.Deps[s.ID] == s.NewVersion {
			continue
		}
		if err := h.load(st); err != nil {
			return nil, err
		}
		v, ok := st.entry.Version(st.entry.Latest)
		if !ok || v.Deps[s.ID] == "" {
			continue
		}
		doc, err := h.latestDoc(st)
		if err != nil {
			return nil, err
		}
		m := mode
		if m == "" {
			m = document.Mode(st.entry.Compatibility)
		}
		if m == "" {
			m = document.ModeBackward
		}
		adopted := *v
		adopted.Deps = maps.Clone(v.Deps)
		adopted.Deps[s.ID] = s.NewVersion
		res := compat.Diff(doc, doc, compat.DiffOptions{Mode: m, Policy: h.policy, Resolve: h.pinnedResolver(&adopted), ResolveOld: h.pinnedResolver(v)})
		d := DependentReport{ID: id, Version: v.Version, Pinned: v.Deps[s.ID], Mode: m, Compatible: res.Compatible, Bump: res.Bump}
		next, _ := semver.Parse(v.Version)
		switch {
		case !res.Compatible:
			d.Message = fmt.Sprintf("%s %s stays pinned to %s %s; adopting %s breaks it under %s: its next version must be %s%s", id, v.Version, s.ID, d.Pinned, s.NewVersion, m, next.Next(semver.BumpMajor), firstBreaking(res.Changes))
		case res.Bump == semver.BumpNone:
			d.Message = fmt.Sprintf("%s %s stays pinned to %s %s; adopting %s changes nothing it accepts", id, v.Version, s.ID, d.Pinned, s.NewVersion)
		default:
			d.Message = fmt.Sprintf("%s %s stays pinned to %s %s; adopting %s is compatible under %s and needs %s", id, v.Version, s.ID, d.Pinned, s.NewVersion, m, res.Bump.Describe())
		}
		out = append(out, d)
	}
	return out, nil
}
