package server

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// rawBatch opens a connection to ts and starts a chunked NDJSON batch on
// it; the caller writes the chunks.
func rawBatch(t *testing.T, ts *testServer) net.Conn {
	t.Helper()
	c, host := dialServer(t, ts)
	fmt.Fprintf(c, "POST /schema/ticks_v1/compat HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n", host)
	return c
}

// dialServer opens a connection to ts, closed when the test ends, and
// returns it with the host to name in requests.
func dialServer(t *testing.T, ts *testServer) (net.Conn, string) {
	t.Helper()
	u, err := url.Parse(ts.url)
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c, u.Host
}

func writeChunk(c net.Conn, data string) error {
	_, err := fmt.Fprintf(c, "%x\r\n%s\r\n", len(data), data)
	return err
}

// readAnswer reads the whole answer on c, until the server closes it.
func readAnswer(t *testing.T, c net.Conn) string {
	t.Helper()
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return string(body)
}

// TestStreamTricklingCutOff: a client that sends a KiB of blank lines
// well within the idle deadline, forever, is cut off at the request's
// deadline, and the server serves other clients meanwhile.
func TestStreamTricklingCutOff(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{StreamIdle: 300 * time.Millisecond, StreamTimeout: time.Second})
	c := rawBatch(t, ts)
	done := make(chan struct{})
	trickled := make(chan int, 1)
	go func() {
		n := 0
		defer func() { trickled <- n }()
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for ; n < 1000; n++ { // 20 s: far past the deadline
			select {
			case <-done:
				return
			case <-tick.C:
			}
			if writeChunk(c, strings.Repeat("\n", 1024)) != nil {
				return
			}
		}
	}()
	// Others are served while the trickle goes on.
	ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
	r := ts.do(t, http.MethodPost, "/schema/ticks_v1/compat", []byte(goodTick+"\n"+goodTick), "Content-Type: application/x-ndjson").wantStatus(t, http.StatusOK)
	if got := len(decodeResults(t, r.body)); got != 2 {
		t.Errorf("a batch beside the trickle: %d results, want 2", got)
	}

	body := readAnswer(t, c)
	close(done)
	if n := <-trickled; n >= 1000 {
		t.Fatalf("the trickle ran its %d chunks: it was never cut off", n)
	}
	if !strings.Contains(body, `"code":"timeout"`) {
		t.Errorf("answer %q: want a timeout error line", body)
	}
	if strings.Contains(body, "127.0.0.1") || strings.Contains(body, "tcp") {
		t.Errorf("answer %q names the server's sockets", body)
	}
}

// TestStreamIdleCutOff: a client that stops sending is cut off after the
// idle deadline, its lines before that checked.
func TestStreamIdleCutOff(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{StreamIdle: 200 * time.Millisecond, StreamTimeout: time.Hour})
	c := rawBatch(t, ts)
	if err := writeChunk(c, goodTick+"\n"); err != nil {
		t.Fatal(err)
	}
	body := readAnswer(t, c)
	lines := strings.Split(strings.TrimSpace(body), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], `{"line":1,"valid":true`) || !strings.Contains(lines[1], `"code":"timeout"`) {
		t.Errorf("answer %q: want line 1's result, then a timeout error", body)
	}
}

// TestBodyTimeoutHidesAddresses: a body cut off by the read timeout is
// answered without the server's socket addresses.
func TestBodyTimeoutHidesAddresses(t *testing.T) {
	h := newHarness(t)
	s := New(h.cli, testLogger(t), Options{CallTimeout: time.Second})
	ts := httptest.NewUnstartedServer(s.Handler())
	ts.Config.ReadTimeout = 200 * time.Millisecond
	ts.Start()
	defer ts.Close()
	u, _ := url.Parse(ts.URL)
	c, err := net.Dial("tcp", u.Host)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	fmt.Fprintf(c, "POST /schema/ticks_v1/compat HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{", u.Host)
	resp, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusBadRequest || strings.Contains(string(body), "127.0.0.1") || !strings.Contains(string(body), "in time") {
		t.Errorf("%d %s: want 400 saying the body did not arrive in time, without addresses", resp.StatusCode, body)
	}
}

// TestStreamAsksForTheBody: a client that sends "Expect: 100-continue" and
// waits, as curl does for large bodies, is told to send its batch before
// any answer, and then gets one verdict per line.
func TestStreamAsksForTheBody(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	c, host := dialServer(t, ts)
	body := goodTick + "\n" + goodTick + "\n"
	fmt.Fprintf(c, "POST /schema/ticks_v1/compat HTTP/1.1\r\nHost: %s\r\nContent-Type: application/x-ndjson\r\n"+
		"Content-Length: %d\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n", host, len(body))
	// Nothing is sent until the server asks; a server that answers first
	// would wait for a body that never comes, until the deadline below.
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	status, err := br.ReadString('\n')
	if err != nil || !strings.HasPrefix(status, "HTTP/1.1 100 ") {
		t.Fatalf("first line %q (%v), want 100 Continue", status, err)
	}
	if _, err := br.ReadString('\n'); err != nil { // the blank line after it
		t.Fatal(err)
	}
	if _, err := io.WriteString(c, body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || len(decodeResults(t, data)) != 2 {
		t.Errorf("%s %q, want 200 and 2 verdicts", resp.Status, data)
	}
}
