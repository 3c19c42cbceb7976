package action

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
)

// ErrMissingCommit reports a pull request's base or head commit that the
// checkout lacks and that could not be fetched.
var ErrMissingCommit = errors.New("commit not in the checkout")

// fetchHint is how a workflow gets the commits the action needs.
const fetchHint = "check out with actions/checkout and fetch-depth: 0"

// repo reads the workspace's Git repository.
type repo struct {
	dir string
	git *git.Repository
}

func openRepo(dir string) (*repo, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w (%s)", dir, err, fetchHint)
	}
	return &repo{dir: dir, git: r}, nil
}

// commit returns the commit with the full id sha, nil when it is missing.
func (r *repo) commit(sha string) *object.Commit {
	c, err := r.git.CommitObject(plumbing.NewHash(sha))
	if err != nil {
		return nil
	}
	return c
}

// ensureCommits fetches base and head when the checkout lacks either, as
// after a shallow checkout, and fails with a hint when they stay missing.
func (r *repo) ensureCommits(ctx context.Context, fetch FetchFunc, base, head string) error {
	var missing []string
	for _, sha := range []string{base, head} {
		if r.commit(sha) == nil {
			missing = append(missing, sha)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if fetch == nil {
		fetch = GitFetch
	}
	ferr := fetch(ctx, r.dir, missing...)
	for _, sha := range missing {
		if r.commit(sha) != nil {
			continue
		}
		which := "base"
		if sha == head {
			which = "head"
		}
		if ferr != nil {
			return fmt.Errorf("%w: the %s commit %s is not in %s and could not be fetched (%v): %s",
				ErrMissingCommit, which, sha, r.dir, ferr, fetchHint)
		}
		return fmt.Errorf("%w: the %s commit %s is not in %s, even after git fetch: %s", ErrMissingCommit, which, sha, r.dir, fetchHint)
	}
	return nil
}

// mergeBase returns the best common ancestor of base and head: the commit
// the pull request's changes start from. It returns base when there is none.
func (r *repo) mergeBase(base, head string) string {
	b, h := r.commit(base), r.commit(head)
	if b == nil || h == nil {
		return base
	}
	// A pull request is usually a few commits on its base: find the base
	// among head's nearest ancestors before asking for a merge base, which
	// walks both histories whole.
	if reachesWithin(h, b.Hash, maxPRCommits) {
		return base
	}
	bases, err := b.MergeBase(h)
	if err != nil || len(bases) == 0 {
		return base
	}
	return bases[0].Hash.String()
}

// maxPRCommits bounds the ancestors of head searched for the base before
// a full merge-base walk.
const maxPRCommits = 1000

// reachesWithin reports whether target is among the first n ancestors of
// c, breadth first over every parent.
func reachesWithin(c *object.Commit, target plumbing.Hash, n int) bool {
	seen := map[plumbing.Hash]bool{c.Hash: true}
	queue := []*object.Commit{c}
	for len(queue) > 0 && len(seen) <= n {
		cur := queue[0]
		queue = queue[1:]
		if cur.Hash == target {
			return true
		}
		for i, p := range cur.ParentHashes {
			if seen[p] {
				continue
			}
			seen[p] = true
			pc, err := cur.Parent(i)
			if err != nil {
				return false
			}
			queue = append(queue, pc)
		}
	}
	return false
}

// readFile returns a file's content at a commit; nil when it is missing.
func (r *repo) readFile(commit, path string) []byte {
	c := r.commit(commit)
	if c == nil {
		return nil
	}
	f, err := c.File(path)
	if err != nil {
		return nil
	}
	s, err := f.Contents()
	if err != nil {
		return nil
	}
	return []byte(s)
}

// GitFetch runs "git fetch origin" for the commits in the repository at
// dir. It relies on the credentials actions/checkout leaves in the
// repository's config.
func GitFetch(ctx context.Context, dir string, commits ...string) error {
	args := append([]string{"-C", dir, "fetch", "--no-tags", "--quiet", "origin"}, commits...)
	out, err := exec.CommandContext(ctx, "git", args...).CombinedOutput()
	if err != nil {
		msg := strings.TrimSpace(string(out))
		if i := strings.IndexByte(msg, '\n'); i >= 0 {
			msg = msg[:i]
		}
		if msg == "" {
			return fmt.Errorf("git fetch origin: %w", err)
		}
		return fmt.Errorf("git fetch origin: %w: %s", err, msg)
	}
	return nil
}
