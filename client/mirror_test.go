package client

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/schemareg/schemareg/api"
)

// mirrorFS is the api/ folder of a site with ticks_v1 1.0.0 and 1.1.0,
// and the Arrow file of 1.1.0.
func mirrorFS(t *testing.T) fstest.MapFS {
	t.Helper()
	versions, err := json.Marshal(api.VersionList{ID: "ticks_v1", Versions: []api.VersionEntry{
		{Version: "1.0.0", Digest: digestOf([]byte(ticks100)), Commit: "c1", Time: testStart.Format(time.RFC3339), Bump: "none"},
		{Version: "1.1.0", Digest: digestOf([]byte(ticks110)), Commit: "c2", Time: testStart.Add(time.Hour).Format(time.RFC3339), Bump: "minor"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	schemas, err := json.Marshal(api.SchemaList{Schemas: []api.SchemaEntry{
		{ID: "ticks_v1", Latest: "1.1.0", Digest: digestOf([]byte(ticks110)), Title: "Ticks", Compatibility: "BACKWARD"},
	}})
	if err != nil {
		t.Fatal(err)
	}
	return fstest.MapFS{
		"api/schemas.json":                  {Data: schemas},
		"api/schema/ticks_v1/versions.json": {Data: versions},
		"api/schema/ticks_v1/1.0.0.json":    {Data: []byte(ticks100)},
		"api/schema/ticks_v1/1.1.0.json":    {Data: []byte(ticks110)},
		"ticks_v1/1.1.0.arrow":              {Data: []byte("ARROW110")},
	}
}

func newMirror(t *testing.T, fs fstest.MapFS) *counted {
	t.Helper()
	return newCounted(t, http.FileServerFS(fs).ServeHTTP)
}

func TestMirrorServerDown(t *testing.T) {
	m := newMirror(t, mirrorFS(t))
	c, _ := newTestClient(t, downURL(t), WithMirror(m.URL+"/"), WithRetries(1))
	ctx := t.Context()

	s, err := c.GetSchema(ctx, "ticks_v1")
	if err != nil || s.Version != "1.1.0" || string(s.Body) != ticks110 || s.Digest != digestOf([]byte(ticks110)) {
		t.Fatalf("GetSchema from the mirror: %+v, %v", s, err)
	}
	s, err = c.GetVersion(ctx, "ticks_v1", "1.0.0")
	if err != nil || string(s.Body) != ticks100 {
		t.Errorf("GetVersion from the mirror: %+v, %v", s, err)
	}
	vs, err := c.Versions(ctx, "ticks_v1")
	if err != nil || len(vs) != 2 || vs[1].Version != "1.1.0" || vs[1].Time != "2026-03-02T10:00:00Z" {
		t.Errorf("Versions from the mirror: %+v, %v", vs, err)
	}
	l, err := c.List(ctx)
	if err != nil || len(l) != 1 || l[0].Latest != "1.1.0" {
		t.Errorf("List from the mirror: %+v, %v", l, err)
	}
	a, err := c.ArrowSchema(ctx, "ticks_v1", "latest")
	if err != nil || string(a) != "ARROW110" {
		t.Errorf("ArrowSchema from the mirror: %q, %v", a, err)
	}
	if _, err := c.ArrowSchema(ctx, "ticks_v1", "1.0.0"); !errors.Is(err, ErrNotFound) {
		t.Errorf("an Arrow file the mirror lacks: %v", err)
	}
	if _, err := c.GetSchema(ctx, "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("a schema the mirror lacks: %v", err)
	}
	if _, err := c.Compat(ctx, "ticks_v1", "1.0.0", "1.1.0"); err == nil {
		t.Error("Compat answered without a server")
	}
}

func TestMirrorCooldown(t *testing.T) {
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusServiceUnavailable, "unavailable", "etcd is unreachable and the answer is not cached; retry later")
	})
	m := newMirror(t, mirrorFS(t))
	c, clk := newTestClient(t, s.URL, WithMirror(m.URL), WithRetries(1))
	ctx := t.Context()

	if _, err := c.GetSchema(ctx, "ticks_v1"); err != nil {
		t.Fatal(err)
	}
	if s.requests() != 2 {
		t.Fatalf("%d server requests before the fallback, want 2", s.requests())
	}
	// Within the cooldown, the mirror answers first.
	clk.advance(MirrorCooldown / 2)
	if _, err := c.GetSchema(ctx, "ticks_v1"); err != nil || s.requests() != 2 {
		t.Fatalf("in the cooldown: %v, %d server requests, want 2", err, s.requests())
	}
	// What the mirror lacks, the server is asked for.
	if _, err := c.GetSchema(ctx, "quotes_v1"); err == nil || s.requests() != 4 || !strings.Contains(err.Error(), "; mirror: ") {
		t.Fatalf("in the cooldown, a schema the mirror lacks: %v, %d server requests, want 4", err, s.requests())
	}
	// After it, the server first again.
	clk.advance(MirrorCooldown)
	if _, err := c.GetSchema(ctx, "ticks_v1"); err != nil || s.requests() != 6 {
		t.Fatalf("after the cooldown: %v, %d server requests, want 6", err, s.requests())
	}
}

func TestMirrorNotUsed(t *testing.T) {
	// The server's 404 and 400 are answers: the mirror is not asked.
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/schema/Bad") {
			writeError(w, http.StatusBadRequest, "bad_request", "invalid schema id")
			return
		}
		writeError(w, http.StatusNotFound, "not_found", "no schema")
	})
	m := newMirror(t, mirrorFS(t))
	c, _ := newTestClient(t, s.URL, WithMirror(m.URL))
	if _, err := c.GetSchema(t.Context(), "ticks_v1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("404: %v", err)
	}
	if _, err := c.GetSchema(t.Context(), "Bad"); err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("400: %v", err)
	}
	if m.requests() != 0 {
		t.Errorf("%d mirror requests, want 0", m.requests())
	}
}

func TestMirrorCorrupt(t *testing.T) {
	fs := mirrorFS(t)
	fs["api/schema/ticks_v1/1.1.0.json"] = &fstest.MapFile{Data: []byte(ticks100)}
	m := newMirror(t, fs)
	c, _ := newTestClient(t, downURL(t), WithMirror(m.URL), WithRetries(0))
	if _, err := c.GetSchema(t.Context(), "ticks_v1"); !errors.Is(err, errCorrupt) {
		t.Errorf("latest whose bytes are not versions.json's digest: %v", err)
	}
}

func TestMirrorDown(t *testing.T) {
	c, clk := newTestClient(t, downURL(t), WithMirror(downURL(t)), WithRetries(1))
	_, err := c.GetSchema(t.Context(), "ticks_v1")
	if err == nil || !strings.Contains(err.Error(), "; mirror: ") || len(clk.recorded()) != 2 {
		t.Errorf("both down: %v, waits %v", err, clk.recorded())
	}
}

func TestMirrorImmutableAndLogged(t *testing.T) {
	// An immutable answer of the server is served from the cache, mirror
	// or not; a fallback is logged.
	s := newCountedN(t, func(w http.ResponseWriter, r *http.Request, n int) {
		if n == 1 {
			serveBody(w, r, ticks100, typeSchema, "public, max-age=31536000, immutable")
			return
		}
		writeError(w, http.StatusServiceUnavailable, "unavailable", "etcd is unreachable")
	})
	m := newMirror(t, mirrorFS(t))
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	c, _ := newTestClient(t, s.URL, WithMirror(m.URL), WithRetries(0), WithLogger(logger))
	for range 2 {
		if v, err := c.GetVersion(t.Context(), "ticks_v1", "1.0.0"); err != nil || string(v.Body) != ticks100 {
			t.Fatalf("GetVersion: %v", err)
		}
	}
	if s.requests() != 1 || m.requests() != 0 {
		t.Errorf("%d server and %d mirror requests, want 1 and 0", s.requests(), m.requests())
	}
	if _, err := c.GetSchema(t.Context(), "ticks_v1"); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "level=WARN msg=\"server unreachable; read the mirror\"") {
		t.Errorf("log: %s", logs.String())
	}
}
