package server

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/schemareg/schemareg/api"
)

// kind names what a cache entry holds; the cache counts hits and misses
// per kind.
type kind uint8

const (
	kindSchema    kind = iota // *rep of a version's bytes; a=id, b=digest
	kindVersions              // *versions; a=id, b=the VersionList's ref
	kindArrow                 // *rep of Arrow IPC bytes; a=id, b=digest
	kindArrowJSON             // *rep of the Arrow schema as JSON; a=id, b=version
	kindDoc                   // *parsedVersion; a=digest
	kindValidator             // *compiledValidator; a=digest, b=its dependencies
	kindCompat                // *rep of a verdict; a=generation, b=from, to, mode, policy
	kindPage                  // *rep of a /schemas page; a=generation, b=after, limit
	kindBundled               // *rep of a version's bundled form; a=digest, b=its pins
	numKinds
)

func (k kind) String() string {
	switch k {
	case kindSchema:
		return "schema"
	case kindVersions:
		return "versions"
	case kindArrow:
		return "arrow"
	case kindArrowJSON:
		return "arrow_json"
	case kindDoc:
		return "document"
	case kindValidator:
		return "validator"
	case kindCompat:
		return "compat"
	case kindPage:
		return "page"
	case kindBundled:
		return "bundled"
	}
	return "unknown"
}

// ckey is a cache key. It is a comparable struct, so a lookup builds no string.
type ckey struct {
	kind kind
	a, b string
}

type centry struct {
	val    any
	size   int64
	stored int64 // unix nanoseconds
	used   atomic.Bool
}

// cache is the read-through cache: a map bounded in bytes, evicting with
// the clock (second chance) algorithm, whose entries expire after a TTL.
// Everything in it is immutable in etcd or scoped by the generation in its
// key, so an entry is never wrong, only old; the TTL is a safety net, and an
// expired entry is still served when etcd cannot be reached
// (stale-if-error). Concurrent misses of one key make one fill.
type cache struct {
	max int64
	ttl time.Duration
	now func() time.Time

	mu    sync.RWMutex
	m     map[ckey]*centry
	bytes int64

	fmu    sync.Mutex
	flight map[ckey]*fill

	hits, misses       [numKinds]atomic.Int64
	evictions, staleOK atomic.Int64
}

type fill struct {
	done chan struct{}
	val  any
	err  error
}

func newCache(maxBytes int64, ttl time.Duration, now func() time.Time) *cache {
	return &cache{max: maxBytes, ttl: ttl, now: now, m: map[ckey]*centry{}, flight: map[ckey]*fill{}}
}

// get returns the entry of k; fresh is false once it is older than the TTL.
func (c *cache) get(k ckey) (val any, fresh, ok bool) {
	c.mu.RLock()
	e := c.m[k]
	c.mu.RUnlock()
	if e == nil {
		return nil, false, false
	}
	if !e.used.Load() {
		e.used.Store(true)
	}
	if c.ttl > 0 && c.now().UnixNano()-e.stored > int64(c.ttl) {
		return e.val, false, true
	}
	return e.val, true, true
}

// put stores v, which weighs size bytes, and evicts what the bound needs.
func (c *cache) put(k ckey, v any, size int64) {
	e := &centry{val: v, size: size, stored: c.now().UnixNano()}
	c.mu.Lock()
	defer c.mu.Unlock()
	if old := c.m[k]; old != nil {
		c.bytes -= old.size
	}
	c.m[k] = e
	c.bytes += size
	if c.bytes > c.max {
		c.evict(k)
	}
}

// evict removes entries not used since the last sweep, down to 90% of the
// bound; keep is the entry just stored. Two sweeps at most: the first may
// only clear the marks.
func (c *cache) evict(keep ckey) {
	target := c.max - c.max/10
	for pass := 0; pass < 2 && c.bytes > target; pass++ {
		for k, e := range c.m {
			if c.bytes <= target {
				return
			}
			if k == keep {
				continue
			}
			if e.used.Load() && pass == 0 {
				e.used.Store(false)
				continue
			}
			delete(c.m, k)
			c.bytes -= e.size
			c.evictions.Add(1)
		}
	}
}

// dropGenerations removes the entries scoped to a generation (pages of
// /schemas, verdicts) of every generation but keep: once keep is served no
// request asks for them, and without this they would stay until the byte
// bound evicted them, the cache growing with every generation published.
func (c *cache) dropGenerations(keep string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for k, e := range c.m {
		if (k.kind == kindPage || k.kind == kindCompat) && k.a != keep {
			delete(c.m, k)
			c.bytes -= e.size
		}
	}
}

// load returns the value of k: from the cache while fresh, else from fill,
// which returns the value and its weight. Concurrent loads of one key share
// one fill. When fill fails and an expired value is at hand, that value is
// returned.
func (c *cache) load(ctx context.Context, k ckey, fn func(ctx context.Context) (any, int64, error)) (any, error) {
	v, fresh, ok := c.get(k)
	if fresh {
		c.hits[k.kind].Add(1)
		return v, nil
	}
	c.misses[k.kind].Add(1)
	nv, err := c.do(ctx, k, fn)
	if err != nil && ok {
		c.staleOK.Add(1)
		return v, nil
	}
	return nv, err
}

func (c *cache) do(ctx context.Context, k ckey, fn func(ctx context.Context) (any, int64, error)) (any, error) {
	c.fmu.Lock()
	if f := c.flight[k]; f != nil {
		c.fmu.Unlock()
		select {
		case <-f.done:
			return f.val, f.err
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	f := &fill{done: make(chan struct{})}
	c.flight[k] = f
	c.fmu.Unlock()
	defer func() {
		c.fmu.Lock()
		delete(c.flight, k)
		c.fmu.Unlock()
		close(f.done)
	}()
	// The fill serves every waiter: it must outlive this caller's request.
	val, size, err := fn(context.WithoutCancel(ctx))
	f.val, f.err = val, err
	if err == nil {
		c.put(k, val, size)
	}
	return val, err
}

// stats returns the cache's figures, for /ready and /metrics.
func (c *cache) stats() api.CacheStats {
	c.mu.RLock()
	st := api.CacheStats{Entries: len(c.m), Bytes: c.bytes, MaxBytes: c.max}
	c.mu.RUnlock()
	for k := range numKinds {
		st.Hits += c.hits[k].Load()
		st.Misses += c.misses[k].Load()
	}
	st.Evictions = c.evictions.Load()
	st.Stale = c.staleOK.Load()
	return st
}
