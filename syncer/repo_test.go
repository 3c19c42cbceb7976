package syncer

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/schemareg/schemareg/compiler"
	"github.com/schemareg/schemareg/internal/bundle"
	"github.com/schemareg/schemareg/internal/bundle/etcdread"
	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/internal/gittest"
)

func ticksDoc(version string, extra string) string {
	return fmt.Sprintf(`{
  "id": "ticks_v1",
  "version": %q,
  "type": "object",
  "properties": {
    "ts": {"type": "string", "format": "date-time"},
    "price": {"type": "number"}%s
  },
  "required": ["ts", "price"]
}
`, version, extra)
}

func TestRepoWatcherPublishesNewCommits(t *testing.T) {
	cli := etcdtest.Start(t).Client(t)
	repo := gittest.New(t)
	repo.Write("schemas/ticks_v1.json", ticksDoc("1.0.0", ""))
	repo.Commit("add ticks")

	attempts := make(chan Attempt, 100)
	w := NewRepoWatcher(compiler.CompileOptions{Repo: repo.Dir, Ref: "main"}, New(cli, testLogger(t)), testLogger(t))
	w.Debounce, w.Poll = 20*time.Millisecond, 0
	w.Attempted = func(a Attempt) { attempts <- a }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	latest := func(t *testing.T) (string, int) {
		t.Helper()
		x, _, err := etcdread.LoadGeneration(t.Context(), cli, bundle.Keys{})
		if err != nil {
			t.Fatal(err)
		}
		e, ok := x.Entry("ticks_v1")
		if !ok {
			t.Fatal("ticks_v1 not published")
		}
		return e.Latest, e.Count
	}
	waitAttempt(t, attempts, "publish of the first commit", func(a Attempt) bool { return a.Err == nil && a.Result != nil })
	if v, n := latest(t); v != "1.0.0" || n != 1 {
		t.Fatalf("after the first commit: latest %s of %d versions", v, n)
	}

	repo.Write("schemas/ticks_v1.json", ticksDoc("1.1.0", `,
    "venue": {"type": "string"}`))
	repo.Commit("ticks: optional venue")
	waitAttempt(t, attempts, "publish of the second commit", func(a Attempt) bool {
		return a.Err == nil && a.Result != nil && a.Result.Previous != ""
	})
	if v, n := latest(t); v != "1.1.0" || n != 2 {
		t.Fatalf("after the second commit: latest %s of %d versions", v, n)
	}
}
