package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// TestEventsBothTransports runs "schemareg dev" on a clone, follows GET
// /events over Server-Sent Events (as curl -N does) and over WebSocket,
// commits a new version, and expects the same event on both.
func TestEventsBothTransports(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test: runs the built binary")
	}
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	clone := filepath.Join(t.TempDir(), "repo")
	git(t, filepath.Dir(clone), "clone", "-q", root, clone)
	addr := freeAddr(t)
	start(t, clone, "dev", "--addr", addr, "--data-dir", t.TempDir())
	waitFor(t, time.Minute, "the registry ready", func() bool {
		code, _, _ := get(t, "http://"+addr+"/ready")
		return code == http.StatusOK
	})
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("GET /events: %s %s", resp.Status, resp.Header.Get("Content-Type"))
	}
	sse := bufio.NewReader(resp.Body)
	ws, _, err := websocket.Dial(ctx, "ws://"+addr+"/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()

	if kind, _ := nextSSE(t, sse); kind != "ready" {
		t.Fatalf("first SSE event %q, want ready", kind)
	}
	if m := nextWS(t, ctx, ws); m.Event != "ready" {
		t.Fatalf("first WebSocket message %+v, want ready", m)
	}

	// A new version of ticks_v1, committed as a user would.
	path := filepath.Join(clone, "schemas", "ticks_v1.json")
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	doc["version"] = "1.2.0"
	doc["properties"].(map[string]any)["seq"] = map[string]any{"type": "integer"}
	out, _ := json.MarshalIndent(doc, "", "  ")
	writeFile(t, path, string(out)+"\n")
	git(t, clone, "commit", "-q", "-am", "ticks_v1 1.2.0: an optional seq")

	kind, data := nextSSE(t, sse)
	var ev struct {
		Revision int64 `json:"revision"`
		Changes  []struct {
			ID       string   `json:"id"`
			Versions []string `json:"versions"`
		} `json:"changes"`
	}
	if err := json.Unmarshal(data, &ev); err != nil {
		t.Fatalf("SSE data %s: %v", data, err)
	}
	if kind != "generation" || len(ev.Changes) != 1 || ev.Changes[0].ID != "ticks_v1" || strings.Join(ev.Changes[0].Versions, ",") != "1.2.0" {
		t.Fatalf("SSE event %s %s, want ticks_v1 1.2.0", kind, data)
	}
	m := nextWS(t, ctx, ws)
	if m.Event != "generation" || m.ID != ev.Revision {
		t.Fatalf("WebSocket message %+v, want the SSE event %d", m, ev.Revision)
	}
}

// nextSSE returns the next event's type and data, skipping heartbeats.
func nextSSE(t *testing.T, r *bufio.Reader) (string, []byte) {
	t.Helper()
	var kind string
	var data []byte
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("read events: %v", err)
		}
		line = strings.TrimSuffix(line, "\n")
		switch {
		case line == "" && kind != "":
			return kind, data
		case strings.HasPrefix(line, "event: "):
			kind = line[len("event: "):]
		case strings.HasPrefix(line, "data: "):
			data = []byte(line[len("data: "):])
		}
	}
}

type wsMessage struct {
	Event string `json:"event"`
	ID    int64  `json:"id"`
}

func nextWS(t *testing.T, ctx context.Context, c *websocket.Conn) wsMessage {
	t.Helper()
	_, data, err := c.Read(ctx)
	if err != nil {
		t.Fatalf("read WebSocket: %v", err)
	}
	var m wsMessage
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("message %s: %v", data, err)
	}
	return m
}
