package gitobj

import (
	"bufio"
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/go-git/go-git/v5/plumbing"
)

var (
	// ErrNotFound reports an object in none of the store's packs and
	// object folders.
	ErrNotFound = errors.New("object not found")
	// ErrTooLarge reports an object, a delta or a delta's base over the
	// bounds of Limits.
	ErrTooLarge = errors.New("object too large")
)

// Limits bound what one Read may inflate.
type Limits struct {
	// Object bounds the object read.
	Object int64
	// Delta bounds the data of each delta of its chain.
	Delta int64
	// Base bounds each object the chain starts from or makes on the way.
	Base int64
}

// maxChain bounds the deltas followed from an object to its base; Git
// writes chains of at most 50 unless told otherwise.
const maxChain = 100

// maxAlternates bounds the object folders a repository may borrow from,
// alternates of alternates included.
const maxAlternates = 16

// DefaultCacheBytes is what a Store keeps of the delta bases it made.
const DefaultCacheBytes = 8 << 20

// Store reads the objects of one repository.
type Store struct {
	mu    sync.Mutex
	dirs  []string // object folders: the repository's, then its alternates
	packs []*pack
	cache baseCache
	src   bytes.Reader
	zr    io.ReadCloser // an inflater, reset for every stream
	delta []byte        // the last delta's bytes, whose room the next reuses
}

// Open opens the object folder of the Git folder gitDir (a work tree's
// .git folder, a linked work tree's folder under it, or a bare
// repository), its alternates, and the pack files they hold, keeping at
// most cacheBytes of delta bases (0: DefaultCacheBytes). Close it when
// done.
func Open(gitDir string, cacheBytes int64) (*Store, error) {
	common := gitDir
	if b, err := os.ReadFile(filepath.Join(gitDir, "commondir")); err == nil {
		c := strings.TrimSpace(string(b))
		if !filepath.IsAbs(c) {
			c = filepath.Join(gitDir, c)
		}
		common = c
	}
	if cacheBytes <= 0 {
		cacheBytes = DefaultCacheBytes
	}
	s := &Store{cache: newBaseCache(cacheBytes)}
	if err := s.addDir(filepath.Join(common, "objects")); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// addDir adds an object folder, its packs and, after it, its alternates.
func (s *Store) addDir(dir string) error {
	dir = filepath.Clean(dir)
	for _, d := range s.dirs {
		if d == dir {
			return nil
		}
	}
	if len(s.dirs) > maxAlternates {
		return fmt.Errorf("more than %d alternate object folders", maxAlternates)
	}
	s.dirs = append(s.dirs, dir)
	idxs, err := filepath.Glob(filepath.Join(dir, "pack", "pack-*.idx"))
	if err != nil {
		return err
	}
	for _, idx := range idxs {
		p, err := openPack(strings.TrimSuffix(idx, ".idx"))
		if errors.Is(err, os.ErrNotExist) {
			continue // a pack removed since the listing, or one being written
		}
		if err != nil {
			return err
		}
		s.packs = append(s.packs, p)
	}
	alt, err := os.ReadFile(filepath.Join(dir, "info", "alternates"))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(alt), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !filepath.IsAbs(line) {
			line = filepath.Join(dir, line)
		}
		if err := s.addDir(line); err != nil {
			return err
		}
	}
	return nil
}

// Close releases the pack files.
func (s *Store) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, p := range s.packs {
		p.close()
	}
	s.packs = nil
	s.cache = newBaseCache(0)
}

// Read returns the content of object h, which must be of type want,
// within lim.
func (s *Store) Read(h plumbing.Hash, want plumbing.ObjectType, lim Limits) ([]byte, error) {
	return s.ReadInto(h, want, lim, nil)
}

// ReadInto is Read into buf's storage when it has room: a caller that
// reads many objects of a size, keeping each a short while, recycles them.
func (s *Store) ReadInto(h plumbing.Hash, want plumbing.ObjectType, lim Limits, buf []byte) ([]byte, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	typ, data, err := s.read(h, lim, buf)
	if err != nil {
		return nil, err
	}
	if typ != want {
		return nil, fmt.Errorf("object %s is a %s, not a %s", h, typ, want)
	}
	return data, nil
}

// read finds h in the packs, then among the loose objects.
func (s *Store) read(h plumbing.Hash, lim Limits, dst []byte) (plumbing.ObjectType, []byte, error) {
	for _, p := range s.packs {
		if off, ok, err := p.find(h); err != nil {
			return 0, nil, err
		} else if ok {
			return s.readPacked(p, off, lim, dst)
		}
	}
	return s.readLoose(h, lim.Object)
}

// link is a delta on the way from an object to its base.
type link struct {
	p       *pack
	off     int64 // the entry, for the cache
	dataOff int64 // its compressed delta data
	size    int64 // the delta data's inflated size
}

// readPacked reads the object at off in p: it follows the delta chain down
// to an object it has, whole or cached, and applies the deltas back up,
// keeping each base it makes in the cache. What it returns is never the
// cache's: dst's room when it has enough, else new.
func (s *Store) readPacked(p *pack, off int64, lim Limits, dst []byte) (plumbing.ObjectType, []byte, error) {
	var chain []link
	var typ plumbing.ObjectType
	var data []byte
	cachedBase := false // the base is not to be put in the cache
	for {
		if e, ok := s.cache.get(cacheKey{p, off}); ok {
			typ, data = e.typ, e.data
			if len(chain) == 0 {
				return typ, append(dst[:0], data...), nil
			}
			cachedBase = true
			break
		}
		hdr, err := p.header(off)
		if err != nil {
			return 0, nil, err
		}
		if !hdr.typ.IsDelta() {
			bound := lim.Object
			if len(chain) > 0 {
				bound = lim.Base
			}
			if hdr.size > bound {
				return 0, nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, hdr.size)
			}
			into := dst
			if len(chain) > 0 {
				into = nil // a base, for the cache
			}
			if data, err = s.inflate(p, hdr.dataOff, hdr.size, into); err != nil {
				return 0, nil, fmt.Errorf("object at %d of %s: %w", off, p.name, err)
			}
			typ = hdr.typ
			break
		}
		if hdr.size > lim.Delta {
			return 0, nil, fmt.Errorf("%w: a %d-byte delta", ErrTooLarge, hdr.size)
		}
		if len(chain) == maxChain {
			return 0, nil, fmt.Errorf("%w: a delta chain longer than %d", ErrTooLarge, maxChain)
		}
		chain = append(chain, link{p: p, off: off, dataOff: hdr.dataOff, size: hdr.size})
		if hdr.typ == plumbing.OFSDeltaObject {
			off = hdr.baseOff
			continue
		}
		next, noff, found, err := s.locate(hdr.baseHash)
		if err != nil {
			return 0, nil, err
		}
		if !found {
			// A base outside the packs: a loose object.
			if typ, data, err = s.readLoose(hdr.baseHash, lim.Base); err != nil {
				return 0, nil, fmt.Errorf("the delta base %s: %w", hdr.baseHash, err)
			}
			cachedBase = true // not a pack entry: nothing to key it by
			break
		}
		p, off = next, noff
	}
	if len(chain) > 0 && !cachedBase {
		s.cache.put(cacheKey{p, off}, typ, data)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		l := chain[i]
		delta, err := s.inflate(l.p, l.dataOff, l.size, s.delta)
		if err != nil {
			return 0, nil, fmt.Errorf("delta at %d of %s: %w", l.off, l.p.name, err)
		}
		s.delta = delta // the delta's bytes are spent by the time the next is inflated
		bound, into := lim.Base, []byte(nil)
		if i == 0 {
			bound, into = lim.Object, dst
		}
		if data, err = applyDelta(into, data, delta, bound); err != nil {
			return 0, nil, fmt.Errorf("delta at %d of %s: %w", l.off, l.p.name, err)
		}
		if i > 0 {
			s.cache.put(cacheKey{l.p, l.off}, typ, data)
		}
	}
	return typ, data, nil
}

// locate finds the pack and offset of h.
func (s *Store) locate(h plumbing.Hash) (*pack, int64, bool, error) {
	for _, p := range s.packs {
		off, ok, err := p.find(h)
		if err != nil || ok {
			return p, off, ok, err
		}
	}
	return nil, 0, false, nil
}

// inflate inflates the zlib stream at off in p, which must make exactly
// size bytes, into dst's storage when it has room.
func (s *Store) inflate(p *pack, off, size int64, dst []byte) ([]byte, error) {
	if off < 0 || off >= int64(len(p.data)) {
		return nil, fmt.Errorf("data at %d is outside the pack", off)
	}
	s.src.Reset(p.data[off:])
	if err := s.startInflate(&s.src); err != nil {
		return nil, err
	}
	return s.inflateRest(size, dst)
}

// startInflate points the store's inflater at the zlib stream r.
func (s *Store) startInflate(r io.Reader) error {
	var err error
	if s.zr == nil {
		s.zr, err = zlib.NewReader(r)
	} else {
		err = s.zr.(zlib.Resetter).Reset(r, nil)
	}
	if err != nil {
		return fmt.Errorf("inflate: %w", err)
	}
	return nil
}

// inflateRest reads the last size bytes of the stream being inflated and
// checks that it ends there, its checksum verified.
func (s *Store) inflateRest(size int64, dst []byte) ([]byte, error) {
	out := dst[:0]
	if int64(cap(out)) < size {
		out = make([]byte, size)
	}
	out = out[:size]
	if _, err := io.ReadFull(s.zr, out); err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	var one [1]byte
	if n, err := s.zr.Read(one[:]); n != 0 || err != io.EOF {
		if err == nil || err == io.EOF {
			return nil, errors.New("inflate: more data than the header says")
		}
		return nil, fmt.Errorf("inflate: %w", err)
	}
	return out, nil
}

// readLoose reads a loose object of at most limit bytes.
func (s *Store) readLoose(h plumbing.Hash, limit int64) (plumbing.ObjectType, []byte, error) {
	hex := h.String()
	for _, dir := range s.dirs {
		f, err := os.Open(filepath.Join(dir, hex[:2], hex[2:]))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return 0, nil, err
		}
		typ, data, err := s.looseObject(bufio.NewReader(f), limit)
		f.Close()
		if err != nil {
			return 0, nil, fmt.Errorf("loose object %s: %w", h, err)
		}
		return typ, data, nil
	}
	return 0, nil, fmt.Errorf("%w: %s", ErrNotFound, h)
}

// looseObject reads "<type> <size>\0<content>", deflated, refusing a size
// over limit before reading the content.
func (s *Store) looseObject(r io.Reader, limit int64) (plumbing.ObjectType, []byte, error) {
	if err := s.startInflate(r); err != nil {
		return 0, nil, err
	}
	var hdr []byte
	var one [1]byte
	for {
		if len(hdr) > 32 {
			return 0, nil, errors.New("malformed header")
		}
		if _, err := io.ReadFull(s.zr, one[:]); err != nil {
			return 0, nil, fmt.Errorf("header: %w", err)
		}
		if one[0] == 0 {
			break
		}
		hdr = append(hdr, one[0])
	}
	name, sz, ok := strings.Cut(string(hdr), " ")
	typ, err := plumbing.ParseObjectType(name)
	if !ok || err != nil || typ.IsDelta() {
		return 0, nil, fmt.Errorf("malformed header %q", hdr)
	}
	var size int64
	if sz == "" || len(sz) > 18 {
		return 0, nil, fmt.Errorf("malformed header %q", hdr)
	}
	for _, c := range []byte(sz) {
		if c < '0' || c > '9' {
			return 0, nil, fmt.Errorf("malformed header %q", hdr)
		}
		size = size*10 + int64(c-'0')
	}
	if size > limit {
		return 0, nil, fmt.Errorf("%w: %d bytes", ErrTooLarge, size)
	}
	out, err := s.inflateRest(size, nil)
	return typ, out, err
}
