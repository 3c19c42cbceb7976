package release

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// runInstall runs action/install.sh against releases served by srv.
func runInstall(t *testing.T, releases, ref, toolCache string) (string, string, error) {
	t.Helper()
	cmd := exec.Command("bash", "../../action/install.sh")
	cmd.Env = []string{
		"PATH=" + os.Getenv("PATH"), "REF=" + ref, "REPOSITORY=schemareg/schemareg",
		"RUNNER_OS=Linux", "RUNNER_ARCH=X64", "RUNNER_TOOL_CACHE=" + toolCache,
		"RUNNER_TEMP=" + t.TempDir(), "RELEASES_URL=" + releases,
	}
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	return stdout.String(), stderr.String(), err
}

// TestInstallScript serves a release over HTTP and checks the Action's
// install script downloads, verifies and caches it, refuses a tampered
// archive and falls back to a source build for a ref without a release.
func TestInstallScript(t *testing.T) {
	if _, err := exec.LookPath("curl"); err != nil {
		t.Skip("SKIPPED: the install script needs curl")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "schemareg")
	if err := os.WriteFile(bin, []byte("#!/bin/sh\necho released\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	name := "schemareg_1.2.3_linux_amd64.tar.gz"
	sum, err := writeArchive(filepath.Join(dir, name), []archiveFile{{name: "schemareg", path: bin, mode: 0o755}}, time.Unix(0, 0))
	if err != nil {
		t.Fatal(err)
	}
	archive, _ := os.ReadFile(filepath.Join(dir, name))
	checksums := sum + "  " + name + "\n" + strings.Repeat("0", 64) + "  schemareg_1.2.3_darwin_arm64.tar.gz\n"
	var downloads atomic.Int32
	mux := http.NewServeMux()
	for _, tag := range []string{"v1", "v1.2.3"} {
		mux.HandleFunc("/"+tag+"/checksums.txt", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(checksums)) })
		mux.HandleFunc("/"+tag+"/"+name, func(w http.ResponseWriter, r *http.Request) { downloads.Add(1); w.Write(archive) })
	}
	mux.HandleFunc("/v9/checksums.txt", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(checksums)) })
	mux.HandleFunc("/v9/"+name, func(w http.ResponseWriter, r *http.Request) { w.Write(append([]byte("x"), archive...)) })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cache := t.TempDir()
	want := "found=true\nbin=" + filepath.Join(cache, "schemareg", "1.2.3", "amd64", "schemareg") + "\n"
	for _, ref := range []string{"v1", "v1.2.3"} {
		out, logs, err := runInstall(t, srv.URL, ref, cache)
		if err != nil || out != want {
			t.Fatalf("ref %s: out %q, err %v, log %s; want %q", ref, out, err, logs, want)
		}
	}
	if downloads.Load() != 1 {
		t.Errorf("archive downloaded %d times, want once (then from the tool cache)", downloads.Load())
	}
	got, err := exec.Command(strings.TrimSpace(strings.TrimPrefix(strings.Split(want, "\n")[1], "bin="))).Output()
	if err != nil || string(got) != "released\n" {
		t.Errorf("installed binary printed %q, %v", got, err)
	}

	out, logs, err := runInstall(t, srv.URL, "v9", t.TempDir())
	if err == nil || !strings.Contains(logs, "refusing it") {
		t.Errorf("tampered archive: out %q, err %v, log %q; want a refusal", out, err, logs)
	}
	for ref, why := range map[string]string{"main": "not a release tag", "v2": "has no release", "": "no ref"} {
		out, logs, err := runInstall(t, srv.URL, ref, t.TempDir())
		if err != nil || out != "found=false\n" || !strings.Contains(logs, why) || !strings.Contains(logs, "building it from source") {
			t.Errorf("ref %q: out %q, err %v, log %q; want found=false saying %q", ref, out, err, logs, why)
		}
	}
}
