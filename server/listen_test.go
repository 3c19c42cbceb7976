package server

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestServeGracefulShutdown(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	s := New(nil, testLogger(t), Options{})
	s.Mount("/slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(started)
		<-release
		io.WriteString(w, "done")
	}))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: time.Second}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	served := make(chan error, 1)
	go func() { served <- Serve(ctx, hs, ln, testLogger(t), 10*time.Second) }()

	type result struct {
		status int
		body   string
		err    error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Get("http://" + ln.Addr().String() + "/slow")
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		got <- result{resp.StatusCode, string(body), err}
	}()
	<-started
	cancel() // SIGTERM: stop accepting, let the request finish
	eventually(t, 5*time.Second, "the listener closed", func() bool {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err == nil {
			c.Close()
		}
		return err != nil
	})
	select {
	case err := <-served:
		t.Fatalf("Serve returned %v with a request in flight", err)
	default:
	}
	close(release)
	if r := <-got; r.err != nil || r.status != http.StatusOK || r.body != "done" {
		t.Errorf("the request in flight got %+v", r)
	}
	if err := <-served; err != nil {
		t.Errorf("Serve: %v", err)
	}
}

func TestLogBuffer(t *testing.T) {
	var out syncBuffer
	b := NewLogBuffer(&out, time.Hour) // only size and Close flush
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 2000 {
				fmt.Fprintf(b, "record %d %d %s\n", g, i, strings.Repeat("x", 40))
			}
		}()
	}
	wg.Wait()
	if err := b.Close(); err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(b, "after close\n")
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 8*2000+1 {
		t.Fatalf("%d lines, want %d", len(lines), 8*2000+1)
	}
	next := map[string]int{}
	for _, l := range lines[:len(lines)-1] {
		var g, i int
		var pad string
		if _, err := fmt.Sscanf(l, "record %d %d %s", &g, &i, &pad); err != nil || len(pad) != 40 {
			t.Fatalf("a record was split or mixed: %q", l)
		}
		key := fmt.Sprint(g)
		if i != next[key] {
			t.Fatalf("goroutine %d: record %d after %d", g, i, next[key]-1)
		}
		next[key]++
	}
	if lines[len(lines)-1] != "after close" {
		t.Errorf("last line %q", lines[len(lines)-1])
	}
}

func TestLogBufferInterval(t *testing.T) {
	var out syncBuffer
	b := NewLogBuffer(&out, 10*time.Millisecond)
	defer b.Close()
	b.Write([]byte("one\n"))
	eventually(t, 5*time.Second, "the record written", func() bool { return out.String() == "one\n" })
}
