package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/schemareg/schemareg/internal/gittest"
)

const actionToken = "ghs_cmdTestToken0123456789"

// actionEnv is the environment of the action's step: a pull request event
// from base to head, the GitHub API at apiURL and files for the outputs and
// the step summary.
func actionEnv(t *testing.T, repoDir, apiURL, base, head string) map[string]string {
	t.Helper()
	dir := t.TempDir()
	ev := map[string]any{"number": 7, "pull_request": map[string]any{"number": 7,
		"base": map[string]any{"sha": base, "repo": map[string]any{"full_name": "acme/schemas"}},
		"head": map[string]any{"sha": head, "repo": map[string]any{"full_name": "acme/schemas"}}}}
	data, _ := json.Marshal(ev)
	writeFiles(t, dir, map[string]string{"event.json": string(data)})
	return map[string]string{
		"GITHUB_EVENT_PATH": filepath.Join(dir, "event.json"), "GITHUB_REPOSITORY": "acme/schemas",
		"GITHUB_API_URL": apiURL, "GITHUB_SERVER_URL": "https://github.com", "GITHUB_WORKSPACE": repoDir,
		"GITHUB_OUTPUT": filepath.Join(dir, "output"), "GITHUB_STEP_SUMMARY": filepath.Join(dir, "summary"),
		"GITHUB_RUN_ID": "42", "GITHUB_WORKFLOW": "Schema validation", "GITHUB_JOB": "check",
		"RUNNER_TEMP": dir, "INPUT_GITHUB_TOKEN": actionToken, "INPUT_SCHEMAS_DIR": "schemas",
		"INPUT_COMMENT": "true", "INPUT_LABELS": "true", "INPUT_FAIL_ON": "invalid-bump",
	}
}

// fakeAPI answers the action's GitHub requests and records them.
func fakeAPI(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var log []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		log = append(log, r.Method+" "+r.URL.Path)
		mu.Unlock()
		if r.Header.Get("Authorization") != "Bearer "+actionToken {
			http.Error(w, `{"message":"Bad credentials"}`, http.StatusUnauthorized)
			return
		}
		switch {
		case r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/labels/"):
			http.Error(w, `{"message":"Not Found"}`, http.StatusNotFound)
		case r.Method == http.MethodGet:
			w.Write([]byte("[]"))
		case strings.HasSuffix(r.URL.Path, "/comments"):
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte(`{"id": 1}`))
		default:
			w.WriteHeader(http.StatusCreated)
			w.Write([]byte("[]"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), log...) }
}

func TestActionCommand(t *testing.T) {
	r := gittest.New(t)
	r.Write("schemas/ticks_v1.json", ticks("1.0.0", ""))
	base := r.Commit("first").String()
	r.Write("schemas/ticks_v1.json", ticks("1.1.0", `, "venue": {"type": "string"}`))
	good := r.Commit("minor").String()
	srv, requests := fakeAPI(t)

	env := actionEnv(t, r.Dir, srv.URL, base, good)
	stdout, stderr, code := runCmd(t, env, "action")
	if code != 0 {
		t.Fatalf("compatible change: exit %d\n%s\n%s", code, stdout, stderr)
	}
	outputs, _ := os.ReadFile(env["GITHUB_OUTPUT"])
	summary, _ := os.ReadFile(env["GITHUB_STEP_SUMMARY"])
	if !regexp.MustCompile(`compatible<<ghadelimiter_[0-9a-f]{32}\ntrue\nghadelimiter_[0-9a-f]{32}\n`).Match(outputs) ||
		!strings.Contains(string(outputs), filepath.Join(env["RUNNER_TEMP"], "schemareg-report.json")) {
		t.Errorf("outputs:\n%s", outputs)
	}
	if got := strings.Join(requests(), "\n"); !strings.Contains(got, "POST /repos/acme/schemas/issues/7/comments") {
		t.Errorf("no comment posted:\n%s", got)
	}
	for name, s := range map[string]string{"stdout": stdout, "stderr": stderr, "outputs": string(outputs), "summary": string(summary)} {
		if strings.Contains(s, actionToken) {
			t.Errorf("the token appears in %s", name)
		}
	}

	r.Write("schemas/ticks_v1.json", ticks("1.0.1", `, "venue": {"type": "string"}`))
	bad := r.Commit("patch").String()
	stdout, _, code = runCmd(t, actionEnv(t, r.Dir, srv.URL, base, bad), "action")
	if code != 1 || !strings.Contains(stdout, "::error file=schemas/ticks_v1.json,line=3,title=Version bump too small") {
		t.Errorf("too small a bump: exit %d\n%s", code, stdout)
	}
	env = actionEnv(t, r.Dir, srv.URL, "0123456789abcdef0123456789abcdef01234567", bad)
	_, stderr, code = runCmd(t, env, "action")
	if code != 1 || !strings.Contains(stderr, "fetch-depth: 0") {
		t.Errorf("missing base: exit %d, stderr %q", code, stderr)
	}
}

func TestActionCommandBadInput(t *testing.T) {
	sha := "0123456789abcdef0123456789abcdef01234567"
	tests := []struct {
		name  string
		set   map[string]string
		event string
		want  string
	}{
		{"MalformedEvent", nil, `{"pull_request": {`, "is not a JSON event payload"},
		{"PushEvent", nil, `{"ref": "refs/heads/main"}`, "has no pull_request"},
		{"NoEventPath", map[string]string{"GITHUB_EVENT_PATH": ""}, "", "GITHUB_EVENT_PATH is not set"},
		{"FailOn", map[string]string{"INPUT_FAIL_ON": "sometimes"}, "", "invalid -fail-on (input fail-on)"},
		{"Comment", map[string]string{"INPUT_COMMENT": "maybe"}, "", `invalid -comment "maybe"`},
		{"Mode", map[string]string{"INPUT_MODE": "SIDEWAYS"}, "", "invalid -mode (input mode)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := actionEnv(t, t.TempDir(), "http://127.0.0.1:1", sha, sha)
			if tt.event != "" {
				writeFiles(t, filepath.Dir(env["GITHUB_EVENT_PATH"]), map[string]string{"event.json": tt.event})
			}
			for k, v := range tt.set {
				env[k] = v
			}
			_, stderr, code := runCmd(t, env, "action")
			if code != 2 || !strings.Contains(stderr, tt.want) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr, tt.want)
			}
		})
	}
}
