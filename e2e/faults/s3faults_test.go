package faults

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
)

// s3Bucket is the bucket of the loopback S3 endpoint.
const s3Bucket = "backups"

// fault is what the faulty S3 endpoint does to a request.
type fault int

const (
	// fail500 answers 500 InternalError without passing the request on.
	fail500 fault = iota
	// resetMidBody reads half the request's body, then resets the
	// connection.
	resetMidBody
	// slow waits before passing the request on.
	slow
	// flipBit flips one bit of the request's body and stores that: S3
	// answers 200 with the wrong bytes stored.
	flipBit
	// cutResponse passes the request on, sends half the response's body
	// and resets the connection.
	cutResponse
)

func (f fault) String() string {
	return [...]string{"500", "reset mid-body", "slow", "bit flipped", "response cut"}[f]
}

// rule injects a fault into the requests it matches, times times (-1:
// always).
type rule struct {
	match func(r *http.Request) bool
	fault fault
	times int
	delay time.Duration
}

// faultyS3 is a real S3 protocol endpoint on loopback (gofakes3, in memory)
// behind a handler that injects faults by rules.
type faultyS3 struct {
	URL     string
	backend *s3mem.Backend
	h       http.Handler

	mu       sync.Mutex
	rules    []*rule
	injected map[string]int
	requests []string
}

func startFaultyS3(t *testing.T) *faultyS3 {
	t.Helper()
	s := &faultyS3{backend: s3mem.New(), injected: map[string]int{}}
	if err := s.backend.CreateBucket(s3Bucket); err != nil {
		t.Fatal(err)
	}
	s.h = gofakes3.New(s.backend).Server()
	srv := httptest.NewUnstartedServer(s)
	// Killed clients make the server log; the tests check what they left.
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.Start()
	t.Cleanup(srv.Close)
	s.URL = srv.URL
	return s
}

// inject adds a rule; reset removes them all.
func (s *faultyS3) inject(r *rule) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules = append(s.rules, r)
}

func (s *faultyS3) reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rules, s.injected, s.requests = nil, map[string]int{}, nil
}

// counts returns how many faults of each kind were injected.
func (s *faultyS3) counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for k, v := range s.injected {
		out[k] = v
	}
	return out
}

func (s *faultyS3) pick(r *http.Request) *rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests = append(s.requests, r.Method+" "+r.URL.RequestURI())
	for _, rl := range s.rules {
		if rl.times != 0 && rl.match(r) {
			if rl.times > 0 {
				rl.times--
			}
			s.injected[rl.fault.String()]++
			return rl
		}
	}
	return nil
}

func (s *faultyS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rl := s.pick(r)
	if rl == nil {
		s.h.ServeHTTP(w, r)
		return
	}
	switch rl.fault {
	case fail500:
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusInternalServerError)
		fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>InternalError</Code><Message>injected fault</Message></Error>`)
	case resetMidBody:
		io.CopyN(io.Discard, r.Body, max(r.ContentLength/2, 1))
		resetConn(w)
	case slow:
		time.Sleep(rl.delay)
		s.h.ServeHTTP(w, r)
	case flipBit:
		body, _ := io.ReadAll(r.Body)
		if len(body) > 0 {
			body[len(body)/2] ^= 0x10
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		s.h.ServeHTTP(w, r)
	case cutResponse:
		rec := httptest.NewRecorder()
		s.h.ServeHTTP(rec, r)
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.Header().Set("Content-Length", strconv.Itoa(rec.Body.Len()))
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes()[:rec.Body.Len()/2])
		w.(http.Flusher).Flush()
		resetConn(w)
	}
}

// resetConn resets the request's connection: the client reads
// "connection reset by peer".
func resetConn(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

// object returns the bytes of an object, straight from the backend.
func (s *faultyS3) object(t *testing.T, key string) ([]byte, bool) {
	t.Helper()
	obj, err := s.backend.GetObject(s3Bucket, key, nil)
	if err != nil {
		return nil, false
	}
	defer obj.Contents.Close()
	data, err := io.ReadAll(obj.Contents)
	if err != nil {
		t.Fatal(err)
	}
	return data, true
}

// putObject replaces an object, straight in the backend: what a bug or an
// attacker in the storage does.
func (s *faultyS3) putObject(t *testing.T, key string, data []byte) {
	t.Helper()
	if _, err := s.backend.PutObject(s3Bucket, key, map[string]string{}, bytes.NewReader(data), int64(len(data)), nil); err != nil {
		t.Fatal(err)
	}
}

// keys lists the object keys under prefix.
func (s *faultyS3) keys(t *testing.T, prefix string) []string {
	t.Helper()
	list, err := s.backend.ListBucket(s3Bucket, &gofakes3.Prefix{HasPrefix: true, Prefix: prefix}, gofakes3.ListBucketPage{})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, c := range list.Contents {
		out = append(out, c.Key)
	}
	return out
}

// env is the AWS environment of the schemareg processes: static test
// credentials, no shared configuration.
func (s *faultyS3) env(t *testing.T) []string {
	dir := t.TempDir()
	return []string{"AWS_ACCESS_KEY_ID=test-key", "AWS_SECRET_ACCESS_KEY=test-secret", "AWS_REGION=us-east-1",
		"AWS_CONFIG_FILE=" + dir + "/config", "AWS_SHARED_CREDENTIALS_FILE=" + dir + "/credentials", "AWS_EC2_METADATA_DISABLED=true"}
}

// s3Args are the flags of snapshot and restore for the endpoint.
func (s *faultyS3) args(prefix string) []string {
	return []string{"s3://" + s3Bucket + "/" + prefix, "--s3-endpoint", s.URL, "--s3-path-style", "--s3-region", "us-east-1"}
}

// Matchers of requests.
func isPut(suffix string) func(*http.Request) bool {
	return func(r *http.Request) bool {
		return r.Method == http.MethodPut && strings.HasSuffix(r.URL.Path, suffix) && r.URL.Query().Get("uploadId") == ""
	}
}

func isPart(r *http.Request) bool {
	return r.Method == http.MethodPut && r.URL.Query().Get("partNumber") != ""
}

func isGet(suffix string) func(*http.Request) bool {
	return func(r *http.Request) bool { return r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, suffix) }
}

func isAny(*http.Request) bool { return true }
