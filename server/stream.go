package server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"runtime"
	"strconv"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/schemareg/schemareg/api"
	"github.com/schemareg/schemareg/compiler/validate"
)

// errLineTooLong reports an NDJSON line over the body limit.
var errLineTooLong = errors.New("line too long")

// validateStream answers an NDJSON batch: one Result line per non-blank
// input line, in input order, flushed whenever nothing checked is left to
// write. Lines are numbered from 1, blank lines included. The lines are
// read in runs (streamRun) that the server's cores check at once while the
// next run is read and the one before is written. The connection's
// deadlines move with the batch: each read of the body may wait StreamIdle
// for its bytes and each flush StreamIdle for the client, so a batch may run
// longer than the server's timeouts while it moves, but nothing is read
// after StreamTimeout.
func (s *Server) validateStream(w http.ResponseWriter, r *http.Request, v *compiledValidator) {
	rc := http.NewResponseController(w)
	rc.EnableFullDuplex() // HTTP/1.1: answer while the body still comes; HTTP/2 always may
	dl := streamDeadline{rc: rc, idle: s.opts.StreamIdle, end: time.Now().Add(s.opts.StreamTimeout)}
	// The body is read by one goroutine, checked by one per core and written
	// by this one. MaxBatch is counted here rather than by
	// http.MaxBytesReader, which would touch the ResponseWriter from the
	// reading goroutine.
	body := &batchLimit{r: &deadlineReader{r: r.Body, dl: &dl}, left: s.opts.MaxBatch, limit: s.opts.MaxBatch}
	br := bufio.NewReaderSize(body, 64<<10)
	// The first read, before the answer starts, is what tells a client that
	// sent "Expect: 100-continue" (curl does, for large bodies) to send the
	// body now rather than after its own timeout. An error is kept by br.
	br.Peek(1)
	h := w.Header()
	h["Content-Type"] = []string{typeNDJSON}
	h["Cache-Control"] = s.hdr.noStore
	h["X-Content-Type-Options"] = []string{"nosniff"}
	w.WriteHeader(http.StatusOK)

	workers := runtime.GOMAXPROCS(0)
	work, order := make(chan *streamRun, 2*workers), make(chan *streamRun, 4*workers)
	stop := make(chan struct{})
	go readRuns(br, int(s.opts.MaxBody), work, order, stop)
	for range workers {
		go func() {
			for run := range work {
				run.check(v.v, int(s.opts.MaxBody))
				run.done <- struct{}{}
			}
		}()
	}

	bw := bufio.NewWriterSize(w, 32<<10)
	checked, rejected := 0, 0
	failed := false
	for run := range order {
		<-run.done
		if !failed {
			checked, rejected = checked+run.checked, rejected+run.rejected
			_, werr := bw.Write(run.out)
			if werr == nil && run.err != nil {
				_, werr = bw.Write(appendStreamError(nil, run.err, s.opts.MaxBatch))
			}
			if werr == nil && len(order) == 0 {
				dl.write()
				werr = bw.Flush()
				rc.Flush()
			}
			if werr != nil {
				// The client is gone: stop reading, and let the runs in
				// flight finish so that nothing outlives the handler.
				failed = true
				close(stop)
				rc.SetReadDeadline(time.Now())
			}
		}
		putRun(run)
	}
	if !failed {
		dl.write()
		bw.Flush()
		rc.Flush()
	}
	s.metrics.rowsChecked.Add(float64(checked))
	s.metrics.rowsRejected.Add(float64(rejected))
}

// streamRun is a run of NDJSON lines, checked by one goroutine, and its
// answer.
type streamRun struct {
	data  []byte       // the lines' bytes
	lines []streamLine // the lines, in order
	err   error        // the read error after the last line, if any
	out   []byte       // the Result lines
	done  chan struct{}

	checked, rejected int
}

// streamLine is one line of a run: its number and its bytes in data.
type streamLine struct {
	n, start, end int
	tooLong       bool
}

// Runs end at runLines lines or runBytes bytes, or when the bytes read so
// far are used up.
const (
	runLines = 256
	runBytes = 64 << 10
)

var runPool = sync.Pool{New: func() any { return &streamRun{done: make(chan struct{}, 1)} }}

func getRun() *streamRun { return runPool.Get().(*streamRun) }

func putRun(run *streamRun) {
	if cap(run.data) > 4*runBytes || cap(run.out) > 4*runBytes {
		return // a run that held a huge line is left to the collector
	}
	run.data, run.lines, run.out, run.err = run.data[:0], run.lines[:0], run.out[:0], nil
	run.checked, run.rejected = 0, 0
	runPool.Put(run)
}

// readRuns reads the lines of br into runs and hands each to order, for
// the writer, then to work, for a checker. It closes both when the body
// ends, fails, or stop is closed.
func readRuns(br *bufio.Reader, maxLine int, work, order chan<- *streamRun, stop <-chan struct{}) {
	defer close(work)
	defer close(order)
	st := streamState{maxLine: maxLine}
	run := getRun()
	send := func() bool {
		select {
		case order <- run:
		case <-stop:
			putRun(run)
			return false
		}
		work <- run
		run = getRun()
		return true
	}
	for n := 1; ; n++ {
		line, err := st.readLine(br)
		if err != nil && err != errLineTooLong && len(line) == 0 {
			if err != io.EOF {
				run.err = err
			}
			send()
			return
		}
		switch {
		case err == errLineTooLong:
			run.lines = append(run.lines, streamLine{n: n, tooLong: true})
		case len(bytes.TrimSpace(line)) == 0:
		default:
			start := len(run.data)
			run.data = append(run.data, line...)
			run.lines = append(run.lines, streamLine{n: n, start: start, end: len(run.data)})
		}
		if len(run.lines) >= runLines || len(run.data) >= runBytes || br.Buffered() == 0 && len(run.lines) > 0 {
			if !send() {
				return
			}
		}
	}
}

// check validates the run's lines and writes their Result lines.
func (run *streamRun) check(v *validate.Validator, maxLine int) {
	for _, l := range run.lines {
		var errs []api.DataError
		if l.tooLong {
			errs = []api.DataError{{Keyword: "parse", Message: "line over " + strconv.Itoa(maxLine) + " bytes"}}
		} else {
			var perr error
			if errs, perr = v.ValidateJSON(run.data[l.start:l.end]); perr != nil {
				errs = []api.DataError{{Keyword: "parse", Message: perr.Error()}}
			}
		}
		run.checked++
		if len(errs) > 0 {
			run.rejected++
		}
		run.out = appendResult(run.out, l.n, errs)
	}
}

// batchLimit reads at most limit bytes of a batch; reading past them fails
// with the *http.MaxBytesError http.MaxBytesReader would return.
type batchLimit struct {
	r           io.Reader
	left, limit int64
}

func (b *batchLimit) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.r.Read(one[:])
		if n > 0 {
			return 0, &http.MaxBytesError{Limit: b.limit}
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.r.Read(p)
	b.left -= int64(n)
	return n, err
}

// streamState is the reader's state: the buffer of a line longer than the
// read buffer, reused line after line, and the longest line allowed.
type streamState struct {
	long    []byte
	maxLine int
}

// readLine returns the next line without its newline. A line over maxLine
// is skipped to its end and reported as errLineTooLong. The line is valid
// until the next call.
func (st *streamState) readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == nil || err == io.EOF {
		if line = trimNewline(line); len(line) > st.maxLine {
			return nil, errLineTooLong
		}
		return line, err
	}
	if err != bufio.ErrBufferFull {
		return nil, err
	}
	st.long = append(st.long[:0], line...)
	for err == bufio.ErrBufferFull {
		line, err = br.ReadSlice('\n')
		if len(st.long) <= st.maxLine {
			st.long = append(st.long, line...)
		}
	}
	if err != nil && err != io.EOF {
		return nil, err
	}
	if len(trimNewline(st.long)) > st.maxLine {
		return nil, errLineTooLong
	}
	return trimNewline(st.long), err
}

func trimNewline(b []byte) []byte {
	b = bytes.TrimSuffix(b, []byte("\n"))
	return bytes.TrimSuffix(b, []byte("\r"))
}

// appendResult appends one result line: {"line":n,"valid":b,"errors":[...]}.
func appendResult(b []byte, n int, errs []api.DataError) []byte {
	b = append(b, `{"line":`...)
	b = strconv.AppendInt(b, int64(n), 10)
	if len(errs) == 0 {
		return append(b, `,"valid":true,"errors":[]}`+"\n"...)
	}
	b = append(b, `,"valid":false,"errors":[`...)
	for i, e := range errs {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"path":`...)
		b = appendJSONString(b, e.Path)
		b = append(b, `,"keyword":`...)
		b = appendJSONString(b, e.Keyword)
		b = append(b, `,"message":`...)
		b = appendJSONString(b, e.Message)
		b = append(b, '}')
	}
	return append(b, "]}\n"...)
}

// appendStreamError appends the line that ends a batch early, in the one
// error shape.
func appendStreamError(b []byte, err error, limit int64) []byte {
	code, msg := "bad_request", "read batch: "+bodyErrorMessage(err)
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		code, msg = "too_large", "batch over "+strconv.FormatInt(limit, 10)+" bytes; the lines before this one were checked"
	case isTimeout(err):
		code = "timeout"
	}
	b = append(b, `{"error":{"code":`...)
	b = appendJSONString(b, code)
	b = append(b, `,"message":`...)
	b = appendJSONString(b, msg)
	return append(b, "}}\n"...)
}

// appendJSONString appends s as a JSON string, without HTML escaping;
// invalid UTF-8 becomes U+FFFD.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
