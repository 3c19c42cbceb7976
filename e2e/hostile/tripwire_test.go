package hostile

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"
)

// tripwire is a listener on loopback that records every connection: a
// URL that points at it, fetched by anyone, trips it.
type tripwire struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []string // what each connection sent first
	wg    sync.WaitGroup
}

// newTripwire starts a tripwire that fails the test at its end if
// anything connected to it.
func newTripwire(t *testing.T) *tripwire {
	t.Helper()
	tw, err := listenTripwire()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		tw.close()
		if got := tw.connections(); len(got) > 0 {
			t.Errorf("%d connections to the tripwire %s, the first sending %q", len(got), tw.addr(), got[0])
		}
	})
	return tw
}

func listenTripwire() (*tripwire, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	tw := &tripwire{ln: ln}
	tw.wg.Add(1)
	go func() {
		defer tw.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.SetReadDeadline(time.Now().Add(time.Second))
			buf := make([]byte, 256)
			n, _ := c.Read(buf)
			c.Close()
			tw.mu.Lock()
			tw.conns = append(tw.conns, string(buf[:n]))
			tw.mu.Unlock()
		}
	}()
	return tw, nil
}

func (tw *tripwire) close() {
	tw.ln.Close()
	tw.wg.Wait()
}

// addr is the tripwire's host:port.
func (tw *tripwire) addr() string { return tw.ln.Addr().String() }

func (tw *tripwire) connections() []string {
	tw.mu.Lock()
	defer tw.mu.Unlock()
	return append([]string(nil), tw.conns...)
}

// sentinel is a file outside every repository that records whether
// anyone opened it for reading: a named pipe. Opening a pipe to read
// blocks until a writer comes, and the sentinel's watcher, which tries to
// open it to write every few milliseconds, comes: it can only succeed
// while a reader has the pipe open.
type sentinel struct {
	path   string
	mu     sync.Mutex
	opened int
	stop   chan struct{}
	done   chan struct{}
}

// newSentinel makes a sentinel in a folder of its own that fails the test
// at its end if anything opened it.
func newSentinel(t *testing.T, name string) *sentinel {
	t.Helper()
	s, err := watchSentinel(filepath.Join(t.TempDir(), name))
	if err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	t.Cleanup(func() {
		s.close()
		if n := s.openCount(); n > 0 {
			t.Errorf("the sentinel %s outside the repository was opened %d times", s.path, n)
		}
	})
	return s
}

func watchSentinel(path string) (*sentinel, error) {
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		return nil, err
	}
	s := &sentinel{path: path, stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(s.done)
		for {
			select {
			case <-s.stop:
				return
			case <-time.After(5 * time.Millisecond):
			}
			// Without a reader, opening the write end without blocking
			// fails with ENXIO.
			f, err := os.OpenFile(s.path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
			if err != nil {
				if !errors.Is(err, syscall.ENXIO) {
					return
				}
				continue
			}
			f.Write([]byte(`{"id":"sentinel_v1","version":"1.0.0","title":"read through a link or a file:// reference"}`))
			f.Close()
			s.mu.Lock()
			s.opened++
			s.mu.Unlock()
		}
	}()
	return s, nil
}

func (s *sentinel) close() {
	close(s.stop)
	<-s.done
}

func (s *sentinel) openCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opened
}

// TestTripwireAndSentinelTrip checks the checks: a connection trips a
// tripwire and a read trips a sentinel, so the tests that expect neither
// would see them.
func TestTripwireAndSentinelTrip(t *testing.T) {
	tw, err := listenTripwire()
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", tw.addr())
	if err != nil {
		t.Fatal(err)
	}
	c.Write([]byte("GET /x.json HTTP/1.1\r\n"))
	c.Close()
	waitFor(t, 10*time.Second, "the tripwire records the connection", func() bool { return len(tw.connections()) == 1 })
	tw.close()
	if got := tw.connections()[0]; got != "GET /x.json HTTP/1.1\r\n" {
		t.Errorf("the tripwire recorded %q", got)
	}

	s, err := watchSentinel(filepath.Join(t.TempDir(), "x_v1.json"))
	if err != nil {
		t.Skipf("no named pipes here: %v", err)
	}
	data, err := os.ReadFile(s.path) // blocks until the watcher writes
	s.close()
	if err != nil || len(data) == 0 || s.openCount() != 1 {
		t.Errorf("read %q, %v; the sentinel counted %d opens", data, err, s.openCount())
	}
}
