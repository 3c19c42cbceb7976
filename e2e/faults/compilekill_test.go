package faults

import (
	"context"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/bundle"
)

// syntheticRepo writes a Git repository of a synthetic history: schemas
// schemas changed over commits commits, with the right bumps.
func syntheticRepo(t *testing.T, schemas, commits int) string {
	t.Helper()
	repo := t.TempDir()
	gitRun(t, repo, nil, "init", "-q", "-b", "main")
	gen := exec.Command(genBinary, "-schemas", strconv.Itoa(schemas), "-commits", strconv.Itoa(commits), "-bad-every", "0")
	imp := exec.Command("git", "-C", repo, "fast-import", "--quiet")
	pipe, err := gen.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	imp.Stdin = pipe
	var out strings.Builder
	imp.Stderr, gen.Stderr = &out, &out
	if err := gen.Start(); err != nil {
		t.Fatal(err)
	}
	if err := imp.Run(); err != nil {
		t.Fatalf("git fast-import: %v\n%s", err, out.String())
	}
	if err := gen.Wait(); err != nil {
		t.Fatalf("gen: %v\n%s", err, out.String())
	}
	return repo
}

// gitRun runs git in dir with a fixed identity and no user configuration.
func gitRun(t *testing.T, dir string, stdin []byte, args ...string) string {
	t.Helper()
	cmd := exec.Command("git", args...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=Ada", "GIT_AUTHOR_EMAIL=ada@example.com",
		"GIT_COMMITTER_NAME=Ada", "GIT_COMMITTER_EMAIL=ada@example.com", "GIT_CONFIG_GLOBAL=/dev/null")
	if stdin != nil {
		cmd.Stdin = strings.NewReader(string(stdin))
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return strings.TrimSpace(string(out))
}

// TestCompileKilled runs "schemareg compile" as a process on a synthetic
// history of 120 schemas and 800 commits and SIGKILLs it at random
// moments, most of them once it has begun to write the bundle: 10 kills (100 with
// -faults.long). The compiles alternate between two revisions, so that one
// is a full compile that writes a new store of schema files and the other
// an incremental one that adds to the store it continues. After each kill
// the bundle in --out must read back whole and verified, and be the one
// before the compile, or the new one when the kill came after the link's
// swap; and the next compile must succeed. The folder must not fill up
// with what the killed compiles left.
func TestCompileKilled(t *testing.T) {
	skipShort(t)
	rnd := newRand(t)
	repo := syntheticRepo(t, 120, 800)
	out := filepath.Join(t.TempDir(), "out", "bundle")
	refs := [2]string{"main~250", "main"}
	compile := func(ref string) *process {
		return start(t, nil, "compile", "--repo", repo, "--ref", ref, "--out", out, "--format", "json")
	}

	// Each revision compiled once, whole: the bundles a kill may leave, how
	// long each compile takes, and how long it writes.
	var gens [2]string
	var fromStart, fromWrite [2]killWindow
	for i, ref := range refs {
		w := watchDir(filepath.Dir(out))
		p := compile(ref)
		if code := p.Wait(t, 3*time.Minute); code != 0 {
			t.Fatalf("compile %s: exit %d\n%s", ref, code, p.Output())
		}
		w.stop()
		if !w.seen() {
			t.Fatalf("compile %s made no new entry beside %s", ref, out)
		}
		writing := max(p.Ended().Sub(w.firstAt()), time.Millisecond)
		gens[i] = readBundle(t, out).Manifest.Generation
		fromStart[i], fromWrite[i] = newKillWindow(p.Took()), newKillWindow(writing)
		t.Logf("compile %s takes %s, its writes %s", ref, p.Took().Round(time.Millisecond), writing.Round(time.Millisecond))
	}
	current := 1

	kills := rounds(10)
	outcome := map[string]int{}
	for kills > 0 {
		target := 1 - current
		what := killCompile(t, rnd, func() *process { return compile(refs[target]) }, out, &fromStart[target], &fromWrite[target])
		b := readBundle(t, out)
		switch b.Manifest.Generation {
		case gens[current]:
		case gens[target]:
			current = target
		default:
			t.Fatalf("after a kill, %s holds generation %s, neither %s nor %s", out, short(b.Manifest.Generation), short(gens[0]), short(gens[1]))
		}
		if what == finished {
			outcome[what]++
			if current != target {
				t.Fatalf("compile %s finished, but %s holds generation %s", refs[target], out, short(b.Manifest.Generation))
			}
			continue
		}
		if what == killedBeforeWrites && current == target {
			t.Fatalf("a compile killed before it wrote anything switched %s to %s", out, short(gens[target]))
		}
		if current == target {
			what = killedAfterSwap
		}
		outcome[what]++
		kills--
		if kills%5 == 0 {
			// The next compile succeeds, and cleans up.
			target := 1 - current
			mustRun(t, nil, "compile", "--repo", repo, "--ref", refs[target], "--out", out)
			if g := readBundle(t, out).Manifest.Generation; g != gens[target] {
				t.Fatalf("compile %s after the kills: generation %s, want %s", refs[target], short(g), short(gens[target]))
			}
			current = target
			checkPruned(t, out)
		}
	}
	t.Logf("where the kills landed: %v", outcome)
	if outcome[killedWhileWriting] == 0 {
		t.Errorf("no kill landed while a bundle was written (%v): the test proves nothing; make the history larger", outcome)
	}
}

const (
	killedWhileWriting = "killed while writing the bundle"
	killedAfterSwap    = "killed after the swap"
)

// killCompile starts a compile and SIGKILLs it at a moment drawn by
// killDrawn, the first write being the first new entry beside out, and
// returns where the kill landed.
func killCompile(t *testing.T, rnd *rand.Rand, compile func() *process, out string, fromStart, fromWrite *killWindow) string {
	t.Helper()
	w := watchDir(filepath.Dir(out))
	defer w.stop()
	if !killDrawn(t, rnd, compile(), w.first, w.firstAt, fromStart, fromWrite) {
		return finished
	}
	if w.seen() {
		return killedWhileWriting
	}
	return killedBeforeWrites
}

// readBundle reads and verifies the bundle in dir, failing the test when it
// is not whole.
func readBundle(t *testing.T, dir string) *bundle.Bundle {
	t.Helper()
	b, err := bundle.Read(dir)
	if err != nil {
		t.Fatalf("the bundle in %s does not read back: %v", dir, err)
	}
	return b
}

// checkPruned fails the test when the folder of a bundle holds more than
// the current and the previous bundle and their stores of schema files.
func checkPruned(t *testing.T, out string) {
	t.Helper()
	entries, err := os.ReadDir(filepath.Dir(out))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if len(names) > 5 { // the link, two bundles, two stores
		t.Errorf("after a successful compile %s holds %d entries: %v", filepath.Dir(out), len(names), names)
	}
}

// dirWatch notes when the first new entry appears in a folder: a compile
// writing its bundle makes a store or a temporary folder beside --out.
type dirWatch struct {
	before map[string]bool
	first  chan struct{} // closed when a new entry appeared
	at     time.Time     // when it was seen; set before first is closed
	cancel context.CancelFunc
	done   chan struct{}
}

func watchDir(dir string) *dirWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &dirWatch{before: map[string]bool{}, first: make(chan struct{}), cancel: cancel, done: make(chan struct{})}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		w.before[e.Name()] = true
	}
	go func() {
		defer close(w.done)
		for {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if !w.before[e.Name()] {
					w.at = time.Now()
					close(w.first)
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(time.Millisecond):
			}
		}
	}()
	return w
}

// seen reports whether a new entry appeared.
func (w *dirWatch) seen() bool { return closed(w.first) }

// firstAt is when the first new entry was seen, or the zero time.
func (w *dirWatch) firstAt() time.Time {
	if w.seen() {
		return w.at
	}
	return time.Time{}
}

// stop ends the watch.
func (w *dirWatch) stop() {
	w.cancel()
	<-w.done
}
