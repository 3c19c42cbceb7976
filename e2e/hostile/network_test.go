package hostile

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdtest"
)

// reach is a schema file of a pull request that names something outside
// the registry, and the reference every error about it must name.
type reach struct {
	file, body, ref string
}

// reaches returns schema files that name, each its own way, the tripwire
// (over http and https) and the sentinel (over file://).
func reaches(tw *tripwire, s *sentinel) []reach {
	web, tls, file := "http://"+tw.addr(), "https://"+tw.addr(), "file://"+s.path
	dir := "file://" + filepath.Dir(s.path) + "/"
	doc := func(id, fields string) string {
		return `{
  "id": "` + id + `",
  "version": "1.0.0",
  "type": "object",
  ` + fields + `
}
`
	}
	return []reach{
		{"h_http_v1.json", doc("h_http_v1", `"properties": {"x": {"$ref": "`+web+`/x.json"}}`), web + "/x.json"},
		{"h_https_v1.json", doc("h_https_v1", `"properties": {"x": {"items": {"$ref": "`+tls+`/y.json#/definitions/z"}}}`), tls + "/y.json"},
		{"h_file_v1.json", doc("h_file_v1", `"properties": {"x": {"$ref": "`+file+`"}}`), file},
		{"h_file_id_v1.json", doc("h_file_id_v1", `"$id": "`+dir+`", "properties": {"x": {"$ref": "`+filepath.Base(s.path)+`"}}`), file},
		{"h_http_id_v1.json", doc("h_http_id_v1", `"$id": "`+web+`/base/", "allOf": [{"$ref": "z.json"}]`), web + "/base/z.json"},
		{"h_dialect_v1.json", doc("h_dialect_v1", `"$schema": "`+web+`/meta"`), web + "/meta"},
		{"h_nested_dialect_v1.json", doc("h_nested_dialect_v1", `"definitions": {"d": {"$id": "`+tls+`/d", "$schema": "`+tls+`/meta"}}`), tls + "/meta"},
		{"h_file_dialect_v1.json", doc("h_file_dialect_v1", `"schema": "`+file+`"`), file},
	}
}

// wantNamed fails unless out has, for each reach, a line that names its
// file and its reference.
func wantNamed(t *testing.T, what, out string, rs []reach, extra ...string) {
	t.Helper()
	for _, r := range rs {
		found := false
		for _, line := range strings.Split(out, "\n") {
			ok := strings.Contains(line, r.file) && strings.Contains(line, r.ref)
			for _, e := range extra {
				ok = ok && strings.Contains(line, e)
			}
			if ok {
				found = true
				break
			}
		}
		if !found {
			t.Errorf("%s: no line names %s and %s %v:\n%s", what, r.file, r.ref, extra, out)
		}
	}
}

// TestNoNetworkFromSchemaContent is guarantee 5 for references: a $ref,
// $schema or schema field that names http://, https:// or file:// outside
// the registry is never fetched by validate, diff, compile, check, the
// action or the server; each is an error that names the file and the
// reference. A tripwire listener records any connection and a named pipe
// outside the repository any read.
func TestNoNetworkFromSchemaContent(t *testing.T) {
	needBinary(t)
	tw := newTripwire(t)
	s := newSentinel(t, "sentinel_v1.json")
	rs := reaches(tw, s)
	files := map[string]string{"schemas/ticks_v1.json": ticks("1.0.0", "")}
	repo := newRepo(t, files)
	base := git(t, repo, "rev-parse", "HEAD")
	viaTicks := reach{"schemas/ticks_v1.json", ticks("1.1.0", `,
    "venue": {"$ref": "http://`+tw.addr()+`/venue.json"}`), "http://" + tw.addr() + "/venue.json"}
	writeFile(t, filepath.Join(repo, viaTicks.file), viaTicks.body)
	for _, r := range rs {
		writeFile(t, filepath.Join(repo, "schemas", r.file), r.body)
	}
	git(t, repo, "add", "-A")
	git(t, repo, "commit", "-q", "-m", "reach outside")
	head := git(t, repo, "rev-parse", "HEAD")
	all := append([]reach{viaTicks}, rs...)

	t.Run("Validate", func(t *testing.T) {
		r := schemareg(t, repo, nil, "validate")
		if r.code != 1 {
			t.Errorf("exit %d, want 1\n%s", r.code, r.output())
		}
		wantNamed(t, "validate", r.stdout, all)
		r = schemareg(t, repo, nil, "validate", "--format", "json")
		var out struct {
			Problems []struct{ Path, Message string }
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || len(out.Problems) != len(all) {
			t.Errorf("validate --format json: %v, %d problems for %d files\n%s", err, len(out.Problems), len(all), r.stdout)
		}
	})
	t.Run("DiffFiles", func(t *testing.T) {
		clean := filepath.Join(t.TempDir(), "ticks_v1.json")
		writeFile(t, clean, ticks("1.0.0", ""))
		for _, h := range all {
			path := filepath.Join(repo, "schemas", filepath.Base(h.file))
			for _, args := range [][]string{{clean, path}, {path, clean}} {
				r := schemareg(t, repo, nil, append([]string{"diff"}, args...)...)
				if r.code != 2 {
					t.Errorf("diff %s: exit %d, want 2\n%s", strings.Join(args, " "), r.code, r.output())
				}
				wantNamed(t, "diff", r.stderr, []reach{{filepath.Base(h.file), "", h.ref}})
			}
		}
	})
	t.Run("DiffRevisions", func(t *testing.T) {
		r := schemareg(t, repo, nil, "diff", base+":schemas/ticks_v1.json", "HEAD:schemas/ticks_v1.json")
		if r.code != 2 {
			t.Errorf("exit %d, want 2\n%s", r.code, r.output())
		}
		wantNamed(t, "diff REV:path", r.stderr, []reach{viaTicks})
		for _, h := range rs {
			r := schemareg(t, repo, nil, "diff", "--format", "json", base+":schemas/ticks_v1.json", head+":schemas/"+h.file)
			if r.code != 2 {
				t.Errorf("diff %s: exit %d, want 2\n%s", h.file, r.code, r.output())
			}
			wantNamed(t, "diff REV:path", r.stderr, []reach{h})
		}
	})
	t.Run("Compile", func(t *testing.T) {
		out := filepath.Join(t.TempDir(), "bundle")
		r := schemareg(t, repo, nil, "compile", "--out", out)
		if r.code != 1 {
			t.Errorf("exit %d, want 1\n%s", r.code, r.output())
		}
		wantNamed(t, "compile", r.output(), all, "INVALID_SCHEMA")
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("a failed compile wrote %s: %v", out, err)
		}
	})
	t.Run("Check", func(t *testing.T) {
		r := schemareg(t, repo, nil, "check", "--base", base, "--head", head)
		if r.code != 1 {
			t.Errorf("exit %d, want 1\n%s", r.code, r.output())
		}
		wantNamed(t, "check", r.stdout, all)
		r = schemareg(t, repo, nil, "check", "--base", base, "--head", head, "--format", "github")
		wantNamed(t, "check --format github", r.stdout, all, "::error file=schemas/")
	})
	t.Run("Action", func(t *testing.T) {
		api, requests := fakeGitHub(t, actionToken)
		env, files := actionEnv(t, repo, api.URL, base, head)
		r := schemareg(t, repo, env, "action")
		if r.code != 1 {
			t.Errorf("exit %d, want 1\n%s", r.code, r.output())
		}
		report, err := os.ReadFile(files.report)
		if err != nil {
			t.Fatalf("no report: %v\n%s", err, r.output())
		}
		// The report is JSON: the references are escaped as JSON strings.
		var rep any
		if err := json.Unmarshal(report, &rep); err != nil {
			t.Fatalf("report: %v", err)
		}
		flat, _ := json.Marshal(rep)
		wantNamed(t, "the action's report", strings.ReplaceAll(string(flat), `\u0026`, "&"), all)
		// Markdown escapes the underscores of the summary and the comment,
		// and a zero-width space keeps each URL from becoming a link.
		summary, _ := os.ReadFile(files.summary)
		wantNamed(t, "the step summary", strings.NewReplacer(`\_`, "_", "\u200b", "").Replace(string(summary)), all)
		wantNamed(t, "the annotations", r.stdout, all, "::error")
		comment := ""
		for _, req := range requests() {
			if strings.HasPrefix(req, "POST /repos/acme/schemas/issues/7/comments ") {
				var c struct{ Body string }
				json.Unmarshal([]byte(strings.SplitN(req, " ", 3)[2]), &c)
				comment = strings.NewReplacer(`\_`, "_", "\u200b", "").Replace(c.Body)
			}
		}
		wantNamed(t, "the pull request comment", comment, all)
	})
	t.Run("Server", func(t *testing.T) {
		srv := startServer(t, newRepo(t, files))
		for _, h := range all {
			body := h.body
			id := strings.TrimSuffix(filepath.Base(h.file), ".json")
			if h == viaTicks {
				id = "ticks_v1"
			}
			code, resp := srv.post(t, "/schema/"+id+"?dry_run=true", "application/schema+json", body)
			if code != http.StatusUnprocessableEntity || !strings.Contains(resp, "invalid_schema") ||
				!strings.Contains(resp, id+".json") || !strings.Contains(resp, h.ref) {
				t.Errorf("POST /schema/%s: %d %s; want 422 naming %s.json and %s", id, code, resp, id, h.ref)
			}
			// Without --git-repo a write is refused before its body is read.
			code, resp = srv.post(t, "/schema/"+id, "application/json", body)
			if code != http.StatusForbidden {
				t.Errorf("POST /schema/%s: %d %s; want 403", id, code, resp)
			}
		}
		// Data is data: a row whose values are URLs, keyed $ref and
		// $schema, is checked, not followed.
		for _, row := range []string{
			`{"symbol": "ACME", "price": 1.5, "$ref": "http://` + tw.addr() + `/row.json"}`,
			`{"$schema": "file://` + s.path + `", "$id": "http://` + tw.addr() + `/", "symbol": {"$ref": "https://` + tw.addr() + `/s.json"}, "price": 2}`,
		} {
			code, resp := srv.post(t, "/schema/ticks_v1/compat", "application/json", row)
			if code != http.StatusOK || !strings.Contains(resp, `"valid":false`) {
				t.Errorf("POST /schema/ticks_v1/compat %s: %d %s", row, code, resp)
			}
			code, resp = srv.post(t, "/schema/ticks_v1/compat", "application/x-ndjson", row+"\n"+row+"\n")
			if code != http.StatusOK || strings.Count(resp, `"valid":false`) != 2 {
				t.Errorf("POST /schema/ticks_v1/compat as NDJSON: %d %s", code, resp)
			}
		}
		if out := srv.proc.Output(); strings.Contains(out, tw.addr()) && strings.Contains(out, "dial") {
			t.Errorf("the server dialled the tripwire:\n%s", out)
		}
	})
}

// server is a schemareg serve process over an embedded etcd that holds a
// repository's registry.
type server struct {
	base   string
	proc   *process
	etcd   *etcdtest.Server
	client *http.Client
}

// startServer starts etcd, syncs the repository into it and serves it.
func startServer(t *testing.T, repo string, serveArgs ...string) *server {
	t.Helper()
	etcd := etcdtest.Start(t)
	ep := strings.Join(etcd.Endpoints(), ",")
	if r := schemareg(t, repo, nil, "sync", "--repo", repo, "--etcd", ep); r.code != 0 {
		t.Fatalf("sync: exit %d\n%s", r.code, r.output())
	}
	addr := freeAddr(t)
	args := append([]string{"serve", "--etcd", ep, "--addr", addr}, serveArgs...)
	srv := &server{base: "http://" + addr, etcd: etcd, client: &http.Client{Transport: &http.Transport{Proxy: nil}}}
	srv.proc = start(t, repo, nil, args...)
	t.Cleanup(srv.client.CloseIdleConnections)
	waitFor(t, time.Minute, "schemareg serve ready", func() bool {
		if srv.proc.Exited() {
			t.Fatalf("serve exited:\n%s", srv.proc.Output())
		}
		code, _ := get(t, srv.client, srv.base+"/ready")
		return code == http.StatusOK
	})
	return srv
}

func (s *server) post(t *testing.T, path, contentType, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, s.base+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// actionToken is the GitHub token of the action's tests.
const actionToken = "ghs_hostileTestToken0123456789abcdef"

// actionFiles are where an action run writes.
type actionFiles struct{ report, summary, output string }

// actionEnv is the environment of the action's step on a pull request
// from base to head, with the GitHub API at apiURL.
func actionEnv(t *testing.T, repo, apiURL, base, head string) ([]string, actionFiles) {
	t.Helper()
	dir := t.TempDir()
	ev := map[string]any{"number": 7, "pull_request": map[string]any{"number": 7,
		"base": map[string]any{"sha": base, "repo": map[string]any{"full_name": "acme/schemas"}},
		"head": map[string]any{"sha": head, "repo": map[string]any{"full_name": "acme/schemas"}}}}
	data, _ := json.Marshal(ev)
	writeFile(t, filepath.Join(dir, "event.json"), string(data))
	files := actionFiles{filepath.Join(dir, "schemareg-report.json"), filepath.Join(dir, "summary"), filepath.Join(dir, "output")}
	return []string{
		"GITHUB_EVENT_PATH=" + filepath.Join(dir, "event.json"), "GITHUB_REPOSITORY=acme/schemas",
		"GITHUB_API_URL=" + apiURL, "GITHUB_SERVER_URL=https://github.com", "GITHUB_WORKSPACE=" + repo,
		"GITHUB_OUTPUT=" + files.output, "GITHUB_STEP_SUMMARY=" + files.summary,
		"GITHUB_RUN_ID=42", "GITHUB_WORKFLOW=Schema validation", "GITHUB_JOB=check",
		"RUNNER_TEMP=" + dir, "INPUT_GITHUB_TOKEN=" + actionToken, "INPUT_SCHEMAS_DIR=schemas",
		"INPUT_COMMENT=true", "INPUT_LABELS=true", "INPUT_FAIL_ON=invalid-bump",
	}, files
}

// fakeGitHub answers the action's GitHub requests and records them as
// "METHOD path body".
func fakeGitHub(t *testing.T, token string) (*httptest.Server, func() []string) {
	t.Helper()
	var mu sync.Mutex
	var log []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		log = append(log, r.Method+" "+r.URL.Path+" "+string(body))
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case r.Header.Get("Authorization") != "Bearer "+token:
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"message":"Bad credentials"}`))
		case r.Method == http.MethodGet && strings.Contains(r.URL.Path, "/labels/"):
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"message":"Not Found"}`))
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
