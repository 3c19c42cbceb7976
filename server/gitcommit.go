package server

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/compiler/compat"
	"github.com/schemareg/schemareg/internal/gitfs"
)

// GitTarget is the repository POST /schema/{id} commits new versions to.
// The commit is written to the object store and the branch is moved under
// its lock file with a compare-and-swap; no work tree is touched, so a
// bare repository (a mirror that a job pushes upstream) is the usual
// target, and a branch checked out in a work tree is refused.
type GitTarget struct {
	// Repo is the repository's folder.
	Repo string
	// Branch is the branch to commit to; "" is "main".
	Branch string
	// Dir is the schemas folder, where a new schema's file goes; "" is "schemas".
	Dir string
	// Author is "Name <email>" of the commits; "" is "schemareg <schemareg@localhost>".
	Author string
}

// gitWriter commits files to a GitTarget, one commit at a time.
type gitWriter struct {
	t      GitTarget
	policy compat.Policy
	mu     sync.Mutex
}

// maxRefAttempts is how often a commit is made again on a branch that
// another writer moved meanwhile, before the write is answered 409.
const maxRefAttempts = 8

func newGitWriter(t GitTarget, policy compat.Policy) *gitWriter {
	if t.Branch == "" {
		t.Branch = "main"
	}
	if t.Dir == "" {
		t.Dir = "schemas"
	}
	if t.Author == "" {
		t.Author = "schemareg <schemareg@localhost>"
	}
	return &gitWriter{t: t, policy: policy}
}

// Check reports why the target cannot take writes: not a repository, a
// linked work tree, or a branch checked out in a work tree (moving it
// would stage a revert there; writes never touch a work tree).
func (t GitTarget) Check() error {
	branch := t.Branch
	if branch == "" {
		branch = "main"
	}
	return checkNotCheckedOut(t.Repo, branch)
}

// commit writes content to file in a new commit on the branch, authored by
// w, and returns the commit's hash. check sees the file's content at the
// branch's tip (nil when it has none) and may refuse the commit; then the
// compiler judges the commit against that tip, and the branch moves only
// when it accepts it and the tip is still the one judged (a
// compare-and-swap under the ref's lock file). A branch moved by another
// writer is read again and the commit judged again, up to maxRefAttempts.
func (gw *gitWriter) commit(ctx context.Context, file string, content []byte, message string, w *Writer, now time.Time, check func(old []byte) error) (string, error) {
	if err := checkRepoPath(file); err != nil {
		return "", err
	}
	gw.mu.Lock()
	defer gw.mu.Unlock()
	if err := gw.t.Check(); err != nil {
		return "", errorf(ErrForbidden, "%v", err)
	}
	dir, _, err := gitDir(gw.t.Repo)
	if err != nil {
		return "", err
	}
	for attempt := 1; ; attempt++ {
		hash, tip, err := gw.prepare(ctx, dir, file, content, message, w, now, check)
		if err != nil {
			return "", err
		}
		switch err := updateRef(dir, plumbing.NewBranchReferenceName(gw.t.Branch), tip, hash); {
		case err == nil:
			return hash.String(), nil
		case !errors.Is(err, errRefLocked) && !errors.Is(err, errRefMoved):
			return "", err
		case attempt == maxRefAttempts:
			return "", errorf(ErrConflict, "branch %s kept moving under other writers (%d attempts); retry", gw.t.Branch, attempt)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(time.Duration(attempt) * 5 * time.Millisecond):
		}
	}
}

// prepare writes the commit's objects on the branch's current tip and has
// the compiler judge them; it returns the commit and the tip it is on.
func (gw *gitWriter) prepare(ctx context.Context, dir, file string, content []byte, message string, w *Writer, now time.Time, check func(old []byte) error) (plumbing.Hash, plumbing.Hash, error) {
	var zero plumbing.Hash
	// gitfs: other writers add objects to the repository meanwhile.
	repo, storage, err := gitfs.Open(dir, filesystem.Options{})
	if err != nil {
		return zero, zero, fmt.Errorf("open git repository %s: %w", gw.t.Repo, err)
	}
	defer storage.Close()
	tip, err := readRef(dir, plumbing.NewBranchReferenceName(gw.t.Branch))
	if err != nil {
		return zero, zero, err
	}
	if tip.IsZero() {
		return zero, zero, fmt.Errorf("git repository %s has no branch %s", gw.t.Repo, gw.t.Branch)
	}
	parent, err := repo.CommitObject(tip)
	if err != nil {
		return zero, zero, fmt.Errorf("git branch %s: %w", gw.t.Branch, err)
	}
	root, err := parent.Tree()
	if err != nil {
		return zero, zero, fmt.Errorf("git tree of %s: %w", tip, err)
	}
	var old []byte
	switch f, err := root.File(file); {
	case err == nil:
		text, err := f.Contents()
		if err != nil {
			return zero, zero, fmt.Errorf("read %s at %s: %w", file, tip, err)
		}
		old = []byte(text)
	case !errors.Is(err, object.ErrFileNotFound):
		return zero, zero, fmt.Errorf("read %s at %s: %w", file, tip, err)
	}
	if err := check(old); err != nil {
		return zero, zero, err
	}
	st := repo.Storer
	blob, err := writeObject(st, plumbing.BlobObject, content)
	if err != nil {
		return zero, zero, err
	}
	treeHash, err := putFile(st, root, strings.Split(file, "/"), blob)
	if err != nil {
		return zero, zero, err
	}
	committer := signature(gw.t.Author, now)
	author := object.Signature{Name: w.Name, Email: w.Email, When: now}
	message += fmt.Sprintf("\nWritten-by: %s (%s)\n", w.Name, w.Via)
	c := &object.Commit{Author: author, Committer: committer, Message: message, TreeHash: treeHash, ParentHashes: []plumbing.Hash{tip}}
	obj := st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return zero, zero, fmt.Errorf("encode commit: %w", err)
	}
	hash, err := st.SetEncodedObject(obj)
	if err != nil {
		return zero, zero, fmt.Errorf("write commit: %w", err)
	}
	if err := gw.judge(ctx, tip, hash); err != nil {
		return zero, zero, err
	}
	return hash, tip, nil
}

// judge has the compiler check the commit against the tip it is made on,
// as it will when it compiles the branch: a commit it would refuse is 409.
func (gw *gitWriter) judge(ctx context.Context, tip, hash plumbing.Hash) error {
	rep, err := compiler.Check(ctx, compiler.CheckOptions{Repo: gw.t.Repo, Dir: gw.t.Dir, Base: tip.String(), Head: hash.String(), Policy: gw.policy})
	if err != nil {
		return fmt.Errorf("judge the commit on %s: %w", gw.t.Branch, err)
	}
	if rep.OK {
		return nil
	}
	var msgs []string
	for _, sr := range rep.Schemas {
		if sr.Verdict != compiler.VerdictOK {
			msgs = append(msgs, sr.Path+": "+sr.Message)
		}
	}
	return &Error{Kind: ErrConflict, Field: "check", Detail: rep, Message: fmt.Sprintf(
		"the compiler would refuse this commit on branch %s at %s: %s", gw.t.Branch, tip.String()[:12], strings.Join(msgs, "; "))}
}

// checkRepoPath refuses a path that is not a plain relative file path.
func checkRepoPath(file string) error {
	if file == "" || path.Clean(file) != file || path.IsAbs(file) || strings.HasPrefix(file, "../") || file == ".." || strings.Contains(file, "/.git/") || strings.HasPrefix(file, ".git/") {
		return fmt.Errorf("refuse to commit to path %q", file)
	}
	return nil
}

func writeObject(st storer.EncodedObjectStorer, t plumbing.ObjectType, data []byte) (plumbing.Hash, error) {
	obj := st.NewEncodedObject()
	obj.SetType(t)
	w, err := obj.Writer()
	if err != nil {
		return plumbing.ZeroHash, err
	}
	if _, err := w.Write(data); err != nil {
		w.Close()
		return plumbing.ZeroHash, err
	}
	if err := w.Close(); err != nil {
		return plumbing.ZeroHash, err
	}
	return st.SetEncodedObject(obj)
}

// putFile writes the trees of tree (nil: an empty one) with the file at
// parts set to blob, and returns the new root tree's hash.
func putFile(st storer.EncodedObjectStorer, tree *object.Tree, parts []string, blob plumbing.Hash) (plumbing.Hash, error) {
	var entries []object.TreeEntry
	if tree != nil {
		entries = append(entries, tree.Entries...)
	}
	name := parts[0]
	at := -1
	for i, e := range entries {
		if e.Name == name {
			at = i
		}
	}
	entry := object.TreeEntry{Name: name, Mode: filemode.Regular, Hash: blob}
	if len(parts) > 1 {
		var sub *object.Tree
		if at >= 0 {
			if entries[at].Mode != filemode.Dir {
				return plumbing.ZeroHash, fmt.Errorf("%s is a file in the repository, not a folder", name)
			}
			var err error
			if sub, err = object.GetTree(st, entries[at].Hash); err != nil {
				return plumbing.ZeroHash, err
			}
		}
		h, err := putFile(st, sub, parts[1:], blob)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		entry = object.TreeEntry{Name: name, Mode: filemode.Dir, Hash: h}
	}
	if at >= 0 {
		entries[at] = entry
	} else {
		entries = append(entries, entry)
	}
	sort.Sort(object.TreeEntrySorter(entries))
	obj := st.NewEncodedObject()
	if err := (&object.Tree{Entries: entries}).Encode(obj); err != nil {
		return plumbing.ZeroHash, fmt.Errorf("encode tree: %w", err)
	}
	return st.SetEncodedObject(obj)
}

// signature parses "Name <email>".
func signature(author string, now time.Time) object.Signature {
	name, email, ok := strings.Cut(author, "<")
	if !ok {
		return object.Signature{Name: strings.TrimSpace(author), When: now}
	}
	return object.Signature{Name: strings.TrimSpace(name), Email: strings.TrimSuffix(strings.TrimSpace(email), ">"), When: now}
}
