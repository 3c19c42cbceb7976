package compiler

import (
	"bytes"
	"fmt"
	"path"
	"sort"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
)

// apply judges one commit whose schema files differ from its first
// parent's, and publishes the versions it introduces.
func (h *history) apply(st *step) error {
	c, changes := st.commit, st.changes
	ci := infoOf(c)
	h.commits++
	h.tree = st.tree
	for i, ch := range changes {
		delete(h.treeDocs, ch.Path)
		if !ch.To.IsZero() {
			h.treeDocs[ch.Path] = treeDoc{hash: ch.To, prepared: st.docs[i]}
		}
	}
	h.pending = map[string]*document.Document{}
	h.judged = map[string]bool{}
	h.events = h.events[:0]
	defer func() { h.pending, h.judged = nil, nil }()

	// The ids whose files this commit removed.
	gone := map[string]string{}
	for _, ch := range changes {
		if !ch.To.IsZero() {
			continue
		}
		for _, id := range h.sortedIDs() {
			if p, ok := h.owner(id); ok && p == ch.Path {
				gone[id] = p
			}
		}
	}

	// Which file holds which id: the file that held it before keeps it,
	// else the first new file, by path, that claims it.
	var claims []*document.Document // their Path is the file's
	claimed := map[string]string{}
	for _, ch := range changes {
		if ch.To.IsZero() {
			continue
		}
		td := h.treeFile(ch.Path)
		if td.err != nil {
			h.violateProblem(ci, ch.Path, td.err)
			continue
		}
		d := td.doc
		owner, owned := h.owner(d.ID)
		_, moving := gone[d.ID]
		switch {
		case claimed[d.ID] != "":
			h.violate(ci, ch.Path, d.Line("/id"), d.ID, d.Version.String(), ViolationDuplicateID,
				fmt.Sprintf("duplicate id %q, already used by %s; ids are unique across the schemas folder", d.ID, claimed[d.ID]))
			continue
		case owned && owner != ch.Path && !moving:
			h.violate(ci, ch.Path, d.Line("/id"), d.ID, d.Version.String(), ViolationDuplicateID,
				fmt.Sprintf("duplicate id %q, already used by %s; ids are unique across the schemas folder", d.ID, owner))
			continue
		}
		claimed[d.ID] = ch.Path
		h.pending[d.ID] = d
		claims = append(claims, d)
	}

	// A document is judged after the documents of this commit it refers
	// to, so that its references find what they will be pinned to.
	order := h.dependencyOrder(claims)

	var created []string
	for i, d := range order {
		// The documents judged before this one are found as what they
		// published, if anything; this one and those after as they are.
		if i > 0 {
			h.judged[order[i-1].ID] = true
		}
		st := h.schemas[d.ID]
		oldPath := ""
		if st != nil {
			if err := h.load(st); err != nil {
				return err
			}
			if st.entry.Path != d.Path {
				oldPath = st.entry.Path
			}
			st.entry.Path = d.Path
			st.entry.Deprecated = false
			delete(gone, d.ID)
		}
		if err := h.check(d); err != nil {
			h.violateProblem(ci, d.Path, err)
			continue
		}
		deps, err := h.dependencies(d)
		if err != nil {
			h.violateProblem(ci, d.Path, err)
			continue
		}
		if st == nil {
			st = &schemaState{entry: bundle.Schema{ID: d.ID, Path: d.Path}}
			h.schemas[d.ID] = st
			res := compat.DiffResult{Compatible: true, Changes: []api.Change{}}
			if err := h.publish(st, d, ci, semver.BumpNone, res, deps); err != nil {
				return err
			}
			h.events = append(h.events, event{kind: eventPublished, id: d.ID, path: d.Path, new: d.Version.String(), res: res, first: true})
			created = append(created, d.ID)
			continue
		}
		ev, err := h.judge(st, d, ci, deps)
		if err != nil {
			return err
		}
		ev.oldPath = oldPath
		h.events = append(h.events, ev)
	}

	var deprecated []string
	for id := range gone {
		if err := h.load(h.schemas[id]); err != nil {
			return err
		}
		h.schemas[id].entry.Deprecated = true
		deprecated = append(deprecated, id)
	}
	sort.Strings(deprecated)
	for _, id := range deprecated {
		st := h.schemas[id]
		h.events = append(h.events, event{kind: eventDeprecated, id: id, path: st.entry.Path, old: st.entry.Latest})
	}
	h.detectIDChange(ci, deprecated, created)
	return nil
}

// judge compares a new content of a published schema with its latest
// version and publishes it when its version is new.
func (h *history) judge(st *schemaState, d *document.Document, ci commitInfo, deps []validate.Dependency) (event, error) {
	id, ver := d.ID, d.Version.String()
	ev := event{id: id, path: d.Path, old: st.entry.Latest, new: ver}
	latest, err := h.latestDoc(st)
	if err != nil {
		return ev, err
	}
	if bytes.Equal(d.Canonical, latest.Canonical) {
		ev.kind = eventUnchanged
		return ev, nil
	}
	old := latest.Version.String()
	ev.res, err = h.diff(st, latest, d)
	if err != nil {
		return ev, err
	}
	ev.made = d.Version.BumpFrom(latest.Version)
	switch cmp := d.Version.Compare(latest.Version); {
	case cmp == 0:
		ev.kind = eventRejected
		h.violate(ci, d.Path, d.Line("/version"), id, ver, ViolationMutated,
			fmt.Sprintf("version %s is already published with other content; published versions are immutable: these changes need a new version (at least a %s bump, %s); the published content stays", ver, semver.MinBump(ev.res.Bump), latest.Version.Next(semver.MinBump(ev.res.Bump))))
		return ev, nil
	case cmp < 0:
		ev.kind = eventRejected
		h.violate(ci, d.Path, d.Line("/version"), id, ver, ViolationNotIncreased,
			fmt.Sprintf("version went backwards from %s to %s; a new version must be greater than the latest, %s (these changes need %s); the content is not published", old, ver, old, latest.Version.Next(semver.MinBump(ev.res.Bump))))
		return ev, nil
	}
	ok, notice, _ := semver.CheckBump(latest.Version, d.Version, ev.res.Bump)
	ev.notice = notice
	if !ok {
		// A refused version is never published: its major line would
		// hold a version that rejects the line's data.
		ev.kind = eventRejected
		h.violate(ci, d.Path, d.Line("/version"), id, ver, ViolationInvalidBump,
			notice+firstBreaking(ev.res.Changes)+"; "+ver+" is not published")
		return ev, nil
	}
	ev.kind = eventPublished
	return ev, h.publish(st, d, ci, ev.made, ev.res, deps)
}

func firstBreaking(changes []api.Change) string {
	for _, c := range changes {
		if c.Breaking {
			return ": " + c.Message
		}
	}
	for _, c := range changes {
		if !c.Annotation {
			return ": " + c.Message
		}
	}
	return ""
}

// diff compares d with the latest version under the schema's mode; a
// transitive mode also compares it with every earlier version of its major line.
func (h *history) diff(st *schemaState, latest, d *document.Document) (compat.DiffResult, error) {
	mode := document.Mode(st.entry.Compatibility)
	if h.mode != "" {
		mode = h.mode
	}
	if mode == "" {
		mode = document.ModeBackward
	}
	opts := compat.DiffOptions{Mode: mode, Policy: h.policy, Resolve: h.reg.Resolve}
	if v, ok := st.entry.Version(st.entry.Latest); ok {
		opts.ResolveOld = h.pinnedResolver(v)
	}
	old := h.model(st, latest)
	st.model = old
	res := compat.DiffModels(old, h.model(nil, d), opts)
	if !mode.Transitive() {
		return res, nil
	}
	for i := range st.entry.Versions {
		v := &st.entry.Versions[i]
		if v.Version == st.entry.Latest {
			continue
		}
		pv, err := semver.Parse(v.Version)
		if err != nil || pv.Major != d.Version.Major {
			continue
		}
		old, err := h.versionDoc(st, v)
		if err != nil {
			return res, err
		}
		opts.ResolveOld = h.pinnedResolver(v)
		compat.MergeTransitive(&res, compat.Diff(old, d, opts), v.Version)
	}
	return res, nil
}

// publish records d as the schema's newest version.
func (h *history) publish(st *schemaState, d *document.Document, ci commitInfo, made semver.Bump, res compat.DiffResult, deps []validate.Dependency) error {
	ver := d.Version.String()
	ipc, err := h.arrowIPC(d)
	if err != nil {
		return fmt.Errorf("%s at %s: %w", d.Path, ci.hash, err)
	}
	changes := res.Changes
	if changes == nil {
		changes = []api.Change{}
	}
	h.globalIDs++
	v := bundle.Version{
		Version: ver, GlobalID: h.globalIDs, Digest: d.Digest, Size: len(d.Canonical), Path: d.Path,
		Commit: ci.hash, Time: ci.time, Author: ci.author,
		Bump: made.String(), RequiredBump: res.Bump.String(), Compatible: res.Compatible,
		Changes: changes, Deps: validate.Pins(deps),
	}
	h.files[bundle.SchemaFile(d.ID, ver)] = d.Canonical
	if ipc != nil {
		v.Arrow = bundle.Digest(ipc)
		h.files[bundle.ArrowFile(d.ID, ver)] = ipc
	}
	st.entry.Versions = append(st.entry.Versions, v)
	st.entry.Latest, st.entry.Deps = ver, v.Deps
	st.entry.Title, st.entry.Description = d.Title(), d.Description()
	st.entry.Compatibility = string(document.ModeBackward)
	if d.Compatibility != "" {
		st.entry.Compatibility = string(d.Compatibility)
	}
	st.latest, st.model = d, nil
	if pr := h.prepared(d); pr != nil && pr.model.Of(d) {
		st.model = pr.model
	}
	if st.docs != nil {
		st.docs[ver] = d
	}
	return nil
}

// detectIDChange reports an id renamed in place: one schema's file removed
// and a new id created beside it, with the same properties.
func (h *history) detectIDChange(ci commitInfo, deprecated, created []string) {
	if len(deprecated) != 1 || len(created) != 1 {
		return
	}
	oldSt, newSt := h.schemas[deprecated[0]], h.schemas[created[0]]
	if path.Dir(oldSt.entry.Path) != path.Dir(newSt.entry.Path) {
		return
	}
	oldDoc, err := h.latestDoc(oldSt)
	if err != nil {
		return
	}
	newDoc := newSt.latest
	if !bytes.Equal(document.Canonical(oldDoc.Object()["properties"]), document.Canonical(newDoc.Object()["properties"])) {
		return
	}
	h.violate(ci, newSt.entry.Path, newDoc.Line("/id"), newDoc.ID, newDoc.Version.String(), ViolationIDChanged,
		fmt.Sprintf("schema id changed from %q to %q; ids are permanent: %s stays published and is deprecated, %s starts a history of its own (to move a file, keep its id)",
			oldSt.entry.ID, newDoc.ID, oldSt.entry.ID, newDoc.ID))
}
