package compiler

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5"
	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/cache"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/go-git/go-git/v5/storage/filesystem"

	"github.com/schemareg/schemareg/internal/gitfs"
	"github.com/schemareg/schemareg/internal/gitobj"
	"github.com/schemareg/schemareg/internal/text"
)

// ErrRevisionNotFound reports a revision the repository does not have, e.g.
// a pull request's base commit in a shallow clone.
var ErrRevisionNotFound = errors.New("revision not found")

// ErrControlInName reports a file or folder name with a control character
// (a line break, an escape), which schemareg refuses rather than print.
var ErrControlInName = errors.New("a control character in a file name")

// gitRepo reads commits, trees and blobs with go-git. It keeps the pack
// files open between reads and remembers the trees of the last two commits,
// which a first-parent walk reads again: close it when done.
type gitRepo struct {
	mu      sync.Mutex // go-git's object store is not safe for concurrent use
	repo    *git.Repository
	storage *filesystem.Storage
	trees   map[plumbing.Hash]*rawTree // trees read for the commit before
	next    map[plumbing.Hash]*rawTree // trees read for the current commit
	packs   *packs                     // pack headers, opened at the first blob read
	objs    *gitobj.Store              // the object folder read directly; nil: go-git reads it all
	spare   []*rawTree                 // trees no map holds any more, whose room the next reads reuse
}

// objectCacheBytes bounds go-git's cache of decoded objects.
const objectCacheBytes = 32 * cache.MiByte

func openRepo(dir string) (*gitRepo, error) {
	r, err := git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{DetectDotGit: true, EnableDotGitCommonDir: true})
	if errors.Is(err, git.ErrRepositoryNotExists) {
		// A bare repository has no .git folder to detect: dir is the
		// repository itself.
		r, err = git.PlainOpenWithOptions(dir, &git.PlainOpenOptions{EnableDotGitCommonDir: true})
	}
	if err != nil {
		return nil, fmt.Errorf("open git repository %s: %w", dir, err)
	}
	g := &gitRepo{repo: r, trees: map[plumbing.Hash]*rawTree{}, next: map[plumbing.Hash]*rawTree{}}
	// Reopen the object store so that pack files stay open between reads,
	// over a file system whose listings survive concurrent writers.
	if fsst, ok := r.Storer.(*filesystem.Storage); ok {
		st := filesystem.NewStorageWithOptions(gitfs.New(fsst.Filesystem().Root()), cache.NewObjectLRU(objectCacheBytes),
			filesystem.Options{KeepDescriptors: true})
		if fast, err := git.Open(st, nil); err == nil {
			g.repo, g.storage = fast, st
		} else {
			st.Close()
		}
		// The walk reads its trees, blobs and commits straight from the
		// packs; go-git reads what that store cannot.
		if objs, err := gitobj.Open(fsst.Filesystem().Root(), 0); err == nil {
			g.objs = objs
		}
	}
	return g, nil
}

// close releases the pack files.
func (g *gitRepo) close() {
	if g.storage != nil {
		g.storage.Close()
	}
	if g.packs != nil {
		g.packs.close()
	}
	if g.objs != nil {
		g.objs.Close()
	}
}

// readDirect reads an object of type typ within lim from the object
// folder, into buf's room when it has enough; found is false when it is
// not there, for go-git to read.
func (g *gitRepo) readDirect(h plumbing.Hash, typ plumbing.ObjectType, lim gitobj.Limits, buf []byte) (data []byte, found bool, err error) {
	if g.objs == nil {
		return nil, false, nil
	}
	data, err = g.objs.ReadInto(h, typ, lim, buf)
	if errors.Is(err, gitobj.ErrNotFound) {
		return nil, false, nil
	}
	return data, true, err
}

// commitObject reads and decodes a commit. The caller holds g.mu.
func (g *gitRepo) commitObject(h plumbing.Hash) (*object.Commit, error) {
	data, found, err := g.readDirect(h, plumbing.CommitObject, gitobj.Limits{Object: maxCommitBytes, Delta: 2 * maxCommitBytes, Base: maxCommitBytes}, nil)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", h, err)
	}
	if !found {
		return g.repo.CommitObject(h)
	}
	c, err := parseCommit(data)
	if err != nil {
		return nil, fmt.Errorf("read commit %s: %w", h, err)
	}
	c.Hash = h
	return c, nil
}

// packedWithin checks a packed object's delta chain by its headers (see
// packs.check); errObjectTooLarge when it is over the bounds for limit.
// The caller holds g.mu.
func (g *gitRepo) packedWithin(h plumbing.Hash, limit int) error {
	if g.storage == nil {
		return nil
	}
	if g.packs == nil {
		names, err := g.storage.ObjectPacks()
		if err != nil {
			return err
		}
		if g.packs, err = openPacks(g.storage.Filesystem(), names); err != nil {
			return err
		}
	}
	maxDelta, maxBase := deltaBounds(limit)
	return g.packs.check(h, maxDelta, maxBase)
}

// parseCommit decodes what a walk reads of a commit: its tree, its
// parents, its author and its committer. The message and signatures are
// not kept: twenty thousand of them would be held for the whole walk.
func parseCommit(data []byte) (*object.Commit, error) {
	c := &object.Commit{}
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if len(line) == 0 {
			break // the message follows
		}
		key, value, _ := bytes.Cut(line, []byte{' '})
		switch string(key) {
		case "tree", "parent":
			if !plumbing.IsHash(string(value)) {
				return nil, fmt.Errorf("malformed %s line", key)
			}
			if key[0] == 't' {
				c.TreeHash = plumbing.NewHash(string(value))
			} else {
				c.ParentHashes = append(c.ParentHashes, plumbing.NewHash(string(value)))
			}
		case "author":
			c.Author.Decode(value)
		case "committer":
			c.Committer.Decode(value)
		}
	}
	if c.TreeHash.IsZero() {
		return nil, errors.New("no tree")
	}
	return c, nil
}

// resolve returns the commit a revision names.
func (g *gitRepo) resolve(rev string) (*object.Commit, error) {
	// go-git reads the commit, and so loads the pack indexes, to resolve a
	// revision: a repository of its own does, and is forgotten with them.
	r := g.repo
	if g.storage != nil && g.objs != nil {
		st := filesystem.NewStorageWithOptions(g.storage.Filesystem(), cache.NewObjectLRU(cache.MiByte), filesystem.Options{})
		defer st.Close()
		if once, err := git.Open(st, nil); err == nil {
			r = once
		}
	}
	h, err := r.ResolveRevision(plumbing.Revision(rev))
	if errors.Is(err, io.EOF) {
		// go-git's answer to HEAD~N past the first commit.
		return nil, fmt.Errorf("%w: %s: the history does not go back that far", ErrRevisionNotFound, rev)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrRevisionNotFound, rev, err)
	}
	c, err := g.commit(*h)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrRevisionNotFound, rev, err)
	}
	return c, nil
}

// firstParentChain returns the first-parent history from the root to tip,
// oldest first. When stop is not zero the walk ends before it and found
// reports whether it was met.
func (g *gitRepo) firstParentChain(tip *object.Commit, stop plumbing.Hash) (chain []*object.Commit, found bool, err error) {
	c := tip
	for {
		if !stop.IsZero() && c.Hash == stop {
			found = true
			break
		}
		chain = append(chain, c)
		if len(c.ParentHashes) == 0 {
			break
		}
		g.mu.Lock()
		p, err := g.commitObject(c.ParentHashes[0])
		g.mu.Unlock()
		if err != nil {
			return nil, false, fmt.Errorf("read parent of %s: %w", c.Hash, err)
		}
		c = p
	}
	for i, j := 0, len(chain)-1; i < j; i, j = i+1, j-1 {
		chain[i], chain[j] = chain[j], chain[i]
	}
	return chain, found, nil
}

// turn forgets the trees of the commit before the last one.
func (g *gitRepo) turn() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.trees, g.next = g.next, g.trees
	// The trees read for the commit before the last one and not since are
	// in no map any more, and no one walks them: every walk of trees holds
	// g.mu. Their bytes make room for the next reads.
	for h, t := range g.next {
		if g.trees[h] != t && len(g.spare) < maxSpareTrees {
			g.spare = append(g.spare, t)
		}
	}
	clear(g.next)
}

// maxSpareTrees bounds the trees kept for their room.
const maxSpareTrees = 8

// commit reads a commit object.
func (g *gitRepo) commit(h plumbing.Hash) (*object.Commit, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.commitObject(h)
}

// tree reads a tree object, from the last commits' trees when it is there.
// The caller holds g.mu for as long as it uses the tree.
func (g *gitRepo) tree(h plumbing.Hash) (*rawTree, error) {
	if t, ok := g.next[h]; ok {
		return t, nil
	}
	t, ok := g.trees[h]
	if !ok {
		var room *rawTree
		var buf []byte
		if n := len(g.spare); n > 0 {
			room, g.spare = g.spare[n-1], g.spare[:n-1]
			buf = room.data
		}
		data, found, err := g.readDirect(h, plumbing.TreeObject, gitobj.Limits{Object: maxTreeBytes, Delta: 2 * maxTreeBytes, Base: maxTreeBytes}, buf)
		if !found {
			data, err = g.goGitTree(h)
		}
		if errors.Is(err, gitobj.ErrTooLarge) {
			return nil, fmt.Errorf("read tree %s: %w; the limit is %d bytes: a folder that large is not a schema registry", h, err, maxTreeBytes)
		}
		if err != nil {
			return nil, fmt.Errorf("read tree %s: %w", h, err)
		}
		if t, err = parseRawTree(h, data, room); err != nil {
			return nil, err
		}
	}
	g.next[h] = t
	return t, nil
}

// goGitTree reads a tree object through go-git, its size from its header
// first.
func (g *gitRepo) goGitTree(h plumbing.Hash) ([]byte, error) {
	size, err := g.objectSize(plumbing.TreeObject, h)
	if err != nil {
		return nil, err
	}
	if size > maxTreeBytes {
		return nil, fmt.Errorf("%w: %d bytes", gitobj.ErrTooLarge, size)
	}
	obj, err := g.repo.Storer.EncodedObject(plumbing.TreeObject, h)
	if err != nil {
		return nil, err
	}
	r, err := obj.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	return io.ReadAll(io.LimitReader(r, maxTreeBytes+1))
}

// dirHash returns the hash of the tree at dir in the commit, zero when the
// commit has no such folder. A nil commit has nothing.
func (g *gitRepo) dirHash(c *object.Commit, dir string) (plumbing.Hash, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if c == nil {
		return plumbing.ZeroHash, nil
	}
	h := c.TreeHash
	if dir == "" {
		return h, nil
	}
	for _, name := range strings.Split(dir, "/") {
		t, err := g.tree(h)
		if err != nil {
			return plumbing.ZeroHash, err
		}
		e, ok := t.find(name)
		if !ok || !e.isDir() {
			return plumbing.ZeroHash, nil
		}
		h = e.hash
	}
	return h, nil
}

// fileAt returns the hash of the file at path rel below the tree root.
func (g *gitRepo) fileAt(root plumbing.Hash, rel string) (plumbing.Hash, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if root.IsZero() {
		return plumbing.ZeroHash, false, nil
	}
	parts := strings.Split(rel, "/")
	h := root
	for i, name := range parts {
		t, err := g.tree(h)
		if err != nil {
			return plumbing.ZeroHash, false, err
		}
		e, ok := t.find(name)
		if !ok || e.isDir() != (i < len(parts)-1) {
			return plumbing.ZeroHash, false, nil
		}
		h = e.hash
	}
	return h, true, nil
}

// fileChange is a schema file added, removed or modified between two trees.
// A zero hash means the file is absent on that side.
type fileChange struct {
	Path     string // slash-separated, relative to the repository root
	From, To plumbing.Hash
}

// diffTrees lists the *.json files that differ between the trees a and b
// (zero hashes for none), in path order, descending only into subtrees
// whose hashes differ.
func (g *gitRepo) diffTrees(a, b plumbing.Hash, prefix string) ([]fileChange, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	var out []fileChange
	if err := g.diffInto(a, b, prefix, &out); err != nil {
		return nil, err
	}
	return out, nil
}

func (g *gitRepo) diffInto(a, b plumbing.Hash, prefix string, out *[]fileChange) error {
	if a == b {
		return nil
	}
	var ta, tb *rawTree
	var err error
	if !a.IsZero() {
		if ta, err = g.tree(a); err != nil {
			return err
		}
	}
	if !b.IsZero() {
		if tb, err = g.tree(b); err != nil {
			return err
		}
	}
	return diffEntries(ta, tb, func(x, y *rawEntry) error {
		var name string
		if x != nil {
			name = string(x.name)
		} else {
			name = string(y.name)
		}
		if strings.HasPrefix(name, ".") {
			return nil
		}
		full := name
		if prefix != "" {
			full = prefix + "/" + name
		}
		if text.HasControl(name) && (strings.HasSuffix(name, ".json") || (x != nil && x.isDir()) || (y != nil && y.isDir())) {
			// Printed, such a name could end a log line and forge a
			// workflow command or an output.
			return fmt.Errorf("%s: %w; rename it", strconv.Quote(full), ErrControlInName)
		}
		var da, db, fa, fb plumbing.Hash
		for _, s := range []struct {
			e         *rawEntry
			dir, file *plumbing.Hash
		}{{x, &da, &fa}, {y, &db, &fb}} {
			switch {
			case s.e == nil:
			case s.e.isDir():
				*s.dir = s.e.hash
			case s.e.isFile() && strings.HasSuffix(name, ".json"):
				*s.file = s.e.hash
			}
		}
		if da != db {
			if err := g.diffInto(da, db, full, out); err != nil {
				return err
			}
		}
		if fa != fb {
			*out = append(*out, fileChange{Path: full, From: fa, To: fb})
		}
		return nil
	})
}

// listFiles lists every *.json file below a tree as changes from nothing.
func (g *gitRepo) listFiles(root plumbing.Hash, prefix string) ([]fileChange, error) {
	return g.diffTrees(plumbing.ZeroHash, root, prefix)
}

// maxCommitBytes bounds a commit object, its message included.
const maxCommitBytes = 16 << 20

// maxTreeBytes bounds a tree object, read whole to list its entries: a
// tree this size already names half a million files.
const maxTreeBytes = 32 << 20

// objectSizer reads an object's size from its header (loose) or pack entry
// without reading or inflating its content.
type objectSizer interface {
	EncodedObjectSize(h plumbing.Hash) (int64, error)
}

// objectSize returns an object's size as its header records it, so that an
// oversized object can be refused before any of it is read. The caller
// holds g.mu.
func (g *gitRepo) objectSize(typ plumbing.ObjectType, h plumbing.Hash) (int64, error) {
	return encodedSize(g.repo.Storer, typ, h)
}

// encodedSize returns an object's size from its header. Objects the storage
// cannot size that way (those in an alternate object store) are opened,
// which reads no content yet for a loose object.
func encodedSize(st interface {
	EncodedObject(plumbing.ObjectType, plumbing.Hash) (plumbing.EncodedObject, error)
}, typ plumbing.ObjectType, h plumbing.Hash) (int64, error) {
	if s, ok := st.(objectSizer); ok {
		n, err := s.EncodedObjectSize(h)
		if err == nil {
			return n, nil
		}
		if !errors.Is(err, plumbing.ErrObjectNotFound) {
			return 0, err
		}
	}
	obj, err := st.EncodedObject(typ, h)
	if err != nil {
		return 0, err
	}
	return obj.Size(), nil
}

// readBlob reads a blob, at most limit bytes plus one so that an oversized
// file is seen as such. The size comes from the object's header first: a
// blob larger than limit is never read or inflated, and comes back as
// limit+1 zero bytes, which every caller refuses as too large. So does a
// packed blob whose delta data, or the base its deltas apply to, is over
// the bounds deltaBounds sets, which go-git would inflate whole.
func (g *gitRepo) readBlob(h plumbing.Hash, limit int) ([]byte, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	maxDelta, maxBase := deltaBounds(limit)
	data, found, err := g.readDirect(h, plumbing.BlobObject, gitobj.Limits{Object: int64(limit), Delta: maxDelta, Base: maxBase}, nil)
	if found {
		if errors.Is(err, gitobj.ErrTooLarge) {
			return make([]byte, limit+1), nil
		}
		if err != nil {
			return nil, fmt.Errorf("read blob %s: %w", h, err)
		}
		return data, nil
	}
	if err := g.packedWithin(h, limit); err != nil {
		if errors.Is(err, errObjectTooLarge) {
			return make([]byte, limit+1), nil
		}
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	size, err := g.objectSize(plumbing.BlobObject, h)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	if size > int64(limit) {
		return make([]byte, limit+1), nil
	}
	obj, err := g.repo.Storer.EncodedObject(plumbing.BlobObject, h)
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	return readObject(obj, h, limit)
}

// readObject reads an object's content, never more than limit+1 bytes
// whatever its header claims.
func readObject(obj plumbing.EncodedObject, h plumbing.Hash, limit int) ([]byte, error) {
	r, err := obj.Reader()
	if err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	defer r.Close()
	n := min(obj.Size(), int64(limit)+1)
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("read blob %s: %w", h, err)
	}
	return buf, nil
}
