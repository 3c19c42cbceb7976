// Package gitfs opens Git repositories for reading while other writers
// add objects to them.
//
// go-git lists a repository's pack files with a ReadDir that stats every
// entry of objects/pack; a writer's temporary object file that is renamed
// away between the listing and the stat fails the whole listing, which
// go-git then reads as "no pack files", and every packed object of the
// repository is "not found" for the life of that object store. A Git
// server, a second schemareg server or go-git's own loose-object writer
// (whose temporary files live in objects/pack) all do this. New returns a
// file system whose ReadDir passes over entries that vanish while it lists.
package gitfs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/go-git/go-billy/v5"
	"github.com/go-git/go-billy/v5/osfs"
	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// New returns the OS file system rooted at root, with a ReadDir that
// lists only the entries that still exist once stat'ed.
func New(root string) billy.Filesystem {
	return stable{osfs.New(root)}
}

type stable struct {
	billy.Filesystem
}

// ReadDir lists a folder as os.ReadDir does, sorted by name, and drops an
// entry that is gone by the time it is stat'ed.
func (s stable) ReadDir(path string) ([]os.FileInfo, error) {
	entries, err := os.ReadDir(filepath.Join(s.Root(), path))
	if err != nil {
		return nil, err
	}
	infos := make([]os.FileInfo, 0, len(entries))
	for _, e := range entries {
		info, err := e.Info()
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		infos = append(infos, info)
	}
	return infos, nil
}

// Chroot keeps the stable ReadDir in the folder it returns.
func (s stable) Chroot(path string) (billy.Filesystem, error) {
	return New(filepath.Join(s.Root(), path)), nil
}

// Open opens the repository whose Git folder is dir (a work tree's .git
// folder, or a bare repository) over New(dir), without a work tree.
func Open(dir string, opts filesystem.Options) (*git.Repository, *filesystem.Storage, error) {
	st := filesystem.NewStorageWithOptions(New(dir), cache.NewObjectLRUDefault(), opts)
	r, err := git.Open(st, nil)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	return r, st, nil
}
