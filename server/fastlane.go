package server

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// A fastLane answers the reads a registry serves most — GET and HEAD of a
// version (/schema/{id}/{version}, /schema/{id}) and of the list of
// schemas (/schemas) — on plain HTTP/1.1 connections it reads itself, and
// hands every other request, with each byte of it read so far, to
// net/http.
//
// net/http spends a goroutine, a context and a dozen allocations on each
// request; on a busy core they put the 99th percentile of a cached read at
// about three times a static file server's. The lane reads a request into
// the connection's buffer, looks its answer up and writes it in one call,
// with no allocation of its own.
//
// It answers only what it understands completely. A request is the lane's
// when it parses under a grammar stricter than net/http's (parseFast) and
// names a version of the current generation; a miss in the cache loads as
// the handler loads. Anything else — a query, a percent-escape, HTTP/1.0, a
// body, Expect, Upgrade, a header net/http would refuse, a head over
// laneHead bytes, another route, a version that is not there, an etcd
// error, a request over the rate limit — goes to net/http untouched, which
// answers it as it answers everything, and keeps the connection. The
// answers of both are the same bytes but for Date and a generated
// X-Request-Id.
type fastLane struct {
	s       *Server
	ln      net.Listener
	handoff *handoffListener

	headerTimeout, idleTimeout, writeTimeout time.Duration
	maxHead                                  int

	mu      sync.Mutex
	conns   map[*laneConn]struct{}
	closing atomic.Bool
	wg      sync.WaitGroup

	date dateCache
	// answered counts the requests the lane answered itself; handedOff, the
	// connections it gave net/http.
	answered, handedOff atomic.Int64
}

// laneHead bounds the head of a request the lane reads: a longer one goes
// to net/http, which applies its own limit (MaxHeaderBytes).
const laneHead = 4096

// laneRoutes are the routes the lane answers, as the metrics and the log
// name them.
const (
	laneRouteVersion = "/schema/{id}/{version}"
	laneRouteLatest  = "/schema/{id}"
	laneRouteSchemas = "/schemas"
)

// newFastLane returns a lane accepting from ln with hs's timeouts; hs
// serves the handoff listener.
func newFastLane(s *Server, hs *http.Server, ln net.Listener) *fastLane {
	l := &fastLane{s: s, ln: ln, conns: map[*laneConn]struct{}{}, maxHead: laneHead,
		handoff: &handoffListener{addr: ln.Addr(), conns: make(chan net.Conn), done: make(chan struct{})}}
	l.headerTimeout = hs.ReadHeaderTimeout
	if l.headerTimeout <= 0 {
		l.headerTimeout = hs.ReadTimeout
	}
	l.idleTimeout = hs.IdleTimeout
	if l.idleTimeout <= 0 {
		l.idleTimeout = hs.ReadTimeout
	}
	l.writeTimeout = hs.WriteTimeout
	if hs.MaxHeaderBytes > 0 && hs.MaxHeaderBytes < l.maxHead {
		l.maxHead = hs.MaxHeaderBytes
	}
	return l
}

// run accepts connections until the listener fails or is closed; then the
// handoff listener ends with that error, which ends net/http's Serve.
func (l *fastLane) run() {
	var wait time.Duration
	for {
		c, err := l.ln.Accept()
		if err != nil {
			if acceptRetry(err) && !l.closing.Load() {
				// Out of file descriptors and the like: back off, as net/http does.
				wait = min(max(2*wait, 5*time.Millisecond), time.Second)
				l.s.logger.Warn("accept failed; retrying", LogKeyError, err, "in", wait)
				time.Sleep(wait)
				continue
			}
			if !l.closing.Load() { // else net/http's Shutdown closes the handoff listener
				l.handoff.end(err)
			}
			return
		}
		wait = 0
		lc := &laneConn{Conn: c}
		if !l.track(lc, true) {
			c.Close()
			continue
		}
		go l.serve(lc)
	}
}

// acceptRetry reports whether an error of Accept passes: the process or
// the system is out of descriptors or memory for now, or a connection went
// before it was accepted.
func acceptRetry(err error) bool {
	for _, e := range []error{syscall.EMFILE, syscall.ENFILE, syscall.ENOBUFS, syscall.ENOMEM, syscall.ECONNABORTED, syscall.EAGAIN, syscall.EINTR} {
		if errors.Is(err, e) {
			return true
		}
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// shutdown stops accepting, closes the connections waiting for a request
// and waits for the others to finish their answer, or for ctx to end, when
// it closes them all.
func (l *fastLane) shutdown(ctx context.Context) error {
	l.closing.Store(true)
	l.ln.Close()
	l.mu.Lock()
	for c := range l.conns {
		if c.idle.Load() {
			c.SetReadDeadline(aLongTimeAgo)
		}
	}
	l.mu.Unlock()
	done := make(chan struct{})
	go func() { l.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		l.mu.Lock()
		for c := range l.conns {
			c.Close()
		}
		l.mu.Unlock()
		<-done
		return ctx.Err()
	}
}

// aLongTimeAgo is a deadline that has passed: it wakes a blocked read.
var aLongTimeAgo = time.Unix(1, 0)

func (l *fastLane) track(c *laneConn, add bool) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if add {
		if l.closing.Load() {
			return false
		}
		l.conns[c] = struct{}{}
		l.wg.Add(1)
		return true
	}
	delete(l.conns, c)
	l.wg.Done()
	return true
}

// laneConn is a connection the lane reads.
type laneConn struct {
	net.Conn
	idle atomic.Bool // waiting for the first byte of a request
	in   [laneHead]byte
}

// laneOut is the buffer an answer is written from: a connection holds one
// only while it writes.
type laneOut struct{ b []byte }

var laneOuts = sync.Pool{New: func() any { return &laneOut{b: make([]byte, 0, 8<<10)} }}

// serve reads requests from c and answers them until c closes, fails, times
// out, or a request goes to net/http with c.
func (l *fastLane) serve(c *laneConn) {
	defer l.track(c, false)
	defer func() {
		if v := recover(); v != nil {
			l.s.logger.Error("fast lane panic", LogKeyError, v)
			c.Close()
		}
	}()
	var remote string // the rate limit's client key, found once
	in := c.in[:l.maxHead]
	start, end := 0, 0 // the unread bytes are in[start:end]
	first, timed := true, false
	for {
		n, ok := headEnd(in[start:end])
		if !ok {
			l.handOff(c, in[start:end])
			return
		}
		if n == 0 { // no whole head yet: read
			if start > 0 {
				end = copy(in, in[start:end])
				start = 0
			}
			if end == len(in) {
				l.handOff(c, in[:end])
				return
			}
			switch {
			case end == 0 && !first:
				// Between requests: the idle timeout, and a shutdown may close c.
				if l.idleTimeout > 0 {
					c.SetReadDeadline(time.Now().Add(l.idleTimeout))
				} else {
					c.SetReadDeadline(time.Time{})
				}
				c.idle.Store(true)
				if l.closing.Load() {
					c.Close()
					return
				}
			case !timed:
				// The head has begun: the header timeout, from now.
				c.idle.Store(false)
				if l.headerTimeout > 0 {
					c.SetReadDeadline(time.Now().Add(l.headerTimeout))
				} else {
					c.SetReadDeadline(time.Time{})
				}
				timed = true
			}
			m, err := c.Read(in[end:])
			end += m
			if err != nil {
				c.Close()
				return
			}
			if m > 0 && c.idle.Load() {
				c.idle.Store(false)
				timed = false
			}
			continue
		}
		first, timed = false, false
		c.idle.Store(false)
		var q fastRequest
		if !parseFast(in[start:start+n], &q) {
			l.handOff(c, in[start:end])
			return
		}
		q.close = q.close || l.closing.Load()
		if !l.answer(c, &q, &remote) {
			l.handOff(c, in[start:end])
			return
		}
		start += n
		if q.close {
			c.Close()
			return
		}
	}
}

// handOff gives c to net/http with the bytes read from it and not
// answered, clearing the deadlines the lane set.
func (l *fastLane) handOff(c *laneConn, pending []byte) {
	c.SetDeadline(time.Time{})
	hc := &handedConn{Conn: c.Conn, pending: bytes.Clone(pending)}
	l.handedOff.Add(1) // before net/http can answer
	if l.closing.Load() || !l.handoff.give(hc) {
		l.handedOff.Add(-1)
		c.Close()
	}
}

// answer writes the answer to q when it names a version and the client is
// within the rate limit, and reports whether it did; false leaves q to net/http,
// nothing written. remote is the client's key in the rate limit, found on
// first use.
func (l *fastLane) answer(c *laneConn, q *fastRequest, remote *string) bool {
	start := time.Now()
	s := l.s
	route, g, rp, cc := l.find(q.path)
	if rp == nil {
		return false
	}
	if s.limiter != nil {
		if *remote == "" {
			*remote = clientKeyOf(c.RemoteAddr().String())
		}
		if ok, _ := s.limiter.allow(*remote); !ok {
			return false // net/http answers 429
		}
	}

	etag, clen, body := rp.etag[0], rp.clen[0], rp.body
	gz := rp.gzipFor(q.acceptEncoding[:q.nAcceptEncoding])
	if gz {
		etag, clen, body = rp.etagGz[0], rp.clenGz[0], rp.gz
	}
	status := http.StatusOK
	if q.nIfNoneMatch > 0 && etagMatch(q.ifNoneMatch[:q.nIfNoneMatch], etag) {
		status = http.StatusNotModified
	}

	// The header, in net/http's order: its own keys sorted, then Date.
	buf := laneOuts.Get().(*laneOut)
	defer laneOuts.Put(buf)
	out := buf.b[:0]
	if status == http.StatusOK {
		out = append(out, "HTTP/1.1 200 OK\r\n"...)
	} else {
		out = append(out, "HTTP/1.1 304 Not Modified\r\n"...)
	}
	out = append(out, "Access-Control-Allow-Origin: *\r\nAccess-Control-Expose-Headers: ETag, X-Request-ID\r\nCache-Control: "...)
	out = append(out, cc...)
	if status == http.StatusOK {
		if gz {
			out = append(out, "\r\nContent-Encoding: gzip"...)
		}
		out = append(out, "\r\nContent-Length: "...)
		out = append(out, clen...)
		out = append(out, "\r\nContent-Type: "...)
		out = append(out, rp.ctype[0]...)
	}
	out = append(out, "\r\nEtag: "...)
	out = append(out, etag...)
	if rp.gz != nil {
		out = append(out, "\r\nVary: Accept-Encoding"...)
	}
	out = append(out, "\r\nX-Request-Id: "...)
	idAt := len(out)
	if validRequestID(q.requestID) {
		out = append(out, q.requestID...)
	} else {
		out = s.appendRequestID(out)
	}
	idEnd := len(out)
	out = append(out, "\r\n"+HeaderGeneration+": "...)
	out = append(out, g.header[0]...)
	if q.close {
		out = append(out, "\r\nConnection: close"...)
	}
	out = append(out, "\r\nDate: "...)
	out = l.date.append(out, start)
	out = append(out, "\r\n\r\n"...)
	sent := 0
	if status == http.StatusOK && !q.head {
		sent = len(body)
		if len(body) <= laneCopyMax {
			out = append(out, body...)
			body = nil
		}
	}
	buf.b = out

	// Counted and logged before the client can see the answer, as the
	// middleware does before net/http flushes it.
	l.answered.Add(1)
	d := time.Since(start)
	method := http.MethodGet
	if q.head {
		method = http.MethodHead
	}
	s.metrics.request(route, method, status, d)
	if h := s.logger.Handler(); h.Enabled(context.Background(), slog.LevelInfo) {
		s.logLine(context.Background(), string(out[idAt:idEnd]), method, route, status, int64(sent), "", "", start, d)
	}
	if l.writeTimeout > 0 {
		c.SetWriteDeadline(start.Add(l.writeTimeout))
	}
	var err error
	if sent > 0 && body != nil {
		bufs := net.Buffers{out, body}
		_, err = bufs.WriteTo(c.Conn)
	} else {
		_, err = c.Conn.Write(out)
	}
	if err != nil {
		q.close = true
	}
	return true
}

// find returns what answers a GET of path when the lane answers it: its
// route, its generation, the rep and its Cache-Control; a nil rep
// otherwise. What is not loaded yet loads as net/http's handler would load
// it, and the connection stays on the lane; an error is net/http's to
// answer.
func (l *fastLane) find(path string) (route string, g *generation, rp *rep, cc string) {
	s := l.s
	ctx := context.Background()
	g, err := s.current(ctx)
	if err != nil {
		return "", nil, nil, ""
	}
	if path == laneRouteSchemas {
		sl, err := s.schemaList(ctx, g)
		if err != nil {
			return "", nil, nil, ""
		}
		return laneRouteSchemas, g, sl.rep, s.hdr.short[0]
	}
	rest, ok := strings.CutPrefix(path, "/schema/")
	if !ok {
		return "", nil, nil, ""
	}
	route, cc = laneRouteVersion, cacheImmutable
	id, version, named := strings.Cut(rest, "/")
	if !named {
		route, version = laneRouteLatest, latest
	}
	if version == latest {
		cc = s.hdr.short[0]
	}
	// The entry's id from here on: id views the connection's buffer, and
	// the cache keeps the keys it is given.
	e := g.byID[id]
	if e == nil || strings.IndexByte(version, '/') >= 0 {
		return "", nil, nil, ""
	}
	_, info, err := s.version(ctx, g, e.ID, version)
	if err != nil {
		return "", nil, nil, ""
	}
	if rp, err = s.schemaRep(ctx, e.ID, info); err != nil {
		return "", nil, nil, ""
	}
	return route, g, rp, cc
}

// laneCopyMax is the largest body copied after its header into one write;
// a larger one is written from where it is, in the same call (writev).
const laneCopyMax = 16 << 10

// handoffListener is the listener net/http serves: it yields the
// connections the lane hands off.
type handoffListener struct {
	addr  net.Addr
	conns chan net.Conn
	done  chan struct{}
	once  sync.Once
	err   error // why the listener ended; set before done closes
}

func (h *handoffListener) Accept() (net.Conn, error) {
	select {
	case c := <-h.conns:
		return c, nil
	case <-h.done:
		return nil, h.err
	}
}

// give hands c to net/http; false when the listener is closed.
func (h *handoffListener) give(c net.Conn) bool {
	select {
	case h.conns <- c:
		return true
	case <-h.done:
		return false
	}
}

// end closes the listener: Accept returns err.
func (h *handoffListener) end(err error) {
	h.once.Do(func() {
		h.err = err
		close(h.done)
	})
}

func (h *handoffListener) Close() error {
	h.end(net.ErrClosed)
	return nil
}

func (h *handoffListener) Addr() net.Addr { return h.addr }

// handedConn is a connection net/http serves after the lane: its first
// reads return the bytes the lane read and did not answer.
type handedConn struct {
	net.Conn
	pending []byte
}

func (c *handedConn) Read(p []byte) (int, error) {
	if len(c.pending) > 0 {
		n := copy(p, c.pending)
		c.pending = c.pending[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// CloseWrite lets net/http half-close the connection, as it does a TCP one.
func (c *handedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return c.Conn.Close()
}

// dateCache is the Date header of the current second, formatted once.
type dateCache struct{ v atomic.Pointer[dateValue] }

type dateValue struct {
	sec int64
	b   []byte
}

func (d *dateCache) append(dst []byte, now time.Time) []byte {
	sec := now.Unix()
	v := d.v.Load()
	if v == nil || v.sec != sec {
		v = &dateValue{sec: sec, b: now.UTC().AppendFormat(nil, http.TimeFormat)}
		d.v.Store(v)
	}
	return append(dst, v.b...)
}

// fastRequest is what the lane reads of a request. Its strings view the
// connection's buffer: they live while the request is answered, and
// nothing else keeps them.
type fastRequest struct {
	head           bool // HEAD, else GET
	path           string
	close          bool // Connection: close
	requestID      string
	acceptEncoding [laneValues]string
	ifNoneMatch    [laneValues]string

	nAcceptEncoding, nIfNoneMatch int
}

// laneValues bounds how many lines of Accept-Encoding, and of
// If-None-Match, a request the lane answers has.
const laneValues = 4

// headEnd returns the length of the head at the start of b, through its
// empty line, or 0 when b holds no whole head yet. ok is false when b has
// a line that does not end in CRLF, which net/http reads otherwise.
func headEnd(b []byte) (n int, ok bool) {
	from := 0
	for {
		i := bytes.IndexByte(b[from:], '\n')
		if i < 0 {
			return 0, true
		}
		i += from
		if i == 0 || b[i-1] != '\r' {
			return 0, false
		}
		if i >= 3 && b[i-2] == '\n' && b[i-3] == '\r' {
			return i + 1, true
		}
		if i == 1 { // a head starting with an empty line
			return 0, false
		}
		from = i + 1
	}
}

// view is b as a string, without a copy: valid while b is not written.
func view(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}

// parseFast reads a head (through its empty line) into q, and reports
// whether the lane may answer it. It takes a subset of what net/http
// takes, read the same way: GET or HEAD of an origin-form path of
// unreserved characters, HTTP/1.1, one valid Host, header names that are
// tokens and values free of control characters, and none of the headers
// that give a request a body, an expectation or another protocol.
func parseFast(head []byte, q *fastRequest) bool {
	line, rest := cutCRLF(head)
	switch {
	case bytes.HasPrefix(line, []byte("GET ")):
		line = line[4:]
	case bytes.HasPrefix(line, []byte("HEAD ")):
		q.head, line = true, line[5:]
	default:
		return false
	}
	target, proto, ok := bytes.Cut(line, []byte(" "))
	if !ok || string(proto) != "HTTP/1.1" || len(target) == 0 || target[0] != '/' {
		return false
	}
	for _, c := range target {
		if !laneTarget(c) {
			return false
		}
	}
	q.path = view(target)
	hosts := 0
	for len(rest) > 2 {
		line, rest = cutCRLF(rest)
		colon := bytes.IndexByte(line, ':')
		if colon <= 0 {
			return false
		}
		name := line[:colon]
		for _, c := range name {
			if !laneToken(c) {
				return false
			}
		}
		value := bytes.Trim(line[colon+1:], " \t")
		for _, c := range value {
			if c < ' ' && c != '\t' || c == 0x7f {
				return false
			}
		}
		switch {
		case equalFold(name, "host"):
			hosts++
			if len(value) == 0 {
				return false
			}
			for _, c := range value {
				if !laneHost(c) {
					return false
				}
			}
		case equalFold(name, "connection"):
			for _, t := range bytes.Split(value, []byte(",")) {
				t = bytes.Trim(t, " \t")
				switch {
				case len(t) == 0, equalFold(t, "keep-alive"):
				case equalFold(t, "close"):
					q.close = true
				default:
					return false
				}
			}
		case equalFold(name, "accept-encoding"):
			if q.nAcceptEncoding == laneValues {
				return false
			}
			q.acceptEncoding[q.nAcceptEncoding] = view(value)
			q.nAcceptEncoding++
		case equalFold(name, "if-none-match"):
			if q.nIfNoneMatch == laneValues {
				return false
			}
			q.ifNoneMatch[q.nIfNoneMatch] = view(value)
			q.nIfNoneMatch++
		case equalFold(name, "x-request-id"):
			if q.requestID == "" {
				q.requestID = view(value)
			}
		case equalFold(name, "content-length"), equalFold(name, "transfer-encoding"), equalFold(name, "content-encoding"),
			equalFold(name, "expect"), equalFold(name, "upgrade"), equalFold(name, "te"), equalFold(name, "trailer"),
			equalFold(name, "http2-settings"):
			return false
		}
	}
	return hosts == 1 && string(rest) == "\r\n"
}

// cutCRLF splits b at its first CRLF.
func cutCRLF(b []byte) (line, rest []byte) {
	i := bytes.Index(b, []byte("\r\n"))
	if i < 0 {
		return b, nil
	}
	return b[:i], b[i+2:]
}

// equalFold reports whether b is s, ASCII case aside; s is lower case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// laneTarget reports whether c may be in a path the lane answers: letters,
// digits, and - . _ ~ /. A percent-escape, a query or anything else goes to
// net/http.
func laneTarget(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~' || c == '/'
}

// laneToken reports whether c is a tchar of RFC 9110.
func laneToken(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

// laneHost reports whether c may be in a Host the lane takes: a name, an
// IPv4 or IPv6 address, and a port.
func laneHost(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == ':' || c == '[' || c == ']' || c == '_'
}
