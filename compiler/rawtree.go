package compiler

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/go-git/go-git/v5/plumbing"
)

// rawTree is a Git tree object's bytes and where each entry begins. A walk
// over twenty thousand commits reads a tree of a thousand files for each;
// two versions of it differ in an entry or two, and diffEntries finds
// those by comparing the bytes in between, without decoding them.
type rawTree struct {
	data []byte
	offs []int32 // the offset of each entry, in Git's order
}

type rawEntry struct {
	name []byte // within the tree's bytes: not to be changed
	mode uint32 // octal mode: 040000 tree, 0100644 file, ...
	hash plumbing.Hash
}

func (e *rawEntry) isDir() bool { return e.mode == 0o40000 }
func (e *rawEntry) isFile() bool {
	return e.mode == 0o100644 || e.mode == 0o100755 || e.mode == 0o100664
}

// parseRawTree checks "<octal mode> <name>\0<20-byte hash>" entries and
// notes where each begins; data is kept, and must not change. A tree no
// one uses any more may be given as room, for its list of offsets.
func parseRawTree(h plumbing.Hash, data []byte, room *rawTree) (*rawTree, error) {
	if len(data) > 1<<31-1 {
		return nil, fmt.Errorf("tree %s: %d bytes", h, len(data))
	}
	t := &rawTree{data: data}
	if room != nil {
		t.offs = room.offs[:0]
	} else {
		t.offs = make([]int32, 0, len(data)/40+1)
	}
	for at := 0; at < len(data); {
		t.offs = append(t.offs, int32(at))
		rest := data[at:]
		sp := bytes.IndexByte(rest, ' ')
		if sp < 1 || sp > 7 {
			return nil, fmt.Errorf("tree %s: malformed entry mode", h)
		}
		for _, c := range rest[:sp] {
			if c < '0' || c > '7' {
				return nil, fmt.Errorf("tree %s: malformed entry mode %q", h, rest[:sp])
			}
		}
		nul := bytes.IndexByte(rest[sp+1:], 0)
		if nul < 0 || len(rest) < sp+1+nul+1+20 {
			return nil, fmt.Errorf("tree %s: truncated entry", h)
		}
		at += sp + 1 + nul + 1 + 20
	}
	return t, nil
}

// len is the number of entries.
func (t *rawTree) len() int {
	if t == nil {
		return 0
	}
	return len(t.offs)
}

// end is where entry i ends.
func (t *rawTree) end(i int) int {
	if i+1 < len(t.offs) {
		return int(t.offs[i+1])
	}
	return len(t.data)
}

// entry decodes entry i, checked by parseRawTree.
func (t *rawTree) entry(i int) rawEntry {
	rest := t.data[t.offs[i]:t.end(i)]
	sp := bytes.IndexByte(rest, ' ')
	var e rawEntry
	for _, c := range rest[:sp] {
		e.mode = e.mode<<3 | uint32(c-'0')
	}
	e.name = rest[sp+1 : len(rest)-21]
	copy(e.hash[:], rest[len(rest)-20:])
	return e
}

// find returns the entry with the given name.
func (t *rawTree) find(name string) (rawEntry, bool) {
	// Git orders a tree's entry as if it had a trailing slash, so a binary
	// search on names alone can miss; trees are small enough to scan when
	// it does.
	i := sort.Search(t.len(), func(i int) bool { e := t.entry(i); return string(e.name) >= name })
	if i < t.len() {
		if e := t.entry(i); string(e.name) == name {
			return e, true
		}
	}
	for i := range t.len() {
		if e := t.entry(i); string(e.name) == name {
			return e, true
		}
	}
	return rawEntry{}, false
}

// diffEntries calls fn, in name order, for each name whose entries in a
// and b differ: x or y is nil where that tree lacks it. A run of entries
// the two trees share is passed over by comparing their bytes alone.
func diffEntries(a, b *rawTree, fn func(x, y *rawEntry) error) error {
	na, nb := a.len(), b.len()
	i, j := 0, 0
	for i < na || j < nb {
		if i < na && j < nb {
			// The entries from i and j that are the same bytes.
			ai, bj := int(a.offs[i]), int(b.offs[j])
			n := commonPrefix(a.data[ai:], b.data[bj:])
			k := sort.Search(na-i, func(k int) bool { return a.end(i+k)-ai > n })
			if k > 0 {
				i, j = i+k, j+k
				continue
			}
		}
		var x, y rawEntry
		switch {
		case j >= nb:
			x = a.entry(i)
			i++
			if err := fn(&x, nil); err != nil {
				return err
			}
			continue
		case i >= na:
			y = b.entry(j)
			j++
			if err := fn(nil, &y); err != nil {
				return err
			}
			continue
		}
		x, y = a.entry(i), b.entry(j)
		switch {
		case gitLess(&x, &y):
			i++
			if err := fn(&x, nil); err != nil {
				return err
			}
		case gitLess(&y, &x):
			j++
			if err := fn(nil, &y); err != nil {
				return err
			}
		case bytes.Equal(x.name, y.name):
			i++
			j++
			if x.hash != y.hash || x.mode != y.mode {
				if err := fn(&x, &y); err != nil {
					return err
				}
			}
		default:
			// Same sort key, different names (a file "x" and a folder "x"
			// cannot both exist): report them apart.
			i++
			j++
			if err := fn(&x, nil); err != nil {
				return err
			}
			if err := fn(nil, &y); err != nil {
				return err
			}
		}
	}
	return nil
}

// commonPrefix is the length of the longest common prefix of a and b.
func commonPrefix(a, b []byte) int {
	n := min(len(a), len(b))
	i := 0
	for ; i+256 <= n && bytes.Equal(a[i:i+256], b[i:i+256]); i += 256 {
	}
	for ; i+16 <= n && bytes.Equal(a[i:i+16], b[i:i+16]); i += 16 {
	}
	for ; i < n && a[i] == b[i]; i++ {
	}
	return i
}

// gitLess orders entries as Git does: by name, a folder's name compared as
// if it ended in '/'.
func gitLess(x, y *rawEntry) bool {
	a, b := x.name, y.name
	n := min(len(a), len(b))
	if c := bytes.Compare(a[:n], b[:n]); c != 0 {
		return c < 0
	}
	ca, cb := byte(0), byte(0)
	if len(a) > n {
		ca = a[n]
	} else if x.isDir() {
		ca = '/'
	}
	if len(b) > n {
		cb = b[n]
	} else if y.isDir() {
		cb = '/'
	}
	return ca < cb
}
