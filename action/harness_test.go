package action

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sethvargo/go-githubactions"

	"github.com/schemareg/schemareg/compiler"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	testRunURL   = "https://github.com/acme/schemas/actions/runs/42"
	testWorkflow = "Schema validation"
	testJob      = "check"
)

func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Helper()
	w.t.Log(strings.TrimSuffix(string(p), "\n"))
	return len(p), nil
}

// harness runs the action against a real Git repository, a real event
// file and the fake GitHub, and captures everything it writes.
type harness struct {
	t    *testing.T
	gh   *fakeGitHub
	repo *testRepo
	fork bool // the pull request comes from another repository
}

func newHarness(t *testing.T) *harness {
	return &harness{t: t, gh: newFakeGitHub(t), repo: newTestRepo(t)}
}

// runOutput is what one run of the action did.
type runOutput struct {
	res      Result
	err      error
	requests []string
	stdout   string
	logs     string
	outputs  string
	summary  string
	comment  string // the marked comment after the run, "" when none
	tmp      string
}

// event writes a pull_request event payload for base and head.
func (h *harness) event(dir, base, head string, labels []string) string {
	h.t.Helper()
	headRepo := fakeRepo
	if h.fork {
		headRepo = "someone/schemas"
	}
	ls := []map[string]any{}
	for i, l := range labels {
		ls = append(ls, map[string]any{"id": 100 + i, "name": l, "color": "ededed"})
	}
	ev := map[string]any{
		"action": "synchronize",
		"number": fakeNumber,
		"pull_request": map[string]any{
			"number": fakeNumber, "state": "open", "labels": ls,
			"base": map[string]any{"ref": "main", "sha": base, "repo": map[string]any{"full_name": fakeRepo}},
			"head": map[string]any{"ref": "feature", "sha": head, "repo": map[string]any{"full_name": headRepo}},
		},
		"repository": map[string]any{"full_name": fakeRepo},
	}
	data, err := json.MarshalIndent(ev, "", "  ")
	if err != nil {
		h.t.Fatal(err)
	}
	path := filepath.Join(dir, "event.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		h.t.Fatal(err)
	}
	return path
}

// run runs the action on the pull request from base to head with the
// given labels in its event; mod changes the config first.
func (h *harness) run(base, head string, labels []string, mod func(*Config)) runOutput {
	h.t.Helper()
	tmp := h.t.TempDir()
	env := map[string]string{
		"GITHUB_OUTPUT":       filepath.Join(tmp, "output"),
		"GITHUB_STEP_SUMMARY": filepath.Join(tmp, "summary"),
	}
	ev, err := ReadEvent(h.event(tmp, base, head, labels))
	if err != nil {
		h.t.Fatal(err)
	}
	var stdout, logs bytes.Buffer
	cfg := Config{
		Repository: fakeRepo, Number: ev.Number, Base: ev.Base, Head: ev.Head, EventLabels: ev.Labels, Fork: ev.Fork(),
		Workspace: h.repo.Dir, Comment: true, Labels: true, FailOn: FailOnInvalidBump, OverrideLabel: DefaultOverrideLabel,
		Workflow: testWorkflow, Job: testJob, ServerURL: "https://github.com", RunURL: testRunURL,
		ReportPath: filepath.Join(tmp, "report.json"),
		Actions:    githubactions.New(githubactions.WithWriter(&stdout), githubactions.WithGetenv(func(k string) string { return env[k] })),
	}
	if mod != nil {
		mod(&cfg)
	}
	logger := slog.New(slog.NewTextHandler(io.MultiWriter(&logs, tWriter{h.t}), &slog.HandlerOptions{Level: slog.LevelDebug}))
	res, err := Run(h.t.Context(), cfg, h.gh.client(h.t), logger)
	out := runOutput{res: res, err: err, requests: h.gh.requests(), stdout: stdout.String(), logs: logs.String(), tmp: tmp}
	out.outputs = readOptional(h.t, env["GITHUB_OUTPUT"])
	out.summary = readOptional(h.t, env["GITHUB_STEP_SUMMARY"])
	if cs := h.gh.commentsWith(commentMarker(testWorkflow, testJob)); len(cs) > 0 {
		out.comment = cs[0]
	}
	for name, s := range map[string]string{"stdout": out.stdout, "logs": out.logs, "outputs": out.outputs, "summary": out.summary, "comment": out.comment} {
		if strings.Contains(s, fakeToken) {
			h.t.Errorf("the token appears in the %s", name)
		}
	}
	if err != nil && strings.Contains(err.Error(), fakeToken) {
		h.t.Errorf("the token appears in the error")
	}
	return out
}

func readOptional(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return ""
	}
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// golden renders a run for its golden file: requests, outputs, workflow
// commands, the comment and the step summary, with temporary paths and the
// fake's address replaced.
func (o runOutput) golden(f *fakeGitHub) string {
	var b strings.Builder
	section := func(name, body string) {
		fmt.Fprintf(&b, "==== %s\n%s", name, body)
		if body != "" && !strings.HasSuffix(body, "\n") {
			b.WriteString("\n")
		}
	}
	section("requests", strings.Join(o.requests, "\n"))
	section("outputs", o.outputs)
	section("stdout", o.stdout)
	section("comment", o.comment)
	section("summary", o.summary)
	s := strings.ReplaceAll(b.String(), o.tmp, "$TMP")
	s = regexp.MustCompile(outputDelimiterPrefix+`[0-9a-f]{32}`).ReplaceAllString(s, outputDelimiterPrefix+"RANDOM")
	return strings.ReplaceAll(s, f.srv.URL, "$API")
}

// checkGolden compares got with testdata/name.golden; -update rewrites it.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./action -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test ./action -update rewrites it):\n%s", path, lineDiff(string(want), got))
	}
}

// lineDiff shows the first lines where want and got differ.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	shown := 0
	for i := 0; i < max(len(w), len(g)) && shown < 12; i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n  got  %q\n", i+1, wl, gl)
			shown++
		}
	}
	return b.String()
}

// ticks returns a schema document with the given version and properties,
// one property per line.
func ticks(version string, props ...string) string {
	all := map[string]string{
		"ts":       `{"type": "string", "format": "date-time"}`,
		"price":    `{"type": "number", "exclusiveMinimum": 0}`,
		"side":     `{"type": "string", "enum": ["B", "S"]}`,
		"size":     `{"type": "integer", "minimum": 0}`,
		"exchange": `{"type": "string"}`,
	}
	var b strings.Builder
	fmt.Fprintf(&b, "{\n  \"id\": \"ticks_v1\",\n  \"version\": %q,\n  \"schema\": \"http://json-schema.org/draft-07/schema#\",\n", version)
	b.WriteString("  \"title\": \"Ticks\",\n  \"type\": \"object\",\n  \"properties\": {\n")
	for i, p := range props {
		sep := ","
		if i == len(props)-1 {
			sep = ""
		}
		fmt.Fprintf(&b, "    %q: %s%s\n", p, all[p], sep)
	}
	b.WriteString("  },\n  \"required\": [\"ts\", \"price\"],\n  \"additionalProperties\": false\n}\n")
	return b.String()
}

// checkStub returns a CheckFunc that answers with report, base and head
// filled in.
func checkStub(report compiler.CheckReport) CheckFunc {
	return func(ctx context.Context, opts compiler.CheckOptions) (*compiler.CheckReport, error) {
		r := report
		r.Base, r.Head = opts.Base, opts.Head
		return &r, nil
	}
}
