package server

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// errRefLocked is a ref whose lock file another writer holds.
var errRefLocked = errors.New("ref is locked by another writer")

// errRefMoved is a ref that no longer points at the expected commit.
var errRefMoved = errors.New("ref moved")

// gitDir returns the folder holding a repository's refs and objects: the
// folder itself when bare, its .git otherwise. bare reports which.
func gitDir(repo string) (dir string, bare bool, err error) {
	dotGit := filepath.Join(repo, ".git")
	switch st, err := os.Stat(dotGit); {
	case err == nil && st.IsDir():
		return dotGit, false, nil
	case err == nil:
		return "", false, fmt.Errorf("%s is a linked work tree (.git is a file); give the main repository, bare", repo)
	case !errors.Is(err, fs.ErrNotExist):
		return "", false, fmt.Errorf("git repository %s: %w", repo, err)
	}
	if _, err := os.Stat(filepath.Join(repo, "HEAD")); err != nil {
		return "", false, fmt.Errorf("%s is not a git repository (no .git folder, no HEAD)", repo)
	}
	return repo, true, nil
}

// checkNotCheckedOut refuses a branch that a work tree has checked out:
// moving it would leave that work tree's index staging a revert of the
// commit, so writes go to a bare repository (as git push refuses to move a
// checked-out branch).
func checkNotCheckedOut(repo, branch string) error {
	dir, bare, err := gitDir(repo)
	if err != nil || bare {
		return err
	}
	head, err := os.ReadFile(filepath.Join(dir, "HEAD"))
	if err != nil {
		return fmt.Errorf("git repository %s: %w", repo, err)
	}
	if strings.TrimSpace(string(head)) == "ref: "+plumbing.NewBranchReferenceName(branch).String() {
		return fmt.Errorf("%s has branch %s checked out in its work tree; writes never touch a work tree: "+
			"give a bare repository (git clone --bare) or another branch", repo, branch)
	}
	return nil
}

// updateRef moves ref name from old to new as git update-ref does: it
// takes the ref's lock file (name.lock, created exclusively), checks under
// the lock that the ref still points at old, writes new to the lock file
// and renames it over the ref. Readers see the old or the new value, never
// an empty or missing ref. A held lock is errRefLocked, a moved ref
// errRefMoved; both mean: read the tip again and retry.
func updateRef(dir string, name plumbing.ReferenceName, old, new plumbing.Hash) error {
	file := filepath.Join(dir, filepath.FromSlash(name.String()))
	if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
		return fmt.Errorf("ref %s: %w", name, err)
	}
	lock := file + ".lock"
	f, err := os.OpenFile(lock, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return errRefLocked
	}
	if err != nil {
		return fmt.Errorf("lock ref %s: %w", name, err)
	}
	done := false
	defer func() {
		if !done {
			f.Close()
			os.Remove(lock)
		}
	}()
	cur, err := readRef(dir, name)
	if err != nil {
		return err
	}
	if cur != old {
		return errRefMoved
	}
	if _, err := f.WriteString(new.String() + "\n"); err != nil {
		return fmt.Errorf("write ref %s: %w", name, err)
	}
	if err := f.Sync(); err != nil {
		return fmt.Errorf("write ref %s: %w", name, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write ref %s: %w", name, err)
	}
	if err := os.Rename(lock, file); err != nil {
		return fmt.Errorf("move ref %s: %w", name, err)
	}
	done = true
	return nil
}

// readRef reads a branch's commit from its loose ref file, or from
// packed-refs when there is none; ZeroHash when it has neither.
func readRef(dir string, name plumbing.ReferenceName) (plumbing.Hash, error) {
	data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(name.String())))
	switch {
	case err == nil:
		text := strings.TrimSpace(string(data))
		if !plumbing.IsHash(text) {
			return plumbing.ZeroHash, fmt.Errorf("ref %s holds %q, not a commit hash", name, text)
		}
		return plumbing.NewHash(text), nil
	case !errors.Is(err, fs.ErrNotExist):
		return plumbing.ZeroHash, fmt.Errorf("read ref %s: %w", name, err)
	}
	packed, err := os.ReadFile(filepath.Join(dir, "packed-refs"))
	if errors.Is(err, fs.ErrNotExist) {
		return plumbing.ZeroHash, nil
	}
	if err != nil {
		return plumbing.ZeroHash, fmt.Errorf("read packed-refs: %w", err)
	}
	sc := bufio.NewScanner(bytes.NewReader(packed))
	for sc.Scan() {
		hash, ref, ok := strings.Cut(sc.Text(), " ")
		if ok && ref == name.String() && plumbing.IsHash(hash) {
			return plumbing.NewHash(hash), nil
		}
	}
	return plumbing.ZeroHash, nil
}
