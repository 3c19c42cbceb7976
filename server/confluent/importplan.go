package confluent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"sort"
	"strings"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/internal/bundle"
)

// ImportStep is one version of one subject, as the file one commit writes.
type ImportStep struct {
	Subject  string
	Version  int // the subject's version number
	GlobalID int // the registry's schema id
	ID       string
	SemVer   string
	Mode     string
	// Bump is the bump from the version before: "none" for the first.
	Bump    string
	Path    string
	Content []byte
}

// ImportPlan is what an import commits, in the order it commits it.
type ImportPlan struct {
	Steps []ImportStep
	// Skipped are the subjects that are not JSON schemas.
	Skipped []SourceSubject
}

// SchemaIDOf turns a subject's name into a schema id: lowercase, every
// character an id cannot hold replaced by "_", starting with a letter.
func SchemaIDOf(subject string) string {
	var b strings.Builder
	for _, c := range strings.ToLower(subject) {
		if c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-' {
			b.WriteRune(c)
		} else {
			b.WriteByte('_')
		}
	}
	id := b.String()
	if id == "" || id[0] < 'a' || id[0] > 'z' {
		id = "s_" + id
	}
	if len(id) > bundle.MaxIDLength {
		id = id[:bundle.MaxIDLength]
	}
	return id
}

// PlanImport turns subjects into commits under dir: one per version, in
// global id order (then by subject), each file carrying its id, a semantic
// version derived from the verdict against the version before (breaking:
// major, compatible: at least minor when anything but annotations changed,
// else patch) and its subject's mode. A version that already carries a
// greater semantic version (an export of schemareg itself) keeps it.
func PlanImport(subjects []SourceSubject, dir string) (*ImportPlan, error) {
	plan := &ImportPlan{}
	ids := map[string]string{}
	idOf := map[string]string{}
	for _, sub := range subjects {
		idOf[sub.Name] = SchemaIDOf(sub.Name)
	}
	for _, sub := range subjects {
		if sub.Type != SchemaType {
			plan.Skipped = append(plan.Skipped, sub)
			continue
		}
		id := idOf[sub.Name]
		if other, dup := ids[id]; dup {
			return nil, fmt.Errorf("subjects %q and %q would both be schema id %q; import one of them with --subjects", other, sub.Name, id)
		}
		ids[id] = sub.Name
		mode, err := document.ParseMode(sub.Mode)
		if err != nil {
			return nil, fmt.Errorf("subject %q: mode %q: %w", sub.Name, sub.Mode, err)
		}
		var prev *document.Document
		var prevVer semver.Version
		for _, v := range sub.Versions {
			if v.SchemaType != SchemaType {
				return nil, fmt.Errorf("subject %q version %d is %s, not JSON; import without it with --subjects", sub.Name, v.Version, v.SchemaType)
			}
			st, d, ver, err := planVersion(sub, v, id, mode, idOf, prev, prevVer, dir)
			if err != nil {
				return nil, err
			}
			plan.Steps = append(plan.Steps, st)
			prev, prevVer = d, ver
		}
	}
	sort.SliceStable(plan.Steps, func(i, j int) bool {
		a, b := plan.Steps[i], plan.Steps[j]
		if a.GlobalID != b.GlobalID {
			return a.GlobalID < b.GlobalID
		}
		return a.Subject < b.Subject
	})
	plan.Steps = referencedFirst(plan.Steps)
	return plan, nil
}

// referencedFirst keeps the steps in order, except that a version whose
// $refs name an imported schema not committed yet waits for its first
// version (and so do the later versions of its own subject).
func referencedFirst(steps []ImportStep) []ImportStep {
	planned := map[string]bool{}
	for _, st := range steps {
		planned[st.ID] = true
	}
	out := make([]ImportStep, 0, len(steps))
	committed := map[string]bool{}
	waiting := steps
	for len(waiting) > 0 {
		var later []ImportStep
		blocked := map[string]bool{}
		for _, st := range waiting {
			ready := !blocked[st.ID]
			for _, dep := range registryRefs(st.Content) {
				if dep != st.ID && planned[dep] && !committed[dep] {
					ready = false
				}
			}
			if !ready {
				blocked[st.ID] = true
				later = append(later, st)
				continue
			}
			out = append(out, st)
			committed[st.ID] = true
		}
		if len(later) == len(waiting) {
			return append(out, later...) // a cycle: the compile will name it
		}
		waiting = later
	}
	return out
}

// registryRefs returns the documents the "$ref"s of content name, without
// their fragments.
func registryRefs(content []byte) []string {
	var root any
	if json.Unmarshal(content, &root) != nil {
		return nil
	}
	var out []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, c := range x {
				if s, ok := c.(string); ok && k == "$ref" {
					if base, _, _ := strings.Cut(s, "#"); base != "" {
						out = append(out, base)
					}
					continue
				}
				walk(c)
			}
		case []any:
			for _, c := range x {
				walk(c)
			}
		}
	}
	walk(root)
	return out
}

func planVersion(sub SourceSubject, v SourceVersion, id string, mode document.Mode, idOf map[string]string,
	prev *document.Document, prevVer semver.Version, dir string) (ImportStep, *document.Document, semver.Version, error) {
	where := fmt.Sprintf("subject %q version %d (id %d)", sub.Name, v.Version, v.ID)
	dec := json.NewDecoder(strings.NewReader(v.Schema))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return ImportStep{}, nil, semver.Version{}, fmt.Errorf("%s: schema is not JSON: %w", where, err)
	}
	obj, ok := root.(map[string]any)
	if !ok {
		return ImportStep{}, nil, semver.Version{}, fmt.Errorf("%s: schema is not a JSON object; a registry file is one", where)
	}
	for _, ref := range v.References {
		target, ok := idOf[ref.Subject]
		if !ok {
			target = SchemaIDOf(ref.Subject)
		}
		rewriteRefs(obj, ref.Name, target)
	}
	delete(obj, document.FieldID)
	// The Confluent API of a schemareg serves "$schema" beside the
	// registry's "schema" field; the field alone is the document's.
	if s, ok := obj[document.FieldSchema].(string); ok && obj["$schema"] == s {
		delete(obj, "$schema")
	}
	own, hasOwn := obj[document.FieldVersion].(string)
	delete(obj, document.FieldVersion)
	body, err := encodeIndent(obj)
	if err != nil {
		return ImportStep{}, nil, semver.Version{}, fmt.Errorf("%s: %w", where, err)
	}
	d, err := document.ParseSchema(where, body)
	if err != nil {
		return ImportStep{}, nil, semver.Version{}, err
	}
	bump := semver.BumpNone
	ver := semver.Version{Major: 1}
	if prev != nil {
		res := compat.Diff(prev, d, compat.DiffOptions{Mode: mode})
		bump = max(res.Bump, semver.BumpPatch)
		if !res.Compatible {
			bump = semver.BumpMajor
		}
		ver = next(prevVer, bump)
	}
	if hasOwn {
		if ov, err := semver.Parse(own); err == nil && (prev == nil || ov.Compare(prevVer) > 0) {
			ver = ov
		}
	}
	obj[document.FieldID] = id
	obj[document.FieldVersion] = ver.String()
	if _, has := obj[document.FieldCompatibility]; has || mode != document.ModeBackward {
		obj[document.FieldCompatibility] = string(mode)
	}
	content, err := encodeIndent(obj)
	if err != nil {
		return ImportStep{}, nil, semver.Version{}, fmt.Errorf("%s: %w", where, err)
	}
	return ImportStep{
		Subject: sub.Name, Version: v.Version, GlobalID: v.ID, ID: id, SemVer: ver.String(), Mode: string(mode),
		Bump: bump.String(), Path: path.Join(dir, id+".json"), Content: content,
	}, d, ver, nil
}

func next(v semver.Version, b semver.Bump) semver.Version {
	switch b {
	case semver.BumpMajor:
		return semver.Version{Major: v.Major + 1}
	case semver.BumpMinor:
		return semver.Version{Major: v.Major, Minor: v.Minor + 1}
	}
	return semver.Version{Major: v.Major, Minor: v.Minor, Patch: v.Patch + 1}
}

// rewriteRefs points every "$ref" to name (with any fragment) at the
// registry id target.
func rewriteRefs(v any, name, target string) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if s, ok := c.(string); ok && k == "$ref" {
				base, frag, hasFrag := strings.Cut(s, "#")
				if base == name {
					x[k] = target
					if hasFrag {
						x[k] = target + "#" + frag
					}
				}
				continue
			}
			rewriteRefs(c, name, target)
		}
	case []any:
		for _, c := range x {
			rewriteRefs(c, name, target)
		}
	}
}

func encodeIndent(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
