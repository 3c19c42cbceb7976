package server

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/google/go-cmp/cmp"

	"github.com/schemareg/schemareg/api"
)

// sseEvent is one event, or one comment, read from a stream.
type sseEvent struct {
	kind, id, comment string
	data              api.Event
}

// sseStream is an open GET /events.
type sseStream struct {
	resp *http.Response
	r    *bufio.Reader
}

func openEvents(t *testing.T, ts *testServer, headers ...string) *sseStream {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	t.Cleanup(cancel)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ts.url+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		k, v, _ := strings.Cut(h, ": ")
		req.Header.Set(k, v)
	}
	resp, err := ts.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /events: %s", resp.Status)
	}
	for k, want := range map[string]string{"Content-Type": typeEventStream, "X-Accel-Buffering": "no", "Cache-Control": "no-store"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s: %q, want %q", k, got, want)
		}
	}
	return &sseStream{resp: resp, r: bufio.NewReader(resp.Body)}
}

// next reads the next event or comment.
func (s *sseStream) next(t *testing.T) sseEvent {
	t.Helper()
	var ev sseEvent
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("read event: %v", err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "":
			return ev
		case strings.HasPrefix(line, ": "):
			ev.comment = line[2:]
		case strings.HasPrefix(line, "event: "):
			ev.kind = line[7:]
		case strings.HasPrefix(line, "id: "):
			ev.id = line[4:]
		case strings.HasPrefix(line, "data: "):
			if err := json.Unmarshal([]byte(line[6:]), &ev.data); err != nil {
				t.Fatalf("event data %s: %v", line, err)
			}
		default:
			t.Fatalf("unexpected line %q", line)
		}
	}
}

// nextEvent skips heartbeats.
func (s *sseStream) nextEvent(t *testing.T) sseEvent {
	t.Helper()
	for {
		if ev := s.next(t); ev.comment == "" {
			return ev
		}
	}
}

// commitTicks commits ticks_v1 at version with one optional property more
// than 1.1.1 per minor version, and publishes the bundle.
func commitTicks(t *testing.T, h *harness, version string, props ...string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(h.file("ticks_v1", "1.1.1"), &doc); err != nil {
		t.Fatal(err)
	}
	doc["version"] = version
	for _, p := range props {
		doc["properties"].(map[string]any)[p] = map[string]any{"type": "integer"}
	}
	data, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := h.repo.Commit("ticks_v1 "+version, map[string][]byte{"schemas/ticks_v1.json": append(data, '\n')}); err != nil {
		t.Fatal(err)
	}
	h.publish()
}

func TestEventsSSE(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	eventually(t, 5*time.Second, "Run watching", func() bool { return ts.Status().Watching })
	s := openEvents(t, ts)
	if ev := s.next(t); ev.comment != "heartbeat" {
		t.Fatalf("first: %+v, want the heartbeat that opens the stream", ev)
	}
	ready := s.nextEvent(t)
	if ready.kind != api.EventReady || ready.data.Generation != h.bundle.Manifest.Generation || len(ready.data.Changes) != 0 {
		t.Fatalf("ready: %+v", ready)
	}
	commitTicks(t, h, "1.2.0", "seq")
	ev := s.nextEvent(t)
	want := []api.EventChange{{ID: "ticks_v1", Change: api.ChangeVersions, Versions: []string{"1.2.0"}, Latest: "1.2.0"}}
	if ev.kind != api.EventGeneration || ev.data.Generation != h.bundle.Manifest.Generation {
		t.Fatalf("event %+v, want generation %s", ev, h.bundle.Manifest.Generation)
	}
	if diff := cmp.Diff(want, ev.data.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	if ev.id != strconv.FormatInt(ev.data.Revision, 10) || ev.data.Revision <= ready.data.Revision {
		t.Errorf("id %s, revision %d, after ready %d", ev.id, ev.data.Revision, ready.data.Revision)
	}

	t.Run("ResumeReplays", func(t *testing.T) {
		r := openEvents(t, ts, "Last-Event-ID: "+ready.id)
		if got := r.nextEvent(t); got.id != ev.id || got.kind != api.EventGeneration {
			t.Fatalf("resumed from %s: %+v, want event %s", ready.id, got, ev.id)
		}
	})
	t.Run("ResumeSkipsSeen", func(t *testing.T) {
		r := openEvents(t, ts, "Last-Event-ID: "+ev.id)
		r.next(t) // the opening heartbeat
		commitTicks(t, h, "1.3.0", "seq", "flag")
		got := r.nextEvent(t)
		if got.kind != api.EventGeneration || got.data.Revision <= ev.data.Revision {
			t.Fatalf("after %s: %+v, want the next generation only", ev.id, got)
		}
		if len(got.data.Changes) != 1 || !slicesEqual(got.data.Changes[0].Versions, []string{"1.3.0"}) {
			t.Errorf("changes %+v, want ticks_v1 1.3.0", got.data.Changes)
		}
	})
	t.Run("ResumeBeforeHistory", func(t *testing.T) {
		r := openEvents(t, ts, "Last-Event-ID: 1")
		if got := r.nextEvent(t); got.kind != api.EventReset || got.data.Generation != h.bundle.Manifest.Generation {
			t.Fatalf("resumed from 1: %+v, want a reset to the current generation", got)
		}
	})
}

func slicesEqual(a, b []string) bool { return strings.Join(a, ",") == strings.Join(b, ",") }

func TestEventsHead(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	r := ts.do(t, http.MethodHead, "/events", nil).wantStatus(t, http.StatusOK)
	if r.Header.Get("Content-Type") != typeEventStream || len(r.body) != 0 {
		t.Errorf("HEAD /events: %v, %d bytes", r.Header, len(r.body))
	}
}

func TestEventsBadLastEventID(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	for _, id := range []string{"abc", "-5", "99999999999999999999999", strings.Repeat("9", 5000)} {
		ts.get(t, "/events", "Last-Event-ID: "+id).wantError(t, http.StatusBadRequest, "bad_request")
	}
	ts.get(t, "/events?last_event_id=x1").wantError(t, http.StatusBadRequest, "bad_request")
}

func TestEventsStreamCap(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{EventStreams: 1})
	s := openEvents(t, ts)
	s.next(t)
	r := ts.get(t, "/events")
	r.wantError(t, http.StatusServiceUnavailable, "unavailable")
	if r.Header.Get("Retry-After") == "" {
		t.Error("503 without Retry-After")
	}
	s.resp.Body.Close()
	// The slot comes back when the stream ends.
	eventually(t, 5*time.Second, "stream released", func() bool {
		ts.Server.events.mu.Lock()
		defer ts.Server.events.mu.Unlock()
		return ts.Server.events.streams == 0
	})
	openEvents(t, ts).next(t)
}

func TestEventsHeartbeat(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{Heartbeat: 10 * time.Millisecond})
	s := openEvents(t, ts)
	beats := 0
	for beats < 3 {
		if ev := s.next(t); ev.comment == "heartbeat" {
			beats++
		}
	}
}

func TestEventsWebSocket(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	eventually(t, 5*time.Second, "Run watching", func() bool { return ts.Status().Watching })
	ctx, cancel := context.WithTimeout(t.Context(), 20*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.url, "http")+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	read := func() api.Message {
		t.Helper()
		typ, data, err := c.Read(ctx)
		if err != nil || typ != websocket.MessageText {
			t.Fatalf("read: %v %v", typ, err)
		}
		var m api.Message
		if err := json.Unmarshal(data, &m); err != nil {
			t.Fatalf("message %s: %v", data, err)
		}
		return m
	}
	ready := read()
	if ready.Event != api.EventReady || ready.ID != ready.Data.Revision {
		t.Fatalf("ready: %+v", ready)
	}
	commitTicks(t, h, "1.2.0", "seq")
	m := read()
	want := []api.EventChange{{ID: "ticks_v1", Change: api.ChangeVersions, Versions: []string{"1.2.0"}, Latest: "1.2.0"}}
	if m.Event != api.EventGeneration || m.ID <= ready.ID {
		t.Fatalf("message %+v after ready %d", m, ready.ID)
	}
	if diff := cmp.Diff(want, m.Data.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
	c.Close(websocket.StatusNormalClosure, "")

	// Resuming over WebSocket takes the id as a query parameter.
	c2, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.url, "http")+"/events?last_event_id="+strconv.FormatInt(ready.ID, 10), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c2.CloseNow()
	c = c2
	if got := read(); got.ID != m.ID || got.Event != api.EventGeneration {
		t.Fatalf("resumed: %+v, want %d", got, m.ID)
	}

	// The stream is one way: a message from the client closes it.
	if err := c2.Write(ctx, websocket.MessageText, []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c2.Read(ctx); websocket.CloseStatus(err) != websocket.StatusPolicyViolation {
		t.Errorf("after a client message: %v, want a close with status %d", err, websocket.StatusPolicyViolation)
	}
}

func TestEventsEndWhenRunStops(t *testing.T) {
	h := newHarness(t)
	s := New(h.cli, testLogger(t), Options{ProbeInterval: 100 * time.Millisecond})
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() {
		defer close(done)
		s.Run(ctx)
	}()
	ts := startServer(t, s, false)
	st := openEvents(t, ts)
	if ev := st.nextEvent(t); ev.kind != api.EventReady {
		t.Fatalf("first event %+v", ev)
	}
	cancel()
	<-done
	// The stream ends by itself: a graceful shutdown does not wait for it.
	for {
		line, err := st.r.ReadString('\n')
		if err != nil {
			break
		}
		if strings.HasPrefix(line, "event: ") {
			t.Fatalf("event after stop: %q", line)
		}
	}
	ts.get(t, "/events").wantError(t, http.StatusServiceUnavailable, "unavailable")
}

func TestEventsAddedSchema(t *testing.T) {
	h := newHarness(t)
	ts := h.server(Options{})
	eventually(t, 5*time.Second, "Run watching", func() bool { return ts.Status().Watching })
	s := openEvents(t, ts)
	if ev := s.nextEvent(t); ev.kind != api.EventReady {
		t.Fatalf("first event %+v", ev)
	}
	doc := `{"id": "orders_v1", "version": "1.0.0", "type": "object", "properties": {"id": {"type": "string"}}}` + "\n"
	if _, err := h.repo.Commit("orders_v1", map[string][]byte{"schemas/orders_v1.json": []byte(doc)}); err != nil {
		t.Fatal(err)
	}
	h.publish()
	ev := s.nextEvent(t)
	want := []api.EventChange{{ID: "orders_v1", Change: api.ChangeAdded, Versions: []string{"1.0.0"}, Latest: "1.0.0"}}
	if diff := cmp.Diff(want, ev.data.Changes); diff != "" {
		t.Errorf("changes (-want +got):\n%s", diff)
	}
}

func TestEventHubHistory(t *testing.T) {
	var h eventHub
	h.publish(api.Event{Revision: 10}, true)
	for rev := int64(11); rev < 11+eventHistory+10; rev++ {
		h.publish(api.Event{Revision: rev, Changes: []api.EventChange{{ID: "a"}}}, false)
	}
	last := int64(10 + eventHistory + 10)
	tests := []struct {
		name      string
		after     int64
		wantKinds int
		wantFirst string
		wantNext  int64
	}{
		{"FromNow", -1, 1, api.EventReady, last},
		{"BeforeHistory", 10, 1, api.EventReset, last},
		{"OldestKept", last - eventHistory, eventHistory, api.EventGeneration, last},
		{"Latest", last, 0, "", last},
		{"Ahead", last + 5, 0, "", last + 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			evs, next, _ := h.since(tt.after)
			if len(evs) != tt.wantKinds || next != tt.wantNext || len(evs) > 0 && evs[0].kind != tt.wantFirst {
				t.Fatalf("since(%d): %d events, next %d; want %d, %d", tt.after, len(evs), next, tt.wantKinds, tt.wantNext)
			}
			for i := 1; i < len(evs); i++ {
				if evs[i].data.Revision != evs[i-1].data.Revision+1 {
					t.Fatalf("event %d: revision %d after %d", i, evs[i].data.Revision, evs[i-1].data.Revision)
				}
			}
		})
	}
	h.publish(api.Event{Revision: 5}, false) // older than the one served
	if evs, _, _ := h.since(last); len(evs) != 0 {
		t.Errorf("an older generation became an event: %+v", evs)
	}
}

// TestEventsOutliveServerTimeouts: a stream lasts longer than the HTTP
// server's read and write timeouts, which bound ordinary requests.
func TestEventsOutliveServerTimeouts(t *testing.T) {
	h := newHarness(t)
	s := New(h.cli, testLogger(t), Options{Heartbeat: 20 * time.Millisecond, StreamIdle: time.Second})
	hs := httptest.NewUnstartedServer(s.Handler())
	hs.Config.ReadTimeout, hs.Config.WriteTimeout = 100*time.Millisecond, 100*time.Millisecond
	hs.Start()
	t.Cleanup(hs.Close)
	ts := &testServer{Server: s, url: hs.URL, client: &http.Client{}}
	st := openEvents(t, ts)
	start := time.Now()
	for beats := 0; time.Since(start) < 500*time.Millisecond; {
		if ev := st.next(t); ev.comment == "heartbeat" {
			beats++
		}
	}
}
