package client

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/schemareg/schemareg/api"
)

// maxEventBytes bounds one event of the stream.
const maxEventBytes = 16 << 20

// Event is one event of the registry's change stream, GET /events: its
// kind and its data. Revision is the event's id: resume after it with
// Watch. Changes lists what changed, by schema id; it is empty but for
// api.EventGeneration.
type Event struct {
	// Kind is api.EventReady (a stream watched from now opens with the
	// generation served), api.EventGeneration (a newly published
	// generation and its changes) or api.EventReset (events since the id
	// resumed from are no longer known to the server: read again what you
	// hold).
	Kind string
	api.Event
}

// Watch follows the registry's change stream: one api.EventGeneration per
// published generation. after is the Revision of the last event seen, 0
// to watch from now (the first event is then api.EventReady). The stream is
// reopened after a connection error, a 5xx or a 429, with backoff and
// honouring Retry-After, resuming after the last event received, so that
// no event is missed or repeated. The iterator yields an error, and ends,
// only when the server refuses the stream for good (a 4xx); it ends
// without one when ctx is done or the loop breaks.
//
//	for ev, err := range c.Watch(ctx, 0) {
//		if err != nil {
//			return err
//		}
//		fmt.Println(ev.Kind, ev.Changes)
//	}
func (c *Client) Watch(ctx context.Context, after int64) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		u, err := endpoint(c.base, "events")
		if err != nil {
			yield(Event{}, fmt.Errorf("watch: %w", err))
			return
		}
		for n := 0; ; {
			got, err := c.watchOnce(ctx, u, &after, yield)
			if got {
				n = 0
			}
			if ctx.Err() != nil || errors.Is(err, errStop) {
				return
			}
			var ae *APIError
			if errors.As(err, &ae) && !retryable(err) {
				yield(Event{}, fmt.Errorf("watch: %w", err))
				return
			}
			wait, ok := c.wait(n, err)
			if !ok {
				yield(Event{}, fmt.Errorf("watch: %w", err))
				return
			}
			n++
			c.logger.LogAttrs(ctx, slog.LevelWarn, "watch: reconnecting", slog.String(logKeyURL, u),
				slog.Duration(logKeyWait, wait), slog.Any(logKeyError, err))
			if c.sleep(ctx, wait) != nil {
				return
			}
		}
	}
}

// errStop ends a watch whose caller broke the loop.
var errStop = errors.New("stop")

// watchOnce opens the stream once and yields its events until it ends.
// It reports whether it received an event, and why it ended.
func (c *Client) watchOnce(ctx context.Context, u string, after *int64, yield func(Event, error) bool) (bool, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return false, err
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Accept", "text/event-stream")
	if *after > 0 {
		req.Header.Set("Last-Event-ID", strconv.FormatInt(*after, 10))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := readAll(resp.Body)
		return false, newAPIError(resp, body, c.now())
	}
	if ct := contentType(resp.Header.Get("Content-Type")); ct != "text/event-stream" {
		return false, fmt.Errorf("watch: answer of type %q, want text/event-stream", ct)
	}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 0, 64<<10), maxEventBytes)
	got := false
	var kind string
	var data []byte
	for sc.Scan() {
		line := sc.Bytes()
		switch {
		case len(line) == 0:
			if len(data) == 0 {
				kind = ""
				continue
			}
			ev, err := decodeEvent(kind, data)
			if err != nil {
				return got, err
			}
			kind, data = "", data[:0]
			got = true
			*after = ev.Revision
			if !yield(ev, nil) {
				return got, errStop
			}
		case line[0] == ':':
			// a heartbeat
		default:
			field, value, _ := bytes.Cut(line, []byte(":"))
			value = bytes.TrimPrefix(value, []byte(" "))
			switch string(field) {
			case "event":
				kind = string(value)
			case "data":
				if len(data) > 0 {
					data = append(data, '\n')
				}
				data = append(data, value...)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return got, fmt.Errorf("read events: %w", err)
	}
	return got, errors.New("event stream ended")
}

func decodeEvent(kind string, data []byte) (Event, error) {
	var e api.Event
	if err := decodeJSON(data, &e); err != nil {
		return Event{}, fmt.Errorf("event %q: %w", kind, err)
	}
	if e.Revision <= 0 {
		return Event{}, fmt.Errorf("event %q without a revision", kind)
	}
	return Event{Kind: kind, Event: e}, nil
}
