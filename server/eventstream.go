package server

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"

	"github.com/schemareg/schemareg/api"
)

// typeEventStream is the media type of Server-Sent Events.
const typeEventStream = "text/event-stream"

// maxEventID bounds a Last-Event-ID: a decimal etcd revision.
const maxEventID = 19

// eventSink is one transport of GET /events: SSE or WebSocket.
type eventSink interface {
	send(ctx context.Context, ev streamEvent) error
	heartbeat(ctx context.Context) error
}

// handleEvents answers GET /events: one event per published generation,
// as Server-Sent Events, or as WebSocket messages when the request asks to
// upgrade. A client resumes with the id of the last event it saw, in the
// Last-Event-ID header or the last_event_id query parameter (browsers
// cannot set headers on a WebSocket).
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	after, err := lastEventID(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if !s.events.acquire(s.opts.EventStreams) {
		s.writeError(w, r, errorf(ErrUnavailable, "too many event streams open (at most %d), or the server is stopping; retry later", s.opts.EventStreams))
		return
	}
	defer s.events.release()
	if _, err := s.current(r.Context()); err != nil {
		s.writeError(w, r, err)
		return
	}
	rc := http.NewResponseController(w)
	// The stream outlives the server's read timeout; a dead client is
	// noticed by a heartbeat that cannot be written.
	rc.SetReadDeadline(time.Time{})
	if isWebSocket(r) {
		rc.SetWriteDeadline(time.Time{})
		// Any origin may read the events, as any may read the API.
		c, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
		if err != nil {
			return // Accept answered the client
		}
		defer c.CloseNow()
		ctx := c.CloseRead(r.Context())
		c.SetReadLimit(1 << 10)
		s.pumpEvents(ctx, after, &wsSink{c: c, idle: s.opts.StreamIdle})
		c.Close(websocket.StatusNormalClosure, "")
		return
	}
	h := w.Header()
	h.Set("Content-Type", typeEventStream)
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return // the headers of the stream, without the stream
	}
	sse := &sseSink{w: w, rc: rc, idle: s.opts.StreamIdle}
	if err := sse.heartbeat(r.Context()); err != nil {
		return
	}
	s.pumpEvents(r.Context(), after, sse)
}

// pumpEvents sends what the hub has after after, then each new event, with
// heartbeats between, until ctx ends or a write fails.
func (s *Server) pumpEvents(ctx context.Context, after int64, sink eventSink) {
	tick := time.NewTicker(s.opts.Heartbeat)
	defer tick.Stop()
	stopped := s.events.stopped()
	for {
		evs, next, changed := s.events.since(after)
		for _, ev := range evs {
			if err := sink.send(ctx, ev); err != nil {
				return
			}
		}
		after = next
		select {
		case <-ctx.Done():
			return
		case <-stopped:
			return
		case <-changed:
		case <-tick.C:
			if err := sink.heartbeat(ctx); err != nil {
				return
			}
		}
	}
}

// lastEventID reads where a client resumes: -1 when it does not.
func lastEventID(r *http.Request) (int64, error) {
	v := r.Header.Get("Last-Event-ID")
	if v == "" {
		v = r.URL.Query().Get("last_event_id")
	}
	if v == "" {
		return -1, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 || len(v) > maxEventID {
		if len(v) > 32 {
			v = v[:32] + "..."
		}
		return 0, errorf(ErrBadRequest, "invalid Last-Event-ID %q: an event id is the decimal etcd revision of an event the server sent", v)
	}
	return n, nil
}

func isWebSocket(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Upgrade"), "websocket")
}

// sseSink writes Server-Sent Events.
type sseSink struct {
	w    http.ResponseWriter
	rc   *http.ResponseController
	idle time.Duration
	buf  []byte
}

func (s *sseSink) send(_ context.Context, ev streamEvent) error {
	data, err := json.Marshal(ev.data)
	if err != nil {
		return err
	}
	s.buf = append(s.buf[:0], "event: "...)
	s.buf = append(s.buf, ev.kind...)
	s.buf = append(s.buf, "\nid: "...)
	s.buf = strconv.AppendInt(s.buf, ev.data.Revision, 10)
	s.buf = append(s.buf, "\ndata: "...)
	s.buf = append(s.buf, data...)
	s.buf = append(s.buf, "\n\n"...)
	return s.write(s.buf)
}

func (s *sseSink) heartbeat(context.Context) error { return s.write([]byte(": heartbeat\n\n")) }

func (s *sseSink) write(b []byte) error {
	s.rc.SetWriteDeadline(time.Now().Add(s.idle))
	if _, err := s.w.Write(b); err != nil {
		return err
	}
	return s.rc.Flush()
}

// wsSink writes WebSocket text messages, one api.Message each.
type wsSink struct {
	c    *websocket.Conn
	idle time.Duration
}

func (s *wsSink) send(ctx context.Context, ev streamEvent) error {
	data, err := json.Marshal(api.Message{Event: ev.kind, ID: ev.data.Revision, Data: ev.data})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.idle)
	defer cancel()
	return s.c.Write(ctx, websocket.MessageText, data)
}

func (s *wsSink) heartbeat(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, s.idle)
	defer cancel()
	return s.c.Ping(ctx)
}
