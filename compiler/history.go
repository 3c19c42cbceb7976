package compiler

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"

	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
	"github.com/schemareg/schemareg/compiler/validate"
	"github.com/schemareg/schemareg/internal/bundle"
)

// history is the registry's state while the compiler walks commits. All of
// it is either in the bundle manifest or read back from Git on demand, so a
// walk that starts from a previous bundle reaches the same state as one
// that starts from the root.
type history struct {
	git      *gitRepo
	dir      string
	policy   compat.Policy
	maxBytes int

	schemas    map[string]*schemaState // by id
	files      map[string][]byte       // bundle files
	violations []Violation
	commits    int // first-parent commits applied, counted from the root
	globalIDs  int // the last global id assigned

	tree     plumbing.Hash      // the schemas folder at the current commit
	treeDocs map[string]treeDoc // parsed files of tree, by path, loaded on demand
	pending  map[string]*document.Document
	judged   map[string]bool // the pending documents judged so far
	reg      *validate.Registry
	base     *bundle.Dir   // the bundle a compile continues, when opened lazily
	mode     document.Mode // overrides every schema's mode when set
	events   []event       // what the last apply did, for Check
}

// event is one thing apply did to a schema.
type event struct {
	kind     string // eventPublished, eventRejected, eventUnchanged, eventDeprecated
	id, path string
	oldPath  string // set when the file moved
	old, new string // versions
	made     semver.Bump
	notice   string // a bump larger than needed
	res      compat.DiffResult
	first    bool // the schema's first version
}

const (
	eventPublished  = "published"
	eventRejected   = "rejected" // a changed content whose version did not grow
	eventUnchanged  = "unchanged"
	eventDeprecated = "deprecated"
)

type schemaState struct {
	entry  bundle.Schema
	latest *document.Document            // the latest published version, parsed from its original file
	model  *compat.Model                 // latest made ready for diffing, when it was
	docs   map[string]*document.Document // published versions loaded for transitive checks
}

// treeDoc is a file of the current tree, parsed: prepared by the workers
// when the commit being applied changed it.
type treeDoc struct {
	hash plumbing.Hash
	prepared
}

func newHistory(g *gitRepo, dir string, policy compat.Policy, maxBytes int) *history {
	h := &history{
		git: g, dir: dir, policy: policy, maxBytes: maxBytes,
		schemas:  map[string]*schemaState{},
		files:    map[string][]byte{},
		treeDocs: map[string]treeDoc{},
	}
	h.reg = validate.NewRegistry()
	h.reg.Find, h.reg.FindVersion = h.lookup, h.loadVersion
	return h
}

// load reads a schema's version list from the bundle the compile
// continues, the first time the schema is touched.
func (h *history) load(st *schemaState) error {
	if st.entry.Versions != nil || h.base == nil {
		return nil
	}
	return h.base.LoadVersions(&st.entry)
}

// owner returns the path of the file that holds id in the current tree.
func (h *history) owner(id string) (string, bool) {
	st, ok := h.schemas[id]
	if !ok || st.entry.Deprecated {
		return "", false
	}
	return st.entry.Path, true
}

// lookup finds a document for a $ref by id or by $id URL: a document of
// this commit that is yet to be judged, else the schema's latest
// published version. A reference is pinned to what it finds here when the
// referring version is published, so it never finds unpublished content.
func (h *history) lookup(id, url string) (*document.Document, bool) {
	if id == "" {
		var ok bool
		if id, ok = h.idOfURL(url); !ok {
			return nil, false
		}
	}
	if d, ok := h.pending[id]; ok && !h.judged[id] {
		return d, true
	}
	st, ok := h.schemas[id]
	if !ok || st.entry.Deprecated || st.entry.Latest == "" {
		return nil, false
	}
	if err := h.load(st); err != nil {
		return nil, false
	}
	d, err := h.latestDoc(st)
	return d, err == nil
}

// idOfURL finds the id of the schema whose root $id is url, among this
// commit's documents and then across the whole tree.
func (h *history) idOfURL(url string) (string, bool) {
	if id, ok := h.pendingWithRootID(url); ok {
		return id, true
	}
	files, err := h.git.listFiles(h.tree, h.dir)
	if err != nil {
		return "", false
	}
	for _, f := range files {
		td := h.treeFile(f.Path)
		if td.doc != nil && hasRootID(td.doc, url) {
			return td.doc.ID, true
		}
	}
	return "", false
}

// pendingWithRootID finds, in id order, the document of this commit whose
// root $id is url.
func (h *history) pendingWithRootID(url string) (string, bool) {
	for _, id := range h.pendingIDs() {
		if hasRootID(h.pending[id], url) {
			return id, true
		}
	}
	return "", false
}

// hasRootID reports whether d's root $id is url, fragment and ".json" aside.
func hasRootID(d *document.Document, url string) bool {
	s, ok := d.Object()["$id"].(string)
	return ok && strings.TrimSuffix(strings.SplitN(s, "#", 2)[0], ".json") == strings.TrimSuffix(url, ".json")
}

// loadVersion finds a published version for a pinned reference.
func (h *history) loadVersion(id, version string) (*document.Document, bool) {
	st, ok := h.schemas[id]
	if !ok || h.load(st) != nil {
		return nil, false
	}
	v, ok := st.entry.Version(version)
	if !ok {
		return nil, false
	}
	d, err := h.versionDoc(st, v)
	return d, err == nil
}

// pendingIDs returns the ids of this commit's documents in order.
func (h *history) pendingIDs() []string {
	ids := make([]string, 0, len(h.pending))
	for id := range h.pending {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}

// treeFile parses the file at p in the current tree, once per content.
func (h *history) treeFile(p string) treeDoc {
	if td, ok := h.treeDocs[p]; ok {
		return td
	}
	td := treeDoc{}
	rel := strings.TrimPrefix(strings.TrimPrefix(p, h.dir), "/")
	if hash, ok, err := h.git.fileAt(h.tree, rel); err != nil {
		td.err = err
	} else if !ok {
		td.err = fmt.Errorf("%s: not in the tree", p)
	} else {
		td.hash = hash
		td.doc, td.err = h.parseBlob(p, hash)
	}
	h.treeDocs[p] = td
	return td
}

func (h *history) parseBlob(p string, hash plumbing.Hash) (*document.Document, error) {
	data, err := h.git.readBlob(hash, h.maxBytes)
	if err != nil {
		return nil, err
	}
	if len(data) > h.maxBytes {
		return nil, &document.Problem{Path: p, Message: fmt.Sprintf("file is larger than the limit of %d bytes; split the schema", h.maxBytes)}
	}
	d, err := document.ParseDocument(p, data)
	if err != nil {
		return nil, err
	}
	if want := document.BaseName(p); d.ID != want {
		return nil, d.ProblemAt("/id", "id %q does not match the file name %q; rename the file to %s.json or set \"id\": %q", d.ID, path.Base(p), d.ID, want)
	}
	return d, nil
}

// versionDoc loads a published version from the file that published it.
func (h *history) versionDoc(st *schemaState, v *bundle.Version) (*document.Document, error) {
	if d, ok := st.docs[v.Version]; ok {
		return d, nil
	}
	c, err := h.git.commit(plumbing.NewHash(v.Commit))
	if err != nil {
		return nil, fmt.Errorf("read %s %s at %s: %w", st.entry.ID, v.Version, v.Commit, err)
	}
	hash, ok, err := h.git.fileAt(c.TreeHash, v.Path)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", v.Path, v.Commit, err)
	}
	if !ok {
		return nil, fmt.Errorf("read %s at %s: no such file", v.Path, v.Commit)
	}
	d, err := h.parseBlob(v.Path, hash)
	if err != nil {
		return nil, err
	}
	if d.Digest != v.Digest {
		return nil, fmt.Errorf("%s at %s digests to %s, the bundle says %s", v.Path, v.Commit, d.Digest, v.Digest)
	}
	if st.docs == nil {
		st.docs = map[string]*document.Document{}
	}
	st.docs[v.Version] = d
	return d, nil
}

func (h *history) latestDoc(st *schemaState) (*document.Document, error) {
	if st.latest == nil {
		v, ok := st.entry.Version(st.entry.Latest)
		if !ok {
			return nil, fmt.Errorf("schema %s: latest %s is not among its versions", st.entry.ID, st.entry.Latest)
		}
		d, err := h.versionDoc(st, v)
		if err != nil {
			return nil, err
		}
		st.latest = d
	}
	return st.latest, nil
}

// commitInfo is what a version or violation records of its commit.
type commitInfo struct {
	hash, time, author string
}

func infoOf(c *object.Commit) commitInfo {
	return commitInfo{
		hash:   c.Hash.String(),
		time:   c.Committer.When.UTC().Format(time.RFC3339),
		author: fmt.Sprintf("%s <%s>", c.Author.Name, c.Author.Email),
	}
}

func (h *history) violate(ci commitInfo, p string, line int, id, version, kind, msg string) {
	h.violations = append(h.violations, Violation{
		Commit: ci.hash, Time: ci.time, Path: p, Line: line, ID: id, Version: version, Kind: kind, Message: msg,
	})
}

func (h *history) violateProblem(ci commitInfo, p string, err error) {
	var pr *document.Problem
	if errors.As(err, &pr) {
		h.violate(ci, p, pr.Line, document.BaseName(p), "", ViolationInvalidSchema, pr.Message)
		return
	}
	h.violate(ci, p, 0, document.BaseName(p), "", ViolationInvalidSchema, err.Error())
}

// sortedIDs returns the ids of the schemas in order.
func (h *history) sortedIDs() []string {
	ids := make([]string, 0, len(h.schemas))
	for id := range h.schemas {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	return ids
}
