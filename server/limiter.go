package server

import (
	"hash/maphash"
	"sync"
	"time"
)

// limiterShards is how many independently locked parts the limiter's
// table has, so that clients on other shards do not wait for each other.
const limiterShards = 64

// DefaultRateClients is how many client addresses the rate limit tracks
// at most; past it, the least recently seen address is forgotten.
const DefaultRateClients = 1 << 16

// limiter is a token bucket per client: rate tokens a second, at most
// burst of them, one per request. Its table has a fixed size: each shard
// keeps its clients in least-recently-used order and, when full, reuses
// the slot of the one seen least recently. Every request costs one hash,
// one map look-up and a few pointer moves under its shard's lock, however
// many clients there are.
type limiter struct {
	rate, burst float64
	now         func() time.Time
	seed        maphash.Seed
	shards      [limiterShards]limiterShard
}

// limiterShard is one part of the table: a map from client to slot, and
// the slots in a doubly linked list, most recent first.
type limiterShard struct {
	mu         sync.Mutex
	slots      map[string]int32
	buckets    []bucket
	max        int
	head, tail int32 // -1 when empty
}

// bucket is one client's tokens, and its place in the shard's list.
type bucket struct {
	client     string
	tokens     float64
	last       int64 // unix nanoseconds
	prev, next int32
}

func newLimiter(rate float64, burst, clients int, now func() time.Time) *limiter {
	if burst < 1 {
		burst = max(1, int(rate))
	}
	if clients <= 0 {
		clients = DefaultRateClients
	}
	l := &limiter{rate: rate, burst: float64(burst), now: now, seed: maphash.MakeSeed()}
	per := max(1, (clients+limiterShards-1)/limiterShards)
	for i := range l.shards {
		l.shards[i] = limiterShard{slots: map[string]int32{}, max: per, head: -1, tail: -1}
	}
	return l
}

// allow takes a token from the client's bucket. When there is none it
// returns false and how long until there is one.
func (l *limiter) allow(client string) (bool, time.Duration) {
	now := l.now().UnixNano()
	sh := &l.shards[maphash.String(l.seed, client)%limiterShards]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	b := sh.get(client, l.burst, now)
	b.tokens = min(l.burst, b.tokens+float64(now-b.last)/float64(time.Second)*l.rate)
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / l.rate * float64(time.Second))
}

// get returns the client's bucket, made the most recent; a new client gets
// a full bucket, in a new slot or in the least recently used one.
func (sh *limiterShard) get(client string, burst float64, now int64) *bucket {
	if i, ok := sh.slots[client]; ok {
		sh.unlink(i)
		sh.pushFront(i)
		return &sh.buckets[i]
	}
	var i int32
	if len(sh.buckets) < sh.max {
		i = int32(len(sh.buckets))
		sh.buckets = append(sh.buckets, bucket{})
	} else {
		i = sh.tail
		sh.unlink(i)
		delete(sh.slots, sh.buckets[i].client)
	}
	sh.buckets[i] = bucket{client: client, tokens: burst, last: now}
	sh.slots[client] = i
	sh.pushFront(i)
	return &sh.buckets[i]
}

func (sh *limiterShard) unlink(i int32) {
	b := &sh.buckets[i]
	if b.prev >= 0 {
		sh.buckets[b.prev].next = b.next
	} else {
		sh.head = b.next
	}
	if b.next >= 0 {
		sh.buckets[b.next].prev = b.prev
	} else {
		sh.tail = b.prev
	}
	b.prev, b.next = -1, -1
}

func (sh *limiterShard) pushFront(i int32) {
	b := &sh.buckets[i]
	b.prev, b.next = -1, sh.head
	if sh.head >= 0 {
		sh.buckets[sh.head].prev = i
	}
	sh.head = i
	if sh.tail < 0 {
		sh.tail = i
	}
}

// clients returns how many clients the limiter tracks, and how many it
// may track at most.
func (l *limiter) clients() (n, capacity int) {
	for i := range l.shards {
		sh := &l.shards[i]
		sh.mu.Lock()
		n += len(sh.slots)
		capacity += sh.max
		sh.mu.Unlock()
	}
	return n, capacity
}
