package server

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"golang.org/x/net/http/httpguts"
)

// laneServers are two servers of one etcd: one serving as schemareg serve
// does, the fast lane in front of net/http, and one on net/http alone, the
// reference.
type laneServers struct {
	h         *harness
	lane, ref *testServer
	version   string // ticks_v1's latest version
}

func newLaneServers(t *testing.T) *laneServers {
	t.Helper()
	h := newHarness(t)
	ls := &laneServers{h: h, lane: h.server(Options{}), version: h.version("ticks_v1", latest).Version}
	ref := New(h.cli, testLogger(t), Options{})
	hs := httptest.NewServer(ref.Handler())
	t.Cleanup(hs.Close)
	ls.ref = &testServer{Server: ref, url: hs.URL, client: &http.Client{Transport: &http.Transport{DisableCompression: true}}}
	// What the lane answers is what net/http put in the cache.
	for _, p := range []string{"/schema/ticks_v1", "/schema/ticks_v1/" + ls.version} {
		ls.lane.get(t, p).wantStatus(t, http.StatusOK)
		ls.ref.get(t, p).wantStatus(t, http.StatusOK)
	}
	return ls
}

// counts returns how many requests the lane answered and how many
// connections it handed to net/http.
func (ts *testServer) counts() (answered, handedOff int64) {
	l := ts.lane.Load()
	return l.answered.Load(), l.handedOff.Load()
}

// exchange writes raw to a new connection to url and reads one response.
func exchange(t *testing.T, url, raw string) (*http.Response, []byte) {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, raw); err != nil {
		t.Fatal(err)
	}
	return readResponse(t, bufio.NewReader(c), raw)
}

// readResponse reads the response to the request raw begins with.
func readResponse(t *testing.T, br *bufio.Reader, raw string) (*http.Response, []byte) {
	t.Helper()
	method, _, _ := strings.Cut(raw, " ")
	resp, err := http.ReadResponse(br, &http.Request{Method: method})
	if err != nil {
		t.Fatalf("%.60q: read response: %v", raw, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%.60q: read body: %v", raw, err)
	}
	return resp, body
}

// answer is a response as two servers answer it alike: its header
// without Date, and without X-Request-Id unless the client chose it.
type answer struct {
	Status int
	Header http.Header
	Body   string
}

func answerOf(t *testing.T, resp *http.Response, body []byte, idChosen bool) answer {
	t.Helper()
	h := resp.Header.Clone()
	delete(h, "Date")
	if !idChosen {
		delete(h, "X-Request-Id")
	}
	return answer{resp.StatusCode, h, string(body)}
}

// TestFastLaneAnswersAsNetHTTP sends the same bytes to the lane and to
// net/http alone: every answer is the same but for Date and a generated
// request id, and the lane answers exactly the requests it is for.
func TestFastLaneAnswersAsNetHTTP(t *testing.T) {
	ls := newLaneServers(t)
	v := ls.version
	etag := ls.ref.get(t, "/schema/ticks_v1/"+v).Header.Get("ETag")
	etagGz := ls.ref.get(t, "/schema/ticks_v1/"+v, "Accept-Encoding: gzip").Header.Get("ETag")
	get := func(path string, headers ...string) string {
		return "GET " + path + " HTTP/1.1\r\nHost: registry.example:8000\r\n" + strings.Join(append(headers, ""), "\r\n") + "\r\n"
	}
	version := "/schema/ticks_v1/" + v
	for _, tc := range []struct {
		name, raw string
		lane      bool // the lane answers it
		idChosen  bool
	}{
		{"version", get(version), true, false},
		{"latest", get("/schema/ticks_v1"), true, false},
		{"latest by name", get("/schema/ticks_v1/latest"), true, false},
		{"HEAD", "HEAD " + version + " HTTP/1.1\r\nHost: h\r\n\r\n", true, false},
		{"gzip", get(version, "Accept-Encoding: gzip, deflate, br"), true, false},
		{"gzip in capitals, second line", get(version, "Accept-Encoding: br", "accept-encoding: GZIP"), true, false},
		{"gzip refused", get(version, "Accept-Encoding: gzip;q=0, br"), true, false},
		{"any coding", get(version, "Accept-Encoding: *"), true, false},
		{"304", get(version, "If-None-Match: "+etag), true, false},
		{"304 weak, in a list", get(version, "If-None-Match: \"x\", W/"+etag), true, false},
		{"304 star", get(version, "If-None-Match: *"), true, false},
		{"304 gzip", get(version, "Accept-Encoding: gzip", "If-None-Match: "+etagGz), true, false},
		{"gzip tag without gzip", get(version, "If-None-Match: "+etagGz), true, false},
		{"other tag", get(version, "If-None-Match: \"sha256:00\""), true, false},
		{"HEAD 304", "HEAD " + version + " HTTP/1.1\r\nHost: h\r\nIf-None-Match: " + etag + "\r\n\r\n", true, false},
		{"request id", get(version, "X-Request-ID: trace-7:a.b_c"), true, true},
		{"request id invalid", get(version, "X-Request-Id: not valid"), true, false},
		{"request id too long", get(version, "X-Request-Id: "+strings.Repeat("a", 129)), true, false},
		{"connection close", get(version, "Connection: close"), true, false},
		{"keep-alive", get(version, "Connection: keep-alive"), true, false},
		{"header whitespace", get(version, "Accept-Encoding:\t gzip \t"), true, false},
		{"other headers", get(version, "User-Agent: curl/8", "Accept: */*", "Origin: https://example.com"), true, false},
		{"IPv6 host", "GET " + version + " HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n", true, false},

		{"query", get(version + "?resolve=bundled"), false, false},
		{"unknown query", get(version + "?x=1"), false, false},
		{"escape", get("/schema/ticks%5Fv1/" + v), false, false},
		{"arrow", get(version + "/arrow"), false, false},
		{"versions", get("/schema/ticks_v1/versions"), false, false},
		{"compat", get("/schema/ticks_v1/compat"), false, false},
		{"unknown schema", get("/schema/nope/" + v), false, false},
		{"unknown version", get("/schema/ticks_v1/99.0.0"), false, false},
		{"a version not cached yet", get("/schema/ticks_v1/1.0.0"), true, false},
		{"bad version", get("/schema/ticks_v1/1.0"), false, false},
		{"dot segments", get("/schema/ticks_v1/../ticks_v1/" + v), false, false},
		{"double slash", get("/schema//ticks_v1/" + v), false, false},
		{"trailing slash", get(version + "/"), false, false},
		{"schemas", get("/schemas"), true, false},
		{"schemas gzip", get("/schemas", "Accept-Encoding: gzip"), true, false},
		{"a page of schemas", get("/schemas?limit=2"), false, false},
		{"schemas slash", get("/schemas/"), false, false},
		{"HTTP/1.0", "GET " + version + " HTTP/1.0\r\n\r\n", false, false},
		{"absolute form", "GET http://h" + version + " HTTP/1.1\r\nHost: h\r\n\r\n", false, false},
		{"lower-case method", "get " + version + " HTTP/1.1\r\nHost: h\r\n\r\n", false, false},
		{"POST", "POST /schema/ticks_v1/compat HTTP/1.1\r\nHost: h\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}", false, false},
		{"OPTIONS", "OPTIONS " + version + " HTTP/1.1\r\nHost: h\r\nOrigin: https://a.example\r\nAccess-Control-Request-Method: GET\r\n\r\n", false, false},
		{"no host", "GET " + version + " HTTP/1.1\r\n\r\n", false, false},
		{"two hosts", get(version, "Host: other"), false, false},
		{"empty host", "GET " + version + " HTTP/1.1\r\nHost: \r\n\r\n", false, false},
		{"odd host", "GET " + version + " HTTP/1.1\r\nHost: a b\r\n\r\n", false, false},
		{"space before colon", get(version, "Accept-Encoding : gzip"), false, false},
		{"bad name", get(version, "Accept(Encoding): gzip"), false, false},
		{"control in value", get(version, "X-Note: a\x01b"), false, false},
		{"folded header", get(version, "X-Note: a", " b"), false, false},
		{"bare LF", "GET " + version + " HTTP/1.1\nHost: h\n\n", false, false},
		{"leading empty line", "\r\nGET " + version + " HTTP/1.1\r\nHost: h\r\n\r\n", false, false},
		{"content length", get(version, "Content-Length: 0"), false, false},
		{"chunked", get(version, "Transfer-Encoding: chunked") + "0\r\n\r\n", false, false},
		{"content encoding", get(version, "Content-Encoding: gzip", "Content-Length: 0"), false, false},
		{"expect", get(version, "Expect: 100-continue"), false, false},
		{"upgrade", get(version, "Connection: Upgrade", "Upgrade: websocket"), false, false},
		{"connection token", get(version, "Connection: TE", "TE: trailers"), false, false},
		{"many codings", get(version, "Accept-Encoding: a", "Accept-Encoding: b", "Accept-Encoding: c", "Accept-Encoding: d", "Accept-Encoding: gzip"), false, false},
		{"many tags", get(version, "If-None-Match: \"a\"", "If-None-Match: \"b\"", "If-None-Match: \"c\"", "If-None-Match: \"d\"", "If-None-Match: "+etag), false, false},
		{"long head", get(version, "X-Pad: "+strings.Repeat("p", 5000)), false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answered, handed := ls.lane.counts()
			lresp, lbody := exchange(t, ls.lane.url, tc.raw)
			rresp, rbody := exchange(t, ls.ref.url, tc.raw)
			got, want := answerOf(t, lresp, lbody, tc.idChosen), answerOf(t, rresp, rbody, tc.idChosen)
			if d := cmp.Diff(want, got); d != "" {
				t.Errorf("the lane's answer differs from net/http's (-net/http +lane):\n%s", d)
			}
			if tc.lane && (len(lresp.Header["Date"]) != 1 || !validRequestID(lresp.Header.Get("X-Request-Id"))) {
				t.Errorf("the lane's Date %q, X-Request-Id %q", lresp.Header["Date"], lresp.Header["X-Request-Id"])
			}
			a, h := ls.lane.counts()
			if tc.lane && (a != answered+1 || h != handed) {
				t.Errorf("answered %d, handed off %d: want the lane to answer", a-answered, h-handed)
			}
			if !tc.lane && (a != answered || h != handed+1) {
				t.Errorf("answered %d, handed off %d: want net/http to answer", a-answered, h-handed)
			}
		})
	}
}

// TestFastLanePipelined: requests sent back to back on one connection are
// answered in order, by the lane until one is not its, then by net/http.
func TestFastLanePipelined(t *testing.T) {
	ls := newLaneServers(t)
	version := "/schema/ticks_v1/" + ls.version
	reqs := []string{
		"GET " + version + " HTTP/1.1\r\nHost: h\r\n\r\n",
		"HEAD /schema/ticks_v1 HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET " + version + " HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n",
		"GET /schema/nope HTTP/1.1\r\nHost: h\r\n\r\n",
		"GET " + version + " HTTP/1.1\r\nHost: h\r\n\r\n",
	}
	answered, handed := ls.lane.counts()
	c, err := net.Dial("tcp", strings.TrimPrefix(ls.lane.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(c, strings.Join(reqs, "")); err != nil {
		t.Fatal(err)
	}
	br := bufio.NewReader(c)
	for i, raw := range reqs {
		resp, body := readResponse(t, br, raw)
		_, rbody := exchange(t, ls.ref.url, raw)
		if !bytes.Equal(body, rbody) {
			t.Errorf("response %d: %d bytes %.40q, want %.40q", i, len(body), body, rbody)
		}
		if want := []int{200, 200, 200, 404, 200}[i]; resp.StatusCode != want {
			t.Errorf("response %d: status %d, want %d", i, resp.StatusCode, want)
		}
	}
	if a, h := ls.lane.counts(); a-answered != 3 || h-handed != 1 {
		t.Errorf("the lane answered %d and handed off %d connections, want 3 and 1", a-answered, h-handed)
	}
}

// TestFastLaneHeadInPieces: a head that arrives a few bytes at a time is
// answered when it is whole.
func TestFastLaneHeadInPieces(t *testing.T) {
	ls := newLaneServers(t)
	raw := "GET /schema/ticks_v1/" + ls.version + " HTTP/1.1\r\nHost: h\r\nAccept-Encoding: gzip\r\n\r\n"
	c, err := net.Dial("tcp", strings.TrimPrefix(ls.lane.url, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	answered, handed := ls.lane.counts()
	for i := 0; i < len(raw); i += 3 {
		if _, err := io.WriteString(c, raw[i:min(i+3, len(raw))]); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Millisecond) // each piece its own segment, most likely
	}
	resp, body := readResponse(t, bufio.NewReader(c), raw)
	a, h := ls.lane.counts()
	_, want := exchange(t, ls.ref.url, raw)
	if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
		t.Errorf("status %d, %d bytes; want 200 and %d bytes", resp.StatusCode, len(body), len(want))
	}
	if a-answered != 1 || h-handed != 0 {
		t.Errorf("answered %d, handed off %d; want the lane to answer", a-answered, h-handed)
	}
}

// TestFastLaneHeadLimits: a head the lane's buffer cannot hold goes to
// net/http, which answers it within its own limit and refuses it beyond.
func TestFastLaneHeadLimits(t *testing.T) {
	ls := newLaneServers(t)
	get := func(pad int) string {
		return "GET /schema/ticks_v1/" + ls.version + " HTTP/1.1\r\nHost: h\r\nX-Pad: " + strings.Repeat("p", pad) + "\r\n\r\n"
	}
	answered, handed := ls.lane.counts()
	if resp, _ := exchange(t, ls.lane.url, get(laneHead)); resp.StatusCode != http.StatusOK {
		t.Errorf("a head of %d bytes: status %d, want 200", laneHead+60, resp.StatusCode)
	}
	if resp, _ := exchange(t, ls.lane.url, get(http.DefaultMaxHeaderBytes+8192)); resp.StatusCode != http.StatusRequestHeaderFieldsTooLarge {
		t.Errorf("a head over net/http's limit: status %d, want 431", resp.StatusCode)
	}
	if a, h := ls.lane.counts(); a != answered || h-handed != 2 {
		t.Errorf("answered %d, handed off %d; want net/http to answer both", a-answered, h-handed)
	}
}

// TestFastLaneHeaderTimeout: a connection that stops in the middle of a
// head is closed at the header timeout, as net/http closes it; one that
// waits between requests, at the idle timeout.
func TestFastLaneHeaderTimeout(t *testing.T) {
	h := newHarness(t)
	s := New(h.cli, testLogger(t), Options{})
	ln := listenLoopback(t)
	stop := serveOn(t, s, &http.Server{ReadHeaderTimeout: 100 * time.Millisecond, IdleTimeout: 100 * time.Millisecond, ErrorLog: log.New(io.Discard, "", 0)}, ln)
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("Serve: %v", err)
		}
	}()
	for _, tc := range []struct{ name, raw string }{
		{"half a head", "GET /schema/ticks_v1 HTTP/1.1\r\nHost: h\r\n"},
		{"nothing", ""},
		{"after an answer", "GET /schema/ticks_v1 HTTP/1.1\r\nHost: h\r\n\r\n"},
	} {
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		c.SetDeadline(time.Now().Add(10 * time.Second))
		io.WriteString(c, tc.raw)
		data, err := io.ReadAll(c) // until the server closes
		if err != nil {
			t.Errorf("%s: %v, want the server to close the connection", tc.name, err)
		}
		if tc.name == "after an answer" && !bytes.HasPrefix(data, []byte("HTTP/1.1 200 OK\r\n")) {
			t.Errorf("%s: got %.40q", tc.name, data)
		} else if tc.name != "after an answer" && len(data) != 0 {
			t.Errorf("%s: got %.40q, want nothing", tc.name, data)
		}
		c.Close()
	}
}

// TestFastLaneShutdown: at shutdown a connection waiting for its next
// request is closed, and Serve returns once every connection is done.
func TestFastLaneShutdown(t *testing.T) {
	h := newHarness(t)
	s := New(h.cli, testLogger(t), Options{})
	ln := listenLoopback(t)
	stop := serveOn(t, s, &http.Server{ReadHeaderTimeout: 5 * time.Second, IdleTimeout: time.Minute}, ln)
	raw := "GET /schema/ticks_v1 HTTP/1.1\r\nHost: h\r\n\r\n"
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(30 * time.Second))
	br := bufio.NewReader(c)
	io.WriteString(c, raw)
	readResponse(t, br, raw)
	if a := s.lane.Load().answered.Load(); a != 1 {
		t.Fatalf("the lane answered %d requests, want 1", a)
	}
	if err := stop(); err != nil { // within its second of grace
		t.Errorf("Serve: %v", err)
	}
	if n, err := br.Read(make([]byte, 1)); n != 0 || err != io.EOF {
		t.Errorf("the idle connection read %d, %v after shutdown; want it closed", n, err)
	}
}

// TestFastLaneLogsAndCounts: a request the lane answers has the log
// record and the metrics of one net/http answers.
func TestFastLaneLogsAndCounts(t *testing.T) {
	h := newHarness(t)
	var mu sync.Mutex
	var out bytes.Buffer
	logger := slog.New(slog.NewJSONHandler(writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return out.Write(p)
	}), nil))
	s := New(h.cli, logger, Options{})
	ts := startServer(t, s, true)
	path := "/schema/ticks_v1/" + h.version("ticks_v1", latest).Version
	ts.get(t, path, "X-Request-Id: first").wantStatus(t, http.StatusOK) // the lane
	hs := httptest.NewServer(s.Handler())
	t.Cleanup(hs.Close)
	ref := &testServer{Server: s, url: hs.URL, client: ts.client}
	ref.get(t, path, "X-Request-Id: second").wantStatus(t, http.StatusOK) // net/http
	if a, _ := ts.counts(); a != 1 {
		t.Fatalf("the lane answered %d requests, want 1", a)
	}
	mu.Lock()
	var records []map[string]any
	for _, line := range bytes.Split(bytes.TrimSpace(out.Bytes()), []byte("\n")) {
		var rec map[string]any
		if err := json.Unmarshal(line, &rec); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if rec["msg"] == "request" {
			delete(rec, "time")
			delete(rec, LogKeyDuration)
			records = append(records, rec)
		}
	}
	mu.Unlock()
	if len(records) != 2 {
		t.Fatalf("%d request records, want 2: %v", len(records), records)
	}
	records[0][LogKeyRequestID] = "second"
	if d := cmp.Diff(records[1], records[0]); d != "" {
		t.Errorf("the lane's record differs from net/http's (-net/http +lane):\n%s", d)
	}
	text := string(ts.get(t, "/metrics").body)
	for _, want := range []string{
		`schemareg_http_requests_total{code="200",method="GET",route="/schema/{id}/{version}"} 2`,
		`schemareg_cache_hits_total{kind="schema"} 1`,   // net/http's
		`schemareg_cache_misses_total{kind="schema"} 1`, // the lane's
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

type writerFunc func(p []byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// TestFastLaneRateLimit: the lane takes a token per answer, and over the
// limit leaves the request to net/http, which refuses it.
func TestFastLaneRateLimit(t *testing.T) {
	h := newHarness(t)
	var clock syncClock
	clock.set(time.Unix(1e9, 0))
	ts := h.server(Options{RateLimit: 1, RateBurst: 3, Now: clock.now})
	for range 3 {
		ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
	}
	ts.get(t, "/schema/ticks_v1").wantError(t, http.StatusTooManyRequests, "rate_limited")
	if a, _ := ts.counts(); a != 3 {
		t.Errorf("the lane answered %d requests, want 3", a)
	}
}

// TestMountTurnsLaneOff: a mounted pattern that could take a path of the
// lane's keeps the lane off.
func TestMountTurnsLaneOff(t *testing.T) {
	for pattern, clear := range map[string]bool{
		"/docs/": true, "GET /{$}": true, "GET /confluent/subjects": true, "/confluent/": true,
		"/schema/x/1.0.0": false, "GET /schema/": false, "/{any}/": false, "example.com/": false, "GET example.com/docs/": false,
	} {
		if got := laneClear(pattern); got != clear {
			t.Errorf("laneClear(%q) = %v, want %v", pattern, got, clear)
		}
	}
	h := newHarness(t)
	s := New(h.cli, testLogger(t), Options{})
	path := "/schema/ticks_v1/" + h.version("ticks_v1", latest).Version
	s.Mount("GET "+path, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "mounted")
	}))
	ts := startServer(t, s, true)
	for range 2 {
		if r := ts.get(t, path).wantStatus(t, http.StatusOK); string(r.body) != "mounted" {
			t.Errorf("GET %s answered %.40q, want the mount's answer", path, r.body)
		}
	}
	if ts.lane.Load() != nil {
		t.Errorf("the lane serves beside a mount under /schema/")
	}
}

// FuzzParseFast: whatever head the lane takes, net/http reads as the same
// request, and takes too.
func FuzzParseFast(f *testing.F) {
	for _, s := range []string{
		"GET /schema/a/1.0.0 HTTP/1.1\r\nHost: h\r\n\r\n",
		"HEAD /schema/a HTTP/1.1\r\nHost: h:80\r\nAccept-Encoding: gzip\r\nIf-None-Match: \"x\"\r\nConnection: close\r\nX-Request-Id: r1\r\n\r\n",
		"GET /schema/a/1.0.0 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
		"GET /schema/a/1.0.0 HTTP/1.1\r\nhost: h\r\nHOST: h\r\n\r\n",
		"GET /schema/a/1.0.0 HTTP/1.1\r\nHost: h\r\nX: a\r\n b\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		n, ok := headEnd(data)
		if !ok || n == 0 {
			return
		}
		head := data[:n]
		var q fastRequest
		if !parseFast(head, &q) {
			return
		}
		r, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(head)))
		if err != nil {
			t.Fatalf("the lane takes %q; net/http: %v", head, err)
		}
		method := http.MethodGet
		if q.head {
			method = http.MethodHead
		}
		switch {
		case r.Method != method || r.URL.Path != q.path || r.URL.RawPath != "" || r.URL.RawQuery != "" || r.RequestURI != q.path:
			t.Errorf("%q: net/http reads %s %q (raw %q, query %q), the lane %s %q", head, r.Method, r.URL.Path, r.URL.RawPath, r.URL.RawQuery, method, q.path)
		case r.ProtoMajor != 1 || r.ProtoMinor != 1:
			t.Errorf("%q: net/http reads %s", head, r.Proto)
		case r.Close != q.close:
			t.Errorf("%q: net/http reads close %v, the lane %v", head, r.Close, q.close)
		case r.ContentLength != 0 || len(r.TransferEncoding) != 0 || r.Header.Get("Expect") != "" || r.Header.Get("Upgrade") != "":
			t.Errorf("%q: net/http reads a body, an expectation or an upgrade", head)
		case r.Host == "" || !httpguts.ValidHostHeader(r.Host):
			t.Errorf("%q: net/http refuses Host %q", head, r.Host)
		case r.Header.Get("X-Request-Id") != q.requestID:
			t.Errorf("%q: request id %q, the lane %q", head, r.Header.Get("X-Request-Id"), q.requestID)
		}
		for name, vs := range r.Header {
			if !httpguts.ValidHeaderFieldName(name) {
				t.Errorf("%q: net/http refuses header name %q", head, name)
			}
			for _, v := range vs {
				if !httpguts.ValidHeaderFieldValue(v) {
					t.Errorf("%q: net/http refuses the value %q of %s", head, v, name)
				}
			}
		}
		if d := cmp.Diff(r.Header["Accept-Encoding"], q.acceptEncoding[:q.nAcceptEncoding], cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%q: Accept-Encoding (-net/http +lane):\n%s", head, d)
		}
		if d := cmp.Diff(r.Header["If-None-Match"], q.ifNoneMatch[:q.nIfNoneMatch], cmpopts.EquateEmpty()); d != "" {
			t.Errorf("%q: If-None-Match (-net/http +lane):\n%s", head, d)
		}
	})
}

// failingListener fails its first Accepts as a process out of file
// descriptors does, then accepts.
type failingListener struct {
	net.Listener
	fails int
}

func (l *failingListener) Accept() (net.Conn, error) {
	if l.fails > 0 {
		l.fails--
		return nil, &net.OpError{Op: "accept", Net: "tcp", Err: os.NewSyscallError("accept4", syscall.EMFILE)}
	}
	return l.Listener.Accept()
}

// TestFastLaneOutOfDescriptors: running out of file descriptors for a
// moment does not stop the server; it accepts again.
func TestFastLaneOutOfDescriptors(t *testing.T) {
	h := newHarness(t)
	s := New(h.cli, testLogger(t), Options{})
	ln := listenLoopback(t)
	stop := serveOn(t, s, &http.Server{ReadHeaderTimeout: 5 * time.Second}, &failingListener{Listener: ln, fails: 3})
	resp, err := http.Get("http://" + ln.Addr().String() + "/schema/ticks_v1")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("status %d, want 200", resp.StatusCode)
	}
	if err := stop(); err != nil {
		t.Errorf("Serve: %v", err)
	}
}
