package server

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/schemareg/schemareg/api"
)

// errLineTooLong reports an NDJSON line over the body limit.
var errLineTooLong = errors.New("line too long")

// validateStream answers an NDJSON batch: one Result line per non-blank
// input line, written as the lines are checked and flushed whenever the
// input read so far is used up. Lines are numbered from 1, blank lines
// included. The connection's deadlines move with the batch: each read of
// the body may wait StreamIdle for its bytes and each flush StreamIdle for
// the client, so a batch may run longer than the server's timeouts while
// it moves, but nothing is read after StreamTimeout.
func (s *Server) validateStream(w http.ResponseWriter, r *http.Request, v *compiledValidator) {
	rc := http.NewResponseController(w)
	rc.EnableFullDuplex() // HTTP/1.1: answer while the body still comes; HTTP/2 always may
	dl := streamDeadline{rc: rc, idle: s.opts.StreamIdle, end: time.Now().Add(s.opts.StreamTimeout)}
	h := w.Header()
	h["Content-Type"] = []string{typeNDJSON}
	h["Cache-Control"] = s.hdr.noStore
	h["X-Content-Type-Options"] = []string{"nosniff"}
	w.WriteHeader(http.StatusOK)

	br := bufio.NewReaderSize(http.MaxBytesReader(w, &deadlineReader{r: r.Body, dl: &dl}, s.opts.MaxBatch), 64<<10)
	bw := bufio.NewWriterSize(w, 32<<10)
	var st streamState
	st.maxLine = int(s.opts.MaxBody)
	checked, rejected := 0, 0
	flush := func() {
		dl.write()
		bw.Flush()
		rc.Flush()
		s.metrics.rowsChecked.Add(float64(checked))
		s.metrics.rowsRejected.Add(float64(rejected))
		checked, rejected = 0, 0
	}
	defer flush()
	for n := 1; ; n++ {
		line, err := st.readLine(br)
		if err != nil && err != errLineTooLong && len(line) == 0 {
			if err != io.EOF {
				st.out = appendStreamError(st.out[:0], err, s.opts.MaxBatch)
				bw.Write(st.out)
			}
			return
		}
		switch {
		case err == errLineTooLong:
			st.out = appendResult(st.out[:0], n, []api.DataError{{Keyword: "parse", Message: "line over " + strconv.Itoa(st.maxLine) + " bytes"}})
			rejected++
		case len(bytes.TrimSpace(line)) == 0:
			continue
		default:
			errs, perr := v.v.ValidateJSON(line)
			if perr != nil {
				errs = []api.DataError{{Keyword: "parse", Message: perr.Error()}}
			}
			if len(errs) > 0 {
				rejected++
			}
			st.out = appendResult(st.out[:0], n, errs)
		}
		checked++
		if _, werr := bw.Write(st.out); werr != nil {
			return
		}
		if br.Buffered() == 0 {
			flush()
		}
	}
}

// streamState holds a batch's buffers, reused line after line.
type streamState struct {
	long    []byte // a line longer than the read buffer
	out     []byte
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
