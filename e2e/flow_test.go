package e2e

import (
	"bufio"
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// ticks is the ticks_v1 schema at a version, optionally with an extra
// property and without the side property.
func ticks(version, extra string, withSide bool) string {
	side := ""
	req := `"ts", "symbol", "price", "size"`
	if withSide {
		side = `,
    "side": {"type": "string", "enum": ["B", "S"]}`
		req += `, "side"`
	}
	return `{
  "id": "ticks_v1",
  "version": "` + version + `",
  "title": "Level-1 ticks",
  "type": "object",
  "properties": {
    "ts": {"type": "string", "format": "date-time"},
    "symbol": {"type": "string", "minLength": 1},
    "price": {"type": "number", "exclusiveMinimum": 0},
    "size": {"type": "integer", "minimum": 0}` + side + extra + `
  },
  "required": [` + req + `],
  "additionalProperties": false
}
`
}

// TestRegistryFlow is the whole flow of a user: a schemas repository, the
// registry following it, a compatible commit served, a bad one refused,
// data validated, a snapshot taken and served again after a restore, and
// the docs site.
func TestRegistryFlow(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: builds and runs the binary")
	}
	repo, data := t.TempDir(), t.TempDir()
	git(t, repo, "init", "-q", "-b", "main")
	writeFile(t, filepath.Join(repo, "schemas", "ticks_v1.json"), ticks("1.0.0", "", true))
	git(t, repo, "add", ".")
	git(t, repo, "commit", "-q", "-m", "ticks_v1 1.0.0")

	addr := freeAddr(t)
	base := "http://" + addr
	dev := start(t, repo, "dev", "--addr", addr, "--data-dir", data, "--poll", "1s")
	waitFor(t, time.Minute, "the registry ready", func() bool {
		code, _, _ := get(t, base+"/ready")
		return code == http.StatusOK
	})

	// Read ticks_v1 as a client does.
	code, etag1, v1 := get(t, base+"/schema/ticks_v1")
	if code != http.StatusOK || !bytes.Contains(v1, []byte(`"version":"1.0.0"`)) || etag1 == "" {
		t.Fatalf("GET /schema/ticks_v1: %d %s %s", code, etag1, v1)
	}
	if code, _, _ := get(t, base+"/schema/ticks_v1", "If-None-Match", etag1); code != http.StatusNotModified {
		t.Errorf("conditional GET: %d, want 304", code)
	}

	// A compatible change, committed, is served with a new ETag; the old
	// version keeps its bytes and ETag.
	writeFile(t, filepath.Join(repo, "schemas", "ticks_v1.json"), ticks("1.1.0", `,
    "venue": {"type": "string"}`, true))
	git(t, repo, "commit", "-q", "-am", "ticks_v1 1.1.0: optional venue")
	committed := time.Now()
	var etag2 string
	waitFor(t, 30*time.Second, "1.1.0 served", func() bool {
		code, tag, body := get(t, base+"/schema/ticks_v1")
		etag2 = tag
		return code == http.StatusOK && bytes.Contains(body, []byte(`"version":"1.1.0"`))
	})
	t.Logf("1.1.0 served %s after its commit", time.Since(committed).Round(time.Millisecond))
	if etag2 == etag1 {
		t.Errorf("the new version kept the old ETag %s", etag1)
	}
	if code, tag, body := get(t, base+"/schema/ticks_v1/1.0.0"); code != http.StatusOK || tag != etag1 || !bytes.Equal(body, v1) {
		t.Errorf("1.0.0 after the new version: %d %s, want the old bytes and ETag %s", code, tag, etag1)
	}

	// An edit saved but not committed is validated and diffed, and reported
	// in the log; nothing is published.
	writeFile(t, filepath.Join(repo, "schemas", "ticks_v1.json"), ticks("1.1.1", `,
    "venue": {"type": "string", "description": "The venue."}`, true))
	waitFor(t, 30*time.Second, "the uncommitted edit reported", func() bool {
		return strings.Contains(dev.Output(), "uncommitted: valid; commit it to publish")
	})
	if code, tag, _ := get(t, base+"/schema/ticks_v1"); code != http.StatusOK || tag != etag2 {
		t.Errorf("an uncommitted edit changed what is served: %d %s, want %s", code, tag, etag2)
	}
	git(t, repo, "checkout", "--", ".")

	// A breaking change with a minor bump: check fails, and the registry
	// keeps serving 1.1.0.
	before := git(t, repo, "rev-parse", "HEAD")
	writeFile(t, filepath.Join(repo, "schemas", "ticks_v1.json"), ticks("1.2.0", `,
    "venue": {"type": "string"}`, false))
	git(t, repo, "commit", "-q", "-am", "ticks_v1 1.2.0: drop side (wrong bump)")
	stdout, _, code := schemareg(t, repo, "check", "--base", before, "--head", "HEAD")
	if code != 1 || !strings.Contains(stdout, "invalid-bump") {
		t.Errorf("check of a breaking change with a minor bump: exit %d\n%s", code, stdout)
	}
	waitFor(t, 30*time.Second, "the refused compile in the log", func() bool {
		return strings.Contains(dev.Output(), "INVALID_BUMP")
	})
	if code, tag, body := get(t, base+"/schema/ticks_v1"); code != http.StatusOK || tag != etag2 || !bytes.Contains(body, []byte(`"version":"1.1.0"`)) {
		t.Errorf("after a refused commit: %d %s %s, want 1.1.0 still", code, tag, body)
	}

	// Validate rows: valid, invalid, unparseable.
	rows := `{"ts":"2026-01-02T09:30:00.000001Z","symbol":"ACME","price":10.5,"size":100,"side":"B"}
{"ts":"2026-01-02T09:30:00Z","symbol":"ACME","price":-1,"size":100,"side":"X"}
{"ts":
`
	resp, err := http.Post(base+"/schema/ticks_v1/compat", "application/x-ndjson", strings.NewReader(rows))
	if err != nil {
		t.Fatal(err)
	}
	var results []struct {
		Line  int  `json:"line"`
		Valid bool `json:"valid"`
	}
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var r struct {
			Line  int  `json:"line"`
			Valid bool `json:"valid"`
		}
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("result line %q: %v", sc.Text(), err)
		}
		results = append(results, r)
	}
	resp.Body.Close()
	if len(results) != 3 || !results[0].Valid || results[1].Valid || results[2].Valid {
		t.Errorf("NDJSON results %+v, want valid, invalid, invalid", results)
	}

	// The docs site written by "schemareg site" is what /docs/ serves.
	siteDir := filepath.Join(t.TempDir(), "site")
	if _, stderr, code := schemareg(t, repo, "site", "--bundle", filepath.Join(data, "bundle"), "--out", siteDir, "--base-url", "/docs/"); code != 0 {
		t.Fatalf("site: exit %d\n%s", code, stderr)
	}
	for _, page := range []string{"index.html", "ticks_v1/index.html", "ticks_v1/1.1.0/index.html", "api/schemas.json", "sitemap.xml"} {
		want, err := os.ReadFile(filepath.Join(siteDir, page))
		if err != nil {
			t.Fatal(err)
		}
		code, _, got := get(t, base+"/docs/"+page)
		if page == "index.html" {
			// dev's index says when its last compile was refused, which a
			// site built from the bundle alone cannot know: the 1.2.0 above.
			banner := regexp.MustCompile(`(?s)\n<div class="banner warn" role="alert" id="refusal">.*?</div>`)
			if !banner.Match(got) || !bytes.Contains(banner.Find(got), []byte("INVALID_BUMP")) {
				t.Errorf("/docs/index.html has no banner for the refused compile")
			}
			got = banner.ReplaceAll(got, nil)
		}
		if code != http.StatusOK || !bytes.Equal(got, want) {
			t.Errorf("/docs/%s: %d, and its bytes differ from schemareg site's", page, code)
		}
	}

	// A snapshot, taken while the registry runs.
	etcdURL := regexp.MustCompile(`etcd:\s+(http://127\.0\.0\.1:\d+)`).FindStringSubmatch(dev.Output())
	if etcdURL == nil {
		t.Fatalf("no etcd URL in the banner:\n%s", dev.Output())
	}
	snaps := t.TempDir()
	if _, stderr, code := schemareg(t, repo, "snapshot", "--etcd", etcdURL[1], "--to", "file://"+snaps); code != 0 {
		t.Fatalf("snapshot: exit %d\n%s", code, stderr)
	}
	dev.Stop(t)
	if code := dev.Cmd.ProcessState.ExitCode(); code != 0 {
		t.Errorf("dev exited %d after SIGINT, want 0; output:\n%s", code, dev.Output())
	}

	// Restore the snapshot into a new data dir and serve from it.
	data2 := t.TempDir()
	peer, client := "http://"+freeAddr(t), "http://"+freeAddr(t)
	if _, stderr, code := schemareg(t, repo, "restore", "--from", "file://"+snaps, "--data-dir", filepath.Join(data2, "etcd"),
		"--name", "dev", "--initial-advertise-peer-urls", peer); code != 0 {
		t.Fatalf("restore: exit %d\n%s", code, stderr)
	}
	addr2 := freeAddr(t)
	start(t, repo, "dev", "--sync=false", "--addr", addr2, "--data-dir", data2, "--etcd-peer-url", peer, "--etcd-client-url", client)
	waitFor(t, time.Minute, "the restored registry ready", func() bool {
		code, _, _ := get(t, "http://"+addr2+"/ready")
		return code == http.StatusOK
	})
	for _, v := range []string{"1.0.0", "1.1.0"} {
		_, tagBefore, bodyBefore := getFromBundle(t, data, v)
		code, tag, body := get(t, "http://"+addr2+"/schema/ticks_v1/"+v)
		if code != http.StatusOK || tag != tagBefore || !bytes.Equal(body, bodyBefore) {
			t.Errorf("restored %s: %d %s, want the published bytes and ETag %s", v, code, tag, tagBefore)
		}
	}
}

// getFromBundle reads a version of ticks_v1 from the bundle the first
// registry compiled: its bytes and the ETag the server gives them.
func getFromBundle(t *testing.T, data, version string) (int, string, []byte) {
	t.Helper()
	body, err := os.ReadFile(filepath.Join(data, "bundle", "schemas", "ticks_v1", version+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Versions []struct{ Version, Digest string }
	}
	list, err := os.ReadFile(filepath.Join(data, "bundle", "versions", "ticks_v1.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(list, &m.Versions); err != nil {
		t.Fatal(err)
	}
	for _, v := range m.Versions {
		if v.Version == version {
			return http.StatusOK, `"` + v.Digest + `"`, body
		}
	}
	t.Fatalf("version %s not in the bundle", version)
	return 0, "", nil
}

func writeFile(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
