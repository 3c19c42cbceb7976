package server

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/schemareg/schemareg/internal/etcdtest"
	"github.com/schemareg/schemareg/server/internal/testrepo"
)

// benchServer is a Server over an etcd the syncer filled, without Run.
func benchServer(b *testing.B) *Server {
	b.Helper()
	cli := etcdtest.Start(b).Client(b)
	repo, err := testrepo.Build(b.TempDir(), "../schemas", 0)
	if err != nil {
		b.Fatal(err)
	}
	bn, err := repo.Compile(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if _, err := testrepo.Publish(context.Background(), cli, bn); err != nil {
		b.Fatal(err)
	}
	return New(cli, testLogger(b), Options{MaxBatch: 1 << 40})
}

// tickRows returns n ticks_v1 rows, one in 10 invalid.
func tickRows(n int) []byte {
	var buf bytes.Buffer
	sides := []string{"B", "S"}
	for i := range n {
		if i%10 == 9 {
			fmt.Fprintf(&buf, `{"ts":"2026-01-02T15:04:05.%06dZ","symbol":"AAPL","price":-1,"size":%d,"side":"X"}`+"\n", i%1000000, i)
			continue
		}
		fmt.Fprintf(&buf, `{"ts":"2026-01-02T15:04:05.%06dZ","symbol":"AAPL","price":187.%d,"size":%d,"side":%q,"exchange":"XNAS"}`+"\n",
			i%1000000, i%100, 100+i%900, sides[i%2])
	}
	return buf.Bytes()
}

// discardWriter is a ResponseWriter that keeps only the size of the body.
type discardWriter struct {
	h http.Header
	n int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(int)             {}
func (w *discardWriter) Write(p []byte) (int, error) { w.n += len(p); return len(p), nil }
func (w *discardWriter) Flush()                      {}

// BenchmarkValidateNDJSON reports the rows per second one NDJSON batch of
// ticks_v1 rows is checked at, through the whole handler. Run it with
// -cpu 1 for the figure of one core.
func BenchmarkValidateNDJSON(b *testing.B) {
	s := benchServer(b)
	h := s.Handler()
	const rows = 10000
	body := tickRows(rows)
	run := func() int {
		req := httptest.NewRequest(http.MethodPost, "/schema/ticks_v1/compat", bytes.NewReader(body))
		req.Header.Set("Content-Type", typeNDJSON)
		w := &discardWriter{h: http.Header{}}
		h.ServeHTTP(w, req)
		return w.n
	}
	if n := run(); n < rows*30 { // warm the validator, check the answer
		b.Fatalf("answer of %d bytes for %d rows", n, rows)
	}
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		run()
	}
	b.ReportMetric(float64(rows*b.N)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkGetCached is the cached hot path of GET /schema/{id}/{version}
// through the whole handler, without the network.
func BenchmarkGetCached(b *testing.B) {
	for _, tc := range []struct{ name, path, inm, ae string }{
		{"Version", "/schema/ticks_v1/1.1.1", "", ""},
		{"VersionGzip", "/schema/ticks_v1/1.1.1", "", "gzip"},
		{"NotModified", "/schema/ticks_v1/1.1.1", "etag", ""},
		{"Schemas", "/schemas", "", ""},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := benchServer(b)
			h := s.Handler()
			req := httptest.NewRequest(http.MethodGet, tc.path, nil)
			if tc.ae != "" {
				req.Header.Set("Accept-Encoding", tc.ae)
			}
			w := &discardWriter{h: http.Header{}}
			h.ServeHTTP(w, req)
			if tc.inm != "" {
				req.Header.Set("If-None-Match", w.h.Get("ETag"))
			}
			b.ReportAllocs()
			for b.Loop() {
				w := &discardWriter{h: http.Header{}}
				h.ServeHTTP(w, req)
			}
		})
	}
}

// BenchmarkRateLimit measures the rate limit's cost per request as the
// number of client addresses grows: it stays flat.
func BenchmarkRateLimit(b *testing.B) {
	for _, n := range []int{100, 35000} {
		b.Run(fmt.Sprintf("%daddresses", n), func(b *testing.B) {
			l := newLimiter(1e9, 0, 0, time.Now)
			addrs := make([]string, n)
			for i := range addrs {
				addrs[i] = clientAddr(i)
			}
			b.ReportAllocs()
			b.RunParallel(func(pb *testing.PB) {
				i := 0
				for pb.Next() {
					l.allow(addrs[i%n])
					i += 7919
				}
			})
		})
	}
}

// BenchmarkFastLane is a cached GET of a version answered by the fast
// lane, over loopback TCP on one connection, with the request log as
// schemareg serve writes it (JSON) and without one. The client allocates
// nothing: allocs/op are the server's.
func BenchmarkFastLane(b *testing.B) {
	for _, tc := range []struct {
		name string
		log  *slog.Logger
	}{
		{"Logged", slog.New(slog.NewJSONHandler(io.Discard, nil))},
		{"Unlogged", slog.New(slog.NewJSONHandler(io.Discard, &slog.HandlerOptions{Level: slog.LevelWarn}))},
	} {
		b.Run(tc.name, func(b *testing.B) {
			s := benchServer(b)
			s.logger = tc.log
			url := serveLoopback(b, s)
			c, err := net.Dial("tcp", strings.TrimPrefix(url, "http://"))
			if err != nil {
				b.Fatal(err)
			}
			defer c.Close()
			req := []byte("GET /schema/ticks_v1/1.1.1 HTTP/1.1\r\nHost: registry\r\nAccept-Encoding: gzip\r\nX-Request-Id: bench\r\n\r\n")
			var n int64
			for range 2 { // the first loads the cache; both tell the answer's length
				c.Write(req)
				cr := &countingReader{r: c}
				resp, err := http.ReadResponse(bufio.NewReader(cr), nil)
				if err != nil || resp.StatusCode != http.StatusOK {
					b.Fatalf("warm-up: %v %v", resp, err)
				}
				io.Copy(io.Discard, resp.Body)
				n = cr.n
			}
			if s.lane.Load().answered.Load() == 0 {
				b.Fatal("the lane answered nothing")
			}
			buf := make([]byte, n)
			b.ReportAllocs()
			for b.Loop() {
				c.Write(req)
				if _, err := io.ReadFull(c, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
