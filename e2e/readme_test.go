package e2e

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/schemareg/schemareg/internal/etcdtest"
)

// comment matches a shell comment after a command.
var comment = regexp.MustCompile(`\s+# .*$`)

// shellFields splits a command line as a shell does for the README's
// commands: on spaces, keeping 'single-quoted' words whole.
func shellFields(line string) []string {
	var out []string
	var cur strings.Builder
	quoted, inWord := false, false
	for _, r := range line {
		switch {
		case r == '\'':
			quoted, inWord = !quoted, true
		case r == ' ' && !quoted:
			if inWord {
				out = append(out, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if inWord {
		out = append(out, cur.String())
	}
	return out
}

// docPages returns README.md and the pages of docs/, relative to this
// folder: the pages whose commands TestREADMECommands runs.
func docPages(t *testing.T) []string {
	t.Helper()
	docs, err := filepath.Glob("../docs/*.md")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) == 0 {
		t.Fatal("no page in docs/")
	}
	return append([]string{"../README.md"}, docs...)
}

// readmeCommands returns the command lines of the sh blocks of README.md
// and docs/, each with the output lines that follow it in the block.
func readmeCommands(t *testing.T) [][]string {
	t.Helper()
	var cmds [][]string
	for _, page := range docPages(t) {
		data, err := os.ReadFile(page)
		if err != nil {
			t.Fatal(err)
		}
		in := false
		sc := bufio.NewScanner(strings.NewReader(string(data)))
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "```sh":
				in = true
			case line == "```":
				in = false
			case !in || strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
			case strings.HasPrefix(line, "{") && len(cmds) > 0:
				cmds[len(cmds)-1] = append(cmds[len(cmds)-1], line)
			default:
				if loc := comment.FindStringIndex(line); loc != nil {
					line = line[:loc[0]]
				}
				cmds = append(cmds, []string{line})
			}
		}
	}
	return cmds
}

// notRun lists the commands the docs show that need what this test does
// not have, each by the start of its line, with the reason.
var notRun = []struct{ prefix, why string }{
	{"make image", "builds a container image; deploy/image's tests build and run one"},
	{"crane ", "pushes to a container registry"},
	{"kubectl ", "needs a Kubernetes cluster; deploy/kubernetes's tests check the manifests"},
	{"schemareg import --from http://registry:8081", "needs a Confluent-compatible registry at registry:8081"},
}

// TestREADMECommands runs every command the sh blocks of README.md and
// docs/ show, but those of notRun, against a clone
// of this repository, a real etcd and a loopback S3 endpoint: addresses the
// README names (127.0.0.1:2379, :8000, s3://backups, /var/lib/…) are
// replaced by those of the test; outputs the README shows are compared.
func TestREADMECommands(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: builds and runs the binary")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "repo")
	git(t, filepath.Dir(clone), "clone", "-q", root, clone)
	if err := os.MkdirAll(filepath.Join(clone, "bin"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(binary, filepath.Join(clone, "bin", "schemareg")); err != nil {
		t.Fatal(err)
	}

	etcd := etcdtest.Start(t)
	backend := s3mem.New()
	if err := backend.CreateBucket("backups"); err != nil {
		t.Fatal(err)
	}
	s3 := httptest.NewServer(gofakes3.New(backend).Server())
	t.Cleanup(s3.Close)
	for k, v := range map[string]string{
		"AWS_ACCESS_KEY_ID": "readme", "AWS_SECRET_ACCESS_KEY": "readme-secret", "AWS_REGION": "us-east-1",
		"AWS_ENDPOINT_URL_S3": s3.URL, "SCHEMAREG_S3_PATH_STYLE": "true",
	} {
		t.Setenv(k, v)
	}

	// The registry the quickstart's curls talk to.
	data, devAddr := t.TempDir(), freeAddr(t)
	start(t, clone, "dev", "--addr", devAddr, "--data-dir", data)
	waitFor(t, time.Minute, "the registry ready", func() bool {
		code, _, _ := get(t, "http://"+devAddr+"/ready")
		return code == http.StatusOK
	})
	serveAddr := freeAddr(t)
	restored := filepath.Join(t.TempDir(), "etcd-restored")
	replace := strings.NewReplacer(
		"http://127.0.0.1:2379", etcd.Endpoints()[0],
		"localhost:8000", devAddr,
		"--addr :8000", "--addr "+serveAddr,
		"/var/lib/etcd-restored", restored,
	)

	ran := 0
	for _, c := range readmeCommands(t) {
		line, want := replace.Replace(c[0]), c[1:]
		fields := shellFields(line)
		why := ""
		for _, n := range notRun {
			if strings.HasPrefix(line, n.prefix) {
				why = n.why
			}
		}
		t.Run(c[0], func(t *testing.T) {
			if why != "" {
				t.Skip(why)
			}
			switch fields[0] {
			case "make":
				// make run is schemareg dev (run above and by TestRegistryFlow);
				// make test is what runs this test.
				if line != "make run" && line != "make test" {
					t.Fatalf("unknown make target in the docs: %s", line)
				}
				return
			case "open", "xdg-open":
				// The docs site follows the first generation: until it is
				// written, /docs/ answers 503 and a reader retries.
				code, _, _ := get(t, fields[1])
				for deadline := time.Now().Add(30 * time.Second); code == http.StatusServiceUnavailable && time.Now().Before(deadline); {
					time.Sleep(20 * time.Millisecond)
					code, _, _ = get(t, fields[1])
				}
				if code != http.StatusOK {
					t.Errorf("%s: %d", fields[1], code)
				}
			case "curl":
				out := curl(t, clone, fields[1:])
				for i, w := range want {
					if got := lineAt(out, i); got != w {
						t.Errorf("%s: line %d\n got %s\nwant %s", line, i+1, got, w)
					}
				}
			case "bin/schemareg":
				runREADMECommand(t, clone, fields[1:], serveAddr)
			default:
				t.Fatalf("the docs show a command this test does not know how to run: %s", c[0])
			}
		})
		if why == "" {
			ran++
		}
	}
	if ran < 10 {
		t.Fatalf("found only %d commands in README.md and docs/", ran)
	}
}

// runREADMECommand runs one schemareg command line of the docs. Those that
// keep running (serve, snapshot --every) are stopped once they did their job.
func runREADMECommand(t *testing.T, dir string, args []string, serveAddr string) {
	t.Helper()
	switch {
	case args[0] == "serve":
		start(t, dir, args...)
		waitFor(t, time.Minute, "serve ready", func() bool {
			code, _, _ := get(t, "http://"+serveAddr+"/ready")
			return code == http.StatusOK
		})
	case args[0] == "snapshot":
		p := start(t, dir, args...)
		waitFor(t, time.Minute, "the first snapshot", func() bool {
			return strings.Contains(p.Output(), "snapshot")
		})
		waitFor(t, time.Minute, "the first snapshot stored", func() bool {
			code, _, body := get(t, os.Getenv("AWS_ENDPOINT_URL_S3")+"/backups?list-type=2")
			return code == http.StatusOK && strings.Contains(string(body), ".sha256")
		})
		p.Stop(t)
	default:
		stdout, stderr, code := schemareg(t, dir, args...)
		if code != 0 {
			t.Errorf("exit %d\n%s%s", code, stdout, stderr)
		}
	}
}

// curl does what the docs' curl lines do, with net/http.
func curl(t *testing.T, dir string, args []string) string {
	t.Helper()
	method, url, body, ctype, head := http.MethodGet, "", "", "", false
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "-s":
		case a == "-i", a == "-si":
			head = true
		case a == "-X":
			i++
			method = args[i]
		case a == "-H":
			i++
			_, v, _ := strings.Cut(args[i], ": ")
			ctype = v
		case a == "--data-binary":
			i++
			data, err := os.ReadFile(filepath.Join(dir, strings.TrimPrefix(args[i], "@")))
			if err != nil {
				t.Fatal(err)
			}
			body = string(data)
		default:
			url = a
		}
	}
	if !strings.HasPrefix(url, "http") {
		url = "http://" + url
	}
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var b strings.Builder
	if head {
		b.WriteString(resp.Proto + " " + resp.Status + "\n")
	}
	out := new(strings.Builder)
	buf := make([]byte, 32<<10)
	for {
		n, err := resp.Body.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if resp.StatusCode >= 400 {
		t.Errorf("%s %s: %s\n%s", method, url, resp.Status, out.String())
	}
	return b.String() + out.String()
}

func lineAt(s string, i int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if i < len(lines) {
		return lines[i]
	}
	return ""
}
