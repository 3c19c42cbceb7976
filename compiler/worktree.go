package compiler

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// maxUncommittedFiles bounds the work-tree files Uncommitted hashes.
const maxUncommittedFiles = 100000

// Uncommitted lists, sorted, the schema files (*.json) under dir in the
// work tree of the repository at or above repo that differ from the
// revision rev: changed, added or removed. Check judges commits only; this
// is what it leaves out. A bare repository has no work tree: nil. Files
// over maxBytes are compared by size alone, symbolic links not at all.
func Uncommitted(ctx context.Context, repo, dir, rev string, maxBytes int) ([]string, error) {
	r, c, err := openRevision(repo, rev)
	if err != nil {
		return nil, err
	}
	wt, err := r.Worktree()
	if errors.Is(err, git.ErrIsBareRepository) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	committed := map[string]plumbing.Hash{}
	if tree, err := c.Tree(); err == nil {
		if sub, err := tree.Tree(dir); err == nil {
			err := sub.Files().ForEach(func(f *object.File) error {
				if strings.HasSuffix(f.Name, ".json") && f.Mode.IsRegular() {
					committed[f.Name] = f.Hash
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	root := filepath.Join(wt.Filesystem.Root(), filepath.FromSlash(dir))
	var changed []string
	seen := 0
	err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == root {
				return filepath.SkipDir
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(p, ".json") {
			return nil
		}
		if seen++; seen > maxUncommittedFiles {
			return filepath.SkipAll
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		want, ok := committed[rel]
		delete(committed, rel)
		if !ok {
			changed = append(changed, path.Join(dir, rel))
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if maxBytes > 0 && info.Size() > int64(maxBytes) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if plumbing.ComputeHash(plumbing.BlobObject, data) != want {
			changed = append(changed, path.Join(dir, rel))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for rel := range committed {
		changed = append(changed, path.Join(dir, rel))
	}
	sort.Strings(changed)
	return changed, nil
}
