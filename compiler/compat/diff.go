package compat

import (
	"sort"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
)

// DiffOptions configures Diff.
type DiffOptions struct {
	// Mode is the compatibility mode; "" takes the new document's
	// "compatibility" field, then the old one's, then BACKWARD.
	Mode document.Mode
	// Policy is the policy for open content models; "" is LENIENT.
	Policy Policy
	// Resolve finds the registry schema a $ref names outside its own
	// document: a registry id ("quotes_v1#/definitions/price") or a $id URL.
	// It gets the whole $ref; the diff applies the fragment. nil resolves
	// nothing: such a $ref is compared by its text.
	Resolve func(ref string) (*document.Document, bool)
	// ResolveOld, when set, resolves the references of the old document,
	// and of the schemas they reach, instead of Resolve: a published
	// version is compared as it was published, with its pinned
	// dependencies, while the new one sees the dependencies it would pin.
	ResolveOld func(ref string) (*document.Document, bool)
}

// DiffResult is the verdict on a new version of a schema.
type DiffResult struct {
	// Compatible is true when no change breaks the mode.
	Compatible bool `json:"compatible"`
	// Bump is the smallest version bump the changes require.
	Bump   semver.Bump   `json:"bump"`
	Mode   document.Mode `json:"mode"`
	Policy Policy        `json:"policy"`
	// Changes lists every difference, compatible ones included, in
	// document order when lines are known.
	Changes []api.Change `json:"changes"`
}

// Diff compares two versions of a schema. Backward compatibility asks
// whether data written with old validates against new; forward
// compatibility asks the same of the diff with the arguments swapped, as
// Confluent Schema Registry does. A nil document reads as the empty schema.
func Diff(old, new *document.Document, opts DiffOptions) DiffResult {
	return diffDocs(docOf(old), docOf(new), opts, modeOf(opts.Mode, old, new))
}

// Model is a document made ready for diffing. A caller that diffs each
// version with the one before keeps a version's Model for the next diff,
// and may build it on another goroutine beforehand; a Model is not for
// use by two goroutines at once.
type Model struct {
	doc *sdoc
}

// ModelOf makes d ready for diffing, building the model of its root; nil
// reads as the empty schema.
func ModelOf(d *document.Document) *Model {
	m := &Model{doc: docOf(d)}
	m.doc.node("")
	return m
}

// Of reports whether m models d.
func (m *Model) Of(d *document.Document) bool { return m != nil && m.doc.main == d && d != nil }

// DiffModels is Diff of the documents two Models model. They must be two.
func DiffModels(old, new *Model, opts DiffOptions) DiffResult {
	if old == new {
		return Diff(old.doc.main, new.doc.main, opts)
	}
	return diffDocs(old.doc, new.doc, opts, modeOf(opts.Mode, old.doc.main, new.doc.main))
}

// DiffSchemas compares two decoded JSON Schemas (map[string]any, bool,
// with json.Number numbers) that need not be registry documents. It is the
// engine Diff uses; changes carry no lines.
func DiffSchemas(old, new any, opts DiffOptions) DiffResult {
	mode := opts.Mode
	if mode == "" {
		mode = document.ModeBackward
	}
	return diffDocs(newSdoc(old, nil), newSdoc(new, nil), opts, mode)
}

// DiffTransitive compares a new version with the history of its schema,
// oldest first. Changes are reported against the last version of history;
// under a transitive mode the result is compatible only when new is
// compatible with every earlier version of its own major line too, and the
// changes that break against those versions are added, each naming the
// version. An empty history compares new with the empty schema.
func DiffTransitive(history []*document.Document, new *document.Document, opts DiffOptions) DiffResult {
	if len(history) == 0 {
		return Diff(nil, new, opts)
	}
	prev := history[len(history)-1]
	mode := modeOf(opts.Mode, prev, new)
	opts.Mode = mode
	res := Diff(prev, new, opts)
	if !mode.Transitive() {
		return res
	}
	var line uint64
	hasLine := false
	switch {
	case new != nil && new.HasVersion:
		line, hasLine = new.Version.Major, true
	case prev != nil && prev.HasVersion:
		line, hasLine = prev.Version.Major, true
	}
	for _, old := range history[:len(history)-1] {
		if old == nil || hasLine && (!old.HasVersion || old.Version.Major != line) {
			continue
		}
		against := ""
		if old.HasVersion {
			against = old.Version.String()
		}
		MergeTransitive(&res, Diff(old, new, opts), against)
	}
	res.Bump = RequiredBump(res.Changes)
	return res
}

// MergeTransitive adds to res the changes of r that break, where r is the
// diff of the same new version against an earlier one (against) that a
// transitive mode judges too; each names that version. A breaking change
// already listed is not repeated. Compatible and Bump are updated.
func MergeTransitive(res *DiffResult, r DiffResult, against string) {
	if !r.Compatible {
		res.Compatible = false
	}
	for _, c := range r.Changes {
		if !c.Breaking || hasBreaking(res.Changes, c) {
			continue
		}
		if against != "" {
			c.Message = "against " + against + ": " + c.Message
		}
		res.Changes = append(res.Changes, c)
	}
	res.Bump = RequiredBump(res.Changes)
}

func hasBreaking(cs []api.Change, c api.Change) bool {
	for _, e := range cs {
		if e.Breaking && e.Kind == c.Kind && e.Path == c.Path {
			return true
		}
	}
	return false
}

func docOf(d *document.Document) *sdoc {
	if d == nil {
		return newSdoc(map[string]any{}, nil)
	}
	return newSdoc(d.Root, d)
}

// modeOf picks the mode: the option, else the new document's field, else
// the old one's, else BACKWARD.
func modeOf(m document.Mode, old, new *document.Document) document.Mode {
	switch {
	case m != "":
		return m
	case new != nil && new.Compatibility != "":
		return new.Compatibility
	case old != nil && old.Compatibility != "":
		return old.Compatibility
	}
	return document.ModeBackward
}

func diffDocs(od, nd *sdoc, opts DiffOptions, mode document.Mode) DiffResult {
	policy := opts.Policy
	if policy == "" {
		policy = PolicyLenient
	}
	d := newDiffer(policy, opts.Resolve)
	if opts.ResolveOld != nil {
		d.resolveOld = opts.ResolveOld
	}
	// A document's model may be diffed more than once, on either side.
	od.old, nd.old = opts.ResolveOld != nil, false
	back := d.walk(od, nd)
	fwd := d.walk(nd, od)
	res := DiffResult{Mode: mode, Policy: policy}
	res.Changes = assemble(back, fwd, policy, mode, od, nd)
	res.Compatible = true
	for _, c := range res.Changes {
		if c.Breaking {
			res.Compatible = false
		}
	}
	res.Bump = RequiredBump(res.Changes)
	return res
}

// assemble turns the findings of both walks into Changes: backward from
// the first walk, forward from the second, matched by what they are about.
func assemble(back, fwd []finding, policy Policy, mode document.Mode, od, nd *sdoc) []api.Change {
	back = dedupeFindings(back)
	forwardOK := make([]bool, len(back))
	for i := range forwardOK {
		forwardOK[i] = true
	}
	byID := make(map[string][]int, len(back))
	for i, b := range back {
		byID[b.id()] = append(byID[b.id()], i)
	}
	var orphans []finding
	for _, f := range fwd {
		if f.kind.compatible(policy) {
			continue
		}
		if hits := byID[f.id()]; len(hits) > 0 {
			for _, i := range hits {
				forwardOK[i] = false
			}
			continue
		}
		if best := closest(back, f.id()); best >= 0 {
			forwardOK[best] = false
			continue
		}
		orphans = append(orphans, f)
	}
	lines := newLineFinder(od, nd)
	for _, f := range back {
		lines.ask(f)
	}
	for _, f := range orphans {
		lines.ask(f)
	}
	label := versionLabel(od)
	changes := make([]api.Change, 0, len(back)+len(orphans))
	for i, b := range back {
		c := api.Change{Kind: b.kind.String(), Path: b.path, Backward: b.kind.compatible(policy),
			Forward: forwardOK[i], Annotation: b.kind.annotation(), Message: message(b, label)}
		c.Line, c.OldLine = lines.lines(b)
		c.Breaking = mode.Backward() && !c.Backward || mode.Forward() && !c.Forward
		changes = append(changes, c)
	}
	for _, f := range orphans {
		c := api.Change{Kind: f.kind.String(), Path: f.path, Backward: true, Forward: false,
			Message: "data written with the new schema: " + message(f, "the new schema")}
		c.Line, c.OldLine = lines.lines(f)
		c.Breaking = mode.Forward()
		changes = append(changes, c)
	}
	if lines.any {
		sort.SliceStable(changes, func(i, j int) bool {
			return changes[i].Line < changes[j].Line
		})
	}
	return changes
}

// id is what a finding is about: its key, else its path.
func (f finding) id() string {
	if f.key != "" {
		return f.key
	}
	return f.path
}

// closest returns the finding most likely about the same thing as id: the
// one whose path shares the longest prefix with it, annotations last; -1
// when there is none.
func closest(fs []finding, id string) int {
	best, bestLen := -1, -1
	for i, f := range fs {
		n := commonPrefix(f.id(), id)
		if f.kind.annotation() {
			n -= len(id) + 1
		}
		if n > bestLen {
			best, bestLen = i, n
		}
	}
	return best
}

func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// dedupeFindings drops a finding that repeats an earlier one's kind and path.
func dedupeFindings(fs []finding) []finding {
	seen := make(map[string]bool, len(fs))
	out := fs[:0:0]
	for _, f := range fs {
		k := f.kind.String() + " " + f.id()
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, f)
	}
	return out
}

// versionLabel names the old version for messages: "1.x" or "the old schema".
func versionLabel(od *sdoc) string {
	if od.main != nil && od.main.HasVersion {
		return itoa(int(od.main.Version.Major)) + ".x"
	}
	return "the old schema"
}

// RequiredBump is the smallest version bump a list of changes requires:
// major when any change breaks the mode, else minor when any change alters
// which data is valid, else patch when annotations changed, else none.
func RequiredBump(changes []api.Change) semver.Bump {
	b := semver.BumpNone
	for _, c := range changes {
		switch {
		case c.Breaking:
			return semver.BumpMajor
		case !c.Annotation:
			b = semver.BumpMinor
		case b < semver.BumpPatch:
			b = semver.BumpPatch
		}
	}
	return b
}
