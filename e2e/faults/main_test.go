package faults

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
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
	dir, err := os.MkdirTemp("", "schemareg-faults-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "schemareg")
	genBinary = filepath.Join(dir, "gen")
	for out, pkg := range map[string]string{binary: "../../cmd/schemareg", genBinary: "../../compiler/internal/gen"} {
		build := exec.Command("go", "build", "-o", out, pkg)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "build", pkg+":", err)
			return 1
		}
	}
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
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		return "", "", code, fmt.Errorf("schemareg %s: %v\n%s", strings.Join(args, " "), err, errb.String())
	}
	return out.String(), errb.String(), code, nil
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
type process struct {
	cmd     *exec.Cmd
	out     *syncBuffer
	done    chan struct{}
	started time.Time
	ended   time.Time // set before done is closed
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// start starts the binary with extra environment.
func start(t *testing.T, env []string, args ...string) *process {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = append(os.Environ(), env...)
	p := &process{cmd: cmd, out: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.out, p.out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	p.started = time.Now()
	go func() {
		cmd.Wait()
		p.ended = time.Now()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop(t)
		if t.Failed() {
			out := p.out.String()
			if len(out) > 8<<20 {
				out = "..." + out[len(out)-8<<20:]
			}
			t.Logf("schemareg %s:\n%s", strings.Join(args, " "), out)
		}
	})
	return p
}

// took returns how long the process ran; call it once it has ended.
func (p *process) took() time.Duration {
	<-p.done
	return p.ended.Sub(p.started)
}

// exited reports whether the process has ended.
func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to end by itself and returns its exit code.
func (p *process) wait(t *testing.T, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.cmd.Process.Kill()
		<-p.done
		t.Fatalf("schemareg %s did not end within %s; output:\n%s", strings.Join(p.cmd.Args[1:], " "), timeout, p.out.String())
	}
	return p.cmd.ProcessState.ExitCode()
}

// kill sends SIGKILL, as the kernel's OOM killer or a node failure does,
// and waits for the process to be gone. It reports whether the process was
// still running when killed.
func (p *process) kill() bool {
	if p.exited() {
		return false
	}
	p.cmd.Process.Kill()
	<-p.done
	ws, ok := p.cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// stop interrupts the process as Ctrl-C does and waits for it to exit.
func (p *process) stop(t *testing.T) {
	t.Helper()
	if p.exited() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.cmd.Process.Kill()
		<-p.done
		t.Errorf("schemareg did not stop within 30s of SIGINT; output:\n%s", p.out.String())
	}
}

// freeAddr returns a loopback address that was free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// waitFor polls until ok returns true, failing the test after timeout.
func waitFor(t *testing.T, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

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
		if p.exited() {
			t.Fatalf("serve exited: %s", p.out.String())
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
