package gitobj

import (
	"container/list"
	"errors"

	"github.com/go-git/go-git/v5/plumbing"
)

var errTooBigToMap = errors.New("file too large to map")

// cacheKey names a pack entry.
type cacheKey struct {
	p   *pack
	off int64
}

type cached struct {
	key  cacheKey
	typ  plumbing.ObjectType
	data []byte
}

// baseCache keeps the delta bases made most recently, within a byte
// budget. A walk of history reads the versions of a file one after
// another, and each is usually one delta from the last one made.
type baseCache struct {
	budget, used int64
	m            map[cacheKey]*list.Element
	order        list.List // most recently used first
}

func newBaseCache(budget int64) baseCache {
	return baseCache{budget: budget, m: map[cacheKey]*list.Element{}}
}

func (c *baseCache) get(k cacheKey) (*cached, bool) {
	el, ok := c.m[k]
	if !ok {
		return nil, false
	}
	c.order.MoveToFront(el)
	return el.Value.(*cached), true
}

// put keeps data, which no one may change, forgetting the least recently
// used bases to make room. A base larger than a quarter of the budget is
// not kept.
func (c *baseCache) put(k cacheKey, typ plumbing.ObjectType, data []byte) {
	size := int64(len(data)) + 64
	if size > c.budget/4 {
		return
	}
	if _, ok := c.m[k]; ok {
		return
	}
	for c.used+size > c.budget {
		old := c.order.Back()
		e := old.Value.(*cached)
		c.order.Remove(old)
		delete(c.m, e.key)
		c.used -= int64(len(e.data)) + 64
	}
	c.m[k] = c.order.PushFront(&cached{key: k, typ: typ, data: data})
	c.used += size
}
