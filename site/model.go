package site

import (
	"sort"
	"strconv"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/text"
)

// schemaView is a schema as its pages show it.
type schemaView struct {
	ID, Title, Description string
	Compatibility          string
	Deprecated             bool
	Versions               []*versionView // publication order
	Newest                 []*versionView // newest first
	Latest                 *versionView
	// Breaking is set when the latest version breaks the one before.
	Breaking bool
	// Refused are the commits to the schema's file that the history
	// refused, newest first: what they claimed was never published.
	Refused []refusedView
	// Dependents are the latest versions of the other schemas that refer
	// to this one, with the version each is pinned to.
	Dependents []depView
}

// depView is one schema at one version: a dependency of a version, or a
// dependent of a schema with the version of it that dependent is pinned to.
type depView struct {
	ID, Version string
	// Pinned is the version of the page's schema a dependent is pinned to.
	Pinned string
	Path   string // the version's page, from the site root
}

// depsOf lists a version's pinned dependencies in id order.
func depsOf(v *bundle.Version) []depView {
	out := make([]depView, 0, len(v.Deps))
	for id, ver := range v.Deps {
		out = append(out, depView{ID: id, Version: ver, Path: id + "/" + ver + "/index.html"})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// dependentsOf maps each schema id to the latest versions of the schemas
// that depend on it, in id order.
func dependentsOf(m *bundle.Manifest) map[string][]depView {
	out := map[string][]depView{}
	for i := range m.Schemas {
		s := &m.Schemas[i]
		v, ok := s.Version(s.Latest)
		if !ok {
			continue
		}
		for dep, pinned := range v.Deps {
			out[dep] = append(out[dep], depView{ID: s.ID, Version: v.Version, Pinned: pinned, Path: s.ID + "/" + v.Version + "/index.html"})
		}
	}
	for _, list := range out {
		sort.Slice(list, func(i, j int) bool { return list[i].ID < list[j].ID })
	}
	return out
}

// refusedView is a violation of the history, as the changelog shows it.
type refusedView struct {
	V *bundle.Violation
	// Date is the day of the commit; ShortCommit abbreviates it.
	Date, ShortCommit string
}

// refusedOf returns the violations of the schema s, newest first: those
// that name its id, and those without an id at its path.
func refusedOf(s *bundle.Schema, violations []bundle.Violation) []refusedView {
	var out []refusedView
	for i := len(violations) - 1; i >= 0; i-- {
		v := &violations[i]
		if v.ID == s.ID || v.ID == "" && v.Path == s.Path {
			out = append(out, refusedView{V: v, Date: date(v.Time), ShortCommit: text.Short(v.Commit)})
		}
	}
	return out
}

// versionView is a version as its pages show it. It holds only what cannot
// change once the version is published.
type versionView struct {
	Schema *schemaView
	V      *bundle.Version
	Prev   *versionView
	// Title, Description and Compatibility are the document's own.
	Title, Description, Compatibility string
	Verdict                           verdict
	Changes                           []changeView
	// ChangeList is the table of Changes on the version's and the
	// changelog's pages.
	ChangeList changeList
	Breaking   int // changes that break the mode
	// Date is the day it was published; ShortCommit abbreviates its commit.
	Date, ShortCommit string
	// BumpNote says which bump the changes required, when it differs.
	BumpNote string
	IsLatest bool
	HasArrow bool
	// Paths from the site root.
	Path, DiffPath, JSONPath, ArrowPath string
	// Deps are the schemas the version's $refs reach, at the versions it
	// is pinned to.
	Deps []depView
}

// verdict is the judgement on a version's bump, as a badge.
type verdict struct {
	Label, Class string
}

// changeView is a change with the badge of its effect.
type changeView struct {
	api.Change
	Effect, Class string
	Anchor        string
}

// bumpRank orders bumps from none to major.
func bumpRank(b string) int {
	switch b {
	case "patch":
		return 1
	case "minor":
		return 2
	case "major":
		return 3
	}
	return 0
}

// verdictOf judges a version: the first one, a bump smaller than its
// changes require, a breaking version or a compatible one.
func verdictOf(v *bundle.Version, first bool) verdict {
	switch {
	case first:
		return verdict{"first version", "info"}
	case bumpRank(v.Bump) < bumpRank(v.RequiredBump):
		return verdict{"bump too small: the changes require " + v.RequiredBump, "bad"}
	case !v.Compatible:
		return verdict{"breaking", "breaking"}
	}
	return verdict{"compatible", "ok"}
}

// changeViews labels each change with its effect.
func changeViews(changes []api.Change) ([]changeView, int) {
	out := make([]changeView, 0, len(changes))
	breaking := 0
	for i, c := range changes {
		cv := changeView{Change: c, Anchor: "change-" + strconv.Itoa(i+1)}
		switch {
		case c.Breaking:
			cv.Effect, cv.Class = "breaking", "breaking"
			breaking++
		case c.Annotation:
			cv.Effect, cv.Class = "annotation only", "info"
		case c.Backward && c.Forward:
			cv.Effect, cv.Class = "compatible", "ok"
		case c.Backward:
			cv.Effect, cv.Class = "backward compatible", "ok"
		case c.Forward:
			cv.Effect, cv.Class = "forward compatible", "ok"
		default:
			cv.Effect, cv.Class = "incompatible, allowed by the mode", "warn"
		}
		out = append(out, cv)
	}
	return out, breaking
}

// newSchemaView builds the views of a schema and its versions, and of the
// violations of the history that concern it.
func newSchemaView(s *bundle.Schema, files map[string][]byte, violations []bundle.Violation) *schemaView {
	sv := &schemaView{
		ID:            s.ID,
		Title:         s.Title,
		Description:   s.Description,
		Compatibility: s.Compatibility,
		Deprecated:    s.Deprecated,
		Refused:       refusedOf(s, violations),
	}
	var prev *versionView
	for i := range s.Versions {
		v := &s.Versions[i]
		vv := &versionView{
			Schema:   sv,
			V:        v,
			Prev:     prev,
			Verdict:  verdictOf(v, i == 0),
			Path:     s.ID + "/" + v.Version + "/index.html",
			JSONPath: s.ID + "/" + v.Version + ".json",
		}
		vv.Changes, vv.Breaking = changeViews(v.Changes)
		vv.Deps = depsOf(v)
		vv.Date, vv.ShortCommit = date(v.Time), text.Short(v.Commit)
		if prev != nil {
			vv.DiffPath = diffPath(s.ID, prev.V.Version, v.Version)
			vv.ChangeList = newChangeList("Changes from "+prev.V.Version+" to "+v.Version, vv.Changes, false)
			if v.RequiredBump != v.Bump {
				vv.BumpNote = "the changes require " + v.RequiredBump
			}
		}
		if _, ok := files[bundle.ArrowFile(s.ID, v.Version)]; ok && v.Arrow != "" {
			vv.HasArrow = true
			vv.ArrowPath = s.ID + "/" + v.Version + ".arrow"
		}
		if v.Version == s.Latest {
			sv.Latest = vv
			vv.IsLatest = true
		}
		sv.Versions = append(sv.Versions, vv)
		prev = vv
	}
	for i := len(sv.Versions) - 1; i >= 0; i-- {
		sv.Newest = append(sv.Newest, sv.Versions[i])
	}
	if sv.Latest == nil && len(sv.Versions) > 0 {
		sv.Latest = sv.Versions[len(sv.Versions)-1]
		sv.Latest.IsLatest = true
	}
	// One verdict per version: the badge says what the verdict says.
	sv.Breaking = sv.Latest != nil && sv.Latest.Prev != nil && !sv.Latest.V.Compatible
	return sv
}

// diffPath is the page of the diff between two versions, from the site root.
func diffPath(id, from, to string) string {
	return id + "/diff/" + from + ".." + to + "/index.html"
}

// date returns the day of an RFC 3339 time, or the time as it is.
func date(t string) string {
	if len(t) >= 10 && t[4] == '-' && t[7] == '-' {
		return t[:10]
	}
	return t
}
