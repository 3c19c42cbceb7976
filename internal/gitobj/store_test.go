package gitobj

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/go-git/go-git/v5/plumbing"
)

// git runs git in dir and returns its output.
func git(t testing.TB, dir string, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=T", "GIT_AUTHOR_EMAIL=t@example.com",
		"GIT_COMMITTER_NAME=T", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// history makes a repository of a few files, each commit rewriting one
// line of one of them, so that a repack makes long delta chains of blobs
// and trees.
func history(t testing.TB, commits int) string {
	t.Helper()
	dir := t.TempDir()
	git(t, dir, "init", "-q", "-b", "main")
	files := make([][]string, 4)
	for f := range files {
		for j := range 40 {
			files[f] = append(files[f], fmt.Sprintf(`{"field_%d_%d": "a line long enough to be worth a delta"}`, f, j))
		}
	}
	for i := range commits {
		f := i % len(files)
		files[f][(i*7)%40] = fmt.Sprintf(`{"field_%d": "rewritten in commit %d"}`, i, i)
		name := filepath.Join(dir, "schemas", fmt.Sprintf("s%d.json", f))
		if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(name, []byte(strings.Join(files[f], "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		git(t, dir, "add", "-A")
		git(t, dir, "commit", "-q", "-m", fmt.Sprintf("commit %d", i))
	}
	return dir
}

// catAll reads every object of the repository with git cat-file.
func catAll(t testing.TB, dir string) map[plumbing.Hash]object {
	t.Helper()
	cmd := exec.Command("git", "cat-file", "--batch-all-objects", "--batch", "--unordered")
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	objs := map[plumbing.Hash]object{}
	r := bufio.NewReader(bytes.NewReader(out))
	for {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		f := strings.Fields(line)
		size, _ := strconv.Atoi(f[2])
		typ, _ := plumbing.ParseObjectType(f[1])
		data := make([]byte, size+1)
		if _, err := io.ReadFull(r, data); err != nil {
			t.Fatal(err)
		}
		objs[plumbing.NewHash(f[0])] = object{typ, data[:size]}
	}
	return objs
}

type object struct {
	typ  plumbing.ObjectType
	data []byte
}

var roomy = Limits{Object: 1 << 20, Delta: 8 << 20, Base: 16 << 20}

// readAll checks that the store reads every object as git does, in the
// order a walk of history would and then newest first.
func readAll(t *testing.T, gitDir string, want map[plumbing.Hash]object, cacheBytes int64) {
	t.Helper()
	s, err := Open(gitDir, cacheBytes)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var hashes []plumbing.Hash
	for h := range want {
		hashes = append(hashes, h)
	}
	for pass := range 2 {
		for i := range hashes {
			h := hashes[i]
			if pass == 1 {
				h = hashes[len(hashes)-1-i]
			}
			got, err := s.Read(h, want[h].typ, roomy)
			if err != nil {
				t.Fatalf("read %s %s: %v", want[h].typ, h, err)
			}
			if !bytes.Equal(got, want[h].data) {
				t.Fatalf("read %s %s: got %q, want %q", want[h].typ, h, got, want[h].data)
			}
		}
	}
}

func TestReadsEveryObjectAsGitDoes(t *testing.T) {
	dir := history(t, 120)
	loose := catAll(t, dir)
	t.Run("loose", func(t *testing.T) { readAll(t, filepath.Join(dir, ".git"), loose, 0) })

	git(t, dir, "repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50")
	if out := git(t, dir, "verify-pack", "-v", packIdx(t, dir)); !strings.Contains(out, "chain length = 10") {
		t.Fatalf("no long delta chains:\n%s", out[len(out)-400:])
	}
	if n := deltas(t, dir, plumbing.OFSDeltaObject); n == 0 {
		t.Fatal("the pack holds no offset delta")
	}
	want := catAll(t, dir)
	if len(want) != len(loose) {
		t.Fatalf("%d objects after the repack, %d before", len(want), len(loose))
	}
	for name, cache := range map[string]int64{"offset deltas": 0, "offset deltas, no room for bases": 1} {
		t.Run(name, func(t *testing.T) { readAll(t, filepath.Join(dir, ".git"), want, cache) })
	}

	git(t, dir, "-c", "repack.useDeltaBaseOffset=false", "repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50")
	if n := deltas(t, dir, plumbing.REFDeltaObject); n == 0 {
		t.Fatal("the pack holds no reference delta")
	}
	t.Run("reference deltas", func(t *testing.T) { readAll(t, filepath.Join(dir, ".git"), want, 0) })

	// One more commit, loose beside the pack.
	if err := os.WriteFile(filepath.Join(dir, "schemas", "new.json"), []byte("{}\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "loose")
	t.Run("packed and loose", func(t *testing.T) { readAll(t, filepath.Join(dir, ".git"), catAll(t, dir), 0) })
}

func packIdx(t *testing.T, dir string) string {
	t.Helper()
	idx, _ := filepath.Glob(filepath.Join(dir, ".git", "objects", "pack", "*.idx"))
	if len(idx) != 1 {
		t.Fatalf("%d pack indexes, want 1", len(idx))
	}
	return idx[0]
}

// deltas counts the entries of type typ in the repository's one pack.
func deltas(t *testing.T, dir string, typ plumbing.ObjectType) int {
	t.Helper()
	p, err := openPack(strings.TrimSuffix(packIdx(t, dir), ".idx"))
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	n := 0
	for i := range p.count {
		off, err := p.offsetAt(i)
		if err != nil {
			t.Fatal(err)
		}
		e, err := p.header(off)
		if err != nil {
			t.Fatal(err)
		}
		if e.typ == typ {
			n++
		}
	}
	return n
}

func TestReadsThroughAlternatesAndLinkedWorkTrees(t *testing.T) {
	dir := history(t, 30)
	git(t, dir, "gc", "-q")
	want := catAll(t, dir)

	shared := filepath.Join(t.TempDir(), "shared")
	git(t, dir, "clone", "-q", "--shared", dir, shared)
	if _, err := os.Stat(filepath.Join(shared, ".git", "objects", "info", "alternates")); err != nil {
		t.Fatal(err)
	}
	t.Run("alternates", func(t *testing.T) { readAll(t, filepath.Join(shared, ".git"), want, 0) })

	wt := filepath.Join(t.TempDir(), "wt")
	git(t, dir, "worktree", "add", "-q", wt)
	gitDir := strings.TrimSpace(git(t, wt, "rev-parse", "--absolute-git-dir"))
	if gitDir == filepath.Join(dir, ".git") {
		t.Fatal("the linked work tree has the main Git folder")
	}
	t.Run("linked work tree", func(t *testing.T) { readAll(t, gitDir, want, 0) })
}

func TestReadRefusesWhatIsOverItsLimits(t *testing.T) {
	dir := history(t, 60)
	big := bytes.Repeat([]byte("0123456789abcdef"), 1<<16) // 1 MiB, inflates from a few KB
	if err := os.WriteFile(filepath.Join(dir, "big.bin"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	git(t, dir, "add", "-A")
	git(t, dir, "commit", "-q", "-m", "big")
	bigHash := plumbing.NewHash(strings.TrimSpace(git(t, dir, "rev-parse", "HEAD:big.bin")))
	grown := plumbing.NewHash(strings.TrimSpace(git(t, dir, "rev-parse", "HEAD:schemas/s0.json")))
	oldest := plumbing.NewHash(strings.TrimSpace(git(t, dir, "rev-parse", "HEAD~56:schemas/s0.json")))

	check := func(t *testing.T, h plumbing.Hash, lim Limits) {
		t.Helper()
		s, err := Open(filepath.Join(dir, ".git"), 0)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		if _, err := s.Read(h, plumbing.BlobObject, lim); !errors.Is(err, ErrTooLarge) {
			t.Fatalf("read %s within %+v: %v, want ErrTooLarge", h, lim, err)
		}
		if _, err := s.Read(h, plumbing.BlobObject, roomy); err != nil {
			t.Fatalf("read %s within %+v: %v", h, roomy, err)
		}
	}
	t.Run("loose blob over the object limit", func(t *testing.T) {
		check(t, bigHash, Limits{Object: 1<<20 - 1, Delta: 1 << 20, Base: 1 << 20})
	})
	git(t, dir, "repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50")
	t.Run("packed blob over the object limit", func(t *testing.T) {
		check(t, bigHash, Limits{Object: 1<<20 - 1, Delta: 1 << 20, Base: 1 << 20})
	})
	t.Run("a delta's base over the base limit", func(t *testing.T) {
		// The oldest version is a delta of a newer, larger one.
		check(t, oldest, Limits{Object: 1 << 20, Delta: 1 << 20, Base: 200})
	})
	t.Run("a delta over the delta limit", func(t *testing.T) {
		check(t, oldest, Limits{Object: 1 << 20, Delta: 2, Base: 1 << 20})
	})
	t.Run("an object made by deltas over the object limit", func(t *testing.T) {
		check(t, oldest, Limits{Object: 10, Delta: 1 << 20, Base: 1 << 20})
	})
	t.Run("the newest version, whole", func(t *testing.T) {
		check(t, grown, Limits{Object: 10, Delta: 1 << 20, Base: 1 << 20})
	})
}

func TestReadNamesWhatIsMissingOrOfAnotherType(t *testing.T) {
	dir := history(t, 3)
	s, err := Open(filepath.Join(dir, ".git"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Read(plumbing.NewHash("0123456789012345678901234567890123456789"), plumbing.BlobObject, roomy); !errors.Is(err, ErrNotFound) {
		t.Fatalf("a missing object: %v, want ErrNotFound", err)
	}
	head := plumbing.NewHash(strings.TrimSpace(git(t, dir, "rev-parse", "HEAD")))
	if _, err := s.Read(head, plumbing.BlobObject, roomy); err == nil || !strings.Contains(err.Error(), "is a commit, not a blob") {
		t.Fatalf("a commit read as a blob: %v", err)
	}
}

// TestCorruptPackIsAnError flips each byte of a small pack's entries in
// turn: every read either returns what git does or fails, never panics.
func TestCorruptPackIsAnError(t *testing.T) {
	dir := history(t, 12)
	want := catAll(t, dir)
	git(t, dir, "repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50")
	idx := packIdx(t, dir)
	packFile := strings.TrimSuffix(idx, ".idx") + ".pack"
	orig, err := os.ReadFile(packFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(packFile, 0o644); err != nil {
		t.Fatal(err)
	}
	failed := 0
	for i := packHeader; i < len(orig)-hashSize; i += 7 {
		b := bytes.Clone(orig)
		b[i] ^= 0x5a
		if err := os.WriteFile(packFile, b, 0o644); err != nil {
			t.Fatal(err)
		}
		s, err := Open(filepath.Join(dir, ".git"), 0)
		if err != nil {
			t.Fatal(err)
		}
		for h, o := range want {
			got, err := s.Read(h, o.typ, roomy)
			if err != nil {
				failed++
				continue
			}
			if !bytes.Equal(got, o.data) {
				t.Fatalf("byte %d flipped: %s read as %q, want %q or an error", i, h, got, o.data)
			}
		}
		s.Close()
	}
	if failed == 0 {
		t.Fatal("no flipped byte made a read fail")
	}
}

func TestReadIntoReusesTheRoomItIsGiven(t *testing.T) {
	dir := history(t, 40)
	want := catAll(t, dir)
	git(t, dir, "repack", "-q", "-a", "-d", "-f", "--depth=50", "--window=50")
	s, err := Open(filepath.Join(dir, ".git"), 0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	room := make([]byte, 0, 1<<16)
	reused := 0
	for h, o := range want {
		got, err := s.ReadInto(h, o.typ, roomy, room)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, o.data) {
			t.Fatalf("%s: got %q, want %q", h, got, o.data)
		}
		if len(got) > 0 && &got[0] == &room[:1][0] {
			reused++
		}
		// What the store keeps is not what it gave: reading it again
		// after the room is overwritten gives the same bytes.
		clear(got)
		if again, err := s.Read(h, o.typ, roomy); err != nil || !bytes.Equal(again, o.data) {
			t.Fatalf("%s read again: %q, %v", h, again, err)
		}
	}
	if reused < len(want)/2 {
		t.Fatalf("the room was used for %d of %d objects", reused, len(want))
	}
}
