package server

import (
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"time"
)

// streamDeadline moves a streamed request's connection deadlines: each
// read or write may wait idle, and no read goes past end, the deadline of
// the whole request. A write may: the answer's last lines, which say the
// deadline passed, still get their idle period.
type streamDeadline struct {
	rc   *http.ResponseController
	idle time.Duration
	end  time.Time
}

// next returns the deadline of the next read or write.
func (d *streamDeadline) next() time.Time {
	t := time.Now().Add(d.idle)
	if t.After(d.end) {
		return d.end
	}
	return t
}

// read sets the deadline of the next read of the body.
func (d *streamDeadline) read() { d.rc.SetReadDeadline(d.next()) }

// write sets the deadline of the next write of the answer.
func (d *streamDeadline) write() { d.rc.SetWriteDeadline(time.Now().Add(d.idle)) }

// deadlineReader sets the read deadline before each read of the body, so
// that the client must send bytes at least every idle period: trickling a
// few bytes does not keep the connection beyond the request's deadline.
type deadlineReader struct {
	r  io.ReadCloser
	dl *streamDeadline
}

func (r *deadlineReader) Read(p []byte) (int, error) {
	r.dl.read()
	return r.r.Read(p)
}

func (r *deadlineReader) Close() error { return r.r.Close() }

// isTimeout reports whether err is a connection deadline that passed.
func isTimeout(err error) bool {
	if errors.Is(err, os.ErrDeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// bodyErrorMessage is what a client reads of an error reading its body:
// never the error's own text, which names the server's socket addresses.
func bodyErrorMessage(err error) string {
	switch {
	case isTimeout(err):
		return "the body did not arrive in time; the server's read timeouts cut it off"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "the body ended early"
	}
	return "the connection failed while the body was read"
}
