package compiler

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
	"github.com/go-git/go-git/v5/plumbing/object"
	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/internal/gittest"
)

// treeBytes encodes entries as Git does, in Git's order.
func treeBytes(entries []rawEntry) []byte {
	sorted := append([]rawEntry(nil), entries...)
	sort.Slice(sorted, func(i, j int) bool { return gitLess(&sorted[i], &sorted[j]) })
	var b []byte
	for _, e := range sorted {
		b = fmt.Appendf(b, "%o %s\x00", e.mode, e.name)
		b = append(b, e.hash[:]...)
	}
	return b
}

// naiveDiff pairs the entries of two trees by name through maps: what
// diffEntries must find.
func naiveDiff(a, b []rawEntry) []string {
	byName := func(es []rawEntry) map[string]rawEntry {
		m := map[string]rawEntry{}
		for _, e := range es {
			m[string(e.name)+"/"+fmt.Sprint(e.isDir())] = e
		}
		return m
	}
	ma, mb := byName(a), byName(b)
	var out []string
	for k, x := range ma {
		if y, ok := mb[k]; !ok {
			out = append(out, "-"+string(x.name))
		} else if x.hash != y.hash || x.mode != y.mode {
			out = append(out, "~"+string(x.name))
		}
	}
	for k, y := range mb {
		if _, ok := ma[k]; !ok {
			out = append(out, "+"+string(y.name))
		}
	}
	sort.Strings(out)
	return out
}

func TestDiffEntriesFindsWhatTwoTreesDoNotShare(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	hash := func() plumbing.Hash {
		var h plumbing.Hash
		for i := range h {
			h[i] = byte(rng.IntN(256))
		}
		return h
	}
	// Names that are prefixes of one another and a file beside a folder
	// of the same name, which Git orders as if the folder's had a '/'.
	names := []string{"a", "a.json", "a-b.json", "a0", "ab.json", "b", "b.json", "ticks_v1.json", "ticks_v10.json", "ticks_v2.json", ".hidden"}
	for i := range 400 {
		names = append(names, fmt.Sprintf("schema_%03d.json", i))
	}
	for round := range 300 {
		var a []rawEntry
		used := map[string]bool{}
		for _, n := range names {
			if rng.IntN(3) == 0 {
				continue
			}
			mode := uint32(0o100644)
			if rng.IntN(8) == 0 {
				mode = 0o40000
			}
			if used[n] {
				continue
			}
			used[n] = true
			a = append(a, rawEntry{name: []byte(n), mode: mode, hash: hash()})
		}
		b := append([]rawEntry(nil), a...)
		for range rng.IntN(6) {
			switch k := rng.IntN(len(b) + 1); {
			case k == len(b): // add
				n := fmt.Sprintf("new_%d.json", rng.IntN(1000))
				if !used[n] {
					used[n] = true
					b = append(b, rawEntry{name: []byte(n), mode: 0o100644, hash: hash()})
				}
			case rng.IntN(3) == 0: // remove
				b = append(b[:k:k], b[k+1:]...)
			case rng.IntN(2) == 0: // change the content
				b[k].hash = hash()
			default: // change the mode
				b[k].mode = 0o100755
			}
		}
		ta, err := parseRawTree(plumbing.ZeroHash, treeBytes(a), nil)
		if err != nil {
			t.Fatal(err)
		}
		tb, err := parseRawTree(plumbing.ZeroHash, treeBytes(b), nil)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		err = diffEntries(ta, tb, func(x, y *rawEntry) error {
			switch {
			case x == nil:
				got = append(got, "+"+string(y.name))
			case y == nil:
				got = append(got, "-"+string(x.name))
			default:
				got = append(got, "~"+string(x.name))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		sort.Strings(got)
		if diff := cmp.Diff(naiveDiff(a, b), got); diff != "" {
			t.Fatalf("round %d: diff (-want +got):\n%s", round, diff)
		}
		for _, e := range b {
			f, ok := tb.find(string(e.name))
			if !ok || f.hash != e.hash {
				t.Fatalf("round %d: find %q: %v %v", round, e.name, ok, f.hash)
			}
		}
	}
}

func TestParseRawTreeRefusesMalformedTrees(t *testing.T) {
	good := treeBytes([]rawEntry{{name: []byte("a.json"), mode: 0o100644}})
	for name, data := range map[string][]byte{
		"no mode":       []byte(" a.json\x00" + strings.Repeat("x", 20)),
		"a mode of 8":   []byte("100648 a.json\x00" + strings.Repeat("x", 20)),
		"no name end":   []byte("100644 a.json"),
		"short hash":    good[:len(good)-1],
		"trailing junk": append(append([]byte{}, good...), '1'),
	} {
		if _, err := parseRawTree(plumbing.ZeroHash, data, nil); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	if _, err := parseRawTree(plumbing.ZeroHash, good, nil); err != nil {
		t.Fatal(err)
	}
}

func TestParseCommitReadsWhatGoGitDecodes(t *testing.T) {
	r := gittest.New(t)
	r.Write("schemas/a.json", "{}")
	first := r.Commit("first\n\nwith a body")
	r.Checkout("side", true)
	r.Write("schemas/b.json", "{}")
	side := r.Commit("side")
	r.Checkout("main", false)
	r.Write("schemas/c.json", "{}")
	r.Commit("main")
	merge := r.Commit("merge", side)
	g, err := openRepo(r.Dir)
	if err != nil {
		t.Fatal(err)
	}
	defer g.close()
	for _, h := range []plumbing.Hash{first, side, merge} {
		want, err := g.repo.CommitObject(h)
		if err != nil {
			t.Fatal(err)
		}
		got, err := g.commit(h)
		if err != nil {
			t.Fatal(err)
		}
		type view struct {
			Hash, Tree        plumbing.Hash
			Parents           []plumbing.Hash
			Author, Committer string
			When              [2]int64
		}
		v := func(c *object.Commit) view {
			return view{c.Hash, c.TreeHash, c.ParentHashes, c.Author.String(), c.Committer.String(),
				[2]int64{c.Author.When.Unix(), c.Committer.When.Unix()}}
		}
		if diff := cmp.Diff(v(want), v(got)); diff != "" {
			t.Errorf("commit %s (-go-git +parsed):\n%s", h, diff)
		}
	}
	if len(mustCommit(t, g, merge).ParentHashes) != 2 {
		t.Fatal("the merge has not two parents")
	}
	if _, err := parseCommit([]byte("parent 0123\n\nmessage")); err == nil {
		t.Fatal("a malformed commit parsed")
	}
}

func mustCommit(t *testing.T, g *gitRepo, h plumbing.Hash) *object.Commit {
	t.Helper()
	c, err := g.commit(h)
	if err != nil {
		t.Fatal(err)
	}
	return c
}
