package server

import (
	"io"
	"sync"
	"time"
)

// Bounds of a LogBuffer.
const (
	// logKick is how many bytes waiting wake the writer before its interval.
	logKick = 64 << 10
	// logMax is how many bytes may wait; a write beyond waits for the writer.
	logMax = 8 << 20
)

// LogBuffer is the output of a request log: one log record per request,
// from every request at once. Writes go to memory, and a goroutine hands
// them on to the underlying writer every interval, or sooner when 64 KiB
// are waiting, so that requests do not queue on the lock of a log file or
// a pipe (as nginx's access_log buffer= does). Each Write is passed on
// whole: a record is never split. When 8 MiB are waiting, Write blocks
// until they are written. Close writes what is waiting.
type LogBuffer struct {
	w io.Writer

	mu      sync.Mutex
	buf     []byte
	spare   []byte
	flushed *sync.Cond // signalled after each hand-over
	closed  bool

	kick     chan struct{}
	stop     chan struct{}
	stopOnce sync.Once
	done     chan struct{}
}

// NewLogBuffer returns a LogBuffer writing to w every interval (0: 100ms).
func NewLogBuffer(w io.Writer, interval time.Duration) *LogBuffer {
	if interval <= 0 {
		interval = 100 * time.Millisecond
	}
	b := &LogBuffer{w: w, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	b.flushed = sync.NewCond(&b.mu)
	go b.run(interval)
	return b
}

// Write implements io.Writer.
func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	for len(b.buf) >= logMax && !b.closed {
		b.wake()
		b.flushed.Wait()
	}
	if b.closed {
		b.mu.Unlock()
		return b.w.Write(p)
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= logKick {
		b.wake()
	}
	b.mu.Unlock()
	return len(p), nil
}

func (b *LogBuffer) wake() {
	select {
	case b.kick <- struct{}{}:
	default:
	}
}

func (b *LogBuffer) run(interval time.Duration) {
	defer close(b.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-b.stop:
			b.flush()
			return
		case <-t.C:
		case <-b.kick:
		}
		b.flush()
	}
}

// flush hands what is waiting to the writer, outside the lock.
func (b *LogBuffer) flush() {
	b.mu.Lock()
	out := b.buf
	b.buf, b.spare = b.spare[:0], nil
	b.mu.Unlock()
	if len(out) > 0 {
		b.w.Write(out)
	}
	b.mu.Lock()
	if cap(out) <= 4*logKick {
		b.spare = out[:0]
	}
	b.flushed.Broadcast()
	b.mu.Unlock()
}

// Close writes what is waiting; later writes go to the writer directly.
func (b *LogBuffer) Close() error {
	b.stopOnce.Do(func() { close(b.stop) })
	<-b.done
	b.mu.Lock()
	b.closed = true
	out := b.buf
	b.buf = nil
	b.flushed.Broadcast()
	b.mu.Unlock()
	if len(out) > 0 {
		_, err := b.w.Write(out)
		return err
	}
	return nil
}
