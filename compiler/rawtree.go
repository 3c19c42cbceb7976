package compiler

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/go-git/go-git/v5/plumbing"
)

// rawTree is a Git tree object's entries, parsed straight from its bytes:
// a walk over twenty thousand commits decodes a great many trees, and
// go-git's decoder allocates more than a diff needs.
type rawTree struct {
	entries []rawEntry // in Git's order
}

type rawEntry struct {
	name string
	mode uint32 // octal mode: 040000 tree, 0100644 file, ...
	hash plumbing.Hash
}

func (e *rawEntry) isDir() bool { return e.mode == 0o40000 }
func (e *rawEntry) isFile() bool {
	return e.mode == 0o100644 || e.mode == 0o100755 || e.mode == 0o100664
}

// parseRawTree parses "<octal mode> <name>\0<20-byte hash>" entries.
func parseRawTree(h plumbing.Hash, data []byte) (*rawTree, error) {
	t := &rawTree{entries: make([]rawEntry, 0, bytes.Count(data, []byte{0}))}
	for len(data) > 0 {
		sp := bytes.IndexByte(data, ' ')
		if sp < 1 {
			return nil, fmt.Errorf("tree %s: malformed entry mode", h)
		}
		var mode uint32
		for _, c := range data[:sp] {
			if c < '0' || c > '7' {
				return nil, fmt.Errorf("tree %s: malformed entry mode %q", h, data[:sp])
			}
			mode = mode<<3 | uint32(c-'0')
		}
		data = data[sp+1:]
		nul := bytes.IndexByte(data, 0)
		if nul < 0 || len(data) < nul+1+20 {
			return nil, fmt.Errorf("tree %s: truncated entry", h)
		}
		e := rawEntry{name: string(data[:nul]), mode: mode}
		copy(e.hash[:], data[nul+1:nul+21])
		t.entries = append(t.entries, e)
		data = data[nul+21:]
	}
	return t, nil
}

// find returns the entry with the given name.
func (t *rawTree) find(name string) (*rawEntry, bool) {
	// Git orders a tree's entry as if it had a trailing slash, so a binary
	// search on names alone can miss; trees are small enough to scan when
	// it does.
	i := sort.Search(len(t.entries), func(i int) bool { return t.entries[i].name >= name })
	if i < len(t.entries) && t.entries[i].name == name {
		return &t.entries[i], true
	}
	for j := range t.entries {
		if t.entries[j].name == name {
			return &t.entries[j], true
		}
	}
	return nil, false
}

// mergeEntries pairs the entries of two trees by name: [a, b] with nil
// where one side lacks the name, in name order.
func mergeEntries(a, b *rawTree) [][2]*rawEntry {
	var ea, eb []rawEntry
	if a != nil {
		ea = a.entries
	}
	if b != nil {
		eb = b.entries
	}
	out := make([][2]*rawEntry, 0, max(len(ea), len(eb)))
	i, j := 0, 0
	for i < len(ea) || j < len(eb) {
		switch {
		case j >= len(eb) || i < len(ea) && gitLess(&ea[i], &eb[j]):
			out = append(out, [2]*rawEntry{&ea[i], nil})
			i++
		case i >= len(ea) || gitLess(&eb[j], &ea[i]):
			out = append(out, [2]*rawEntry{nil, &eb[j]})
			j++
		case ea[i].name == eb[j].name:
			out = append(out, [2]*rawEntry{&ea[i], &eb[j]})
			i++
			j++
		default:
			// Same sort key, different names (a file "x" and a folder "x"
			// cannot both exist): report them apart.
			out = append(out, [2]*rawEntry{&ea[i], nil}, [2]*rawEntry{nil, &eb[j]})
			i++
			j++
		}
	}
	return out
}

// gitLess orders entries as Git does: by name, a folder's name compared as
// if it ended in '/'.
func gitLess(x, y *rawEntry) bool {
	a, b := x.name, y.name
	n := min(len(a), len(b))
	if c := strings.Compare(a[:n], b[:n]); c != 0 {
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
