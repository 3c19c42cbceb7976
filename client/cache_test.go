package client

import (
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
)

func TestCacheRevalidates(t *testing.T) {
	// The latest version may change: each read asks again with
	// If-None-Match, and a 304 is served from the cache.
	var body atomic.Value
	body.Store(ticks100)
	var notModified, full atomic.Int64
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		serveBody(rec, r, body.Load().(string), typeSchema, "public, max-age=60")
		if rec.status == http.StatusNotModified {
			notModified.Add(1)
		} else {
			full.Add(1)
		}
	})
	c, _ := newTestClient(t, s.URL)
	ctx := t.Context()
	for i := range 3 {
		got, err := c.GetSchema(ctx, "ticks_v1")
		if err != nil || string(got.Body) != ticks100 {
			t.Fatalf("read %d: %v, %v", i, got, err)
		}
	}
	if s.requests() != 3 || full.Load() != 1 || notModified.Load() != 2 {
		t.Errorf("%d requests, %d with a body, %d 304s; want 3, 1, 2", s.requests(), full.Load(), notModified.Load())
	}

	body.Store(ticks110) // a new latest version: the ETag no longer matches
	got, err := c.GetSchema(ctx, "ticks_v1")
	if err != nil || got.Version != "1.1.0" || full.Load() != 2 {
		t.Errorf("after a new version: %+v, %v; %d full answers", got, err, full.Load())
	}
}

func TestCacheImmutable(t *testing.T) {
	// A version named by its number is immutable: read once.
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		serveBody(w, r, ticks100, typeSchema, "public, max-age=31536000, immutable")
	})
	c, _ := newTestClient(t, s.URL)
	for range 3 {
		if _, err := c.GetVersion(t.Context(), "ticks_v1", "1.0.0"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.ArrowSchema(t.Context(), "ticks_v1", "1.0.0"); err != nil {
		t.Fatal(err)
	}
	if s.requests() != 2 {
		t.Errorf("%d requests, want 2: one per URL", s.requests())
	}
}

func TestCacheDisabled(t *testing.T) {
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") != "" {
			t.Errorf("If-None-Match sent with the cache off")
		}
		serveBody(w, r, ticks100, typeSchema, "public, max-age=31536000, immutable")
	})
	c, _ := newTestClient(t, s.URL, WithCache(0))
	for range 2 {
		if _, err := c.GetVersion(t.Context(), "ticks_v1", "1.0.0"); err != nil {
			t.Fatal(err)
		}
	}
	if s.requests() != 2 || c.cache != nil {
		t.Errorf("%d requests with the cache off, want 2", s.requests())
	}
}

func TestCacheSkips(t *testing.T) {
	// No ETag, or no-store: nothing to revalidate, nothing kept.
	s := newCounted(t, func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/schema/plain":
			w.Write([]byte(`{"id":"plain","version":"1.0.0"}`))
		default:
			w.Header().Set("ETag", `"x"`)
			w.Header().Set("Cache-Control", "no-store")
			w.Write([]byte(`{"id":"secret","version":"1.0.0"}`))
		}
	})
	c, _ := newTestClient(t, s.URL)
	for _, id := range []string{"plain", "secret", "plain", "secret"} {
		if _, err := c.GetSchema(t.Context(), id); err != nil {
			t.Fatal(err)
		}
	}
	if s.requests() != 4 || c.cache.len() != 0 {
		t.Errorf("%d requests, %d cached; want 4, 0", s.requests(), c.cache.len())
	}
}

func TestCacheEvicts(t *testing.T) {
	c := newCache(2)
	for i := range 3 {
		c.put(fmt.Sprint(i), &reply{body: []byte{byte(i)}, etag: "e"}, false)
		if i == 1 {
			c.get("0") // 0 is now more recent than 1
		}
	}
	if _, ok := c.get("1"); ok {
		t.Error("the least recently used entry was kept")
	}
	for _, k := range []string{"0", "2"} {
		if _, ok := c.get(k); !ok {
			t.Errorf("entry %s was evicted", k)
		}
	}
	c.put("2", &reply{body: []byte("new"), etag: "f"}, true)
	if e, _ := c.get("2"); string(e.body) != "new" || !e.immutable || c.len() != 2 {
		t.Errorf("replaced entry: %+v, %d entries", e, c.len())
	}
}

// statusRecorder records the status a handler writes.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}
