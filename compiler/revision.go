package compiler

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"
)

// ErrFileNotInRevision reports a path that a revision does not hold.
var ErrFileNotInRevision = errors.New("file not in revision")

// RevisionArg splits a "REV:path" argument, as git show takes it, into the
// revision and the path in the repository. An argument that names an
// existing file, or has no colon, or an empty side, is a plain file: ok is
// false.
func RevisionArg(arg string) (rev, file string, ok bool) {
	if _, err := os.Stat(arg); err == nil {
		return "", "", false
	}
	rev, file, found := strings.Cut(arg, ":")
	if !found || rev == "" || file == "" {
		return "", "", false
	}
	return rev, file, true
}

// ReadRevision reads a file as it is at a revision (a commit hash, branch,
// tag or expression such as HEAD~1) of the Git repository at or above dir.
// file is relative to the repository's root. At most maxBytes are read; 0
// means no limit.
func ReadRevision(ctx context.Context, dir, rev, file string, maxBytes int) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	repo, commit, err := openRevision(dir, rev)
	if err != nil {
		return nil, err
	}
	clean := path.Clean(strings.TrimPrefix(strings.ReplaceAll(file, "\\", "/"), "./"))
	if clean == ".." || strings.HasPrefix(clean, "../") {
		// A revision holds nothing above its root.
		return nil, fmt.Errorf("%w: %s at %s", ErrFileNotInRevision, clean, rev)
	}
	tree, err := commit.Tree()
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", clean, rev, err)
	}
	entry, err := tree.FindEntry(clean)
	if err != nil {
		if errors.Is(err, object.ErrEntryNotFound) || errors.Is(err, object.ErrDirectoryNotFound) || errors.Is(err, object.ErrFileNotFound) {
			return nil, fmt.Errorf("%w: %s at %s", ErrFileNotInRevision, clean, rev)
		}
		return nil, fmt.Errorf("read %s at %s: %w", clean, rev, err)
	}
	if !entry.Mode.IsRegular() {
		// A symbolic link's blob holds the path it points to, which is
		// never followed.
		return nil, fmt.Errorf("read %s at %s: not a regular file (mode %s); schemareg reads schema files only, never what a link points to", clean, rev, entry.Mode)
	}
	// The size comes from the object's header: an oversized blob, or one
	// whose delta needs an oversized base, is refused before any of it is
	// read or inflated.
	if st, ok := repo.Storer.(*filesystem.Storage); ok && maxBytes > 0 {
		if err := packedWithin(st, entry.Hash, maxBytes); err != nil {
			if errors.Is(err, errObjectTooLarge) {
				return nil, fmt.Errorf("read %s at %s: more than the limit of %d bytes (%v)", clean, rev, maxBytes, err)
			}
			return nil, fmt.Errorf("read %s at %s: %w", clean, rev, err)
		}
	}
	size, err := encodedSize(repo.Storer, plumbing.BlobObject, entry.Hash)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", clean, rev, err)
	}
	if maxBytes > 0 && size > int64(maxBytes) {
		return nil, fmt.Errorf("read %s at %s: %d bytes is more than the limit of %d", clean, rev, size, maxBytes)
	}
	obj, err := repo.Storer.EncodedObject(plumbing.BlobObject, entry.Hash)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", clean, rev, err)
	}
	limit := maxBytes
	if limit <= 0 {
		limit = int(size)
	}
	data, err := readObject(obj, entry.Hash, limit)
	if err != nil {
		return nil, fmt.Errorf("read %s at %s: %w", clean, rev, err)
	}
	if len(data) > limit {
		return nil, fmt.Errorf("read %s at %s: more than the limit of %d bytes", clean, rev, limit)
	}
	return data, nil
}

// openRevision opens the Git repository at or above dir and finds the
// commit rev names.
func openRevision(dir, rev string) (*git.Repository, *object.Commit, error) {
	repo, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	h, err := repo.ResolveRevision(plumbing.Revision(rev))
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrRevisionNotFound, rev, err)
	}
	commit, err := repo.CommitObject(*h)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %s: %v", ErrRevisionNotFound, rev, err)
	}
	return repo, commit, nil
}
