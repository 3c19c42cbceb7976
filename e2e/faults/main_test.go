package faults

import (
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/e2e/internal/e2etest"
)

// long runs the long variants: ten times the kills and rounds.
var long = flag.Bool("faults.long", false, "run the long variants of the fault tests (500 kills, 200 racing rounds)")

// seed fixes the random moments of a run; 0 picks one, which is logged.
var seed = flag.Uint64("faults.seed", 0, "the seed of the random kill moments (0: a new one each run)")

// binary and genBinary are the schemareg binary and the synthetic history
// generator TestMain builds.
var binary, genBinary string

func TestMain(m *testing.M) {
	os.Exit(run(m))
}

func run(m *testing.M) int {
	flag.Parse()
	if testing.Short() {
		return m.Run() // every test skips; nothing to build
	}
	dir, err := e2etest.Build("", map[string]string{"schemareg": "../../cmd/schemareg", "gen": "../../compiler/internal/gen"})
	defer os.RemoveAll(dir)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	binary, genBinary = filepath.Join(dir, "schemareg"), filepath.Join(dir, "gen")
	defer stopSource()
	return m.Run()
}

// skipShort skips a fault test under -short.
func skipShort(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("fault test: runs the binary, etcd and servers")
	}
}

// newRand returns the random source of one test, from -faults.seed or a
// new seed, which it logs so that a failing run can be repeated.
func newRand(t *testing.T) *rand.Rand {
	t.Helper()
	s := *seed
	if s == 0 {
		s = rand.Uint64()
	}
	t.Logf("random moments from -faults.seed=%d", s)
	return rand.New(rand.NewPCG(s, s^0x6661756c7473))
}

// rounds returns n, or n*10 with -faults.long.
func rounds(n int) int {
	if *long {
		return n * 10
	}
	return n
}

// schemareg runs the binary to completion with extra environment and
// returns its output and exit code.
func schemareg(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	stdout, stderr, code, err := runBinary(t.Context(), env, args...)
	if err != nil {
		t.Fatal(err)
	}
	return stdout, stderr, code
}

// runBinary is schemareg for a goroutine other than the test's: err is set
// when the binary could not run, or did not end within three minutes.
func runBinary(ctx context.Context, env []string, args ...string) (stdout, stderr string, code int, err error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = append(os.Environ(), env...)
	return e2etest.Run(cmd)
}

// mustRun runs the binary and fails the test unless it exits 0.
func mustRun(t *testing.T, env []string, args ...string) string {
	t.Helper()
	stdout, stderr, code := schemareg(t, env, args...)
	if code != 0 {
		t.Fatalf("schemareg %s: exit %d\n%s%s", strings.Join(args, " "), code, stdout, stderr)
	}
	return stdout
}

// process is a schemareg process the test may kill; it is stopped with
// SIGINT when the test ends, if it still runs.
type process = e2etest.Process

// start starts the binary with extra environment.
func start(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	return e2etest.Start(t, cmd)
}

var (
	freeAddr = e2etest.FreeAddr
	waitFor  = e2etest.WaitFor
)

// response is what a GET returned; Status 0 when the request failed.
type response struct {
	Status int
	Header http.Header
	Body   []byte
	Err    error
}

// httpClient does not reuse connections across a server's restart badly:
// its idle connections time out quickly.
var httpClient = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 16, IdleConnTimeout: 5 * time.Second},
}

// get fetches a URL with the identity encoding.
func get(ctx context.Context, url string, header ...string) response {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return response{Err: err}
	}
	// Go's transport would ask for gzip and hide it; the gzip variant
	// has its own ETag.
	req.Header.Set("Accept-Encoding", "identity")
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		return response{Err: err}
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return response{Status: resp.StatusCode, Header: resp.Header, Body: body, Err: err}
}

// startServe starts "schemareg serve" on etcd and waits until it answers
// /health (not /ready: etcd may be down on purpose).
func startServe(t *testing.T, endpoints []string, args ...string) (*process, string) {
	t.Helper()
	addr := freeAddr(t)
	args = append([]string{"serve", "--addr", addr, "--etcd", strings.Join(endpoints, ","), "--log-format", "json"}, args...)
	p := start(t, nil, args...)
	base := "http://" + addr
	waitFor(t, 30*time.Second, "serve answering /health", func() bool {
		if p.Exited() {
			t.Fatalf("serve exited: %s", p.Output())
		}
		return get(t.Context(), base+"/health").Status == http.StatusOK
	})
	return p, base
}

// writeFile writes a file, creating its folder.
func writeFile(t testing.TB, path string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}
