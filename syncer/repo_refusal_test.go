package syncer

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
)

// TestRepoWatcherLogsARefusalOnce: a refused compile is logged once, not at
// every look until it is fixed, and each attempt names the commit.
func TestRepoWatcherLogsARefusalOnce(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	repo := gittest.New(t)
	repo.Write("schemas/ticks_v1.json", `{"id": "ticks_v1", "version": "1.0.0", "enum": ["a", "b"]}`)
	repo.Commit("add ticks")
	repo.Write("schemas/ticks_v1.json", `{"id": "ticks_v1", "version": "1.1.0", "enum": ["a"]}`)
	repo.Commit("drop b with a minor bump")
	bad := repo.Head().String()

	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	var attempts []Attempt
	w := NewRepoWatcher(compiler.CompileOptions{Repo: repo.Dir, Ref: "main"}, New(cli, logger), logger)
	w.Attempted = func(a Attempt) { attempts = append(attempts, a) }
	for range 3 {
		w.look(t.Context())
	}
	if n := strings.Count(logs.String(), "compile failed"); n != 1 {
		t.Errorf("the refusal is logged %d times:\n%s", n, logs.String())
	}
	if len(attempts) != 3 || attempts[0].Err == nil || attempts[0].Commit != bad {
		t.Fatalf("attempts %+v, want 3 naming %s", attempts, bad)
	}
}
