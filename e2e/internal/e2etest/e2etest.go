// Package e2etest runs the schemareg binary as the end-to-end tests do:
// built once, run to completion or kept running as a process the test
// stops, interrupts or kills, with the helpers to wait on it over the
// network.
package e2etest

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdembed"
	"github.com/schemareg/schemareg/internal/syncbuf"
)

// Build builds each package (a path relative to the caller's folder) into
// the file its key names, in dir, and returns dir. A new temporary folder
// is made when dir is "".
func Build(dir string, binaries map[string]string) (string, error) {
	if dir == "" {
		var err error
		if dir, err = os.MkdirTemp("", "schemareg-e2e-"); err != nil {
			return "", err
		}
	}
	for name, pkg := range binaries {
		build := exec.Command("go", "build", "-o", filepath.Join(dir, name), pkg)
		build.Stdout, build.Stderr = os.Stderr, os.Stderr
		if err := build.Run(); err != nil {
			return dir, fmt.Errorf("build %s: %w", pkg, err)
		}
	}
	return dir, nil
}

// Run runs cmd to completion and returns its output and exit code; err is
// set only when it could not run or was stopped by its context.
func Run(cmd *exec.Cmd) (stdout, stderr string, code int, err error) {
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err = cmd.Run()
	code = cmd.ProcessState.ExitCode()
	if err != nil && code < 0 {
		return "", "", code, fmt.Errorf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, errb.String())
	}
	return out.String(), errb.String(), code, nil
}

// Process is a long-running command. It is interrupted as Ctrl-C does
// when the test ends, if it still runs, and its output is logged when the
// test failed.
type Process struct {
	Cmd     *exec.Cmd
	out     syncbuf.Buffer // stdout and stderr
	done    chan struct{}
	started time.Time
	ended   time.Time // set before done is closed
}

// Start starts cmd, its stdout and stderr captured together.
func Start(t testing.TB, cmd *exec.Cmd) *Process {
	t.Helper()
	p := &Process{Cmd: cmd, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = &p.out, &p.out
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
		p.Stop(t)
		if t.Failed() {
			out := p.Output()
			if len(out) > 8<<20 {
				out = "..." + out[len(out)-8<<20:]
			}
			t.Logf("%s:\n%s", strings.Join(cmd.Args, " "), out)
		}
	})
	return p
}

// Output is what the process printed so far.
func (p *Process) Output() string { return p.out.String() }

// Done is closed when the process has ended.
func (p *Process) Done() <-chan struct{} { return p.done }

// Started is when the process started.
func (p *Process) Started() time.Time { return p.started }

// Ended is when the process ended, once Done is closed.
func (p *Process) Ended() time.Time { return p.ended }

// Took returns how long the process ran, once it has ended.
func (p *Process) Took() time.Duration {
	<-p.done
	return p.ended.Sub(p.started)
}

// Exited reports whether the process has ended.
func (p *Process) Exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// Wait waits for the process to end by itself and returns its exit code,
// failing the test after timeout.
func (p *Process) Wait(t testing.TB, timeout time.Duration) int {
	t.Helper()
	select {
	case <-p.done:
	case <-time.After(timeout):
		p.Cmd.Process.Kill()
		<-p.done
		t.Fatalf("%s did not end within %s; output:\n%s", strings.Join(p.Cmd.Args, " "), timeout, p.Output())
	}
	return p.Cmd.ProcessState.ExitCode()
}

// Kill sends SIGKILL, as the kernel's OOM killer or a node failure does,
// and waits for the process to be gone. It reports whether the process was
// still running when killed.
func (p *Process) Kill() bool {
	if p.Exited() {
		return false
	}
	p.Cmd.Process.Kill()
	<-p.done
	ws, ok := p.Cmd.ProcessState.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL
}

// Stop interrupts the process as Ctrl-C does and waits for it to exit,
// failing the test when it has not within 30 s.
func (p *Process) Stop(t testing.TB) {
	t.Helper()
	if p.Exited() {
		return
	}
	p.Cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		p.Cmd.Process.Kill()
		<-p.done
		t.Errorf("%s did not stop within 30s of SIGINT; output:\n%s", strings.Join(p.Cmd.Args, " "), p.Output())
	}
}

// FreeAddr returns a loopback address that was free a moment ago and is
// not one the system gives out meanwhile (etcdembed.FreePort).
func FreeAddr(t testing.TB) string {
	t.Helper()
	port, err := etcdembed.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	return "127.0.0.1:" + strconv.Itoa(port)
}

// WaitFor polls ok until it returns true, failing the test after timeout.
func WaitFor(t testing.TB, timeout time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, timeout)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
