package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/compiler/document"
	"github.com/schemareg/schemareg/compiler/semver"
)

// handleCreate answers POST /schema/{id}: a new version, judged against the
// latest. Git stays authoritative: with a GitTarget the server commits the
// file (202, naming the commit) for an authenticated writer; without one it
// answers 403, before reading the body, and points to a pull request.
// ?dry_run=true only judges (200), unauthenticated. A version that is not
// greater than the latest, or whose bump is too small, is 409; an If-Match
// that does not name the latest version's ETag is 412.
func (s *Server) handleCreate(w http.ResponseWriter, r *http.Request) {
	id, err := pathID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	dryRun := false
	if v := r.URL.Query().Get("dry_run"); v != "" {
		if dryRun, err = strconv.ParseBool(v); err != nil {
			s.writeError(w, r, errorf(ErrBadRequest, "invalid dry_run %q: true or false", v))
			return
		}
	}
	var writer *Writer
	if !dryRun {
		if writer, err = s.writer(w, r, id); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if err := requireJSON(r.Header.Get("Content-Type")); err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	if values := r.Header.Values("If-Match"); len(values) > 0 {
		if err := s.checkIfMatch(ctx, id, values); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	body, err := readBody(w, r, s.opts.MaxBody)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	v, doc, err := s.judge(ctx, id, body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	switch {
	case v.Status == "unchanged":
		s.writeCreated(w, r, http.StatusOK, api.Created{Verdict: *v, DryRun: dryRun, Message: fmt.Sprintf("%s %s is published with this content already", id, v.Version)})
	case dryRun:
		s.writeCreated(w, r, http.StatusOK, api.Created{Verdict: *v, DryRun: true, Message: "dry run: nothing written"})
	default:
		hash, err := s.git.commit(ctx, v.Path, body, commitMessage(v), writer, s.opts.Now(), func(old []byte) error { return checkBranchFile(id, doc, old) })
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		s.logger.Info("committed new version", LogKeyRequestID, requestID(w), LogKeySchema, id, LogKeyVersion, v.Version, LogKeyCommit, hash, "writer", writer.Name, "via", writer.Via)
		s.writeCreated(w, r, http.StatusAccepted, api.Created{Verdict: *v, Commit: hash, Branch: s.git.t.Branch,
			Message: fmt.Sprintf("committed %s to %s; the version is served once the commit is compiled and synced", v.Path, s.git.t.Branch)})
	}
}

// judge parses and compiles a proposed document and compares it with the
// latest version. A refusal is an *Error carrying the verdict.
func (s *Server) judge(ctx context.Context, id string, body []byte) (*api.Verdict, *document.Document, error) {
	d, err := parseDocument(id, body)
	if err != nil {
		return nil, nil, err
	}
	if d.doc.ID != id {
		return nil, nil, errorf(ErrBadRequest, "the document's id is %q, the path's %q", d.doc.ID, id)
	}
	g, err := s.current(ctx)
	if err != nil {
		return nil, nil, err
	}
	none := semver.BumpNone.String()
	v := &api.Verdict{ID: id, Version: d.doc.Version.String(), Policy: string(s.opts.Policy), Bump: none, RequiredBump: none, Changes: []api.Change{}}
	e, ok := g.byID[id]
	if !ok {
		dir := "schemas"
		if s.git != nil {
			dir = s.git.t.Dir
		}
		v.Status, v.Mode, v.Compatible, v.Allowed, v.Path = "new_schema", string(d.doc.Compatibility), true, true, dir+"/"+id+".json"
		if v.Mode == "" {
			v.Mode = string(document.ModeBackward)
		}
		return v, d.doc, s.compiles(ctx, g, d)
	}
	vs, info, err := s.version(ctx, g, id, latest)
	if err != nil {
		return nil, nil, err
	}
	v.Latest, v.Path = info.Version, vs.list.Path
	if v.Path == "" {
		v.Path = "schemas/" + id + ".json"
	}
	if err := s.compiles(ctx, g, d); err != nil {
		return nil, nil, err
	}
	prev, err := s.document(ctx, id, info)
	if err != nil {
		return nil, nil, err
	}
	if bytes.Equal(prev.doc.Canonical, d.doc.Canonical) {
		v.Status, v.Mode, v.Compatible, v.Allowed = "unchanged", e.Compatibility, true, true
		return v, d.doc, nil
	}
	res, err := s.diffNew(ctx, g, vs, prev, d, document.Mode(e.Compatibility))
	if err != nil {
		return nil, nil, err
	}
	v.Status, v.Mode, v.Compatible, v.RequiredBump, v.Changes = "new_version", string(res.Mode), res.Compatible, res.Bump.String(), res.Changes
	old := prev.doc.Version
	bump := d.doc.Version.BumpFrom(old)
	v.Bump = bump.String()
	v.NextVersion = nextVersion(old, max(res.Bump, semver.BumpPatch))
	cmp := d.doc.Version.Compare(old)
	v.Allowed = cmp > 0 && (old.Pre != "" || bump >= res.Bump)
	var msg string
	switch {
	case cmp == 0:
		msg = fmt.Sprintf("version %s is published already with other content; published versions are immutable: use %s", v.Version, v.NextVersion)
	case cmp < 0:
		msg = fmt.Sprintf("version %s is not greater than the latest, %s; use %s", v.Version, old, v.NextVersion)
	case !v.Allowed:
		msg = fmt.Sprintf("%s → %s is a %s bump, but the changes need a %s bump: use %s", old, v.Version, v.Bump, res.Bump, v.NextVersion)
	default:
		return v, d.doc, nil
	}
	return nil, nil, &Error{Kind: ErrConflict, Message: msg, Field: "verdict", Detail: v}
}

// compiles checks that a proposed document compiles against the registry.
func (s *Server) compiles(ctx context.Context, g *generation, d *parsedVersion) error {
	deps, _, err := s.deps(ctx, g, d)
	if err != nil {
		return err
	}
	if _, err := newRegistry(deps, d).Compile(d.doc); err != nil {
		return &Error{Kind: ErrInvalid, Message: err.Error()}
	}
	return nil
}

// diffNew compares a proposed version with the latest one under the
// schema's mode; a transitive mode compares it with every earlier version
// of its major line too, as the compiler will.
func (s *Server) diffNew(ctx context.Context, g *generation, vs *versions, prev, d *parsedVersion, mode document.Mode) (compat.DiffResult, error) {
	if mode == "" {
		mode = document.ModeBackward
	}
	deps, _, err := s.deps(ctx, g, prev, d)
	if err != nil {
		return compat.DiffResult{}, err
	}
	opts := compat.DiffOptions{Mode: mode, Policy: s.opts.Policy, Resolve: newRegistry(deps, d).Resolve}
	res := compat.Diff(prev.doc, d.doc, opts)
	if !mode.Transitive() {
		return res, nil
	}
	for i := range vs.list.Versions {
		info := &vs.list.Versions[i]
		pv, err := semver.Parse(info.Version)
		if err != nil || info.Version == vs.list.Latest || pv.Major != d.doc.Version.Major {
			continue
		}
		old, err := s.document(ctx, vs.list.ID, info)
		if err != nil {
			return res, err
		}
		if r := compat.Diff(old.doc, d.doc, opts); !r.Compatible {
			res.Compatible = false
			res.Bump = max(res.Bump, r.Bump)
		}
	}
	return res, nil
}

// nextVersion is the smallest version after v that makes bump b.
func nextVersion(v semver.Version, b semver.Bump) string {
	switch b {
	case semver.BumpMajor:
		return semver.Version{Major: v.Major + 1}.String()
	case semver.BumpMinor:
		return semver.Version{Major: v.Major, Minor: v.Minor + 1}.String()
	}
	return semver.Version{Major: v.Major, Minor: v.Minor, Patch: v.Patch + 1}.String()
}

// checkBranchFile refuses a commit when the branch has the schema at this
// version or a greater one already: etcd may lag behind the branch.
func checkBranchFile(id string, d *document.Document, old []byte) error {
	if old == nil {
		return nil
	}
	od, err := document.ParseDocument(id+".json", old)
	if err != nil || !od.HasVersion {
		return nil
	}
	if od.Version.Compare(d.Version) >= 0 {
		return errorf(ErrConflict, "the branch has %s at version %s already, not yet published; rebase on it", id, od.Version)
	}
	return nil
}

func commitMessage(v *api.Verdict) string {
	if v.Latest == "" {
		return fmt.Sprintf("schemas: add %s %s\n", v.ID, v.Version)
	}
	return fmt.Sprintf("schemas: %s %s\n\n%s bump over %s (%s required), %d changes.\n",
		v.ID, v.Version, v.Bump, v.Latest, v.RequiredBump, len(v.Changes))
}

func (s *Server) writeCreated(w http.ResponseWriter, r *http.Request, code int, c api.Created) {
	data, err := api.Encode(c)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h["Content-Type"] = []string{typeJSON}
	h["Cache-Control"] = s.hdr.noStore
	h["Content-Length"] = []string{strconv.Itoa(len(data))}
	w.WriteHeader(code)
	w.Write(data)
}
