package server

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCacheEvicts(t *testing.T) {
	c := newCache(1000, 0, time.Now)
	for i := range 50 {
		c.put(ckey{kind: kindSchema, a: string(rune('a' + i))}, i, 100)
		if st := c.stats(); st.Bytes > 1000 {
			t.Fatalf("after %d puts the cache holds %d bytes, over its bound", i+1, st.Bytes)
		}
	}
	st := c.stats()
	if st.Evictions == 0 || st.Entries*100 != int(st.Bytes) {
		t.Errorf("stats %+v", st)
	}
	// The entry just stored survives its own eviction.
	if _, _, ok := c.get(ckey{kind: kindSchema, a: string(rune('a' + 49))}); !ok {
		t.Error("the last entry was evicted")
	}
}

func TestCacheDropsOtherGenerations(t *testing.T) {
	c := newCache(1<<20, 0, time.Now)
	for _, gen := range []string{"sha256:old", "sha256:new"} {
		c.put(ckey{kind: kindPage, a: gen}, gen, 100)
		c.put(ckey{kind: kindCompat, a: gen, b: "1.0.0"}, gen, 100)
		c.put(ckey{kind: kindVersions, a: "x", b: gen}, gen, 100)
	}
	c.dropGenerations("sha256:new")
	for _, k := range []ckey{{kind: kindPage, a: "sha256:old"}, {kind: kindCompat, a: "sha256:old", b: "1.0.0"}} {
		if _, _, ok := c.get(k); ok {
			t.Errorf("%+v of the replaced generation is still cached", k)
		}
	}
	// The new generation's entries stay, and what is not scoped to one.
	if st := c.stats(); st.Entries != 4 || st.Bytes != 400 {
		t.Errorf("stats %+v, want the 4 other entries", st)
	}
}

func TestCacheTTLAndStaleIfError(t *testing.T) {
	var clock syncClock
	clock.set(time.Unix(1000, 0))
	c := newCache(1<<20, time.Minute, clock.now)
	k := ckey{kind: kindVersions, a: "x"}
	fills := 0
	fill := func(v string, err error) func(context.Context) (any, int64, error) {
		return func(context.Context) (any, int64, error) {
			fills++
			return v, 1, err
		}
	}
	ctx := t.Context()
	if v, err := c.load(ctx, k, fill("one", nil)); v != "one" || err != nil {
		t.Fatalf("load: %v, %v", v, err)
	}
	if v, _ := c.load(ctx, k, fill("two", nil)); v != "one" || fills != 1 {
		t.Fatalf("a fresh entry was filled again: %v after %d fills", v, fills)
	}
	clock.set(time.Unix(1000, 0).Add(2 * time.Minute))
	down := errors.New("etcd down")
	if v, err := c.load(ctx, k, fill("", down)); v != "one" || err != nil {
		t.Fatalf("expired entry with etcd down: %v, %v; want the stale value", v, err)
	}
	if v, _ := c.load(ctx, k, fill("three", nil)); v != "three" {
		t.Fatalf("expired entry with etcd up: %v", v)
	}
	if _, err := c.load(ctx, ckey{kind: kindVersions, a: "y"}, fill("", down)); !errors.Is(err, down) {
		t.Fatalf("a miss with etcd down: %v", err)
	}
	if st := c.stats(); st.Stale != 1 || st.Hits != 1 || st.Misses != 4 {
		t.Errorf("stats %+v", st)
	}
}

func TestCacheOneFillPerKey(t *testing.T) {
	c := newCache(1<<20, 0, time.Now)
	var fills atomic.Int32
	gate := make(chan struct{})
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := c.load(t.Context(), ckey{kind: kindDoc, a: "d"}, func(context.Context) (any, int64, error) {
				fills.Add(1)
				<-gate
				return 42, 1, nil
			})
			if v != 42 || err != nil {
				t.Errorf("load: %v, %v", v, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond) // let the loads pile up on the fill
	close(gate)
	wg.Wait()
	if n := fills.Load(); n < 1 || n > 2 {
		t.Errorf("%d fills for 20 concurrent loads of one key", n)
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false}, {"gzip", true}, {"GZIP", true}, {"x-gzip", true}, {"*", true}, {"br, gzip;q=0.8", true},
		{"gzip;q=0", false}, {"gzip; q=0.0", false}, {"identity", false}, {"deflate, br", false}, {"gzipx", false},
	}
	for _, tt := range tests {
		if got := acceptsGzip([]string{tt.header}); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestETagMatch(t *testing.T) {
	const etag = `"sha256:ab"`
	tests := []struct {
		header string
		want   bool
	}{
		{etag, true}, {`W/"sha256:ab"`, true}, {`"x", "sha256:ab"`, true}, {"*", true},
		{`"sha256:ab-gz"`, false}, {`"sha256:a"`, false}, {"sha256:ab", false}, {"", false},
	}
	for _, tt := range tests {
		if got := etagMatch([]string{tt.header}, etag); got != tt.want {
			t.Errorf("etagMatch(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}
