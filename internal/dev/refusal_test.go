package dev

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/go-git/go-git/v5/plumbing"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/internal/gittest"
)

// ticks is a closed-object schema with the properties named.
func ticks(version string, props ...string) string {
	var ps []string
	for _, p := range props {
		ps = append(ps, `"`+p+`": {"type": "string"}`)
	}
	return `{"id": "ticks_v1", "version": "` + version + `", "type": "object", "additionalProperties": false, "properties": {` + strings.Join(ps, ", ") + `}}` + "\n"
}

// devRun runs the registry on repo and dataDir until stop is called.
func devRun(t *testing.T, repo, dataDir string, force bool) (base string, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	addr := make(chan string, 1)
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{Repo: repo, DataDir: dataDir, Addr: "127.0.0.1:0", Force: force, Poll: time.Hour,
			Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Ready: func(a string) { addr <- a }})
	}()
	select {
	case a := <-addr:
		_, port, _ := net.SplitHostPort(a)
		base = "http://127.0.0.1:" + port
	case err := <-done:
		cancel()
		t.Fatalf("dev: %v", err)
	}
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("dev: %v", err)
		}
	}
	t.Cleanup(stop)
	return base, stop
}

// waitCompile polls /ready until the last compile attempt satisfies ok.
func waitCompile(t *testing.T, base string, ok func(*api.CompileAttempt) bool) api.Status {
	t.Helper()
	var st api.Status
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, body := get(t, base+"/ready")
		st = api.Status{}
		if err := json.Unmarshal(body, &st); err == nil && st.LastCompile != nil && ok(st.LastCompile) {
			return st
		}
	}
	t.Fatalf("/ready never showed the compile wanted; last %+v", st.LastCompile)
	return st
}

// waitServing polls /ready until the server serves commit, or gives up
// and returns the last status.
func waitServing(t *testing.T, base, commit string) api.Status {
	t.Helper()
	var st api.Status
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		_, body := get(t, base+"/ready")
		st = api.Status{}
		if err := json.Unmarshal(body, &st); err == nil && st.Commit == commit {
			break
		}
	}
	return st
}

// A refused compile shows on /ready and on the docs index, and the
// versions it claimed are not served; after the history is reset to an
// older commit the refusal names --force, which follows the branch.
func TestRefusedCompileIsVisibleAndForceFollowsTheBranch(t *testing.T) {
	repo := gittest.New(t)
	repo.Write("schemas/ticks_v1.json", ticks("1.2.0", "ts", "side"))
	first := repo.Commit("v1.2")
	repo.Write("schemas/ticks_v1.json", ticks("1.3.0", "ts", "side", "venue"))
	second := repo.Commit("add venue")
	data := t.TempDir()

	base, stop := devRun(t, repo.Dir, data, false)
	waitCompile(t, base, func(a *api.CompileAttempt) bool { return a.Error == "" && a.Commit == second.String() })
	waitServing(t, base, second.String())
	// Removing a property of a closed object with a minor bump is refused.
	repo.Write("schemas/ticks_v1.json", ticks("1.4.0", "ts", "venue"))
	bad := repo.Commit("drop side")
	st := waitCompile(t, base, func(a *api.CompileAttempt) bool { return a.Error != "" })
	if st.LastCompile.Commit != bad.String() || !strings.Contains(st.LastCompile.Error, "INVALID_BUMP") || st.Commit != second.String() || st.LastCompile.Time == "" {
		t.Errorf("/ready after the refusal: serves %s, last compile %+v", st.Commit, st.LastCompile)
	}
	_, index := get(t, base+"/docs/")
	if !strings.Contains(string(index), `id="refusal"`) || !strings.Contains(string(index), bad.String()) {
		t.Errorf("the docs index shows no refusal:\n%s", index)
	}
	if resp, _ := get(t, base+"/schema/ticks_v1/1.4.0"); resp.StatusCode != 404 {
		t.Errorf("the refused 1.4.0 answers %d", resp.StatusCode)
	}
	// The fix is judged against 1.3.0, which stayed latest; the refused
	// version appears nowhere.
	repo.Write("schemas/ticks_v1.json", ticks("2.0.0", "ts", "venue"))
	fixed := repo.Commit("drop side with a major bump")
	waitCompile(t, base, func(a *api.CompileAttempt) bool { return a.Error == "" && a.Commit == fixed.String() })
	waitServing(t, base, fixed.String())
	for _, path := range []string{"/schema/ticks_v1/versions", "/schemas", "/docs/", "/docs/ticks_v1/changelog/"} {
		resp, body := get(t, base+path)
		if resp.StatusCode != 200 || !strings.Contains(string(body), "2.0.0") || strings.Contains(string(body), `"1.4.0"`) || strings.Contains(string(body), "1.4.0/") {
			t.Errorf("%s: %d\n%s", path, resp.StatusCode, body)
		}
	}
	if _, index := get(t, base+"/docs/"); strings.Contains(string(index), `id="refusal"`) {
		t.Error("the docs index still shows the refusal after the fix")
	}
	if _, v := get(t, base+"/schema/ticks_v1/versions"); !strings.Contains(string(v), "1.3.0") {
		t.Errorf("/versions lost 1.3.0: %s", v)
	}
	stop()

	// git reset --hard to the first commit.
	if err := repo.Repo.Storer.SetReference(plumbing.NewHashReference(plumbing.NewBranchReferenceName("main"), first)); err != nil {
		t.Fatal(err)
	}
	base, stop = devRun(t, repo.Dir, data, false)
	st = waitCompile(t, base, func(a *api.CompileAttempt) bool { return a.Commit == first.String() })
	if !strings.Contains(st.LastCompile.Error, "schemareg dev --force") || st.Commit != fixed.String() {
		t.Errorf("after the reset: serves %s, last compile %+v", st.Commit, st.LastCompile)
	}
	stop()

	base, _ = devRun(t, repo.Dir, data, true)
	waitCompile(t, base, func(a *api.CompileAttempt) bool { return a.Commit == first.String() && a.Error == "" })
	// The server learns of the publish through its etcd watch, a moment
	// after the compile is recorded.
	if st = waitServing(t, base, first.String()); st.Commit != first.String() {
		t.Errorf("--force serves %s, want %s", st.Commit, first)
	}
	_, index = get(t, base+"/docs/")
	if strings.Contains(string(index), `id="refusal"`) {
		t.Error("the docs index still shows a refusal")
	}
}
