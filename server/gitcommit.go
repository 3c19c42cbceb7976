package server

import (
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/filemode"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/plumbing/storer"
)

// GitTarget is the repository POST /schema/{id} commits new versions to.
// The commit is written to the object store and the branch is moved with
// a compare-and-swap; no work tree is touched, so a bare repository (a
// mirror that a job pushes upstream) is the usual target.
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
	t  GitTarget
	mu sync.Mutex
}

func newGitWriter(t GitTarget) *gitWriter {
	if t.Branch == "" {
		t.Branch = "main"
	}
	if t.Dir == "" {
		t.Dir = "schemas"
	}
	if t.Author == "" {
		t.Author = "schemareg <schemareg@localhost>"
	}
	return &gitWriter{t: t}
}

// commit writes content to file in a new commit on the branch and returns
// the commit's hash. check sees the file's content at the branch's tip
// (nil when it has none) and may refuse the commit.
func (gw *gitWriter) commit(file string, content []byte, message string, now time.Time, check func(old []byte) error) (string, error) {
	if err := checkRepoPath(file); err != nil {
		return "", err
	}
	gw.mu.Lock()
	defer gw.mu.Unlock()
	repo, err := git.PlainOpen(gw.t.Repo)
	if err != nil {
		return "", fmt.Errorf("open git repository %s: %w", gw.t.Repo, err)
	}
	refName := plumbing.NewBranchReferenceName(gw.t.Branch)
	ref, err := repo.Reference(refName, true)
	if err != nil {
		return "", fmt.Errorf("git branch %s: %w", gw.t.Branch, err)
	}
	parent, err := repo.CommitObject(ref.Hash())
	if err != nil {
		return "", fmt.Errorf("git branch %s: %w", gw.t.Branch, err)
	}
	root, err := parent.Tree()
	if err != nil {
		return "", fmt.Errorf("git tree of %s: %w", ref.Hash(), err)
	}
	var old []byte
	switch f, err := root.File(file); {
	case err == nil:
		text, err := f.Contents()
		if err != nil {
			return "", fmt.Errorf("read %s at %s: %w", file, ref.Hash(), err)
		}
		old = []byte(text)
	case !errors.Is(err, object.ErrFileNotFound):
		return "", fmt.Errorf("read %s at %s: %w", file, ref.Hash(), err)
	}
	if err := check(old); err != nil {
		return "", err
	}
	st := repo.Storer
	blob, err := writeObject(st, plumbing.BlobObject, content)
	if err != nil {
		return "", err
	}
	treeHash, err := putFile(st, root, strings.Split(file, "/"), blob)
	if err != nil {
		return "", err
	}
	sig := signature(gw.t.Author, now)
	c := &object.Commit{Author: sig, Committer: sig, Message: message, TreeHash: treeHash, ParentHashes: []plumbing.Hash{ref.Hash()}}
	obj := st.NewEncodedObject()
	if err := c.Encode(obj); err != nil {
		return "", fmt.Errorf("encode commit: %w", err)
	}
	hash, err := st.SetEncodedObject(obj)
	if err != nil {
		return "", fmt.Errorf("write commit: %w", err)
	}
	if err := st.CheckAndSetReference(plumbing.NewHashReference(refName, hash), ref); err != nil {
		return "", errorf(ErrConflict, "branch %s moved while committing; retry", gw.t.Branch)
	}
	return hash.String(), nil
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
