package server

import (
	"net/http"
	"runtime"
	"strconv"
	"testing"
	"time"
)

// clientAddr returns the n-th of many distinct IPv4 addresses.
func clientAddr(n int) string {
	return "10." + strconv.Itoa(n>>16&0xff) + "." + strconv.Itoa(n>>8&0xff) + "." + strconv.Itoa(n&0xff)
}

// TestLimiterBoundedUnderManyClients: 40,000 addresses leave the table at
// its size, and a client over its limit stays limited while they come.
func TestLimiterBoundedUnderManyClients(t *testing.T) {
	var clock syncClock
	clock.set(time.Unix(1e9, 0))
	l := newLimiter(1, 2, 4096, clock.now)
	const hot = "192.0.2.1"
	for range 2 {
		if ok, _ := l.allow(hot); !ok {
			t.Fatal("the burst refused")
		}
	}
	for i := range 40000 {
		if ok, _ := l.allow(clientAddr(i)); !ok {
			t.Fatalf("new client %d refused", i)
		}
		if i%64 == 0 {
			if ok, _ := l.allow(hot); ok {
				t.Fatalf("after %d other clients, the hot client got past its limit", i)
			}
		}
	}
	n, capacity := l.clients()
	if capacity != 4096 || n > capacity {
		t.Errorf("tracks %d clients in a table of %d, want at most 4096", n, capacity)
	}
	ok, wait := l.allow(hot)
	if ok || wait <= 0 || wait > time.Second {
		t.Errorf("hot client: allowed %v, wait %v; want refused, wait within a second", ok, wait)
	}
	clock.set(time.Unix(1e9, 0).Add(time.Second))
	if ok, _ := l.allow(hot); !ok {
		t.Error("a second later the hot client is still refused")
	}
}

// TestLimiterMemoryBounded: the heap the table holds does not grow with
// the number of addresses past its size.
func TestLimiterMemoryBounded(t *testing.T) {
	l := newLimiter(100, 0, 1024, time.Now)
	heap := func() uint64 {
		runtime.GC()
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapAlloc
	}
	for i := range 2048 {
		l.allow(clientAddr(i))
	}
	before := heap()
	for i := range 100000 {
		l.allow(clientAddr(1<<20 + i))
	}
	after := heap()
	if n, _ := l.clients(); n != 1024 {
		t.Errorf("tracks %d clients, want the table's 1024", n)
	}
	// 100,000 entries would take megabytes; the table is a fixed size.
	if after > before && after-before > 1<<20 {
		t.Errorf("heap grew %d bytes over 100,000 new addresses", after-before)
	}
	runtime.KeepAlive(l)
}

// TestRateLimitManyAddresses drives the limit through real HTTP from one
// address after another table's worth of others.
func TestRateLimitManyAddresses(t *testing.T) {
	h := newHarness(t)
	var clock syncClock
	clock.set(time.Unix(1e9, 0))
	ts := h.server(Options{RateLimit: 1, RateBurst: 1, RateClients: 128, Now: clock.now})
	for i := range 1000 {
		ts.limiter.allow(clientAddr(i))
	}
	ts.get(t, "/schema/ticks_v1").wantStatus(t, http.StatusOK)
	ts.get(t, "/schema/ticks_v1").wantError(t, http.StatusTooManyRequests, "rate_limited")
	if n, _ := ts.limiter.clients(); n > 128 {
		t.Errorf("tracks %d clients, want at most 128", n)
	}
}
