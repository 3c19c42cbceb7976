package server

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
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
