package faults

import (
	"context"
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
// moments, many of them while it writes the bundle: 10 kills (100 with
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

	// Each revision compiled once, whole: the bundles a kill may leave, and
	// how long each compile takes.
	var gens [2]string
	var took [2]time.Duration
	var windows [2]killWindow
	for i, ref := range refs {
		p := compile(ref)
		if code := p.Wait(t, 3*time.Minute); code != 0 {
			t.Fatalf("compile %s: exit %d\n%s", ref, code, p.Output())
		}
		took[i] = p.Took()
		gens[i] = readBundle(t, out).Manifest.Generation
	}
	t.Logf("a full compile of %s takes %s, the incremental one of %s %s", refs[0], took[0].Round(time.Millisecond), refs[1], took[1].Round(time.Millisecond))
	current := 1
	windows[0], windows[1] = newKillWindow(took[0]), newKillWindow(took[1])

	kills := rounds(10)
	outcome := map[string]int{}
	for kills > 0 {
		target := 1 - current
		w := watchDir(filepath.Dir(out))
		p := compile(refs[target])
		sleepOrExit(p, windows[target].draw(rnd))
		killed := p.Kill()
		if killed {
			windows[target].widen()
		} else {
			windows[target].shorten(p.Took())
		}
		wrote := w.stop()
		if !killed && p.Cmd.ProcessState.ExitCode() != 0 {
			t.Fatalf("compile %s exited %d before the kill:\n%s", refs[target], p.Cmd.ProcessState.ExitCode(), p.Output())
		}
		b := readBundle(t, out)
		switch b.Manifest.Generation {
		case gens[current]:
		case gens[target]:
			current = target
		default:
			t.Fatalf("after a kill, %s holds generation %s, neither %s nor %s", out, short(b.Manifest.Generation), short(gens[0]), short(gens[1]))
		}
		switch {
		case !killed:
			outcome["finished before the kill"]++
			continue
		case current == target:
			outcome["killed after the swap"]++
		case wrote:
			outcome["killed while writing the bundle"]++
		default:
			outcome["killed before writing"]++
		}
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
	if outcome["killed while writing the bundle"] == 0 {
		t.Errorf("no kill landed while a bundle was written (%v): the test proves nothing; make the history larger", outcome)
	}
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

// dirWatch notes whether new entries appear in a folder: a compile writing
// its bundle makes a store or a temporary folder beside --out.
type dirWatch struct {
	before map[string]bool
	cancel context.CancelFunc
	done   chan bool
}

func watchDir(dir string) *dirWatch {
	ctx, cancel := context.WithCancel(context.Background())
	w := &dirWatch{before: map[string]bool{}, cancel: cancel, done: make(chan bool, 1)}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		w.before[e.Name()] = true
	}
	go func() {
		for {
			entries, _ := os.ReadDir(dir)
			for _, e := range entries {
				if !w.before[e.Name()] {
					w.done <- true
					return
				}
			}
			select {
			case <-ctx.Done():
				w.done <- false
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	return w
}

// stop ends the watch and reports whether a new entry appeared.
func (w *dirWatch) stop() bool {
	w.cancel()
	return <-w.done
}
